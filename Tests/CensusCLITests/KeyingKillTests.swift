import CensusTestSupport
import Foundation
import ResponseStore
import XCTest

/// A real `census serve` killed with SIGKILL while field keyers save paper returns on the
/// keying page: every save acknowledged ("Paper return of H saved") before the kill has its
/// version in the store and its `keyed` audit record, which names the version's save key, and
/// the audit chain is intact. The audit record is begun before the shard's write and committed
/// beside it (AuditLog+Alongside.swift), so this is what shows that the page still answers only
/// once both are in their files (the version fsynced; the record, backed by the version, written
/// to the log's WAL, which a kill -9 does not lose); the server runs with a delay before each audit commit, so that a page
/// answering before its record was committed would be caught (checked by removing the wait).
/// Then a power loss is simulated by cutting the log's WAL back by its last commits, and the
/// restart restores, from the store, the record of every keyed version no record names.
final class KeyingKillTests: XCTestCase {
    /// A one-person paper form as typed (codes as on paper: yes_no 1 = yes).
    static let onePerson: [(String, String)] = [
        ("lives_here", "1"), ("household_size", "1"),
        ("residents.0.first_name", "Ann"), ("residents.0.last_name", "Jones"), ("residents.0.is_you", "1"),
        ("residents.0.dob-day", "1"), ("residents.0.dob-month", "2"), ("residents.0.dob-year", "1980"),
    ]

    func testEveryAcknowledgedKeyedSaveHasItsAuditRecordAfterSIGKILL() throws {
        let served = try ServedStore()
        defer { served.remove() }
        let keyers = 6
        var accounts: [(name: String, password: String)] = []
        for k in 1...keyers {
            let added = try census(["staff", "add", "--dir", "st", "--name", "keyer\(k)", "--role", "field"], in: served.root)
            XCTAssertEqual(added.status, 0, added.stderr)
            let password = try XCTUnwrap(added.stdout.firstMatch(of: /password: ([a-z0-9-]{19})/).map { String($0.1) }, added.stdout)
            accounts.append(("keyer\(k)", password))
        }
        // Each audit commit waits 150 ms first (a test seam, AuditLog.testCommitDelay): a page
        // that answered before its record was durable would be caught by the kill most times.
        try served.start(environment: ["CENSUS_TEST_AUDIT_COMMIT_DELAY_MS": "150"])
        let base = served.baseURL

        struct Ack { var household: String; var key: String }
        let lock = NSLock()
        nonisolated(unsafe) var acks: [Ack] = []
        nonisolated(unsafe) var next = 0
        nonisolated(unsafe) var problems: [String] = []
        let deadline = Date().addingTimeInterval(40)
        let workers = DispatchGroup()
        let signedIn = DispatchGroup()   // the kill comes after every sign-in (bcrypt is slow)
        for account in accounts {
            workers.enter()
            signedIn.enter()
            Thread.detachNewThread {
                defer { workers.leave() }
                let client = DemoServerTests.Client()
                do {
                    defer { signedIn.leave() }
                    let signIn = try client.send(base.appendingPathComponent("staff/sign-in"))
                    let signedIn = try client.send(base.appendingPathComponent("staff/sign-in"), form: [
                        ("csrf", DemoServerTests.csrf(signIn.body) ?? ""), ("name", account.name), ("password", account.password), ("code", ""),
                    ])
                    guard signedIn.status == 303 else {
                        lock.withLock { problems.append("\(account.name) could not sign in: \(signedIn.status)") }
                        return
                    }
                } catch {
                    lock.withLock { problems.append("\(account.name) sign-in: \(error)") }
                    return
                }
                while Date() < deadline {
                    let i: Int = lock.withLock { defer { next += 1 }; return next }
                    guard i < served.households.count else { return }
                    let household = served.households[i]
                    let form = URL(string: "\(base.absoluteString)/staff/keying/\(household)/form?residents=1&visitors=0")!
                    // Errors after the kill end the keyer (the server is gone); the kill may
                    // come between the page and the save, or during the save.
                    guard let page = try? client.send(form), page.status == 200,
                          let key = page.body.firstMatch(of: /name="key" value="([^"]*)"/).map({ String($0.1) }) else { return }
                    guard let saved = try? client.send(form, form: [("csrf", DemoServerTests.csrf(page.body) ?? ""), ("key", key)] + Self.onePerson)
                    else { return }
                    if saved.status == 200 && saved.body.contains("Paper return of \(household) saved") {
                        lock.withLock { acks.append(Ack(household: household, key: key)) }
                    } else {
                        lock.withLock { problems.append("\(household): \(saved.status) \(saved.body.prefix(300))") }
                        return
                    }
                }
            }
        }
        XCTAssertEqual(signedIn.wait(timeout: .now() + 60), .success)
        // Kill it once some saves are acknowledged and more are in flight.
        let killAt = Int.random(in: 15...60)
        while lock.withLock({ acks.count }) < killAt && lock.withLock({ problems.isEmpty }) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
        XCTAssertEqual(served.stop(SIGKILL), SIGKILL, "killed, not stopped")
        XCTAssertEqual(workers.wait(timeout: .now() + 60), .success, "the keyers stop by themselves")
        XCTAssertEqual(lock.withLock { problems }, [])
        let acknowledged = lock.withLock { acks }
        XCTAssertGreaterThanOrEqual(acknowledged.count, min(killAt, 15), "the keyers reached the server")

        // The chain survives the kill, and every acknowledged save has its `keyed` record.
        let verify = try census(["audit", "verify", "--dir", "st"], in: served.root)
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        let shown = try census(["audit", "show", "--dir", "st"], in: served.root)
        XCTAssertEqual(shown.status, 0, shown.stderr)
        let rows = shown.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let keyed = rows.filter { $0.count > 5 && $0[3] == "keyed" }
        for ack in acknowledged {
            XCTAssertEqual(keyed.filter { $0[4] == ack.household && $0[5].contains("save key keying-\(ack.key);") }.count, 1,
                           "the save of \(ack.household) (keying-\(ack.key)) was acknowledged without its audit record")
        }
        XCTAssertFalse(rows.contains { $0.count > 3 && $0[3] == "keyed_not_stored" }, "no save failed:\n\(shown.stdout)")

        // Then a power loss: the keyed records commit without an fsync of their own (their
        // versions carry them), so the log's WAL can lose its tail. Its last two commits are cut
        // (every commit after the sign-ins holds keyed records alone), as the disk would have kept
        // only a prefix of them; the restart then restores, from the store, the record of every
        // lost one whose version was stored.
        let cut = try Self.cutLastCommits(2, ofWAL: served.store.appendingPathComponent("audit.sqlite-wal"))
        XCTAssertGreaterThan(cut, 0)

        // Restarted and stopped (the store recovers its shards, the log is reconciled with it),
        // every acknowledged save is in the store under its key; a `keyed` record without a
        // version can only be a save the kill interrupted (at most one per keyer), never an
        // acknowledged one.
        try served.start()
        XCTAssertEqual(served.stop(SIGTERM), 0)
        let store = try ResponseStore.open(at: served.store)
        defer { store.close() }
        for ack in acknowledged {
            XCTAssertTrue(try store.versions(of: ack.household).contains { $0.idempotencyKey == "keying-\(ack.key)" && $0.kind == .paper },
                          "keying-\(ack.key) of \(ack.household) is not in the store")
        }
        let after = try census(["audit", "show", "--dir", "st"], in: served.root)
        XCTAssertEqual(try census(["audit", "verify", "--dir", "st"], in: served.root).status, 0)
        let keyedAfter = after.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            .filter { $0.count > 5 && $0[3] == "keyed" }
        let lost = keyed.filter { row in !keyedAfter.contains { $0[0] == row[0] && $0[5] == row[5] } }
        XCTAssertFalse(lost.isEmpty, "the cut took keyed records")
        // Restored: every keyed version that no surviving record named, i.e. those whose record
        // the cut took and those whose record the kill caught before its commit (a version
        // stored, never acknowledged); each keyed version is then named exactly once.
        let survivors = Set(keyed.filter { row in !lost.contains { $0[0] == row[0] } }.map { "\($0[4]) \($0[5])" })
        let versions = try store.keyedVersions(receivedSince: .distantPast)
        let unnamed = versions.filter { v in !survivors.contains { $0.hasPrefix("\(v.storedKey) paper return with save key \(v.idempotencyKey);") } }
        XCTAssertFalse(unnamed.isEmpty)
        XCTAssertEqual(keyedAfter.filter { $0[5].contains("reconciled from the store") }.count, unnamed.count)
        for v in versions {
            XCTAssertEqual(keyedAfter.filter { $0[4] == v.storedKey && $0[5].hasPrefix("paper return with save key \(v.idempotencyKey);") }.count, 1,
                           "\(v.idempotencyKey) of \(v.storedKey)")
        }
        for ack in acknowledged {
            XCTAssertEqual(keyedAfter.filter { $0[4] == ack.household && $0[5].contains("save key keying-\(ack.key);") }.count, 1,
                           "the acknowledged save of \(ack.household) (keying-\(ack.key)) has no record after the power loss")
        }
        var interrupted = 0
        for row in keyed {
            guard let key = row[5].firstMatch(of: /save key (keying-[^;]+);/).map({ String($0.1) }) else {
                XCTFail("a keyed record without its save key: \(row)")
                continue
            }
            if try !store.versions(of: row[4]).contains(where: { $0.idempotencyKey == key }) { interrupted += 1 }
        }
        XCTAssertLessThanOrEqual(interrupted, keyers, "records of saves neither stored nor followed up")
    }

    /// Truncates a SQLite WAL after its current generation's commit `count` from the end (frames
    /// whose salt is the header's; a commit frame has a non-zero database size), as a power loss
    /// leaves it when the last commits were never synced. Returns the frames cut.
    static func cutLastCommits(_ count: Int, ofWAL url: URL) throws -> Int {
        let data = try Data(contentsOf: url)
        func word(_ at: Int) -> UInt32 { data[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) } }
        guard data.count >= 32 else { return 0 }
        let frameSize = 24 + Int(word(8))
        let salt = data[16..<24]
        var frames = 0
        var commitEnds: [Int] = []   // frame counts at the end of each commit
        while 32 + (frames + 1) * frameSize <= data.count, data[(32 + frames * frameSize + 8)..<(32 + frames * frameSize + 16)] == salt {
            if word(32 + frames * frameSize + 4) != 0 { commitEnds.append(frames + 1) }
            frames += 1
        }
        guard commitEnds.count > count else { return 0 }
        let keep = commitEnds[commitEnds.count - count - 1]
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.truncate(atOffset: UInt64(32 + keep * frameSize))
        return frames - keep
    }
}
