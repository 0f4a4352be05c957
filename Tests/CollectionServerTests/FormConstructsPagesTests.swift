import AddressFrame
import CensusCollection
import CollectionServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Questionnaire
import ResponseStore
import XCTest

/// The household pages render what the form says with the language's newer constructs,
/// without knowing the form: content pages and definitions, the household's address, the
/// variant by where the household is, list wording with the respondent first and "anyone
/// else?", option descriptions, number details, a checkbox instead of a text, multi-line text.
final class FormConstructsPagesTests: ServerTestCase {
    override func makeFixture() throws -> ServerFixture { try ServerFixture(form: "constructs", households: 40) }

    func household(inCountry prefix: Character) -> (Household, String) {
        let k = fixture.households.firstIndex { $0.localAuthority.first == prefix }!
        let code = fixture.codes.first { $0.household == fixture.households[k].householdID }!.code
        return (fixture.households[k], code)
    }

    func testAHouseholdInWalesMeetsEveryConstruct() async throws {
        let fixture = self.fixture!
        let (home, code) = household(inCountry: "W")
        let address = OnlineAnswers.addressLine(home)
        try await fixture.withServer { client, _ in
            var b = Browser(client)
            // A content page first: its body (with the household's address) and a definition.
            let intro = try await b.signIn(code)
            XCTAssertTrue(intro.contains("About your household"), intro.mainText)
            XCTAssertTrue(intro.contains("These questions are about \(address)."), intro.mainText)
            XCTAssertTrue(intro.body.contains("<details class=\"details\">"))
            XCTAssertTrue(intro.contains("People who share cooking facilities."))
            let next = try await b.post("/form/page/intro", [])
            XCTAssertEqual(next.location, "/form/page/lives_here")
            let livesHere = try await b.get("/form/page/lives_here")
            XCTAssertTrue(livesHere.contains("Do you usually live at \(address)?"), livesHere.mainText)
            _ = try await b.post("/form/page/lives_here", [("lives_here", "yes")])
            // The variant follows the household's local authority: asked in Wales.
            let wales = try await b.get("/form/page/welsh_question")
            XCTAssertEqual(wales.status, .ok)
            _ = try await b.post("/form/page/welsh_question", [("welsh_question", "yes")])
            // Option descriptions, and a number detail.
            let cars = try await b.get("/form/page/cars")
            XCTAssertTrue(cars.contains("Including vans"))
            XCTAssertTrue(cars.body.contains(#"aria-describedby="cars-some-description""#))
            XCTAssertTrue(cars.contains("Enter the number of cars"))
            let notNumber = try await b.post("/form/page/cars", [("cars", "many"), ("cars-many-detail", "lots")])
            XCTAssertEqual(notNumber.status, .unprocessableContent)
            let tooMany = try await b.post("/form/page/cars", [("cars", "many"), ("cars-many-detail", "40")])
            XCTAssertEqual(tooMany.status, .unprocessableContent, "outside the detail's range 5...20")
            let saved = try await b.post("/form/page/cars", [("cars", "many"), ("cars-many-detail", "7")])
            XCTAssertEqual(saved.location, "/form/list/people")
            // The list's own wording: the respondent first, "(You)", and "anyone else?".
            let add = try await b.get("/form/list/people/add")
            XCTAssertTrue(add.contains("What is your name?"), add.mainText)
            _ = try await b.post("/form/list/people/add", [("name", "Rhys Rees")])
            let list = try await b.get("/form/list/people")
            XCTAssertTrue(list.contains("Rhys Rees (You)"), list.mainText)
            XCTAssertTrue(list.contains("Does anyone else live at \(address)?"), list.mainText)
            let unanswered = try await b.post("/form/list/people", [])
            XCTAssertEqual(unanswered.status, .unprocessableContent)
            let more = try await b.post("/form/list/people", [("more", "yes")])
            XCTAssertEqual(more.location, "/form/list/people/add")
            let second = try await b.get("/form/list/people/add")
            XCTAssertTrue(second.contains("Who else lives at \(address)?"), second.mainText)
            _ = try await b.post("/form/list/people/add", [("name", "Edith Rees")])
            let change = try await b.get("/form/list/people/m2/change")
            XCTAssertTrue(change.contains("Change details for Edith Rees"), change.mainText)
            let remove = try await b.get("/form/list/people/m2/remove")
            XCTAssertTrue(remove.contains("Are you sure you want to remove Edith Rees?"))
            let done = try await b.post("/form/list/people", [("more", "no")])
            XCTAssertEqual(done.location, "/form/member/people/m1/employer")
            // A text with a checkbox instead; ticking both is refused.
            let employer = try await b.get("/form/member/people/m1/employer")
            XCTAssertTrue(employer.contains("No employer"))
            let both = try await b.post("/form/member/people/m1/employer", [("employer", "Acme"), ("employer-none", "no_employer")])
            XCTAssertEqual(both.status, .unprocessableContent)
            _ = try await b.post("/form/member/people/m1/employer", [("employer-none", "no_employer")])
            _ = try await b.submit("/form/member/people/m2/employer", [("employer", "Acme")])
            // Multi-line text.
            let duties = try await b.get("/form/member/people/m2/duties")
            XCTAssertTrue(duties.body.contains("<textarea"), duties.body)
            _ = try await b.post("/form/member/people/m2/duties", [("duties", "Teaching\r\nand marking")])
            let summary = try await b.get("/form/check-answers")
            XCTAssertEqual(summary.status, .ok)
            XCTAssertTrue(summary.contains("5 or more: 7"), summary.mainText)
            XCTAssertTrue(summary.contains("No employer"))
            let submitted = try await b.follow(try await b.post("/form/submit", []))
            XCTAssertTrue(submitted.contains("Census submitted"), submitted.mainText)

            let store = try ResponseStore.openForReading(at: fixture.directory)
            defer { store.close() }
            let body = try XCTUnwrap(store.versions(of: home.householdID, includeBodies: true).first?.body)
            let response = try JSONParser.parse(body)
            XCTAssertEqual(response["variant"], "wales")
            XCTAssertEqual(response["cars"], ["value": "many", "detail": 7])
            XCTAssertEqual(response["people"]?.arrayValue?[0]["employer"], ["option": "no_employer"])
            XCTAssertEqual(response["people"]?.arrayValue?[1]["duties"], "Teaching\nand marking")
        }
    }

    func testAHouseholdInEnglandIsNotAskedTheWalesQuestion() async throws {
        let fixture = self.fixture!
        let (_, code) = household(inCountry: "E")
        try await fixture.withServer { client, _ in
            var b = Browser(client)
            _ = try await b.signIn(code)
            _ = try await b.post("/form/page/intro", [])
            let next = try await b.submit("/form/page/lives_here", [("lives_here", "no")])
            XCTAssertEqual(next.location, "/form/page/cars")
            let wales = try await b.get("/form/page/welsh_question")
            XCTAssertEqual(wales.status, .seeOther, "not a screen for this household")
        }
    }
}
