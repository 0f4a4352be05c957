import CollectionServer
import FieldOperations
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// The staff pages' way in and role policies: sign-in with password and TOTP, lockout,
/// disabled accounts, sessions separate from households', 403 for the wrong role, CSRF, and
/// every sign-in and change in the audit log.
final class StaffPagesTests: StaffServerTestCase {
    func auditRecords() throws -> [AuditRecord] {
        let log = try fixture.auditLog()
        defer { log.close() }
        XCTAssertTrue(try log.verify().isIntact)
        return try log.records()
    }

    func testFieldStaffSignInWithAPasswordAndGetTheirOwnCookie() async throws {
        let (fixture, staff) = (fixture!, staff!)
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            let form = try await browser.get("/staff/sign-in")
            XCTAssertEqual(form.status, .ok)
            XCTAssertTrue(form.contains("Sign in to census field operations"))
            XCTAssertNil(browser.cookies["census_session"], "the staff pages do not start a household session")
            let signedIn = try await browser.post("/staff/sign-in", [("name", "Field"), ("password", staff.field.password), ("code", "")])
            XCTAssertEqual(signedIn.status, .seeOther)
            XCTAssertEqual(signedIn.location, "/staff")
            let cookie = signedIn.headers[values: .setCookie].first { $0.hasPrefix("census_staff=") } ?? ""
            XCTAssertTrue(cookie.contains("HttpOnly"), cookie)
            XCTAssertTrue(cookie.contains("SameSite=Strict"), cookie)
            XCTAssertTrue(cookie.contains("Path=/staff"), cookie)
            let home = try await browser.get("/staff")
            XCTAssertEqual(home.status, .ok)
            XCTAssertTrue(home.contains("signed in as field"), home.mainText)
            XCTAssertFalse(home.contains("Staff accounts"), "field staff are not shown the administrators' pages")
            XCTAssertEqual(home.headers[.cacheControl], "no-store")
        }
        let records = try auditRecords()
        XCTAssertEqual(records.last?.action, AuditAction.signedIn.rawValue)
        XCTAssertEqual(records.last?.actor, "field")
    }

    func testAFieldKeyerOpeningAnAdministratorPageGets403() async throws {
        let (fixture, staff) = (fixture!, staff!)
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            try await browser.staffSignIn(staff.field)
            for path in ["/staff/accounts", "/staff/audit"] {
                let page = try await browser.get(path)
                XCTAssertEqual(page.status, .forbidden, path)
                XCTAssertTrue(page.contains("Your role does not allow this page"), page.mainText)
            }
            let post = try await browser.post("/staff/accounts/disable", [("name", "super")])
            XCTAssertEqual(post.status, .forbidden)
            var supervisor = Browser(client)
            try await supervisor.staffSignIn(staff.supervisor)
            let page = try await supervisor.get("/staff/accounts")
            XCTAssertEqual(page.status, .forbidden, "supervisors do not manage accounts")
        }
        let supervisor = try StaffDirectory.open(at: fixture.directory.appendingPathComponent(StaffDirectory.fileName)).account("super")
        XCTAssertEqual(supervisor?.isDisabled, false)
    }

    func testSignedOutRequestsGoToSignIn() async throws {
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            for path in ["/staff", "/staff/accounts", "/staff/audit"] {
                let page = try await browser.get(path)
                XCTAssertEqual(page.status, .seeOther, path)
                XCTAssertEqual(page.location, "/staff/sign-in", path)
            }
            let post = try await browser.post("/staff/accounts/disable", [("name", "field")], csrf: false)
            XCTAssertEqual(post.status, .unauthorized)
        }
    }

    func testAHouseholdSessionIsNoStaffSession() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            _ = try await browser.signIn(fixture.codes[0].code)
            XCTAssertNotNil(browser.cookies["census_session"])
            let page = try await browser.get("/staff")
            XCTAssertEqual(page.status, .seeOther)
            XCTAssertEqual(page.location, "/staff/sign-in")
        }
    }

    func testAdministratorsNeedTheirTOTPCodeAndAWrongOneIsRefused() async throws {
        let (fixture, staff) = (fixture!, staff!)
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            _ = try await browser.get("/staff/sign-in")
            let noCode = try await browser.post("/staff/sign-in", [("name", "admin"), ("password", staff.administrator.password), ("code", "")])
            XCTAssertEqual(noCode.status, .unauthorized)
            XCTAssertTrue(noCode.contains("6-digit code"), noCode.mainText)
            let right = Int(staff.administrator.code())!
            let wrong = try await browser.post("/staff/sign-in", [("name", "admin"), ("password", staff.administrator.password), ("code", String(format: "%06d", (right + 1) % 1_000_000))])
            XCTAssertEqual(wrong.status, .unauthorized)
            XCTAssertTrue(wrong.contains("The sign-in name, password or code is not right"), wrong.mainText)
            XCTAssertFalse(wrong.contains(staff.administrator.password), "the password is never echoed")
            let home = try await browser.staffSignIn(staff.administrator)
            XCTAssertTrue(home.contains("Staff accounts"))
            let accounts = try await browser.get("/staff/accounts")
            XCTAssertEqual(accounts.status, .ok)
            XCTAssertTrue(accounts.contains("3 staff accounts"), accounts.mainText)
            let audit = try await browser.get("/staff/audit")
            XCTAssertEqual(audit.status, .ok)
            XCTAssertTrue(audit.contains("Chain intact"), audit.mainText)
            XCTAssertTrue(audit.contains("wrong or reused one-time code"), audit.mainText)
        }
        let failures = try auditRecords().filter { $0.action == AuditAction.signInFailed.rawValue }
        XCTAssertEqual(failures.map { String($0.detail.prefix(29)) }, ["wrong or reused one-time code"])
    }

    func testADisabledAccountCannotSignInAndItsSessionEnds() async throws {
        let (fixture, staff) = (fixture!, staff!)
        try await fixture.withServer { client, _ in
            var keyer = Browser(client)
            try await keyer.staffSignIn(staff.field)
            var admin = Browser(client)
            try await admin.staffSignIn(staff.administrator)
            _ = try await admin.get("/staff/accounts")
            let disabled = try await admin.post("/staff/accounts/disable", [("name", "field")])
            XCTAssertEqual(disabled.status, .seeOther)
            let list = try await admin.get("/staff/accounts")
            XCTAssertTrue(list.contains("Disabled"), list.mainText)
            // The open session ends at its next request.
            let next = try await keyer.get("/staff")
            XCTAssertEqual(next.location, "/staff/sign-in")
            var again = Browser(client)
            _ = try await again.get("/staff/sign-in")
            let refused = try await again.post("/staff/sign-in", [("name", "field"), ("password", staff.field.password), ("code", "")])
            XCTAssertEqual(refused.status, .unauthorized)
            XCTAssertTrue(refused.contains("The sign-in name, password or code is not right"))
            // An administrator cannot disable themselves.
            let own = try await admin.post("/staff/accounts/disable", [("name", "admin")])
            XCTAssertEqual(own.status, .unprocessableContent)
        }
        let records = try auditRecords()
        XCTAssertTrue(records.contains { $0.action == "staff_disabled" && $0.actor == "admin" && $0.subject == "field" })
        XCTAssertTrue(records.contains { $0.action == "sign_in_failed" && $0.subject == "field" && $0.detail.hasPrefix("account disabled") })
    }

    func testFiveWrongPasswordsLockTheAccount() async throws {
        let (fixture, staff) = (fixture!, staff!)
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            _ = try await browser.get("/staff/sign-in")
            for attempt in 1...StaffDirectory.maximumFailures {
                let page = try await browser.post("/staff/sign-in", [("name", "field"), ("password", "guess number \(attempt)"), ("code", "")])
                XCTAssertEqual(page.status, .unauthorized, "attempt \(attempt)")
            }
            let right = try await browser.post("/staff/sign-in", [("name", "field"), ("password", staff.field.password), ("code", "")])
            XCTAssertEqual(right.status, .unauthorized, "locked: the right password is refused")
            XCTAssertNil(right.headers[.location])
            // A locked account is answered exactly as an unknown name is, so guesses cannot tell
            // which names are accounts.
            let unknown = try await browser.post("/staff/sign-in", [("name", "nobody"), ("password", "guess"), ("code", "")])
            XCTAssertEqual(unknown.status, right.status)
            XCTAssertEqual(unknown.mainText.replacingOccurrences(of: "nobody", with: "field"), right.mainText)
            XCTAssertTrue(right.contains("The sign-in name, password or code is not right"), right.mainText)
            XCTAssertTrue(right.contains("ask an administrator"), right.mainText)
        }
        let records = try auditRecords()
        XCTAssertEqual(records.filter { $0.action == "locked_out" }.count, 1)
        XCTAssertEqual(records.filter { $0.action == "sign_in_failed" }.count, StaffDirectory.maximumFailures + 2, "five guesses, the locked account, the unknown name")
    }

    func testTooManyFailuresFromOneClientAreHeldOff() async throws {
        fixture.configuration.loginLimits = LoginLimits(failuresPerClient: 3, signInsPerHousehold: 20, window: .seconds(60))
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            _ = try await browser.get("/staff/sign-in")
            for name in ["a1", "a2", "a3"] {
                let page = try await browser.post("/staff/sign-in", [("name", name), ("password", "x"), ("code", "")])
                XCTAssertEqual(page.status, .unauthorized)
            }
            let held = try await browser.post("/staff/sign-in", [("name", "field"), ("password", "x"), ("code", "")])
            XCTAssertEqual(held.status, .tooManyRequests)
            XCTAssertNotNil(held.headers[.retryAfter])
        }
    }

    func testFormsWithoutTheSessionsCSRFTokenChangeNothing() async throws {
        let (fixture, staff) = (fixture!, staff!)
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            let noSession = try await browser.post("/staff/sign-in", [("name", "field"), ("password", staff.field.password), ("code", "")], csrf: false)
            XCTAssertEqual(noSession.status, .forbidden)
            var admin = Browser(client)
            try await admin.staffSignIn(staff.administrator)
            let forged = try await admin.post("/staff/accounts/disable", [("csrf", "forged"), ("name", "field")], csrf: false)
            XCTAssertEqual(forged.status, .forbidden)
            let notAForm = try await admin.request(.post, "/staff/accounts/disable", body: "{}", contentType: "application/json")
            XCTAssertEqual(notAForm.status, .badRequest)
        }
        XCTAssertEqual(try StaffDirectory.open(at: fixture.directory.appendingPathComponent(StaffDirectory.fileName)).account("field")?.isDisabled, false)
    }

    func testSigningOutEndsTheSessionAndIsAudited() async throws {
        let (fixture, staff) = (fixture!, staff!)
        try await fixture.withServer(signedIn: staff.supervisor) { browser, _ in
            let out = try await browser.post("/staff/sign-out", [])
            XCTAssertEqual(out.status, .seeOther)
            XCTAssertEqual(out.location, "/staff/sign-in")
            let after = try await browser.get("/staff")
            XCTAssertEqual(after.location, "/staff/sign-in")
        }
        XCTAssertEqual(try auditRecords().map(\.action).suffix(2), ["sign_in", "sign_out"])
    }

    func testStaffPagesSayWhenTheStaffFilesCannotBeOpenedAndHouseholdsAreStillServed() async throws {
        let fixture = self.fixture!
        try FileManager.default.removeItem(at: fixture.directory.appendingPathComponent(StaffDirectory.fileName))
        try FileManager.default.createDirectory(at: fixture.directory.appendingPathComponent(StaffDirectory.fileName), withIntermediateDirectories: false)
        try await fixture.withServer { client, server in
            XCTAssertNotNil(server.staffUnavailableReason)
            var browser = Browser(client)
            let page = try await browser.get("/staff/sign-in")
            XCTAssertEqual(page.status, .serviceUnavailable)
            XCTAssertTrue(page.contains("Staff sign-in is unavailable"))
            let household = try await browser.get("/sign-in")
            XCTAssertEqual(household.status, .ok)
        }
    }
}
