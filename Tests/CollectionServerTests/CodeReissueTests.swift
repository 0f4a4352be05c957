import CollectionServer
import FieldOperations
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// A supervisor reissues a household's access code from the browser: a reminder letter in the
/// store's letters folder, the earlier code revoked when asked, every step audited.
final class CodeReissueTests: XCTestCase {
    func testASupervisorReissuesACodeAndRevokesTheOldOne() async throws {
        let fixture = try ServerFixture(households: 4)
        defer { fixture.remove() }
        let staff = try StaffFixture(fixture)
        let (household, oldCode) = fixture.codes[0]
        try await fixture.withServer { client, _ in
            var keyer = Browser(client)
            try await keyer.staffSignIn(staff.field)
            let denied = try await keyer.get("/staff/households/\(household)/reissue")
            XCTAssertEqual(denied.status, .forbidden)
            let found = try await keyer.get("/staff/keying/household?id=\(household)")
            XCTAssertFalse(found.contains("Reissue an access code"), "field staff are not offered it")

            var supervisor = Browser(client)
            try await supervisor.staffSignIn(staff.supervisor)
            let page = try await supervisor.get("/staff/households/\(household)/reissue")
            XCTAssertEqual(page.status, .ok)
            let done = try await supervisor.post("/staff/households/\(household)/reissue", [("revoke", "yes")])
            XCTAssertEqual(done.status, .ok, done.mainText)
            XCTAssertTrue(done.contains("A new access code was issued"), done.mainText)
            XCTAssertTrue(done.contains("1 earlier codes were revoked"), done.mainText)
            XCTAssertFalse(done.body.contains(oldCode))
            let unknown = try await supervisor.get("/staff/households/H99999999/reissue")
            XCTAssertEqual(unknown.status, .notFound)

            // The old code no longer signs in; the new one, from the letter, does.
            var household1 = Browser(client)
            _ = try await household1.get("/sign-in")
            let refused = try await household1.post("/sign-in", [("accessCode", oldCode)])
            XCTAssertNotEqual(refused.status, .seeOther)
            let letters = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.appendingPathComponent("letters").path)
                .filter { $0.hasPrefix("reissue-") && $0.hasSuffix(".csv") }
            XCTAssertEqual(letters.count, 1)
            let text = try String(contentsOf: fixture.directory.appendingPathComponent("letters/\(letters[0])"), encoding: .utf8)
            let newCode = try XCTUnwrap(text.firstMatch(of: /[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}/).map { String($0.0) }
                ?? text.firstMatch(of: /[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/).map { String($0.0) })
            var household2 = Browser(client)
            _ = try await household2.signIn(newCode)
        }
        let log = try fixture.auditLog()
        XCTAssertEqual(try log.records(subject: household).map(\.action), ["code_reissued", "codes_revoked"])
    }
}
