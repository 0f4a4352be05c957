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

        // Restarted and stopped (the store recovers its shards), every acknowledged save is in
        // the store under its key; a `keyed` record without a version can only be a save the
        // kill interrupted (at most one per keyer), never an acknowledged one.
        try served.start()
        XCTAssertEqual(served.stop(SIGTERM), 0)
        let store = try ResponseStore.open(at: served.store)
        defer { store.close() }
        for ack in acknowledged {
            XCTAssertTrue(try store.versions(of: ack.household).contains { $0.idempotencyKey == "keying-\(ack.key)" && $0.kind == .paper },
                          "keying-\(ack.key) of \(ack.household) is not in the store")
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
}
