import CensusTestSupport
import Foundation
import ResponseStore
import XCTest

/// Field staff in a real browser (headless Chromium driven by selenium, axe-core on every kind
/// of staff page) against the demo server: a paper return of three keyed with the keyboard
/// alone, double keyed with one difference, settled by a supervisor signed in with TOTP; then
/// the settled version is read from the store and every step from the audit log.
///
/// The browser side is `Browser/staff_keying.py`.
final class StaffBrowserTests: XCTestCase {
    struct Account {
        var name: String
        var password: String
        var totp: String?
    }

    /// Adds an account with `census staff add` and reads what it prints once.
    func addStaff(_ name: String, role: String, store: URL, in dir: URL) throws -> Account {
        let added = try census(["staff", "add", "--dir", store.path, "--name", name, "--role", role], in: dir)
        XCTAssertEqual(added.status, 0, added.stderr)
        let password = try XCTUnwrap(added.stdout.firstMatch(of: /password: ([a-z0-9-]{19})/).map { String($0.1) }, added.stdout)
        let totp = added.stdout.firstMatch(of: /totp-secret: ([A-Z2-7]+)/).map { String($0.1) }
        return Account(name: name, password: password, totp: totp)
    }

    func testAPaperReturnIsKeyedTwiceAndSettledInChromiumAndTheStaffPagesPassAxe() throws {
        try skipUnlessBrowserAvailable()
        let dir = try makeTempDirectory(self)
        let demo = try BrowserJourneyTests.Demo([], in: dir, name: "census")
        defer { _ = demo.server.stop(SIGKILL) }
        let accounts = [
            "keyer1": try addStaff("keyer1", role: "field", store: demo.directory, in: dir),
            "keyer2": try addStaff("keyer2", role: "field", store: demo.directory, in: dir),
            "supervisor": try addStaff("super", role: "supervisor", store: demo.directory, in: dir),
            "administrator": try addStaff("admin", role: "administrator", store: demo.directory, in: dir),
        ]
        let household = demo.households[2].id
        var plan: [String: Any] = ["base": demo.url, "household": household, "other_household": demo.households[1].id]
        for (role, account) in accounts {
            var entry: [String: Any] = ["name": account.name, "password": account.password]
            if let totp = account.totp { entry["totp"] = totp }
            plan[role] = entry
        }
        let planFile = dir.appendingPathComponent("staff-plan.json")
        try JSONSerialization.data(withJSONObject: plan).write(to: planFile)
        let script = packageRoot.appendingPathComponent("Tests/CensusCLITests/Browser/staff_keying.py")
        let output: String
        do { output = try PythonTools.run([script.path, planFile.path]) } catch { return XCTFail("\(error)") }
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], output)
        XCTAssertEqual((summary["problems"] as? [Any])?.count, 0, output)
        XCTAssertGreaterThan(summary["fields_keyed"] as? Int ?? 0, 30, "every field of three people and the household")
        XCTAssertEqual(summary["difference"] as? String, "choice.residents.1.sex", "the one field keyed differently")
        let kinds = try XCTUnwrap(summary["kinds_of_page"] as? [String: [String: Any]])
        for route in ["/staff/sign-in", "/staff ", "/staff/keying ", "/staff/keying/household", "/staff/keying/", "/staff/double-keying ",
                      "/staff/double-keying/", "/staff/follow-up", "/staff/households/", "/staff/password", "/staff/accounts", "/staff/audit"] {
            XCTAssertTrue(kinds.keys.contains { $0.hasPrefix(route) }, "no axe run on \(route): \(kinds.keys.sorted())")
        }
        XCTAssertTrue(kinds.keys.contains { $0.hasPrefix("/staff/keying/") && $0.contains("errors") }, "the keying page's error state")
        for (kind, result) in kinds { XCTAssertEqual(result["violations"] as? Int, 0, kind) }
        XCTAssertTrue((summary["error_rates"] as? String)?.contains("keyer2") == true, "\(summary["error_rates"] ?? "")")

        // The settled version in the store: a paper return of three, with the first keyer's value.
        XCTAssertEqual(demo.server.stop(SIGINT), 0, demo.server.output)
        let store = try ResponseStore.openForReading(at: demo.directory)
        defer { store.close() }
        let versions = try store.versions(of: household, includeBodies: true)
        XCTAssertEqual(versions.map(\.kind), [.paper], "stored once, when settled")
        let body = try XCTUnwrap(try JSONSerialization.jsonObject(with: try XCTUnwrap(versions.first?.body)) as? [String: Any])
        let residents = try XCTUnwrap(body["residents"] as? [[String: Any]])
        XCTAssertEqual(residents.compactMap { $0["first_name"] as? String }, ["Ann", "Edith", "Tom"])
        XCTAssertEqual(residents[1]["sex"] as? String, "female", "the settled value is the one the supervisor chose")
        XCTAssertEqual(body["channel"] as? String, "paper")

        // Every step in the audit log, and the chain intact.
        let shown = try census(["audit", "show", "--dir", demo.directory.path], in: dir)
        XCTAssertEqual(shown.status, 0, shown.stderr)
        let rows = shown.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        func has(_ actor: String, _ action: String, _ subject: String? = nil) -> Bool {
            rows.contains { $0.count > 4 && $0[2] == actor && $0[3] == action && (subject == nil || $0[4] == subject) }
        }
        for (actor, action, subject) in [("super", "sign_in", nil), ("super", "double_keying_set", nil), ("keyer1", "sign_in", nil),
                                         ("keyer1", "keyed", household), ("keyer2", "sign_in", nil), ("keyer2", "keyed", household),
                                         ("super", "settled", household), ("admin", "sign_in", nil)] as [(String, String, String?)] {
            XCTAssertTrue(has(actor, action, subject), "no \(actor) \(action) \(subject ?? "") in the audit log:\n\(shown.stdout)")
        }
        let verify = try census(["audit", "verify", "--dir", demo.directory.path], in: dir)
        XCTAssertEqual(verify.status, 0, verify.stderr)
    }
}
