import Foundation
import GRDB
import GRDBSQLite

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
    /// households of a shard a few hundred at a time. The result holds the area of
    /// `householdIDs[i]` at `i`, `nil` for a household not in the frame (an array, not a
    /// dictionary: hashing every id twice, to store and to find it, was a cost per household).
    ///
    /// - Throws: GRDB's `DatabaseError` when the frame cannot be read.
    public func areas(of householdIDs: [String]) throws -> [HouseholdArea?] {
        try queue.read { db in
            // SQLite's own calls on one statement: a GRDB cursor and row per household (the
            // aggregator looks up every household it reads) cost more than the lookup. (Walking
            // the frame's rows in id order instead of one search per household was measured
            // side by side at 1,000,000 households and saved nothing: BENCHMARKS.md, stop 23 W2.)
            let statement = try db.cachedStatement(sql: "SELECT output_area, lsoa, local_authority FROM household WHERE household_id = ?")
            let s = statement.sqliteStatement
            defer { sqlite3_reset(s) }
            func text(_ i: Int32) -> String {
                String(decoding: UnsafeRawBufferPointer(start: sqlite3_column_text(s, i), count: Int(sqlite3_column_bytes(s, i))), as: UTF8.self)
            }
            var out = [HouseholdArea?](repeating: nil, count: householdIDs.count)
            for (i, id) in householdIDs.enumerated() {
                sqlite3_reset(s)
                // SQLITE_TRANSIENT: SQLite copies the id (the C macro is not imported).
                let bound = sqlite3_bind_text(s, 1, id, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
                guard bound == SQLITE_OK else { throw Self.failure(bound, db) }
                let code = sqlite3_step(s)
                if code == SQLITE_DONE { continue }
                guard code == SQLITE_ROW else { throw Self.failure(code, db) }
                out[i] = HouseholdArea(outputArea: text(0), lsoa: text(1), localAuthority: text(2))
            }
            return out
        }
    }

    /// Households per LSOA (with the LSOA's local authority), sorted by local authority, then
    /// LSOA (by their UTF-8 bytes, as SQLite's `BINARY` collation sorts): the denominators of
    /// return rates.
    ///
    /// One scan of the table in its stored (household id) order, counting runs of households
    /// with the same LSOA and authority: a frame's households of one area are mostly
    /// neighbours in id order, so there is about one dictionary update per run, not per
    /// household, and nothing is sorted but the areas. What it replaces, `GROUP BY
    /// local_authority, lsoa`, walked the authority index, looked every household up by its
    /// id and sorted a million rows through temporary files: 0.6 s of the aggregator's fixed
    /// cost at 1,000,000 households, measured in BENCHMARKS.md (Aggregation) against this scan.
    /// Any order of the rows gives the same result (a run that breaks just updates its count).
    ///
    /// - Throws: GRDB's `DatabaseError` when the frame cannot be read.
    public func householdsByLSOA() throws -> [LSOAHouseholds] {
        try queue.read { db in
            // SQLite's own calls: a GRDB row per household (two `Data` values) took longer than
            // the scan itself.
            let statement = try db.makeStatement(sql: "SELECT lsoa, local_authority FROM household NOT INDEXED")
            let s = statement.sqliteStatement
            var counts: [AreaPair: Int] = [:]
            var run = AreaPair(lsoa: [], authority: [])
            var length = 0
            while true {
                let code = sqlite3_step(s)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                let lsoa = UnsafeRawBufferPointer(start: sqlite3_column_text(s, 0), count: Int(sqlite3_column_bytes(s, 0)))
                let authority = UnsafeRawBufferPointer(start: sqlite3_column_text(s, 1), count: Int(sqlite3_column_bytes(s, 1)))
                if length > 0, run.lsoa.elementsEqual(lsoa), run.authority.elementsEqual(authority) {
                    length += 1
                    continue
                }
                if length > 0 { counts[run, default: 0] += length }
                run = AreaPair(lsoa: Array(lsoa), authority: Array(authority))
                length = 1
            }
            if length > 0 { counts[run, default: 0] += length }
            return counts.sorted { a, b in
                a.key.authority == b.key.authority ? a.key.lsoa.lexicographicallyPrecedes(b.key.lsoa)
                    : a.key.authority.lexicographicallyPrecedes(b.key.authority)
            }.map {
                LSOAHouseholds(lsoa: String(decoding: $0.key.lsoa, as: UTF8.self),
                               localAuthority: String(decoding: $0.key.authority, as: UTF8.self), households: $0.value)
            }
        }
    }
}

extension AddressFrame {
    /// A failed SQLite call, as GRDB reports it.
    fileprivate static func failure(_ code: Int32, _ db: Database) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }
}

/// An LSOA and its authority as the frame stores them (UTF-8 bytes), while counting.
private struct AreaPair: Hashable {
    var lsoa: [UInt8]
    var authority: [UInt8]
}
