import CollectionServer
import FieldOperations
import Foundation
import GRDB
import HummingbirdTesting
import ResponseStore
import XCTest

/// A keyed save's version carries its keyer, and the `keyed` record that a power loss took from
/// the audit log's tail (committed without an fsync of its own, backed by the version) is
/// restored from the store when the server next starts, once.
final class KeyingAuditReconcileTests: StaffServerTestCase {
    /// Removes the log's records from `sequence` on, as a power loss removes the WAL's unsynced
    /// tail: the chain left is intact, only shorter.
    private func loseTail(from sequence: Int64) throws {
        let queue = try DatabaseQueue(path: fixture.directory.appendingPathComponent(AuditLog.fileName).path)
        defer { try? queue.close() }
        try queue.write { db in
            try db.execute(sql: """
                DROP TRIGGER audit_record_no_delete;
                DELETE FROM audit_record WHERE seq >= ?;
                CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record
                  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """, arguments: [sequence])
        }
    }

    func testAKeyedSaveStoresItsKeyerAndItsLostRecordIsRestoredAtTheNextStartOnce() async throws {
        let (fixture, staff) = (fixture!, staff!)
        let household = fixture.households[1].householdID
        let form = "/staff/keying/\(household)/form?residents=3&visitors=0"
        try await fixture.withServer(signedIn: staff.field) { keyer, server in
            let page = try await keyer.get(form)
            let saved = try await keyer.post(form, KeyingPagesTests.threePeople() + [("key", Page.capture(#"name="key" value="([^"]*)""#, in: page.body) ?? "")])
            XCTAssertEqual(saved.status, .ok, saved.mainText)
            let keyed = try server.collector.store.keyedVersions(receivedSince: .distantPast)
            XCTAssertEqual(keyed.map(\.recordedBy), ["field"])
            XCTAssertEqual(keyed.first?.storedKey, household)
            XCTAssertTrue(keyed.first?.idempotencyKey.hasPrefix("keying-") ?? false)
        }
        var log = try fixture.auditLog()
        let original = try XCTUnwrap(try log.records(subject: household).first { $0.action == "keyed" })
        let countBefore = try log.verify().count
        log.close()
        XCTAssertEqual(original.sequence, Int64(countBefore), "the keyed record is the log's last")
        let store = try ResponseStore.openForReading(at: fixture.directory)
        let version = try XCTUnwrap(try store.versions(of: household).first)
        store.close()

        try loseTail(from: original.sequence)
        try await fixture.withServer { _, server in
            XCTAssertNil(server.staffUnavailableReason)
        }
        log = try fixture.auditLog()
        let restored = try log.records(subject: household).filter { $0.action == "keyed" }
        XCTAssertEqual(restored.count, 1)
        XCTAssertEqual(restored.first?.actor, "field")
        XCTAssertEqual(restored.first?.sequence, original.sequence)
        let detail = restored.first?.detail ?? ""
        XCTAssertTrue(detail.hasPrefix(AuditLog.keyedDetail(saveKey: version.idempotencyKey, facts: "reconciled from the store at start-up")), detail)
        XCTAssertTrue(detail.contains("receipt \(version.receiptID)"), detail)
        XCTAssertTrue(try log.verify().isIntact)
        log.close()

        // Started again: nothing more.
        try await fixture.withServer { _, _ in }
        log = try fixture.auditLog()
        defer { log.close() }
        XCTAssertEqual(try log.verify().count, countBefore)
        XCTAssertTrue(try log.verify().isIntact)
    }
}
