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

/// Makes a new two-shard store at `dir` and turns it into one made at the older shard schema
/// `version` (for the upgrade tests): `undo`, SQL that removes what the later migrations
/// added, is run on each shard, and the manifest names `version` with its hash.
func makeOlderStore(_ dir: URL, version: String, undo: String) throws {
    try ResponseStore.create(at: dir, shardCount: 2).close()
    var manifest = try StoreManifest.read(from: dir)
    for file in manifest.shardFiles {
        try executeSQL(dir.appendingPathComponent(file).path, undo)
    }
    manifest.shardSchemaVersion = version
    manifest.shardSchemaHash = ShardSchema.hash(upTo: version)!
    try manifest.write(to: dir)
}

/// The `census-bench` executable built next to the test bundle (the crash and traced tests).
func benchExecutable() throws -> URL { try builtExecutable("census-bench") }
