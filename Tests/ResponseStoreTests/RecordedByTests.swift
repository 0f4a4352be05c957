import CensusTestSupport
import Foundation
import GRDB
@testable import ResponseStore
import XCTest

/// A keyed version carries its keyer (`response_version.recorded_by`, shard schema
/// `v3-recorded-by`), read back newest first for the audit log's reconciliation; an older store
/// refuses a keyer until it is upgraded, and keeps its versions through the upgrade.
final class RecordedByTests: XCTestCase {
    private func keyed(_ household: String, by keyer: String?, at seconds: Double, key: String) -> Submission {
        var s = submission(household, kind: .paper, at: seconds, key: key)
        s.recordedBy = keyer
        return s
    }

    /// The shard's own column, as SQLite holds it.
    private func storedKeyers(_ dir: URL, _ store: ResponseStore) throws -> [String: String?] {
        var found: [String: String?] = [:]
        for file in store.manifest.shardFiles {
            let queue = try DatabaseQueue(path: dir.appendingPathComponent(file).path)
            defer { try? queue.close() }
            try queue.read { db in
                for row in try Row.fetchAll(db, sql: "SELECT idempotency_key, recorded_by FROM response_version") {
                    found[row[0] as String] = row[1] as String?
                }
            }
        }
        return found
    }

    func testAKeyedVersionStoresItsKeyerInItsOwnRowAndIsFoundNewestFirst() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 2)
        XCTAssertTrue(store.supportsRecordedBy)
        let now = Date().timeIntervalSince1970
        let first = try await store.submit(keyed("H1", by: "ada", at: now - 30, key: "keying-one"))
        _ = try await store.submit(keyed("H2", by: nil, at: now - 20, key: "online-two"))
        let third = try await store.submit(keyed("H3", by: "bob", at: now - 10, key: "keying-three"))
        // Stored with an old time after the keyed ones (an import): it does not hide them.
        _ = try await store.submit(keyed("H4", by: nil, at: now - 86_400, key: "import-four"))
        store.close()

        let reader = try ResponseStore.openForReading(at: dir)
        defer { reader.close() }
        XCTAssertEqual(try storedKeyers(dir, reader), ["keying-one": "ada", "online-two": nil, "keying-three": "bob", "import-four": nil])
        let recent = try reader.keyedVersions(receivedSince: Date(timeIntervalSince1970: now - 60))
        XCTAssertEqual(Set(recent.map(\.idempotencyKey)), ["keying-one", "keying-three"])
        let one = try XCTUnwrap(recent.first { $0.idempotencyKey == "keying-one" })
        XCTAssertEqual(one.recordedBy, "ada")
        XCTAssertEqual(one.storedKey, "H1")
        XCTAssertEqual(one.receiptID, first.receiptID)
        XCTAssertEqual(one.receivedAt.timeIntervalSince1970, now - 30, accuracy: 0.001)
        XCTAssertEqual(recent.first { $0.idempotencyKey == "keying-three" }?.receiptID, third.receiptID)
        // Only what was received at or after the time asked.
        XCTAssertEqual(try reader.keyedVersions(receivedSince: Date(timeIntervalSince1970: now - 15)).map(\.idempotencyKey), ["keying-three"])
    }

    func testAnEmptyOrOversizedKeyerIsRefusedAndNothingStored() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 1)
        defer { store.close() }
        for keyer in ["", String(repeating: "k", count: StoreOptions.maximumFieldBytes + 1)] {
            do {
                _ = try await store.submit(keyed("H1", by: keyer, at: 1_700_000_000, key: "keying-\(keyer.count)"))
                XCTFail("a keyer of \(keyer.utf8.count) bytes was taken")
            } catch {
                guard case .invalidSubmission(let reason) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(reason.contains("recorded by"), reason)
            }
        }
        XCTAssertEqual(try store.versions(of: "H1").count, 0)
    }

    /// Turns a new store into one made before keyers were recorded (shard schema v2).
    private func makeVersionTwoStore(_ dir: URL) throws {
        try makeOlderStore(dir, version: "v2-page-saves", undo: """
            ALTER TABLE response_version DROP COLUMN recorded_by;
            DELETE FROM grdb_migrations WHERE identifier = 'v3-recorded-by';
            """)
    }

    func testAStoreBeforeKeyersTakesOtherVersionsRefusesAKeyerAndIsUpgradedKeepingItsData() async throws {
        let dir = try makeTempDirectory(self)
        try makeVersionTwoStore(dir)
        var store = try ResponseStore.open(at: dir)
        XCTAssertTrue(store.supportsPageSaves)
        XCTAssertFalse(store.supportsRecordedBy)
        XCTAssertTrue(store.shardStatus.allSatisfy(\.isAvailable))
        let before = try await store.submit(keyed("H1", by: nil, at: 1_700_000_000, key: "online-1"))
        try await store.savePage(PageSave(householdID: "H2", sequence: 1, savedAt: Date(), completeness: 0, body: Data("{}".utf8)))
        do {
            _ = try await store.submit(keyed("H3", by: "ada", at: 1_700_000_001, key: "keying-3"))
            XCTFail("a keyer needs the upgrade")
        } catch {
            guard case .upgradeRequired = error else { return XCTFail("\(error)") }
            XCTAssertTrue(error.description.contains("census store upgrade --dir"), error.description)
        }
        XCTAssertEqual(try store.versions(of: "H3").count, 0, "nothing stored")
        XCTAssertEqual(try store.keyedVersions(receivedSince: .distantPast), [])
        store.close()

        let result = try ResponseStore.upgrade(at: dir)
        XCTAssertEqual(result.from, "v2-page-saves")
        XCTAssertEqual(result.applied, ["v3-recorded-by"])
        XCTAssertEqual(try ResponseStore.upgrade(at: dir).applied, [], "idempotent")
        store = try ResponseStore.open(at: dir)
        defer { store.close() }
        XCTAssertTrue(store.supportsRecordedBy)
        XCTAssertEqual(try store.versions(of: "H1").map(\.receiptID), [before.receiptID], "the versions stored before are kept")
        XCTAssertEqual(try store.onlineProgress(of: "H2", after: 0).saves.count, 1, "and the page saves")
        _ = try await store.submit(keyed("H3", by: "ada", at: 1_700_000_002, key: "keying-3"))
        XCTAssertEqual(try store.keyedVersions(receivedSince: Date(timeIntervalSince1970: 1_699_999_000)).map(\.recordedBy), ["ada"])
    }
}
