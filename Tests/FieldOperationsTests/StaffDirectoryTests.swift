import CensusTestSupport
import FieldOperations
import Foundation
import HummingbirdOTP
import XCTest

/// Staff accounts: names, roles, bcrypt passwords, TOTP enrolment and codes (once each),
/// lockout after repeated failures (kept across reopening), disabling.
final class StaffDirectoryTests: StaffDirectoryTestCase {
    /// The TOTP secret an authenticator app would hold, from the enrolment URI.
    static func totp(_ enrolment: SecondFactorEnrolment) throws -> TOTP {
        // HummingbirdOTP's key is the secret's UTF-8 bytes; the URI carries them in base32.
        let bytes = try XCTUnwrap(Base32.decode(enrolment.base32Secret))
        return TOTP(secret: try XCTUnwrap(String(bytes: bytes, encoding: .utf8)))
    }

    /// The directory, its WAL and its shared-memory file are 0600 while it is open (the WAL holds
    /// a new account's TOTP secret until checkpointed; SQLite gives it the file's mode of when
    /// it was made, before the open's chmod).
    func testTheFileAndItsWALAreOwnerOnlyWhileOpen() throws {
        let staff = try open()
        defer { staff.close() }
        _ = try staff.add(name: "ada", role: .supervisor, areas: [], password: password)
        let path = directory.appendingPathComponent(StaffDirectory.fileName).path
        for file in [path, path + "-wal", path + "-shm"] {
            let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
            XCTAssertEqual(mode & 0o777, 0o600, file)
        }
    }

    func testFieldStaffSignInWithAPasswordOnly() throws {
        let staff = try open()
        defer { staff.close() }
        let made = try staff.add(name: " Bob.Field ", role: .field, areas: ["e06000001", "E06000002"], password: password)
        XCTAssertEqual(made.account.name, "bob.field")
        XCTAssertEqual(made.account.areas, ["E06000001", "E06000002"])
        XCTAssertNil(made.enrolment)
        XCTAssertEqual(staff.checkSignIn(name: "BOB.FIELD", password: password, code: ""), .signedIn(made.account))
        XCTAssertEqual(staff.checkSignIn(name: "bob.field", password: "wrong password!", code: ""), .refused(.wrongPassword))
        XCTAssertEqual(staff.checkSignIn(name: "nobody", password: password, code: ""), .refused(.unknownName))
    }

    func testSupervisorsNeedAFreshTOTPCode() throws {
        let staff = try open()
        defer { staff.close() }
        let made = try staff.add(name: "sue", role: .supervisor, areas: [], password: password)
        let enrolment = try XCTUnwrap(made.enrolment)
        XCTAssertTrue(enrolment.uri.hasPrefix("otpauth://totp/"), enrolment.uri)
        XCTAssertTrue(enrolment.uri.contains("secret=\(enrolment.base32Secret)"))
        let totp = try Self.totp(enrolment)
        let now = Date()
        let code = String(format: "%06d", totp.compute(date: now))
        XCTAssertEqual(staff.checkSignIn(name: "sue", password: password, code: "", now: now), .refused(.codeRequired))
        let wrong = String(format: "%06d", (Int(code)! + 1) % 1_000_000)
        XCTAssertEqual(staff.checkSignIn(name: "sue", password: password, code: wrong, now: now), .refused(.wrongCode))
        guard case .signedIn = staff.checkSignIn(name: "sue", password: password, code: "\(code.prefix(3)) \(code.suffix(3))", now: now) else {
            return XCTFail("the right code was refused")
        }
        // A code is good once: a replay in the same 30 seconds is refused.
        XCTAssertEqual(staff.checkSignIn(name: "sue", password: password, code: code, now: now), .refused(.wrongCode))
        // The next step's code is accepted.
        let later = now.addingTimeInterval(30)
        guard case .signedIn = staff.checkSignIn(name: "sue", password: password, code: String(format: "%06d", totp.compute(date: later)), now: later) else {
            return XCTFail("the next code was refused")
        }
    }

    func testFiveFailuresLockTheAccountEvenAcrossReopening() throws {
        var staff = try open()
        _ = try staff.add(name: "ann", role: .field, areas: [], password: password)
        let now = Date()
        for _ in 1..<StaffDirectory.maximumFailures {
            XCTAssertEqual(staff.checkSignIn(name: "ann", password: "not the password", code: "", now: now), .refused(.wrongPassword))
        }
        guard case .refused(.lockedNow(after: .wrongPassword, let until)) = staff.checkSignIn(name: "ann", password: "not the password", code: "", now: now) else {
            return XCTFail("the fifth failure did not lock")
        }
        staff.close()
        staff = try open()
        defer { staff.close() }
        // Locked: even the right password is refused, until the lockout ends.
        XCTAssertEqual(staff.checkSignIn(name: "ann", password: password, code: "", now: now.addingTimeInterval(60)), .refused(.locked(until: Date(timeIntervalSince1970: (until.timeIntervalSince1970 * 1000).rounded(.down) / 1000))))
        guard case .signedIn = staff.checkSignIn(name: "ann", password: password, code: "", now: until.addingTimeInterval(1)) else {
            return XCTFail("still locked after the lockout")
        }
    }

    func testDisabledAccountsCannotSignIn() throws {
        let staff = try open()
        defer { staff.close() }
        _ = try staff.add(name: "dan", role: .field, areas: [], password: password)
        XCTAssertTrue(try staff.disable("dan"))
        XCTAssertFalse(try staff.disable("dan"))
        XCTAssertEqual(staff.checkSignIn(name: "dan", password: password, code: ""), .refused(.disabled))
        XCTAssertTrue(try staff.account("dan")?.isDisabled == true)
        XCTAssertThrowsError(try staff.disable("nobody"))
    }

    func testBadNamesPasswordsAreasAndDuplicatesAreRefused() throws {
        let staff = try open()
        defer { staff.close() }
        XCTAssertThrowsError(try staff.add(name: "a b", role: .field, areas: [], password: password))
        XCTAssertThrowsError(try staff.add(name: "-x", role: .field, areas: [], password: password))
        XCTAssertThrowsError(try staff.add(name: "ok", role: .field, areas: [], password: "short"))
        XCTAssertThrowsError(try staff.add(name: "ok", role: .field, areas: [], password: String(repeating: "x", count: 73)))
        XCTAssertThrowsError(try staff.add(name: "ok", role: .field, areas: ["E06;DROP"], password: password))
        _ = try staff.add(name: "ok", role: .administrator, areas: [], password: password)
        XCTAssertThrowsError(try staff.add(name: "OK", role: .field, areas: [], password: password)) { error in
            XCTAssertEqual(error as? StaffDirectoryError, .nameTaken("ok"))
        }
        XCTAssertEqual(try staff.accounts().map(\.name), ["ok"])
    }

    func testNewPasswordsAreLongAndDiffer() {
        let a = StaffDirectory.newPassword(), b = StaffDirectory.newPassword()
        XCTAssertEqual(a.count, 19)
        XCTAssertNotEqual(a, b)
    }
}

