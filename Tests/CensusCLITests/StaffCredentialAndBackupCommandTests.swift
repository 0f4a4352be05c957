import CensusTestSupport
import Foundation
import XCTest

/// `census staff reset-password` and `reenrol`, audited; `census store backup` copies the
/// staff accounts, keying records and audit log with the shards, as private as the originals.
final class StaffCredentialAndBackupCommandTests: XCTestCase {
    func testResettingCredentialsFromTheCommandLineIsAudited() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--dir", "st", "--shards", "2"], in: dir).status, 0)
        XCTAssertEqual(try census(["staff", "add", "--dir", "st", "--name", "ada", "--role", "administrator"], in: dir).status, 0)
        XCTAssertEqual(try census(["staff", "add", "--dir", "st", "--name", "bob", "--role", "field"], in: dir).status, 0)

        let reset = try census(["staff", "reset-password", "--dir", "st", "--name", "Bob"], in: dir)
        XCTAssertEqual(reset.status, 0, reset.stderr)
        XCTAssertNotNil(reset.stdout.firstMatch(of: /password: [a-z0-9-]{19}/), reset.stdout)
        let reenrol = try census(["staff", "reenrol", "--dir", "st", "--name", "ada"], in: dir)
        XCTAssertEqual(reenrol.status, 0, reenrol.stderr)
        XCTAssertNotNil(reenrol.stdout.firstMatch(of: /totp-uri: otpauth:\/\/totp\/.+secret=[A-Z2-7]+/), reenrol.stdout)
        let field = try census(["staff", "reenrol", "--dir", "st", "--name", "bob"], in: dir)
        XCTAssertNotEqual(field.status, 0)
        XCTAssertTrue(field.stderr.contains("field staff"), field.stderr)
        XCTAssertNotEqual(try census(["staff", "reset-password", "--dir", "st", "--name", "nobody"], in: dir).status, 0)
        let show = try census(["audit", "show", "--dir", "st"], in: dir)
        XCTAssertTrue(show.stdout.contains("password_reset"), show.stdout)
        XCTAssertTrue(show.stdout.contains("second_factor_reenrolled"), show.stdout)

        // The backup holds them, no more readable than the originals, and its log verifies.
        let backup = try census(["store", "backup", "--dir", "st", "--to", "bk"], in: dir)
        XCTAssertEqual(backup.status, 0, backup.stderr)
        XCTAssertTrue(backup.stdout.contains("the staff accounts and the audit log"), backup.stdout)
        for name in ["staff.sqlite", "audit.sqlite"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("bk/\(name)").path)
            XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, name)
        }
        let verify = try census(["audit", "verify", "--dir", "bk"], in: dir)
        XCTAssertEqual(verify.status, 0, verify.stderr)
        XCTAssertTrue(verify.stdout.contains("intact: 4 records"), verify.stdout)
        let list = try census(["staff", "list", "--dir", "bk"], in: dir)
        XCTAssertTrue(list.stdout.contains("bob\tfield"), list.stdout)
    }

    /// `--password-stdin` (one option group for `staff add` and `staff reset-password`): the
    /// first line of standard input is the password, never printed back; empty input is
    /// refused before anything is changed.
    func testAPasswordFromStandardInputIsTakenByAddAndResetPassword() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--dir", "st", "--shards", "2"], in: dir).status, 0)
        let empty = try census(["staff", "add", "--dir", "st", "--name", "bob", "--role", "field", "--password-stdin"], in: dir)
        XCTAssertNotEqual(empty.status, 0)
        XCTAssertTrue(empty.stderr.contains("--password-stdin: standard input is empty"), empty.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("st/staff.sqlite").path), "nothing was added")

        let added = try census(["staff", "add", "--dir", "st", "--name", "bob", "--role", "field", "--password-stdin"], in: dir,
                               input: "a chosen password\nnot this line\n")
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertTrue(added.stdout.contains("Added bob"), added.stdout)
        XCTAssertFalse(added.stdout.contains("password:"), added.stdout)
        XCTAssertFalse(added.stdout.contains("a chosen password"), added.stdout)

        // The line read is the password the account rules check: too short is refused.
        let short = try census(["staff", "reset-password", "--dir", "st", "--name", "bob", "--password-stdin"], in: dir, input: "short\n")
        XCTAssertNotEqual(short.status, 0)
        XCTAssertTrue(short.stderr.contains("12"), short.stderr)
        let emptyReset = try census(["staff", "reset-password", "--dir", "st", "--name", "bob", "--password-stdin"], in: dir)
        XCTAssertTrue(emptyReset.stderr.contains("--password-stdin: standard input is empty"), emptyReset.stderr)
        let reset = try census(["staff", "reset-password", "--dir", "st", "--name", "bob", "--password-stdin"], in: dir,
                               input: "another chosen password\n")
        XCTAssertEqual(reset.status, 0, reset.stderr)
        XCTAssertTrue(reset.stdout.contains("Reset the password of bob"), reset.stdout)
        XCTAssertFalse(reset.stdout.contains("password:"), reset.stdout)
    }
}
