import CensusTestSupport
import CollectionServer
import FieldOperations
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdOTP
import HummingbirdTesting
import XCTest

/// Passwords and second factors on the staff pages: a member changes their own password with
/// the current one; an administrator resets another's password or one-time-code secret; all
/// audited, nothing secret in the log.
final class CredentialPagesTests: XCTestCase {
    func testAMemberChangesTheirOwnPasswordWithTheCurrentOne() async throws {
        let fixture = try ServerFixture(households: 2)
        defer { fixture.remove() }
        let staff = try StaffFixture(fixture)
        let newPassword = "a-new-password-\(UUID().uuidString.prefix(6))"
        try await fixture.withServer { client, _ in
            var keyer = Browser(client)
            let home = try await keyer.staffSignIn(staff.field)
            XCTAssertTrue(home.contains("Change your password"))
            let page = try await keyer.get("/staff/password")
            XCTAssertEqual(page.status, .ok)
            let wrong = try await keyer.post("/staff/password", [("current", "not-my-password"), ("new", newPassword), ("confirm", newPassword)])
            XCTAssertEqual(wrong.status, .unprocessableContent)
            XCTAssertTrue(wrong.contains("The current password is not right"), wrong.mainText)
            let mismatch = try await keyer.post("/staff/password", [("current", staff.field.password), ("new", newPassword), ("confirm", newPassword + "x")])
            XCTAssertEqual(mismatch.status, .unprocessableContent)
            XCTAssertTrue(mismatch.contains("not the same"))
            let short = try await keyer.post("/staff/password", [("current", staff.field.password), ("new", "short"), ("confirm", "short")])
            XCTAssertEqual(short.status, .unprocessableContent)
            XCTAssertTrue(short.contains("fewer than 12 characters"), short.mainText)
            let noToken = try await keyer.post("/staff/password", [("current", staff.field.password), ("new", newPassword), ("confirm", newPassword)], csrf: false)
            XCTAssertEqual(noToken.status.code / 100, 4)
            _ = try await keyer.get("/staff/password")
            let done = try await keyer.post("/staff/password", [("current", staff.field.password), ("new", newPassword), ("confirm", newPassword)])
            XCTAssertEqual(done.status, .ok, done.mainText)
            XCTAssertTrue(done.contains("Your password was changed"))

            var old = Browser(client)
            _ = try await old.get("/staff/sign-in")
            let refused = try await old.post("/staff/sign-in", [("name", "field"), ("password", staff.field.password), ("code", "")])
            XCTAssertEqual(refused.status, .unauthorized)
            var again = Browser(client)
            try await again.staffSignIn(StaffFixture.Member(name: "field", password: newPassword, totp: nil))

            var anonymous = Browser(client)
            let signedOut = try await anonymous.get("/staff/password")
            XCTAssertNotEqual(signedOut.status, .ok)
        }
        let log = try fixture.auditLog()
        let actions = try log.records(subject: "field").map(\.action)
        XCTAssertTrue(actions.contains("password_change_failed"))
        XCTAssertTrue(actions.contains("password_changed"))
        let text = try log.records(subject: "field").map { "\($0.detail)" }.joined()
        XCTAssertFalse(text.contains(newPassword) || text.contains(staff.field.password))
    }

    func testAnAdministratorResetsAPasswordAndASecondFactor() async throws {
        let fixture = try ServerFixture(households: 2)
        defer { fixture.remove() }
        let staff = try StaffFixture(fixture)
        try await fixture.withServer { client, _ in
            var supervisor = Browser(client)
            try await supervisor.staffSignIn(staff.supervisor)
            let answer1 = try await supervisor.post("/staff/accounts/reset-password", [("name", "field")])
            XCTAssertEqual(answer1.status, .forbidden)

            var admin = Browser(client)
            try await admin.staffSignIn(staff.administrator)
            let accounts = try await admin.get("/staff/accounts")
            XCTAssertTrue(accounts.contains("Reset password"), accounts.mainText)
            let reset = try await admin.post("/staff/accounts/reset-password", [("name", "super")])
            XCTAssertEqual(reset.status, .ok, reset.mainText)
            XCTAssertEqual(reset.headers[.cacheControl], "no-store")
            let password = try XCTUnwrap(Page.capture(#"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>"#, in: reset.body))
            let secretPage = try await admin.post("/staff/accounts/reenrol", [("name", "super")])
            XCTAssertEqual(secretPage.status, .ok, secretPage.mainText)
            let secret = try XCTUnwrap(Page.capture(#"Secret \(base32\)</dt>\s*<dd class="summary-list__value"><code>([A-Z2-7=]+)</code>"#, in: secretPage.body))
            let answer2 = try await admin.post("/staff/accounts/reenrol", [("name", "field")])
            XCTAssertEqual(answer2.status, .unprocessableContent, "field staff have no second factor")
            let answer3 = try await admin.post("/staff/accounts/reset-password", [("name", "admin")])
            XCTAssertEqual(answer3.status, .unprocessableContent, "not one's own")
            let answer4 = try await admin.post("/staff/accounts/reset-password", [("name", "nobody")])
            XCTAssertEqual(answer4.status, .notFound)

            // The old password and the old secret no longer sign in; the new ones do.
            var old = Browser(client)
            _ = try await old.get("/staff/sign-in")
            let refused = try await old.post("/staff/sign-in", [("name", "super"), ("password", password), ("code", staff.supervisor.code(stepsAhead: 1))])
            XCTAssertEqual(refused.status, .unauthorized, "the old secret's code")
            let bytes = try XCTUnwrap(Base32.decode(secret))
            let totp = TOTP(secret: try XCTUnwrap(String(bytes: bytes, encoding: .utf8)))
            var again = Browser(client)
            try await again.staffSignIn(StaffFixture.Member(name: "super", password: password, totp: totp))
        }
        let log = try fixture.auditLog()
        let actions = try log.records(subject: "super").map(\.action)
        XCTAssertTrue(actions.contains("password_reset"))
        XCTAssertTrue(actions.contains("second_factor_reenrolled"))
    }
}
