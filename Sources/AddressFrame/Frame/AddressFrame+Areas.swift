import Foundation
import GRDB

/// Where a household is: its output area, LSOA and local authority (GSS codes).
public struct HouseholdArea: Sendable, Hashable {
    /// The output area's GSS code (`E00056789`): the smallest census output geography.
    public var outputArea: String
    /// The lower layer super output area's GSS code (`E01011234`).
    public var lsoa: String
    /// The local authority's GSS code (`E08000035`).
    public var localAuthority: String

    /// Makes an area from its three GSS codes.
    public init(outputArea: String, lsoa: String, localAuthority: String) {
        self.outputArea = outputArea
        self.lsoa = lsoa
        self.localAuthority = localAuthority
    }
}

/// The number of households of the frame in one LSOA.
public struct LSOAHouseholds: Sendable, Hashable {
    /// The LSOA's GSS code.
    public var lsoa: String
    /// The GSS code of the local authority the LSOA lies in.
    public var localAuthority: String
    /// How many households of the frame are in the LSOA: the denominator of its return rate.
    public var households: Int
}

extension AddressFrame {
    /// The areas of many households at once (one read transaction): batch jobs look up the
    /// households of a shard a few hundred at a time. Households not in the frame are absent
    /// from the result.
    ///
    /// - Throws: GRDB's `DatabaseError` when the frame cannot be read.
    public func areas(of householdIDs: [String]) throws -> [String: HouseholdArea] {
        try queue.read { db in
            let statement = try db.cachedStatement(sql: "SELECT output_area, lsoa, local_authority FROM household WHERE household_id = ?")
            var out: [String: HouseholdArea] = [:]
            out.reserveCapacity(householdIDs.count)
            for id in householdIDs {
                if let row = try Row.fetchOne(statement, arguments: [id]) {
                    out[id] = HouseholdArea(outputArea: row[0], lsoa: row[1], localAuthority: row[2])
                }
            }
            return out
        }
    }

    /// Households per LSOA (with the LSOA's local authority), sorted by local authority, then
    /// LSOA: the denominators of return rates.
    ///
    /// - Throws: GRDB's `DatabaseError` when the frame cannot be read.
    public func householdsByLSOA() throws -> [LSOAHouseholds] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT lsoa, local_authority, count(*) FROM household
                GROUP BY local_authority, lsoa ORDER BY local_authority, lsoa
                """).map { LSOAHouseholds(lsoa: $0[0], localAuthority: $0[1], households: $0[2]) }
        }
    }
}
