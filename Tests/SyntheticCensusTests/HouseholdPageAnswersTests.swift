import Foundation
import XCTest
import Questionnaire
import SyntheticCensus

/// The page-answering person of the journey tests and `census-bench journeys` ticks only what a
/// page offers, as a browser can: a target made for another variant of the form (Wales, for a
/// household in England) must not post an option the page does not show.
final class HouseholdPageAnswersTests: XCTestCase {
    func testOnlyTheOptionsAPageOffersArePosted() throws {
        let schema = try AnyFormGeneratorTests.evaluator(file: "questionnaires/example.census").schema
        let target: JSONValue = [
            "tenure": "rent_free",
            "heating": [["value": "other", "detail": "Heat pump"], "gas"],
        ]
        // The page offers two of tenure's options, and heating without "other".
        let html = """
            <form method="post" action="/form/page/home">
            <input class="radios__input" id="tenure" name="tenure" type="radio" value="owns">
            <input class="radios__input" id="tenure-rents" name="tenure" type="radio" value="rents">
            <input class="checkboxes__input" id="heating" name="heating" type="checkbox" value="gas">
            <input class="checkboxes__input" id="heating-electric" name="heating" type="checkbox" value="electric">
            </form>
            """
        let fields = HouseholdPageAnswers(schema: schema, target: target).fields(for: target, html: html)
        XCTAssertEqual(fields.map { "\($0.0)=\($0.1)" }, ["action=continue", "heating=gas"])

        // What the page offers is posted as before.
        let offered = html.replacingOccurrences(of: #"value="owns""#, with: #"value="rent_free""#)
            .replacingOccurrences(of: #"value="electric""#, with: #"value="other""#) + #"<input name="heating-other-detail" type="text">"#
        let all = HouseholdPageAnswers(schema: schema, target: target).fields(for: target, html: offered)
        XCTAssertEqual(Set(all.map { "\($0.0)=\($0.1)" }),
                       ["action=continue", "tenure=rent_free", "heating=other", "heating-other-detail=Heat pump", "heating=gas"])
    }
}
