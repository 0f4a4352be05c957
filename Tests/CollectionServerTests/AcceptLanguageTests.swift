@testable import CollectionServer
import Foundation
import HTTPTypes
import XCTest

/// A visitor's first pages are in the language their browser asks for (`Accept-Language`,
/// RFC 9110 12.5.4, with q-values), when it is one of the form's; a language chosen on the
/// site (the switch, the language question: kept in the session cookie) always wins.
final class AcceptLanguageTests: XCTestCase {
    func testThePreferredLanguageOfTheForms() {
        let form = ["en", "cy"]
        func pick(_ header: String) -> String? { AcceptLanguage.preferred(header, among: form) }
        XCTAssertEqual(pick("cy"), "cy")
        XCTAssertEqual(pick("cy-GB,cy;q=0.9,en-GB;q=0.8,en;q=0.7"), "cy", "a region is the same language")
        XCTAssertEqual(pick("CY-gb"), "cy", "tags are case-insensitive")
        XCTAssertEqual(pick("en;q=0.5, cy;q=0.8"), "cy", "by q-value, not order")
        XCTAssertEqual(pick("en-GB, cy"), "en", "equal q-values: the header's order")
        XCTAssertEqual(pick("fr-FR, fr;q=0.9, cy;q=0.2"), "cy", "the best of the form's languages")
        XCTAssertNil(pick("fr-FR, fr;q=0.9, de;q=0.8"), "none of the form's")
        XCTAssertNil(pick("cy;q=0"), "q=0 is 'not acceptable'")
        XCTAssertEqual(pick("cy;q=0, *"), "en", "the wildcard is any language not named")
        XCTAssertEqual(pick("*;q=0.5, en;q=0"), "cy")
        XCTAssertEqual(pick("en;q=0.1, *;q=0.5"), "cy", "a named language keeps its own q, below the wildcard's")
        XCTAssertEqual(pick(" cy ; q = 0.7 , en;q=0.6"), "cy", "spaces around the parts")
        XCTAssertEqual(pick("cy;q=1.0, en;q=0.999"), "cy")
        // Malformed entries are skipped, not guessed at.
        XCTAssertEqual(pick("cy;q=abc, en;q=0.3"), "en")
        XCTAssertEqual(pick("cy;q=2, en;q=0.3"), "en")
        XCTAssertEqual(pick("cy;q=0.1234, en;q=0.3"), "en", "at most three decimals")
        XCTAssertEqual(pick("c y, en"), "en")
        XCTAssertNil(pick(""))
        XCTAssertNil(pick(",,;"))
        XCTAssertEqual(pick(String(repeating: "xx, ", count: 10_000) + "cy"), "cy", "a long header is read whole")
        XCTAssertEqual(AcceptLanguage.preferred("gd, en;q=0.5", among: ["en", "gd"]), "gd")
    }

    func testAVisitorsFirstPagesFollowTheBrowserUntilALanguageIsChosen() async throws {
        let fixture = try ServerFixture(households: 2)
        defer { fixture.remove() }
        try await fixture.withServer { client, _ in
            var welsh = Browser(client)
            welsh.headers[.acceptLanguage] = "cy-GB,cy;q=0.9,en;q=0.8"
            let start = try await welsh.get("/")
            XCTAssertTrue(start.body.contains(#"<html lang="cy">"#), start.body)
            XCTAssertTrue(start.contains("Llenwch eich cyfrifiad ar-lein"), start.mainText)
            // Signing in keeps it: the session starts in Welsh, and the language question has it chosen.
            let signIn = try await welsh.get("/sign-in")
            XCTAssertTrue(signIn.contains("Rhowch eich cod mynediad"), signIn.mainText)
            let signedIn = try await welsh.post("/sign-in", [("accessCode", fixture.codes[0].code)])
            XCTAssertEqual(signedIn.location, "/language")
            let question = try await welsh.get("/language")
            XCTAssertTrue(question.body.contains(#"value="cy" checked"#), question.body)
            // From then on the session's language rules, whatever the browser says.
            welsh.headers[.acceptLanguage] = "en"
            let later = try await welsh.get("/language")
            XCTAssertTrue(later.body.contains(#"<html lang="cy">"#), later.body)

            // A browser asking for a language the form does not have gets the form's first.
            var french = Browser(client)
            french.headers[.acceptLanguage] = "fr-FR, fr;q=0.9"
            let english = try await french.get("/")
            XCTAssertTrue(english.body.contains(#"<html lang="en">"#), english.body)

            // A choice made with the switch beats the browser's header.
            var chose = Browser(client)
            chose.headers[.acceptLanguage] = "cy"
            _ = try await chose.get("/language?to=en&return=/")
            let after = try await chose.get("/")
            XCTAssertTrue(after.body.contains(#"<html lang="en">"#), after.body)
            XCTAssertTrue(after.contains("Complete your census online"), after.mainText)
        }
    }
}
