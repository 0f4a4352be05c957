import CensusTestSupport
import FieldOperations
import Foundation
import HummingbirdOTP
import XCTest

/// Changing a password (with the current one; wrong ones count towards the lockout), an
/// administrator's reset (which unlocks), and a new TOTP secret (the old one stops working).
final class StaffCredentialsTests: StaffDirectoryTestCase {
    func testChangingOnesOwnPassword() throws {
        let staff = try open()
        defer { staff.close() }
        let made = try staff.add(name: "bob", role: .field, areas: [], password: password)
        XCTAssertThrowsError(try staff.changePassword(name: "bob", currentPassword: "wrong password!", newPassword: "another long one")) {
            XCTAssertEqual($0 as? StaffDirectoryError, .wrongPassword)
        }
        XCTAssertThrowsError(try staff.changePassword(name: "bob", currentPassword: password, newPassword: "short")) {
            guard case .weakPassword? = $0 as? StaffDirectoryError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try staff.changePassword(name: "bob", currentPassword: password, newPassword: password))
        XCTAssertThrowsError(try staff.changePassword(name: "nobody", currentPassword: password, newPassword: "another long one")) {
            XCTAssertEqual($0 as? StaffDirectoryError, .unknownAccount("nobody"))
        }
        try staff.changePassword(name: "BOB", currentPassword: password, newPassword: "another long one")
        XCTAssertEqual(staff.checkSignIn(name: "bob", password: password, code: ""), .refused(.wrongPassword))
        XCTAssertEqual(staff.checkSignIn(name: "bob", password: "another long one", code: ""), .signedIn(made.account))
    }

    func testWrongCurrentPasswordsLockTheAccountAndAResetUnlocksIt() throws {
        let staff = try open()
        defer { staff.close() }
        _ = try staff.add(name: "bob", role: .field, areas: [], password: password)
        var lastError: StaffDirectoryError?
        for _ in 0..<StaffDirectory.maximumFailures {
            do { try staff.changePassword(name: "bob", currentPassword: "wrong password!", newPassword: "another long one") } catch {
                lastError = error
            }
        }
        guard case .locked? = lastError else { return XCTFail("\(String(describing: lastError))") }
        XCTAssertThrowsError(try staff.changePassword(name: "bob", currentPassword: password, newPassword: "another long one")) {
            guard case .locked? = $0 as? StaffDirectoryError else { return XCTFail("\($0)") }
        }
        let made = try staff.resetPassword(name: "bob")
        XCTAssertEqual(made.count, 19)
        guard case .signedIn = staff.checkSignIn(name: "bob", password: made, code: "") else { return XCTFail("not unlocked") }
        XCTAssertEqual(try staff.resetPassword(name: "bob", to: "chosen by the admin"), "chosen by the admin")
        XCTAssertThrowsError(try staff.resetPassword(name: "bob", to: "short"))
        XCTAssertThrowsError(try staff.resetPassword(name: "nobody"))
    }

    func testANewSecondFactorReplacesTheOld() throws {
        let staff = try open()
        defer { staff.close() }
        let made = try staff.add(name: "ada", role: .supervisor, areas: [], password: password)
        let old = try StaffDirectoryTests.totp(try XCTUnwrap(made.enrolment))
        let enrolment = try staff.reenrolSecondFactor(name: "ada")
        XCTAssertNotEqual(enrolment, made.enrolment)
        XCTAssertTrue(enrolment.uri.hasPrefix("otpauth://totp/"))
        let now = Date()
        let oldCode = String(format: "%06d", old.compute(date: now))
        let fresh = try StaffDirectoryTests.totp(enrolment)
        let newCode = String(format: "%06d", fresh.compute(date: now))
        if oldCode != newCode {
            XCTAssertEqual(staff.checkSignIn(name: "ada", password: password, code: oldCode, now: now), .refused(.wrongCode))
        }
        guard case .signedIn = staff.checkSignIn(name: "ada", password: password, code: newCode, now: now) else { return XCTFail("new code refused") }
        _ = try staff.add(name: "bob", role: .field, areas: [], password: password)
        XCTAssertThrowsError(try staff.reenrolSecondFactor(name: "bob")) {
            XCTAssertEqual($0 as? StaffDirectoryError, .noSecondFactor("bob"))
        }
    }
}
