import AddressFrame
import DurableFiles
import Foundation

/// Generates a realistic synthetic address frame.
///
/// Households are spread over several local authorities in proportion to
/// their size, and nested the way the real geography is: about 125
/// households to an output area (OA), five OAs to a lower layer super output
/// area (LSOA), and about 15 households to a postcode, each postcode on one
/// street. Around a fifth of households are flats (`Flat 3` on line 1, the
/// building on line 2, sometimes with a comma in the name). Identifiers are
/// `H` and nine digits.
///
/// ```swift
/// let households = FrameGenerator(households: 10_000, seed: 42).generate()
/// ```
public struct FrameGenerator: Sendable {
    /// How many households to generate.
    public var households: Int
    /// The seed; the same seed and count give the same frame.
    public var seed: UInt64

    /// A generator of `households` households drawn from `seed`.
    public init(households: Int, seed: UInt64) {
        self.households = households
        self.seed = seed
    }

    /// A local authority of the synthetic frame.
    public struct Authority: Sendable {
        /// The local authority's GSS code (`E08000035`).
        public var code: String
        /// Its name (`Leeds`).
        public var name: String
        /// The town written on its addresses.
        public var town: String
        /// The postcode area its postcodes start with (`LS`).
        public var postcodeArea: String
        /// Its relative share of the frame's households.
        public var weight: Int
    }

    /// The local authorities used, with relative sizes.
    public static let authorities: [Authority] = [
        Authority(code: "E08000035", name: "Leeds", town: "Leeds", postcodeArea: "LS", weight: 34),
        Authority(code: "E08000003", name: "Manchester", town: "Manchester", postcodeArea: "M", weight: 24),
        Authority(code: "E06000023", name: "Bristol, City of", town: "Bristol", postcodeArea: "BS", weight: 20),
        Authority(code: "E09000007", name: "Camden", town: "London", postcodeArea: "NW", weight: 10),
        Authority(code: "W06000015", name: "Cardiff", town: "Cardiff", postcodeArea: "CF", weight: 15),
        Authority(code: "E06000018", name: "Nottingham", town: "Nottingham", postcodeArea: "NG", weight: 13),
        Authority(code: "E07000178", name: "Oxford", town: "Oxford", postcodeArea: "OX", weight: 6),
        Authority(code: "E07000008", name: "Cambridge", town: "Cambridge", postcodeArea: "CB", weight: 6),
    ]

    static let streetNames = ["Acacia", "Albert", "Alexandra", "Beech", "Birch", "Bridge", "Castle", "Cedar", "Chapel",
                              "Church", "Clarence", "Coronation", "Elm", "Fern", "Forest", "George", "Glebe", "Grange",
                              "Green", "Grove", "Hawthorn", "Highfield", "Hill", "Holly", "Ivy", "Jubilee", "King",
                              "Laburnum", "Lime", "Manor", "Maple", "Marlborough", "Meadow", "Mill", "Moor", "Nelson",
                              "New", "North", "Oak", "Orchard", "Park", "Poplar", "Priory", "Queen", "Railway",
                              "Rectory", "Richmond", "Rose", "St John's", "St Mary's", "School", "Springfield",
                              "Station", "Victoria", "Water", "Wellington", "West", "Willow", "Windsor", "York"]
    static let streetTypes = ["Road", "Street", "Lane", "Avenue", "Close", "Drive", "Grove", "Terrace", "Way", "Crescent", "Gardens", "Place"]
    static let buildingNames = ["Court", "House", "Mansions", "Lodge", "Point", "Heights"]
    static let inwardLetters = Array("ABDEFGHJLNPQRSTUWXYZ")

    /// Generates the households, sorted by id.
    public func generate() -> [Household] {
        var result: [Household] = []
        result.reserveCapacity(households)
        forEach { result.append($0) }
        return result
    }

    /// Calls `body` with each household in turn, sorted by id (the households of
    /// ``generate()``, without holding them all in memory).
    public func forEach(_ body: (Household) throws -> Void) rethrows {
        var rng = SeededRandom(seed: seed &+ SeededRandom.gamma)  // the stream frames have always had for a seed
        var emitted = 0
        let total = FrameGenerator.authorities.reduce(0) { $0 + $1.weight }
        var oaSerial = 0
        var lsoaSerial = 0
        var next = 1
        for (ai, la) in FrameGenerator.authorities.enumerated() {
            var quota = households * la.weight / total
            if ai == FrameGenerator.authorities.count - 1 { quota = households - emitted }
            let country = la.code.first!
            var district = 1
            var remaining = quota
            while remaining > 0 {
                // An LSOA of five OAs.
                lsoaSerial += 1
                let lsoa = "\(country)01" + FrameGenerator.pad(lsoaSerial, 6)
                for _ in 0..<5 where remaining > 0 {
                    oaSerial += 1
                    let oa = "\(country)00" + FrameGenerator.pad(oaSerial, 6)
                    var oaSize = Int.random(in: 100...150, using: &rng)
                    oaSize = min(oaSize, remaining)
                    var inOA = 0
                    while inOA < oaSize {
                        // A postcode on one street.
                        let pcSize = min(Int.random(in: 8...22, using: &rng), oaSize - inOA)
                        let L = FrameGenerator.inwardLetters
                        let postcode = "\(la.postcodeArea)\(district) \(Int.random(in: 0...9, using: &rng))"
                            + "\(L.randomElement(using: &rng)!)\(L.randomElement(using: &rng)!)"
                        if Int.random(in: 0..<40, using: &rng) == 0 { district = district % 29 + 1 }
                        let street = "\(FrameGenerator.streetNames.randomElement(using: &rng)!) \(FrameGenerator.streetTypes.randomElement(using: &rng)!)"
                        var number = Int.random(in: 1...60, using: &rng)
                        let flats = Int.random(in: 0..<5, using: &rng) == 0
                        let building = flats ? "\(FrameGenerator.streetNames.randomElement(using: &rng)!) \(FrameGenerator.buildingNames.randomElement(using: &rng)!)" : ""
                        for k in 0..<pcSize {
                            let id = "H" + FrameGenerator.pad(next, 9)
                            next += 1
                            let line1: String, line2: String
                            if flats {
                                line1 = "Flat \(k + 1)"
                                line2 = k % 7 == 3 ? "\(building), \(number) \(street)" : "\(number) \(street)"
                            } else {
                                line1 = "\(number) \(street)"
                                line2 = ""
                                number += Int.random(in: 1...2, using: &rng)
                            }
                            try body(Household(householdID: id, addressLine1: line1, addressLine2: line2,
                                               addressLine3: la.town, postcode: postcode, outputArea: oa,
                                               lsoa: lsoa, localAuthority: la.code))
                            emitted += 1
                        }
                        inOA += pcSize
                    }
                    remaining -= oaSize
                }
            }
        }
    }

    /// The frame as CSV, header first.
    public static func csv(_ households: [Household]) -> Data {
        var text = CSV.line(Household.csvHeader)
        text.reserveCapacity(households.count * 90)
        for h in households { text += CSV.line(h.csvFields) }
        return Data(text.utf8)
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

extension AddressFrame {
    /// Inserts generated households (already valid) in one transaction.
    public func insertGenerated(_ households: [Household]) throws {
        try insert(households)
    }
}
