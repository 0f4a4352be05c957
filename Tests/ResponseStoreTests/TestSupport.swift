import Foundation
import GRDB
import XCTest
@testable import ResponseStore

/// A fresh temporary directory, removed at the end of the test.
func makeTempDirectory(_ test: XCTestCase, _ name: String = #function) throws -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("census-store-tests-\(safe)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// The package root, from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func submission(_ household: String, kind: ResponseKind = .submitted, channel: Channel? = nil,
                at seconds: Double = 1_700_000_000, key: String? = nil, completeness: Double = 10,
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
