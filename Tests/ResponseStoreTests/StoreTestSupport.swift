import CensusTestSupport
import Foundation
import GRDB
@testable import ResponseStore

/// A submission with defaults for what a test does not care about.
func submission(_ household: String, kind: ResponseKind = .submitted, channel: Channel? = nil,
                at seconds: Double = 1_700_000_000, key: String? = nil, completeness: Double = 0.1,
                schema: String = "sha256:test", body: String = "{}") -> Submission {
    Submission(householdID: household, kind: kind, channel: channel ?? (kind == .paper ? .paper : .online),
               receivedAt: Date(timeIntervalSince1970: seconds), schemaHash: schema,
               idempotencyKey: key ?? UUID().uuidString, completeness: completeness, body: Data(body.utf8))
}

/// Synchronous SQL helpers (GRDB picks async overloads inside async tests).
func executeSQL(_ path: String, _ sql: String) throws {
    let db = try DatabaseQueue(path: path)
    defer { try? db.close() }
    try db.write { try $0.execute(sql: sql) }
}

func fetchInt(_ path: String, _ sql: String) throws -> Int? {
    let db = try DatabaseQueue(path: path)
    defer { try? db.close() }
    return try db.read { try Int.fetchOne($0, sql: sql) }
}

/// The `census-bench` executable built next to the test bundle (the crash and traced tests).
func benchExecutable() throws -> URL { try builtExecutable("census-bench") }
