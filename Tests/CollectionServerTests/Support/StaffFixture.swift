import CensusTestSupport
import CollectionServer
import FieldOperations
import Foundation
import HummingbirdOTP
import XCTest

/// Staff accounts in a ``ServerFixture``'s store directory: one per role, with passwords and
/// (for supervisors and administrators) their TOTP generators.
struct StaffFixture {
    struct Member {
        let name: String
        let password: String
        let totp: TOTP?

        /// The code an authenticator app shows `stepsAhead` 30-second steps from now (each
        /// code is accepted once: a second sign-in in a test uses the next step's).
        func code(stepsAhead: Int = 0) -> String {
            guard let totp else { return "" }
            return String(format: "%06d", totp.compute(date: Date().addingTimeInterval(Double(30 * stepsAhead))))
        }
    }

    let field: Member
    let supervisor: Member
    let administrator: Member

    /// Adds `field` (areas of the fixture's first household), `super` and `admin`.
    init(_ fixture: ServerFixture) throws {
        fixture.configuration.staffBcryptCost = 4
        let staff = try StaffDirectory.open(at: fixture.directory.appendingPathComponent(StaffDirectory.fileName), bcryptCost: 4)
        defer { staff.close() }
        func add(_ name: String, _ role: StaffRole, _ areas: [String]) throws -> Member {
            let password = "pw-\(name)-\(UUID().uuidString.prefix(8))"
            let made = try staff.add(name: name, role: role, areas: areas, password: password)
            var totp: TOTP?
            if let enrolment = made.enrolment {
                let bytes = try XCTUnwrap(Base32.decode(enrolment.base32Secret))
                totp = TOTP(secret: try XCTUnwrap(String(bytes: bytes, encoding: .utf8)))
            }
            return Member(name: name, password: password, totp: totp)
        }
        field = try add("field", .field, [fixture.households[0].localAuthority])
        supervisor = try add("super", .supervisor, [])
        administrator = try add("admin", .administrator, [])
    }
}

extension ServerFixture {
    /// The store's audit log, opened read-only (what `census audit show` reads).
    func auditLog() throws -> AuditLog {
        try AuditLog.open(at: directory.appendingPathComponent(AuditLog.fileName), create: false, readOnly: true)
    }
}

extension ServerFixture {
    /// Starts the server and runs `body` with a browser signed in as `member` (the staff pages'
    /// tests' usual first steps); fails as ``Browser/staffSignIn(_:code:)`` does.
    func withServer<T: Sendable>(signedIn member: StaffFixture.Member,
                                 _ body: @escaping @Sendable (inout Browser, CollectionServer) async throws -> T) async throws -> T {
        try await withServer { client, server in
            var browser = Browser(client)
            try await browser.staffSignIn(member)
            return try await body(&browser, server)
        }
    }
}

extension Browser {
    /// Signs a staff member in; fails the test unless it lands on the staff home page.
    @discardableResult
    mutating func staffSignIn(_ member: StaffFixture.Member, code: String? = nil) async throws -> Page {
        _ = try await get("/staff/sign-in")
        let page = try await post("/staff/sign-in", [("name", member.name), ("password", member.password), ("code", code ?? member.code())])
        guard page.status == .seeOther, page.location == "/staff" else {
            throw FixtureError("staff sign-in of \(member.name) failed: \(page.status) \(page.mainText)")
        }
        return try await follow(page)
    }
}
