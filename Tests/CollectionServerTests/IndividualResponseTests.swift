import AddressFrame
import CollectionServer
import FieldOperations
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Questionnaire
import ResponseStore
import SyntheticCensus
import XCTest

/// Individual responses on the pages: a household asks for a private code for one of its
/// members from its form, that member's section leaves the household's form, and the person
/// answers it on their own code; a supervisor issues one from the staff pages, field staff
/// cannot.
final class IndividualResponseTests: XCTestCase {
    /// The code on the newest individual letter of the store.
    static func individualCode(_ fixture: ServerFixture) throws -> (file: String, code: String) {
        let dir = fixture.directory.appendingPathComponent("letters")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("individual-") && $0.hasSuffix(".csv") }.sorted()
        let name = try XCTUnwrap(names.last, "no individual letter")
        let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        let row = try XCTUnwrap(text.split(separator: "\n").dropFirst().first)
        return (name, String(row.split(separator: ",")[3]))
    }

    /// A person's own return as the pages should store it: the member alone, answering as themselves.
    static func personTarget(_ household: JSONValue, position: Int) throws -> JSONValue {
        guard case .object(var top) = household, case .object(var person)? = household["residents"]?.arrayValue?[position - 1] else {
            throw FixtureError("no person \(position)")
        }
        person["is_you"] = "yes"
        // Alone in their return they are person 1, who has no "same as person 1" option.
        if person["address_one_year_ago_where"]?.stringValue == "same_as_first" { person["address_one_year_ago_where"] = "here" }
        for key in Array(top.keys) where !["schema", "channel", "variant", "language"].contains(key) { top[key] = nil }
        top["residents"] = .array([.object(person)])
        return .object(top)
    }

    func testAHouseholdAsksForAnIndividualCodeAndThePersonAnswersPrivately() async throws {
        let fixture = try ServerFixture(households: 4)
        defer { fixture.remove() }
        let target = try JourneyTests.households(fixture.schema, residents: 2)[0]
        let (household, code) = fixture.codes[0]
        let section = try XCTUnwrap(IndividualSection(schema: fixture.schema))
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            let first = try await browser.signIn(code)
            var driver = JourneyDriver(schema: fixture.schema, target: target, browser: browser)
            // Up to the first page of person 2's own section: it offers the private code.
            let atSection = try await driver.run(from: first) { $0.hasPrefix("/form/member/residents/m2/") }
            browser = driver.browser
            XCTAssertTrue(atSection.contains("would like to answer separately"), atSection.mainText)
            let link = try XCTUnwrap(Page.capture(#"href="(/form/individual/residents/m2)""#, in: atSection.body))
            let ask = try await browser.get(link)
            XCTAssertEqual(ask.status, .ok)
            XCTAssertTrue(ask.contains("individual access code"), ask.mainText)
            let refused = try await browser.post(link, [], csrf: false)
            XCTAssertEqual(refused.status, .forbidden, "a post without the CSRF token")
            let asked = try await browser.post(link, [])
            XCTAssertEqual(asked.status, .ok, asked.mainText)
            XCTAssertTrue(asked.contains("will answer separately"), asked.mainText)
            let letter = try Self.individualCode(fixture)
            XCTAssertFalse(asked.body.contains(letter.code), "the code goes by post, not to the household's screen")
            let answer1 = try await browser.get("/form/individual/residents/m1")
            XCTAssertEqual(answer1.status, .notFound, "person 1 is the respondent")
            let answer2 = try await browser.get("/form/individual/visitors/m2")
            XCTAssertEqual(answer2.status, .notFound)

            // The rest of the household's form, without person 2's section.
            driver.browser = browser
            driver.visited = []
            let resumed = try await browser.follow(try await browser.get("/form"))
            let check = try await driver.run(from: resumed) { $0 == "/form/check-answers" }
            XCTAssertFalse(driver.visited.contains { $0.hasPrefix("/form/member/residents/m2/") }, "\(driver.visited)")
            XCTAssertTrue(check.contains("Will answer separately, with their own access code"), check.mainText)
            XCTAssertFalse(check.contains("There is a problem"), check.mainText)
            let done = try await driver.run(from: check)
            XCTAssertTrue(done.contains("Census submitted"), done.mainText)

            // The person, on their own code: their section only, then their own submission.
            var person = Browser(client)
            let theirFirst = try await person.signIn(letter.code)
            XCTAssertTrue(HouseholdPageAnswers.path(html: theirFirst.body)?.hasPrefix("/form/member/residents/m1/") == true, theirFirst.mainText)
            let answer3 = try await person.get("/form/list/residents")
            XCTAssertEqual(answer3.status, .notFound, "not the household's list")
            let household1 = try await person.get("/form/page/tenure")
            XCTAssertNotEqual(household1.status, .ok, "not the household's pages")
            var theirs = JourneyDriver(schema: fixture.schema, target: try Self.personTarget(target, position: 2), browser: person)
            let theirDone = try await theirs.run(from: theirFirst)
            XCTAssertTrue(theirDone.contains("Census submitted"), theirDone.mainText)
            XCTAssertTrue(theirs.visited.allSatisfy { $0.hasPrefix("/form/member/residents/m1/") || $0.hasPrefix("/form/confirm/") || $0 == "/form/check-answers" || $0 == "/form/done" },
                          "\(theirs.visited)")
        }
        let store = try ResponseStore.openForReading(at: fixture.directory)
        defer { store.close() }
        let own = try store.versions(of: household, includeBodies: true)
        XCTAssertEqual(own.map(\.kind), [.submitted])
        let stored = try JSONParser.parse(try XCTUnwrap(own.first?.body))
        let second = try XCTUnwrap(stored["residents"]?.arrayValue?[1])
        XCTAssertNil(second["dob"], "the household's return says nothing of person 2's own section")
        XCTAssertEqual(second["first_name"], target["residents"]?.arrayValue?[1]["first_name"])
        let individual = try store.versions(of: IndividualReturn.key(household: household, person: "i1"), includeBodies: true)
        XCTAssertEqual(individual.map(\.kind), [.submitted])
        let theirsStored = try JSONParser.parse(try XCTUnwrap(individual.first?.body))
        XCTAssertEqual(theirsStored["residents"]?.arrayValue?.count, 1)
        XCTAssertEqual(theirsStored["residents"]?.arrayValue?[0]["dob"], target["residents"]?.arrayValue?[1]["dob"])
        XCTAssertNil(theirsStored["tenure"])
        XCTAssertEqual(individual.first?.completeness ?? 0, 1, accuracy: 0.2)
        _ = section
    }

    func testASupervisorIssuesAnIndividualCodeAndFieldStaffCannot() async throws {
        let fixture = try ServerFixture(households: 4)
        defer { fixture.remove() }
        let staff = try StaffFixture(fixture)
        let household = fixture.codes[1].household
        try await fixture.withServer { client, _ in
            var keyer = Browser(client)
            try await keyer.staffSignIn(staff.field)
            let answer4 = try await keyer.get("/staff/households/\(household)/individual")
            XCTAssertEqual(answer4.status, .forbidden)
            let answer5 = try await keyer.get("/staff/keying/household?id=\(household)")
            XCTAssertFalse(answer5.contains("Issue an individual access code"))

            var supervisor = Browser(client)
            try await supervisor.staffSignIn(staff.supervisor)
            let found = try await supervisor.get("/staff/keying/household?id=\(household)")
            XCTAssertTrue(found.contains("Issue an individual access code"), found.mainText)
            let page = try await supervisor.get("/staff/households/\(household)/individual")
            XCTAssertEqual(page.status, .ok, page.mainText)
            let empty = try await supervisor.post("/staff/households/\(household)/individual", [("first_name", " "), ("last_name", "Rees")])
            XCTAssertEqual(empty.status, .unprocessableContent)
            XCTAssertTrue(empty.contains("Enter the person's first name"), empty.mainText)
            let done = try await supervisor.post("/staff/households/\(household)/individual", [("first_name", "Edith"), ("last_name", "Rees")])
            XCTAssertEqual(done.status, .ok, done.mainText)
            XCTAssertTrue(done.contains("An individual access code was issued"), done.mainText)
            let letter = try Self.individualCode(fixture)
            XCTAssertFalse(done.body.contains(letter.code))
            let answer6 = try await supervisor.get("/staff/households/H99999999/individual")
            XCTAssertEqual(answer6.status, .notFound)
            let after = try await supervisor.get("/staff/keying/household?id=\(household)")
            XCTAssertTrue(after.contains("Person i1 answers separately (code issued by a supervisor): no return yet."), after.mainText)

            // The person signs in on it; the household's own code still opens the household's form.
            var person = Browser(client)
            let first = try await person.signIn(letter.code)
            XCTAssertTrue(HouseholdPageAnswers.path(html: first.body)?.hasPrefix("/form/member/residents/m1/") == true, first.mainText)
            XCTAssertTrue(first.contains("Edith Rees"), first.mainText)
        }
        let log = try fixture.auditLog()
        XCTAssertEqual(try log.records(subject: household).map(\.action), ["individual_code_issued"])
    }
}
