import CensusTestSupport
import FieldOperations
import Foundation
import GRDB
import XCTest

/// The audit log: records chain by hash; a changed, deleted or replaced record is found;
/// SQLite refuses updates and deletes; filters.
final class AuditLogTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = try makeTempDirectory(self, name)
    }

    var url: URL { directory.appendingPathComponent(AuditLog.fileName) }

    func fill(_ count: Int) throws -> [AuditRecord] {
        let log = try AuditLog.open(at: url)
        defer { log.close() }
        return try (1...count).map { i in
            try log.append(actor: i % 2 == 0 ? "ada" : "bob", action: .keyed, subject: "H\(i)", detail: "version \(i)",
                           at: Date(timeIntervalSince1970: 1_800_000_000 + Double(i) * 60))
        }
    }

    func testRecordsChainFromTheGenesisHash() throws {
        let records = try fill(5)
        XCTAssertEqual(records.map(\.sequence), [1, 2, 3, 4, 5])
        XCTAssertEqual(records[0].previousHash, AuditLog.genesisHash)
        for i in 1..<records.count { XCTAssertEqual(records[i].previousHash, records[i - 1].hash) }
        XCTAssertEqual(records[2].hash, records[2].computeHash())
        let log = try AuditLog.open(at: url, create: false, readOnly: true)
        defer { log.close() }
        let verification = try log.verify()
        XCTAssertTrue(verification.isIntact)
        XCTAssertEqual(verification.count, 5)
        XCTAssertEqual(verification.headHash, records[4].hash)
    }

    /// The server's appends, many at once, are group-committed: every one is committed once,
    /// in one chain with the synchronous appends around them, and each caller gets its record.
    func testConcurrentAppendsAreGroupCommittedIntoOneChain() async throws {
        let log = try AuditLog.open(at: url)
        try log.append(actor: "cli:ops", action: .staffAdded, subject: "ada")
        let records = try await withThrowingTaskGroup(of: AuditRecord.self) { group in
            for i in 0..<200 {
                group.addTask { try await log.appendGrouped(actor: "keyer\(i % 7)", action: .keyed, subject: "H\(i)", detail: "version 1") }
            }
            var all: [AuditRecord] = []
            for try await r in group { all.append(r) }
            return all
        }
        try log.append(actor: "cli:ops", action: .staffDisabled, subject: "ada")
        log.close()
        XCTAssertEqual(Set(records.map(\.sequence)), Set(2...201))
        XCTAssertEqual(Set(records.map(\.subject)).count, 200)
        let reader = try AuditLog.open(at: url, create: false, readOnly: true)
        defer { reader.close() }
        let verification = try reader.verify()
        XCTAssertTrue(verification.isIntact)
        XCTAssertEqual(verification.count, 202)
        let stored = try reader.records()
        for r in records { XCTAssertEqual(stored[Int(r.sequence) - 1], r) }
    }

    /// close() commits the group-committed appends it finds queued; after it, appends are refused
    /// with a clear error and nothing is written.
    func testCloseCommitsQueuedAppendsAndRefusesLaterOnes() async throws {
        let log = try AuditLog.open(at: url)
        let tasks = (0..<50).map { i in
            Task { try await log.appendGrouped(actor: "ada", action: .keyed, subject: "H\(i)") }
        }
        var committed = 0, refused = 0
        for (i, t) in tasks.enumerated() {
            // Each append either committed (queued before close) or was refused as closed: none
            // is lost, none half-written.
            switch await t.result {
            case .success: committed += 1
            case .failure(let error): refused += 1; XCTAssertTrue("\(error)".contains("closed"), "\(error)")
            }
            if i == 9 { log.close() }
        }
        XCTAssertEqual(committed + refused, 50)
        XCTAssertGreaterThanOrEqual(committed, 10)
        do {
            try await log.appendGrouped(actor: "ada", action: .keyed, subject: "late")
            XCTFail("an append after close was accepted")
        } catch {
            XCTAssertTrue("\(error)".contains("closed"), "\(error)")
        }
        let reader = try AuditLog.open(at: url, create: false, readOnly: true)
        defer { reader.close() }
        let verification = try reader.verify()
        XCTAssertTrue(verification.isIntact)
        XCTAssertEqual(verification.count, committed)
        XCTAssertFalse(try reader.records().contains { $0.subject == "late" })
    }

    func testSQLiteRefusesUpdatesAndDeletes() throws {
        _ = try fill(2)
        let queue = try DatabaseQueue(path: url.path)
        defer { try? queue.close() }
        XCTAssertThrowsError(try queue.write { try $0.execute(sql: "UPDATE audit_record SET actor = 'eve' WHERE seq = 1") })
        XCTAssertThrowsError(try queue.write { try $0.execute(sql: "DELETE FROM audit_record WHERE seq = 2") })
    }

    func testAChangedRecordIsFound() throws {
        _ = try fill(4)
        try tamper("DROP TRIGGER audit_record_no_update; UPDATE audit_record SET detail = 'nothing happened' WHERE seq = 3")
        let result = try AuditLog.open(at: url).verify()
        XCTAssertEqual(result.firstBreak?.sequence, 3)
        XCTAssertEqual(result.count, 2)
        XCTAssertTrue(result.firstBreak?.reason.contains("changed") == true)
    }

    func testADeletedRecordIsFound() throws {
        _ = try fill(4)
        try tamper("DROP TRIGGER audit_record_no_delete; DELETE FROM audit_record WHERE seq = 2")
        let result = try AuditLog.open(at: url).verify()
        XCTAssertEqual(result.firstBreak?.sequence, 3)
        XCTAssertTrue(result.firstBreak?.reason.contains("missing") == true, result.firstBreak?.reason ?? "")
    }

    func testARecordRewrittenWithItsOwnHashIsFoundByTheNextOne() throws {
        let records = try fill(3)
        var forged = records[1]
        forged.actor = "eve"
        forged.hash = forged.computeHash()
        try tamper("DROP TRIGGER audit_record_no_update; UPDATE audit_record SET actor = 'eve', hash = '\(forged.hash)' WHERE seq = 2")
        let result = try AuditLog.open(at: url).verify()
        XCTAssertEqual(result.firstBreak?.sequence, 3)
    }

    func testShowFiltersBySinceActorSubjectAndLimit() throws {
        _ = try fill(6)
        let log = try AuditLog.open(at: url)
        defer { log.close() }
        XCTAssertEqual(try log.records(actor: "ada").map(\.sequence), [2, 4, 6])
        XCTAssertEqual(try log.records(since: Date(timeIntervalSince1970: 1_800_000_000 + 4 * 60)).map(\.sequence), [4, 5, 6])
        XCTAssertEqual(try log.records(subject: "H5").map(\.sequence), [5])
        XCTAssertEqual(try log.records(limit: 2).map(\.sequence), [5, 6])
    }

    /// Puts the log file back as it was before `migration`: its index made again, the migration
    /// not recorded (the next open for writing applies it again).
    private func undoMigration(_ migration: String, recreating index: String) throws {
        let raw = try DatabaseQueue(path: url.path)
        try raw.write { db in
            try db.execute(sql: index)
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [migration])
        }
        try raw.close()
    }

    /// The log table's indexes, by name.
    private func auditIndexes() throws -> [String] {
        try DatabaseQueue(path: url.path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_record' ORDER BY name")
        }
    }

    /// A log made before the index by actor was dropped (migration v2) loses it when opened for
    /// writing; its records, chain and filters are unchanged.
    func testALogWithTheOldActorIndexIsMigratedAndStillFiltersByActor() throws {
        let made = try fill(6)
        // Back to the file as v1 left it: the index there, v2 not applied.
        try undoMigration("v2-audit-no-actor-index", recreating: "CREATE INDEX audit_record_actor ON audit_record(actor, seq)")
        let log = try AuditLog.open(at: url)
        defer { log.close() }
        XCTAssertEqual(try auditIndexes(), [], "v2 and v3 drop both indexes")
        XCTAssertEqual(try log.records(actor: "bob").map(\.sequence), [1, 3, 5])
        XCTAssertEqual(try log.records(actor: "ada", limit: 2).map(\.sequence), [4, 6])
        let verification = try log.verify()
        XCTAssertTrue(verification.isIntact)
        XCTAssertEqual(verification.headHash, made[5].hash)
    }

    /// A log made before the index by time was dropped (migration v3) loses it when opened for
    /// writing; `--since` still finds every record at or after the time, including one appended
    /// after later-stamped ones (a CLI record, another clock).
    func testALogWithTheTimeIndexIsMigratedAndStillFiltersBySince() throws {
        _ = try fill(4)
        try undoMigration("v3-audit-no-time-index", recreating: "CREATE INDEX audit_record_at ON audit_record(at_ms)")
        let log = try AuditLog.open(at: url)
        defer { log.close() }
        try log.append(actor: "cli:ops", action: .staffAdded, subject: "cy", at: Date(timeIntervalSince1970: 1_800_000_000 + 30))
        XCTAssertEqual(try auditIndexes(), [])
        XCTAssertEqual(try log.records(since: Date(timeIntervalSince1970: 1_800_000_000 + 2 * 60)).map(\.sequence), [2, 3, 4])
        XCTAssertEqual(try log.records(since: Date(timeIntervalSince1970: 1_800_000_000 + 30)).map(\.sequence), [1, 2, 3, 4, 5])
        XCTAssertEqual(try log.records(since: Date(timeIntervalSince1970: 1_800_000_000 + 30), limit: 2).map(\.sequence), [4, 5])
        XCTAssertTrue(try log.verify().isIntact)
    }

    func testAFileThatIsNotAnAuditLogIsRefusedAndLeftAlone() throws {
        let other = directory.appendingPathComponent("other.sqlite")
        let queue = try DatabaseQueue(path: other.path)
        try queue.write { try $0.execute(sql: "CREATE TABLE t (x)") }
        try queue.close()
        XCTAssertThrowsError(try AuditLog.open(at: other)) { error in
            XCTAssertTrue("\(error)".contains("not an audit log") || "\(error)".contains("not audit log"), "\(error)")
        }
        XCTAssertThrowsError(try AuditLog.open(at: directory.appendingPathComponent("none.sqlite"), create: false))
    }

    private func tamper(_ sql: String) throws {
        let queue = try DatabaseQueue(path: url.path)
        defer { try? queue.close() }
        try queue.write { try $0.execute(sql: sql) }
    }

    /// The hash of a record is the one a log written by an earlier build has: SHA-256 of the
    /// length-prefixed fields (UTF-8 byte counts), in lower-case hex (value from Python's hashlib).
    func testTheHashOfARecordIsUnchanged() throws {
        let log = try AuditLog.open(at: url)
        defer { log.close() }
        let record = try log.append(actor: "ada", action: .keyed, subject: "H2", detail: "version 2 — é", at: Date(timeIntervalSince1970: 1_800_000_120))
        XCTAssertEqual(record.hash, "cc8c328730fad2a533231660a3f3d0fcc27696c39a7c487b6042fb1a213eaa1a")
        XCTAssertEqual(record.computeHash(), record.hash)
    }

    /// Records begun before the caller's own write (the keying page's rule) are committed in the
    /// order they were begun, in one chain with the other appends, awaited in any order.
    func testBegunRecordsCommitInTheOrderBegunIntoOneChain() async throws {
        let log = try AuditLog.open(at: url)
        try log.append(actor: "cli:ops", action: .staffAdded, subject: "ada")
        let begun = (0..<50).map { i in log.beginGrouped(actor: "keyer\(i % 5)", action: .keyed, subject: "H\(i)", detail: "save key k\(i)") }
        let between = try await log.appendGrouped(actor: "ada", action: .signedIn, subject: "ada")
        var records: [AuditRecord] = []
        for pending in begun.reversed() { records.append(try await pending.committed()) }
        // Awaited again, after the commit: the same record.
        let again = try await begun[0].committed()
        XCTAssertEqual(again, records.last)
        XCTAssertEqual(records.reversed().map(\.sequence), Array(2...51), "in the order begun")
        XCTAssertEqual(records.reversed().map(\.subject), (0..<50).map { "H\($0)" })
        XCTAssertEqual(between.sequence, 52)
        log.close()
        let reader = try AuditLog.open(at: url, create: false, readOnly: true)
        defer { reader.close() }
        let verification = try reader.verify()
        XCTAssertTrue(verification.isIntact)
        XCTAssertEqual(verification.count, 52)
    }

    /// A record begun on a closed log is not in it: awaiting it throws, and nothing is written.
    func testARecordBegunOnAClosedLogFails() async throws {
        let log = try AuditLog.open(at: url)
        log.close()
        let pending = log.beginGrouped(actor: "ada", action: .keyed, subject: "H1")
        do {
            _ = try await pending.committed()
            XCTFail("a closed log took a record")
        } catch {
            XCTAssertTrue("\(error)".contains("closed"), "\(error)")
        }
        let reader = try AuditLog.open(at: url, create: false, readOnly: true)
        defer { reader.close() }
        XCTAssertEqual(try reader.verify().count, 0)
    }
}
