import CensusTestSupport
import DurableFiles
@testable import FieldOperations
import Foundation
import GRDB
import XCTest

/// The audit log's two durabilities: a group commit whose records are all backed by their
/// actions' own fsynced writes commits with `synchronous = NORMAL`, any batch holding an
/// unbacked record with `FULL`; and the reconciliation that restores, from the store's keyed
/// versions, the records a power loss took from the log's tail.
final class AuditLazyCommitTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = try makeTempDirectory(self, name)
    }

    var url: URL { directory.appendingPathComponent(AuditLog.fileName) }

    /// What SQLite says is in force on the log's one writer connection.
    private func inForce(_ log: AuditLog) throws -> SQLiteSynchronous? { try SQLiteSynchronous.current(on: log.queue) }

    func testBackedRecordsCommitWithoutAnFsyncAndAnyOtherRecordWithOne() async throws {
        let log = try AuditLog.open(at: url)
        defer { log.close() }
        XCTAssertEqual(try inForce(log), .full, "FULL from the open")

        _ = try await log.beginGrouped(actor: "ada", action: .keyed, subject: "H1", detail: "backed", backedByWrite: true).committed()
        XCTAssertEqual(log.commitTally, AuditCommitTally(durableCommits: 0, durableRecords: 0, lazyCommits: 1, lazyRecords: 1))
        XCTAssertEqual(try inForce(log), .normal)

        try await log.appendGrouped(actor: "ada", action: .signedOut, subject: "ada")
        XCTAssertEqual(log.commitTally, AuditCommitTally(durableCommits: 1, durableRecords: 1, lazyCommits: 1, lazyRecords: 1))
        XCTAssertEqual(try inForce(log), .full)

        // A lazy batch, then the one-record append (CLI, tests): FULL again whatever came before.
        _ = try await log.beginGrouped(actor: "bob", action: .keyed, subject: "H2", detail: "backed", backedByWrite: true).committed()
        XCTAssertEqual(try inForce(log), .normal)
        try log.append(actor: "cli:root", action: .staffAdded, subject: "cy")
        XCTAssertEqual(try inForce(log), .full)
        XCTAssertTrue(try log.verify().isIntact)
        XCTAssertEqual(try log.verify().count, 4)
    }

    /// Records queued while the writer is held form batches: the batch that holds an unbacked
    /// record is committed FULL although it holds backed ones too.
    func testABatchWithAnUnbackedRecordCommitsWithAnFsync() async throws {
        let log = try AuditLog.open(at: url)
        defer { log.close() }
        _ = try await log.beginGrouped(actor: "ada", action: .keyed, subject: "H0", detail: "backed", backedByWrite: true).committed()
        // Hold the log's one connection, so the writer cannot commit what is queued meanwhile.
        let held = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let queue = log.queue
        Thread.detachNewThread {
            queue.inDatabase { _ in
                held.signal()
                release.wait()
            }
        }
        held.wait()
        let backed1 = log.beginGrouped(actor: "ada", action: .keyed, subject: "H1", detail: "backed", backedByWrite: true)
        let unbacked = log.beginGrouped(actor: "sue", action: .settled, subject: "H9", detail: "unbacked")
        let backed2 = log.beginGrouped(actor: "bob", action: .keyed, subject: "H2", detail: "backed", backedByWrite: true)
        release.signal()
        _ = try await backed1.committed()
        _ = try await unbacked.committed()
        _ = try await backed2.committed()
        let tally = log.commitTally
        XCTAssertEqual(tally.records, 4)
        // The writer took H1 alone or with the rest: either way the rest went in one FULL batch.
        XCTAssertEqual(tally.durableCommits, 1, "\(tally)")
        XCTAssertGreaterThanOrEqual(tally.durableRecords, 2, "the unbacked record and the backed one after it: \(tally)")
        XCTAssertEqual(tally.lazyRecords, 4 - tally.durableRecords)
        XCTAssertEqual(try inForce(log), .full)
        XCTAssertEqual(try log.records().map(\.subject), ["H0", "H1", "H9", "H2"])
    }

    // MARK: Reconciliation

    private func save(_ household: String, _ key: String, by keyer: String, minutesAgo: Double, receipt: String) -> KeyedSave {
        KeyedSave(household: household, saveKey: key, keyer: keyer, receivedAt: Date().addingTimeInterval(-minutesAgo * 60), receiptID: receipt)
    }

    func testAKeyedVersionWhoseRecordWasLostIsRecordedOnceFromTheStore() throws {
        let log = try AuditLog.open(at: url)
        defer { log.close() }
        try log.append(actor: "ada", action: .signedIn, subject: "ada")
        let last = try log.append(actor: "ada", action: .keyed, subject: "H1",
                                  detail: AuditLog.keyedDetail(saveKey: "keying-aaaa1111", facts: "1 person"))
        // The store: H1's version (its record survived) and H2's, whose record the power loss took.
        let store = [
            save("H1", "keying-aaaa1111", by: "ada", minutesAgo: 0.1, receipt: "R00-1"),
            save("H2", "keying-bbbb2222", by: "ada", minutesAgo: 0.05, receipt: "R01-1"),
        ]
        var asked: [Date] = []
        let appended = try log.reconcileKeyed { since in
            asked.append(since)
            return store
        }
        XCTAssertEqual(asked.count, 1)
        XCTAssertEqual(asked[0].timeIntervalSince1970, last.at.timeIntervalSince1970 - AuditLog.reconcileMargin, accuracy: 0.002)
        XCTAssertEqual(appended.count, 1)
        let restored = try XCTUnwrap(appended.first)
        XCTAssertEqual(restored.action, AuditAction.keyed.rawValue)
        XCTAssertEqual(restored.actor, "ada")
        XCTAssertEqual(restored.subject, "H2")
        XCTAssertTrue(restored.detail.hasPrefix(AuditLog.keyedDetail(saveKey: "keying-bbbb2222", facts: "reconciled from the store")), restored.detail)
        XCTAssertTrue(restored.detail.contains("receipt R01-1"), restored.detail)
        XCTAssertEqual(restored.sequence, 3)
        XCTAssertEqual(log.commitTally.commits, 0, "committed outside the group-commit writer")

        // Idempotent: every version is named now.
        XCTAssertEqual(try log.reconcileKeyed { _ in store }, [])
        let chain = try log.verify()
        XCTAssertTrue(chain.isIntact)
        XCTAssertEqual(chain.count, 3)
    }

    /// A key that begins another's (`keying-abcd1234` and `keying-abcd12345`) is not taken for it,
    /// and a version whose key another household's record names is still restored.
    func testARecordNamesItsOwnKeyAndHouseholdOnly() throws {
        let log = try AuditLog.open(at: url)
        defer { log.close() }
        try log.append(actor: "ada", action: .keyed, subject: "H1", detail: AuditLog.keyedDetail(saveKey: "keying-abcd12345", facts: "x"))
        let store = [
            save("H1", "keying-abcd1234", by: "ada", minutesAgo: 0, receipt: "R00-1"),
            save("H2", "keying-abcd12345", by: "bob", minutesAgo: 0, receipt: "R01-1"),
            save("H1", "keying-abcd12345", by: "ada", minutesAgo: 0, receipt: "R00-2"),
        ]
        let appended = try log.reconcileKeyed { _ in store }
        XCTAssertEqual(appended.map(\.subject), ["H1", "H2"])
        XCTAssertEqual(appended.map(\.actor), ["ada", "bob"])
        XCTAssertTrue(appended[0].detail.contains("R00-1"))
    }

    func testAnEmptyLogIsNotReconciledAndAStoreErrorAppendsNothing() throws {
        let log = try AuditLog.open(at: url)
        defer { log.close() }
        XCTAssertEqual(try log.reconcileKeyed { _ in XCTFail("an empty log asked the store"); return [] }, [])
        try log.append(actor: "ada", action: .signedIn, subject: "ada")
        struct Unreadable: Error {}
        XCTAssertThrowsError(try log.reconcileKeyed { _ in throw Unreadable() }) { error in
            guard case FieldFileError.unwritable(_, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("reconciling"), reason)
        }
        XCTAssertEqual(try log.verify().count, 1)
    }
}
