import CollectionServer
import FieldOperations
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Questionnaire
import ResponseStore
import XCTest

/// Double keying: a supervisor turns it on; a form is keyed blind by two keyers; the fields
/// that differ are settled by a supervisor who keyed neither; the settled version is stored
/// and both keyers are recorded, with their keying errors.
final class DoubleKeyingTests: StaffServerTestCase {
    let secondPassword = "second keyer password"

    /// The shared set-up, and a second field keyer (`field2`, every area).
    override func setUp() async throws {
        try await super.setUp()
        let directory = try StaffDirectory.open(at: fixture.directory.appendingPathComponent(StaffDirectory.fileName), bcryptCost: 4)
        _ = try directory.add(name: "field2", role: .field, areas: [], password: secondPassword)
        directory.close()
    }

    var household: String { fixture.households[2].householdID }

    static func keyed(relationship: String) -> [(String, String)] {
        [
            ("lives_here", "1"), ("household_size", "2"),
            ("residents.0.first_name", "Ann"), ("residents.0.last_name", "Jones"),
            ("residents.1.first_name", "Bob"), ("residents.1.last_name", "Jones"),
            ("household_relationships.0.relationship", relationship),
            ("residents.0.is_you", "1"), ("residents.0.dob-day", "1"), ("residents.0.dob-month", "2"), ("residents.0.dob-year", "1980"),
        ]
    }

    /// Opens the keying page (for its CSRF token and key) and posts `fields`.
    static func key(_ browser: inout Browser, _ household: String, _ fields: [(String, String)]) async throws -> Page {
        try await browser.keyReturn("/staff/keying/\(household)/form?residents=2", fields)
    }

    func testTwoBlindKeyingsAreSettledByASupervisorAndErrorsCountedPerKeyer() async throws {
        let (fixture, staff, household, secondPassword) = (fixture!, staff!, household, secondPassword)
        try await fixture.withServer { client, server in
            var supervisor = Browser(client)
            try await supervisor.staffSignIn(staff.supervisor)
            _ = try await supervisor.get("/staff/double-keying")
            let set = try await supervisor.post("/staff/double-keying/setting", [("mode", "all"), ("percent", "")])
            XCTAssertEqual(set.status, .seeOther)
            let overview = try await supervisor.get("/staff/double-keying")
            XCTAssertTrue(overview.contains("Double keying is all forms"), overview.mainText)

            var first = Browser(client)
            try await first.staffSignIn(staff.field)
            let one = try await Self.key(&first, household, Self.keyed(relationship: "1"))
            XCTAssertEqual(one.status, .ok, one.mainText)
            XCTAssertTrue(one.contains("First keying of \(household) saved"), one.mainText)
            XCTAssertEqual(try server.collector.store.versions(of: household).count, 0, "held until settled")
            // The same keying again (a double click on Save): it is the one held, and says so.
            let again = try await Self.key(&first, household, Self.keyed(relationship: "1"))
            XCTAssertEqual(again.status, .ok, again.mainText)
            XCTAssertTrue(again.contains("First keying of \(household) saved"), again.mainText)
            // Another keying by the first keyer: refused, and the first stands.
            let other = try await Self.key(&first, household, Self.keyed(relationship: "2"))
            XCTAssertEqual(other.status, .conflict)
            XCTAssertTrue(other.contains("Your first keying is held as it was; this one was not saved"), other.mainText)

            var second = Browser(client)
            try await second.staffSignIn(.init(name: "field2", password: secondPassword, totp: nil))
            let page = try await second.get("/staff/keying/\(household)/form?residents=2")
            XCTAssertFalse(page.body.contains("Jones"), "the second keying is blind")
            let two = try await Self.key(&second, household, Self.keyed(relationship: "3"))
            XCTAssertTrue(two.contains("Second keying of \(household) saved"), two.mainText)
            XCTAssertEqual(try server.collector.store.versions(of: household).count, 0)

            // A keyer cannot settle; the supervisor sees the one difference.
            let forbidden = try await first.get("/staff/double-keying/1")
            XCTAssertEqual(forbidden.status, .forbidden)
            let listed = try await supervisor.get("/staff/double-keying")
            XCTAssertTrue(listed.contains("Settle form 1"), listed.mainText)
            let settle = try await supervisor.get("/staff/double-keying/1")
            XCTAssertEqual(settle.status, .ok)
            XCTAssertTrue(settle.contains("differ in 1 fields"), settle.mainText)
            XCTAssertTrue(settle.contains("First keying: Husband or wife"), settle.mainText)
            XCTAssertTrue(settle.contains("Second keying: Partner"), settle.mainText)
            let unchosen = try await supervisor.post("/staff/double-keying/1", [])
            XCTAssertEqual(unchosen.status, .unprocessableContent)
            let settled = try await supervisor.post("/staff/double-keying/1", [("choice.household_relationships.0.relationship", "first")])
            XCTAssertEqual(settled.status, .ok, settled.mainText)
            XCTAssertTrue(settled.contains("Form 1 settled"), settled.mainText)
            let again2 = try await supervisor.post("/staff/double-keying/1", [("choice.household_relationships.0.relationship", "first")])
            XCTAssertEqual(again2.status, .unprocessableContent, "a settled form is not settled twice")

            let versions = try server.collector.store.versions(of: household, includeBodies: true)
            XCTAssertEqual(versions.count, 1)
            XCTAssertEqual(versions[0].kind, .paper)
            let body = try JSONParser.parse(versions[0].body!)
            XCTAssertEqual(body["household_relationships"]?.arrayValue?.first?["relationship"]?.stringValue, "husband_wife")
            XCTAssertEqual(body["residents"]?.arrayValue?.count, 2)

            let rates = try await supervisor.get("/staff/double-keying")
            XCTAssertTrue(rates.body.contains("<td>field2</td><td>1</td>"), rates.mainText)
        }
        let records = try KeyingRecords.open(at: fixture.directory.appendingPathComponent(KeyingRecords.fileName))
        defer { records.close() }
        let tallies = Dictionary(uniqueKeysWithValues: try records.tallies().map { ($0.keyer, $0) })
        XCTAssertEqual(tallies["field"]?.errors, 0)
        XCTAssertEqual(tallies["field2"]?.errors, 1)
        XCTAssertEqual(tallies["field2"]?.fields, tallies["field"]?.fields)
        // The fields either keyer answered: lives_here, four names, the relationship, is_you, dob.
        XCTAssertEqual(tallies["field2"]?.fields, 8)
        let log = try fixture.auditLog()
        let settledRecord = try log.records(subject: household).first { $0.action == "settled" }
        XCTAssertEqual(settledRecord?.actor, "super")
        XCTAssertTrue(settledRecord?.detail.contains("keyed by field and field2") == true, settledRecord?.detail ?? "none")
        XCTAssertEqual(try log.records(subject: household).filter { $0.action == "keyed" }.count, 2)
        XCTAssertTrue(try log.records(actor: "super").contains { $0.action == "double_keying_set" })
    }

    func testAgreeingKeyingsAreStoredAtOnce() async throws {
        let (fixture, staff, household, secondPassword) = (fixture!, staff!, household, secondPassword)
        try await fixture.withServer { client, server in
            var supervisor = Browser(client)
            try await supervisor.staffSignIn(staff.supervisor)
            _ = try await supervisor.get("/staff/double-keying")
            let sample = try await supervisor.post("/staff/double-keying/setting", [("mode", "sample"), ("percent", "100")])
            XCTAssertEqual(sample.status, .seeOther)
            let badSample = try await supervisor.post("/staff/double-keying/setting", [("mode", "sample"), ("percent", "0")])
            XCTAssertEqual(badSample.status, .unprocessableContent)
            XCTAssertTrue(badSample.contains("1 to 100"), badSample.mainText)
            var first = Browser(client)
            try await first.staffSignIn(staff.field)
            _ = try await Self.key(&first, household, Self.keyed(relationship: "1"))
            var second = Browser(client)
            try await second.staffSignIn(.init(name: "field2", password: secondPassword, totp: nil))
            let two = try await Self.key(&second, household, Self.keyed(relationship: "1"))
            XCTAssertTrue(two.contains("Both keyings of \(household) agree"), two.mainText)
            XCTAssertEqual(try server.collector.store.versions(of: household).count, 1)
        }
    }
}
