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

/// The household pages of the real 2021 form (questionnaires/census-household.census) show
/// every construct it uses: the respondent as person 1 and the list's singular/plural summary,
/// "your" in relationships with the respondent, options offered to later people only that
/// name person 1, a part of an address answer piped, suggestion lists as a `datalist`, the
/// voluntary flag, guidance shown only to some people, and an early end of a person's section.
final class CensusFormPagesTests: ServerTestCase {
    func testTheCensusFormsConstructsOnItsPages() async throws {
        let fixture = self.fixture!
        let home = try XCTUnwrap(fixture.households.first { $0.householdID == fixture.codes[0].household })
        let address = OnlineAnswers.addressLine(home)
        try await fixture.withServer { client, _ in
            var b = Browser(client)
            let first = try await b.signIn(fixture.codes[0].code)
            XCTAssertTrue(first.contains("Coronavirus (COVID-19) and Census 2021"), first.mainText)
            _ = try await b.submit("/form/page/coronavirus", [])
            let intro = try await b.get("/form/page/people_intro")
            XCTAssertTrue(intro.contains("People who live in this household at \(address)"), intro.mainText)
            XCTAssertTrue(intro.contains("What we mean by “this household”"), intro.mainText)
            _ = try await b.post("/form/page/people_intro", [])
            _ = try await b.submit("/form/page/lives_here", [("lives_here", "yes")])
            let whoElse = try await b.get("/form/page/who_else")
            XCTAssertTrue(whoElse.contains("Do any of the following people also live at \(address)"), whoElse.mainText)
            _ = try await b.post("/form/page/who_else", [("who_else", "family")])

            // The respondent is person 1; the summary says "1 person is", then "2 people are".
            let add = try await b.get("/form/list/residents/add")
            XCTAssertTrue(add.contains("What is your name?"), add.mainText)
            _ = try await b.post("/form/list/residents/add", [("first_name", "Ann"), ("last_name", "Jones")])
            let one = try await b.get("/form/list/residents")
            XCTAssertTrue(one.contains("Ann Jones (You)"), one.mainText)
            XCTAssertTrue(one.contains("You said 1 person is living here"), one.mainText)
            _ = try await b.post("/form/list/residents", [("more", "yes")])
            let second = try await b.get("/form/list/residents/add")
            XCTAssertTrue(second.contains("Who else lives at \(address)?"), second.mainText)
            _ = try await b.post("/form/list/residents/add", [("first_name", "Bob"), ("last_name", "Jones")])
            let two = try await b.get("/form/list/residents")
            XCTAssertTrue(two.contains("You said 2 people are living here"), two.mainText)
            _ = try await b.post("/form/list/residents", [("more", "no")])
            _ = try await b.submit("/form/page/any_visitors", [("any_visitors", "none")])

            // Relationships: "is your" when the member related to is the respondent.
            let pair = try await b.get("/form/relationships/residents/m2")
            XCTAssertEqual(pair.status, .ok)
            XCTAssertTrue(pair.contains("Bob Jones is your"), pair.mainText)

            // Ann answers for herself, Bob is answered for.
            _ = try await b.submit("/form/member/residents/m1/is_you", [("is_you", "yes")])
            _ = try await b.submit("/form/member/residents/m2/is_you", [("is_you", "no")])

            // Guidance shown only to some: the gender identity hint from 16.
            let ann = try await b.submit("/form/member/residents/m1/dob", [("dob-day", "3"), ("dob-month", "4"), ("dob-year", "1980")])
            if let confirm = ann.location, confirm.contains("/form/confirm/") {
                _ = try await b.submit(confirm, [("confirm", "yes")])
            }
            let annSex = try await b.get("/form/member/residents/m1/sex")
            XCTAssertTrue(annSex.contains("What is your sex?"), annSex.mainText)
            XCTAssertTrue(annSex.contains("A question about gender identity will follow"), annSex.mainText)
            let bob = try await b.submit("/form/member/residents/m2/dob", [("dob-day", "5"), ("dob-month", "6"), ("dob-year", "2012")])
            if let confirm = bob.location, confirm.contains("/form/confirm/") {
                _ = try await b.submit(confirm, [("confirm", "yes")])
            }
            let bobSex = try await b.get("/form/member/residents/m2/sex")
            XCTAssertTrue(bobSex.contains("What is Bob Jones's sex?"), bobSex.mainText)
            XCTAssertFalse(bobSex.contains("gender identity"), "not shown under 16")

            // A part of an address answer piped: the other address's first line.
            _ = try await b.submit("/form/member/residents/m1/another_address", [("another_address", "uk")])
            _ = try await b.submit("/form/member/residents/m1/another_address_uk",
                                   [("another_address_uk-line1", "12 Harbour Row"), ("another_address_uk-town", "Whitby"), ("another_address_uk-postcode", "YO21 3PU")])
            let type = try await b.get("/form/member/residents/m1/address_type")
            XCTAssertTrue(type.contains("What type of address is 12 Harbour Row?"), type.mainText)

            // A write-in with a suggestion list: a plain HTML datalist.
            _ = try await b.submit("/form/member/residents/m1/country_of_birth", [("country_of_birth", "elsewhere")])
            let country = try await b.get("/form/member/residents/m1/country_of_birth_other")
            XCTAssertTrue(country.body.contains(#"list="country_of_birth_other-suggestions""#), country.body)
            XCTAssertTrue(country.body.contains(#"<datalist id="country_of_birth_other-suggestions">"#))
            XCTAssertTrue(country.body.contains(#"<option value="Nigeria">"#))

            // An option offered to later people only, naming person 1.
            let annYearAgo = try await b.get("/form/member/residents/m1/address_one_year_ago_where")
            XCTAssertFalse(annYearAgo.contains("Same as"), annYearAgo.mainText)
            let bobYearAgo = try await b.get("/form/member/residents/m2/address_one_year_ago_where")
            XCTAssertTrue(bobYearAgo.contains("Same as Ann Jones's address one year ago"), bobYearAgo.mainText)

            // The voluntary flag.
            let religion = try await b.get("/form/member/residents/m1/religion")
            XCTAssertTrue(religion.contains("This question is voluntary"), religion.mainText)
            let health = try await b.get("/form/member/residents/m1/general_health")
            XCTAssertFalse(health.contains("voluntary"))

            // An early end: Bob (8) is asked nothing after unpaid care, so no sexual orientation.
            let ended = try await b.get("/form/member/residents/m2/sexual_orientation")
            XCTAssertEqual(ended.status, .seeOther, "not a screen for a child")
            let annOrientation = try await b.get("/form/member/residents/m1/sexual_orientation")
            XCTAssertEqual(annOrientation.status, .ok)
        }
    }
}
