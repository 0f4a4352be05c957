import Foundation

/// A household of the address frame.
public struct Household: Sendable, Hashable, Codable {
    public var householdID: String
    public var addressLine1: String
    public var addressLine2: String
    public var addressLine3: String
    /// Normalised: uppercase, one space before the inward code (`LS1 4AP`).
    public var postcode: String
    /// Output area code, e.g. `E00056789`.
    public var outputArea: String
    /// Lower layer super output area code, e.g. `E01011234`.
    public var lsoa: String
    /// Local authority code, e.g. `E08000035`.
    public var localAuthority: String

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
