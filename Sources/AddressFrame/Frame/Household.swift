import Foundation

/// A household of the address frame.
public struct Household: Sendable, Hashable, Codable {
    /// The household's id: 1–32 ASCII letters, digits, `-` or `_` (`H000123`); unique in the
    /// frame, and what decides its shard in the response store.
    public var householdID: String
    /// The first line of the address (`12 Park Road`), at most 200 characters.
    public var addressLine1: String
    /// The second line, or empty.
    public var addressLine2: String
    /// The third line (usually the town), or empty.
    public var addressLine3: String
    /// Normalised: uppercase, one space before the inward code (`LS1 4AP`).
    public var postcode: String
    /// Output area code, e.g. `E00056789`.
    public var outputArea: String
    /// Lower layer super output area code, e.g. `E01011234`.
    public var lsoa: String
    /// Local authority code, e.g. `E08000035`.
    public var localAuthority: String

    /// Makes a household as given; ``AddressFrame`` validates and normalises on import.
    public init(householdID: String, addressLine1: String, addressLine2: String = "", addressLine3: String = "",
                postcode: String, outputArea: String, lsoa: String, localAuthority: String) {
        self.householdID = householdID
        self.addressLine1 = addressLine1
        self.addressLine2 = addressLine2
        self.addressLine3 = addressLine3
        self.postcode = postcode
        self.outputArea = outputArea
        self.lsoa = lsoa
        self.localAuthority = localAuthority
    }

    /// The CSV columns of a frame file, in order.
    public static let csvHeader = ["household_id", "address_line_1", "address_line_2", "address_line_3",
                                   "postcode", "output_area", "lsoa", "local_authority"]

    package var csvFields: [String] {
        [householdID, addressLine1, addressLine2, addressLine3, postcode, outputArea, lsoa, localAuthority]
    }
}
