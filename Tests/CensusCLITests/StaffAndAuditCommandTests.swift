import CensusTestSupport
import Foundation
import GRDB
import ResponseStore
import XCTest

/// `census staff` and `census audit` as an operator runs them: an account's password and TOTP
/// enrolment printed once, a listing without secrets, disabling, and an audit log that
/// verifies, shows filtered records, and finds a record changed behind its back.
final class StaffAndAuditCommandTests: XCTestCase {
    func testStaffCommandsAreAuditedAndTheLogVerifies() throws {
        let dir = try makeTempDirectory(self)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("st"), withIntermediateDirectories: true)
        let added = try census(["staff", "add", "--dir", "st", "--name", "Ada", "--role", "supervisor", "--areas", "E06000001"], in: dir)
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertTrue(added.stdout.contains("Added ada: supervisor, E06000001."), added.stdout)
        let password = added.stdout.firstMatch(of: /password: ([a-z0-9-]{19})/)?.1
        XCTAssertNotNil(password, added.stdout)
        XCTAssertNotNil(added.stdout.firstMatch(of: /totp-secret: [A-Z2-7]+/), added.stdout)
        XCTAssertNotNil(added.stdout.firstMatch(of: /totp-uri: otpauth:\/\/totp\/.+secret=[A-Z2-7]+/), added.stdout)
        let field = try census(["staff", "add", "--dir", "st", "--name", "bob", "--role", "field"], in: dir)
        XCTAssertFalse(field.stdout.contains("totp"), "field staff are not enrolled")
        let again = try census(["staff", "add", "--dir", "st", "--name", "bob", "--role", "field"], in: dir)
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("already exists"), again.stderr)
        let badRole = try census(["staff", "add", "--dir", "st", "--name", "eve", "--role", "boss"], in: dir)
        XCTAssertNotEqual(badRole.status, 0)
        // A name no account can have is a bad option value: a usage error (64), as others are.
        let badName = try census(["staff", "add", "--dir", "st", "--name", "Bad Name", "--role", "field"], in: dir)
        XCTAssertEqual(badName.status, 64, badName.stderr)
        XCTAssertTrue(badName.stderr.contains("--name: 'Bad Name' is not a usable sign-in name"), badName.stderr)

        let list = try census(["staff", "list", "--dir", "st"], in: dir)
        XCTAssertEqual(list.status, 0)
        XCTAssertTrue(list.stdout.contains("ada\tsupervisor\tE06000001\tyes\tactive"), list.stdout)
        XCTAssertFalse(list.stdout.contains(String(password ?? "none")), "no secrets in the listing")
        XCTAssertEqual(try census(["staff", "disable", "--dir", "st", "--name", "bob"], in: dir).status, 0)
        XCTAssertTrue(try census(["staff", "list", "--dir", "st"], in: dir).stdout.contains("bob\tfield\tall\tno\tdisabled"))
        XCTAssertNotEqual(try census(["staff", "disable", "--dir", "st", "--name", "nobody"], in: dir).status, 0)

        let verify = try census(["audit", "verify", "--dir", "st"], in: dir)
        XCTAssertEqual(verify.status, 0, verify.stderr)
        XCTAssertTrue(verify.stdout.contains("intact: 3 records"), verify.stdout)
        let show = try census(["audit", "show", "--dir", "st", "--subject", "bob"], in: dir)
        let rows = show.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(rows.map { $0[3] }, ["staff_added", "staff_disabled"], show.stdout)
        // The operating-system account the command ran as, whatever $USER says (the test's
        // child processes run with the test's environment).
        let account = getpwuid(geteuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? ""
        XCTAssertTrue(rows.allSatisfy { $0[2] == "cli:\(account.lowercased())" || $0[2].hasPrefix("cli:uid-") }, show.stdout)
        XCTAssertEqual(try census(["audit", "show", "--dir", "st", "--since", "2999-01-01"], in: dir).stdout.split(separator: "\n").count, 1)
        XCTAssertNotEqual(try census(["audit", "show", "--dir", "st", "--since", "yesterday"], in: dir).status, 0)
        // A day that does not exist is not read as the day it rolls over to.
        let noSuchDay = try census(["audit", "show", "--dir", "st", "--since", "2021-02-30"], in: dir)
        XCTAssertEqual(noSuchDay.status, 64, noSuchDay.stderr)
        XCTAssertEqual(try census(["audit", "show", "--dir", "st", "--since", "2024-02-29"], in: dir).status, 0, "a leap day is a day")
        // A negative number is the option's value, checked as such (it was "Missing value for '--limit'").
        let negative = try census(["audit", "show", "--dir", "st", "--limit", "-5"], in: dir)
        XCTAssertEqual(negative.status, 64, negative.stderr)
        XCTAssertTrue(negative.stderr.contains("--limit must be at least 1"), negative.stderr)

        // A record changed behind the application's back.
        let queue = try DatabaseQueue(path: dir.appendingPathComponent("st/audit.sqlite").path)
        try queue.write { try $0.execute(sql: "DROP TRIGGER audit_record_no_update; UPDATE audit_record SET actor = 'someone' WHERE seq = 2") }
        try queue.close()
        let broken = try census(["audit", "verify", "--dir", "st"], in: dir)
        XCTAssertEqual(broken.status, 1, "a broken chain is a 'no', not a failure to check")
        XCTAssertTrue(broken.stderr.contains("broken at record 2"), broken.stderr)
    }

    /// A read-only store directory said "SQLite error 14: unable to open database file - while
    /// executing `SELECT * FROM sqlite_master LIMIT 1`"; it is said as the store and the frame
    /// say it, for a new file and for an existing one, and nothing is created.
    func testAReadOnlyStoreDirectoryIsSaidInWords() throws {
        let dir = try makeTempDirectory(self)
        let st = dir.appendingPathComponent("st")
        try FileManager.default.createDirectory(at: st, withIntermediateDirectories: true)
        defer { chmod(st.path, 0o755) }
        chmod(st.path, 0o555)
        let added = try census(["staff", "add", "--dir", "st", "--name", "ada", "--role", "field"], in: dir)
        XCTAssertEqual(added.status, 2, added.stderr)
        XCTAssertTrue(added.stderr.contains("staff.sqlite: it is read-only (file or directory not writable); fix permissions"), added.stderr)
        XCTAssertFalse(added.stderr.contains("SQLite error"), added.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: st.appendingPathComponent("staff.sqlite").path))

        chmod(st.path, 0o755)
        XCTAssertEqual(try census(["staff", "add", "--dir", "st", "--name", "ada", "--role", "field"], in: dir).status, 0)
        chmod(st.path, 0o555)
        let disabled = try census(["staff", "disable", "--dir", "st", "--name", "ada"], in: dir)
        XCTAssertEqual(disabled.status, 2, disabled.stderr)
        XCTAssertTrue(disabled.stderr.contains("it is read-only (file or directory not writable)"), disabled.stderr)
        XCTAssertFalse(disabled.stderr.contains("SQLite error"), disabled.stderr)
    }

    /// `--areas XX999` was taken beside a frame with no such authority: the keyer's follow-up
    /// list was empty and there was nothing to key. It is refused, naming the frame's areas.
    func testAreasMustBeLocalAuthoritiesOfTheFrame() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["frame", "generate", "--households", "40", "--seed", "3", "--out", "st"], in: dir).status, 0)
        let wrong = try census(["staff", "add", "--dir", "st", "--name", "ann", "--role", "field", "--areas", "E08000035,XX999"], in: dir)
        XCTAssertEqual(wrong.status, 2, wrong.stderr)
        XCTAssertTrue(wrong.stderr.hasPrefix("census staff add: --areas: 'XX999' is not a local authority of the address frame (its local authorities: E"), wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("nothing was added"), wrong.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("st/staff.sqlite").path))
        let right = try census(["staff", "add", "--dir", "st", "--name", "ann", "--role", "field", "--areas", "E08000035"], in: dir)
        XCTAssertEqual(right.status, 0, right.stderr)
        XCTAssertTrue(right.stdout.contains("Added ann: field staff, E08000035."), right.stdout)
    }

    /// `census audit reconcile` restores the `keyed` record of a keyed version the log does not
    /// name (as after a power loss took the log's unsynced tail), once.
    func testReconcileRestoresAKeyedRecordTheLogLacksOnce() async throws {
        let dir = try makeTempDirectory(self)
        let st = dir.appendingPathComponent("st")
        let store = try ResponseStore.create(at: st, shardCount: 2)
        _ = try await store.submit(Submission(householdID: "H0001", kind: .paper, channel: .paper, receivedAt: Date(), schemaHash: "sha256:x",
                                              idempotencyKey: "keying-abcdefgh", completeness: 0.5, body: Data("{}".utf8), recordedBy: "bob"))
        store.close()
        let added = try census(["staff", "add", "--dir", "st", "--name", "bob", "--role", "field"], in: dir)
        XCTAssertEqual(added.status, 0, added.stderr)
        let first = try census(["audit", "reconcile", "--dir", "st"], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("restored record 2: bob keyed H0001: paper return with save key keying-abcdefgh; reconciled from the store"), first.stdout)
        XCTAssertTrue(first.stdout.contains("1 record restored"), first.stdout)
        let again = try census(["audit", "reconcile", "--dir", "st"], in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("0 records restored"), again.stdout)
        let verify = try census(["audit", "verify", "--dir", "st"], in: dir)
        XCTAssertTrue(verify.stdout.contains("intact: 2 records"), verify.stdout)
    }

    func testAuditCommandsOnAStoreWithoutALogSaySo() throws {
        let dir = try makeTempDirectory(self)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("st"), withIntermediateDirectories: true)
        let r = try census(["audit", "verify", "--dir", "st"], in: dir)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("there is no audit log"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("st/audit.sqlite").path), "verify creates nothing")
    }
}
