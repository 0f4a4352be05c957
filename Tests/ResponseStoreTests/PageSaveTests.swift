import CensusTestSupport
import Foundation
import GRDB
import XCTest
@testable import ResponseStore

/// Page saves (the online questionnaire's deltas) and bringing an older store up to them.
final class PageSaveTests: XCTestCase {
    func testPageSavesAreNumberedPerHouseholdAndAConflictStoresNothing() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 2)
        defer { store.close() }
        XCTAssertTrue(store.supportsPageSaves)
        let now = Date(timeIntervalSince1970: 1_700_000_000.7)
        try await store.savePage(PageSave(householdID: "H1", sequence: 1, savedAt: now, completeness: 0.25, body: Data(#"{"h":{"a":1}}"#.utf8)))
        try await store.savePage(PageSave(householdID: "H1", sequence: 2, savedAt: now, completeness: 0.123456, body: Data(#"{"h":{"b":2}}"#.utf8)))
        try await store.savePage(PageSave(householdID: "H2", sequence: 1, savedAt: now, completeness: 2, body: Data("{}".utf8)))
        do {
            try await store.savePage(PageSave(householdID: "H1", sequence: 2, savedAt: now, completeness: 0.5, body: Data("{}".utf8)))
            XCTFail("a second save 2 of H1 must be refused")
        } catch {
            XCTAssertEqual(error, .pageSaveConflict(householdID: "H1", sequence: 2))
        }
        let saves = try store.pageSaves(of: "H1")
        XCTAssertEqual(saves.map(\.sequence), [1, 2])
        XCTAssertEqual(saves[1].body, Data(#"{"h":{"b":2}}"#.utf8), "the conflicting save stored nothing")
        XCTAssertEqual(saves[1].completeness, 0.1235, "stored to 1/10,000")
        XCTAssertEqual(saves[0].savedAt.timeIntervalSince1970, 1_700_000_000, "stored to the second")
        XCTAssertEqual(try store.pageSaves(of: "H1", after: 1).map(\.sequence), [2])
        XCTAssertEqual(try store.pageSaves(of: "H2").first?.completeness, 1, "clamped to 0…1")
        XCTAssertEqual(try store.pageSaves(of: "H3"), [])
        do {
            try await store.savePage(PageSave(householdID: "H1", sequence: 0, savedAt: now, completeness: 0, body: Data()))
            XCTFail("sequence 0 must be refused")
        } catch {
            guard case .invalidSubmission = error else { return XCTFail("\(error)") }
        }
        // Submissions and page saves share one writer and one commit.
        async let receipt = store.submit(submission("H1"))
        async let save: Void = store.savePage(PageSave(householdID: "H1", sequence: 3, savedAt: now, completeness: 1, body: Data("{}".utf8)))
        _ = try await (receipt, save)
        XCTAssertEqual(try store.versions(of: "H1").count, 1)
        XCTAssertEqual(try store.pageSaves(of: "H1").count, 3)
    }

    /// The one read the online pages make per request: the last online submission (not a
    /// paper return, not a partial) and the page saves after a number.
    func testOnlineProgressReadsTheOnlineSubmissionAndTheSavesAfterANumber() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 2)
        defer { store.close() }
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        for n in 1...3 {
            try await store.savePage(PageSave(householdID: "H1", sequence: Int64(n), savedAt: now, completeness: 0.5, body: Data("{\"v\":\"\(n)\"}".utf8)))
        }
        var progress = try store.onlineProgress(of: "H1", after: 1)
        XCTAssertNil(progress.submission)
        XCTAssertEqual(progress.saves.map(\.sequence), [2, 3])
        XCTAssertEqual(progress.saves, try store.pageSaves(of: "H1", after: 1))
        _ = try await store.submit(submission("H1", kind: .partial))
        _ = try await store.submit(submission("H1", kind: .paper))
        XCTAssertNil(try store.onlineProgress(of: "H1", after: 3).submission, "a partial or a paper return is no online submission")
        let first = try await store.submit(submission("H1", kind: .submitted, key: "first"))
        let second = try await store.submit(submission("H1", kind: .submitted, key: "second"))
        progress = try store.onlineProgress(of: "H1", after: 3)
        XCTAssertEqual(progress.saves, [])
        XCTAssertEqual(progress.submission?.receiptID, second.receiptID, "the last one")
        XCTAssertNotEqual(first.receiptID, second.receiptID)
        XCTAssertEqual(progress.submission, try store.versions(of: "H1").last { $0.kind == .submitted && $0.channel == .online })
        XCTAssertNil(try store.onlineProgress(of: "H2", after: 0).submission)
    }

    /// Turns a new store into one made before page saves (shard schema v1) for the upgrade tests.
    private func makeVersionOneStore(_ dir: URL) throws {
        try makeOlderStore(dir, version: "v1-response-versions", undo: """
            ALTER TABLE response_version DROP COLUMN recorded_by;
            DROP TABLE page_save;
            DELETE FROM grdb_migrations WHERE identifier IN ('v2-page-saves', 'v3-recorded-by');
            """)
    }

    func testAnOlderStoreWorksAsBeforeAndIsUpgradedInPlace() async throws {
        let dir = try makeTempDirectory(self)
        try makeVersionOneStore(dir)
        var store = try ResponseStore.open(at: dir)
        XCTAssertFalse(store.supportsPageSaves)
        XCTAssertEqual(store.shardStatus.filter { !$0.isAvailable }.count, 0)
        _ = try await store.submit(submission("H1"))
        do {
            try await store.savePage(PageSave(householdID: "H1", sequence: 1, savedAt: Date(), completeness: 0, body: Data()))
            XCTFail("page saves need the upgrade")
        } catch {
            guard case .upgradeRequired = error else { return XCTFail("\(error)") }
            XCTAssertTrue(error.description.contains("census store upgrade --dir"), error.description)
        }
        store.close()

        let result = try ResponseStore.upgrade(at: dir)
        XCTAssertEqual(result.applied, ["v2-page-saves", "v3-recorded-by"])
        XCTAssertEqual(try ResponseStore.upgrade(at: dir).applied, [], "idempotent")
        store = try ResponseStore.open(at: dir)
        XCTAssertTrue(store.supportsPageSaves)
        try await store.savePage(PageSave(householdID: "H1", sequence: 1, savedAt: Date(), completeness: 0, body: Data("{}".utf8)))
        XCTAssertEqual(try store.versions(of: "H1").count, 1, "the versions stored before are kept")
        store.close()
    }

    func testAnInterruptedUpgradeIsReportedAndFinishedByRunningItAgain() throws {
        let dir = try makeTempDirectory(self)
        try makeVersionOneStore(dir)
        // The shards were migrated, the manifest was not (the process died in between).
        let manifest = try StoreManifest.read(from: dir)
        for file in manifest.shardFiles {
            let pool = try DatabasePool(path: dir.appendingPathComponent(file).path)
            try ShardSchema.migrator.migrate(pool)
            try pool.close()
        }
        let store = try ResponseStore.open(at: dir)
        let error = try XCTUnwrap(store.shardStatus.first?.error)
        XCTAssertTrue(error.description.contains("an upgrade was interrupted"), error.description)
        store.close()
        XCTAssertEqual(try ResponseStore.upgrade(at: dir).applied, ["v2-page-saves", "v3-recorded-by"])
        let reopened = try ResponseStore.open(at: dir)
        XCTAssertTrue(reopened.shardStatus.allSatisfy(\.isAvailable))
        reopened.close()
    }
}
