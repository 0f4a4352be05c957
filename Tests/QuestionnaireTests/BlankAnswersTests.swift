import XCTest
@testable import Questionnaire

/// A written answer that is only blank characters (any Unicode white space, control characters,
/// zero-width characters) is not answered, like `""`; blank characters around an answer are not
/// part of it (docs/response-format.md, "Answers").
final class BlankAnswersTests: XCTestCase {
    let household = CensusHousehold()
    static let blanks = [" ", "\t", "\n", "  \r\n ", "\u{00A0}", "\u{2003}", "\u{3000}", "\u{200B}", "\u{FEFF}", "\u{2028}", "\u{0085}", " \u{200B}\u{00A0}"]

    // The reported case: required first_name " " and last_name "\t" gave a valid response.
    func testBlankRequiredNamesAreMissing() {
        let e = household.resident(0, "first_name", " ").resident(0, "last_name", "\t").evaluate()
        XCTAssertFalse(e.isValid)
        XCTAssertEqual(e.findings.filter { $0.path.hasPrefix("$.residents[0]") }.map { "\($0.code) \($0.path)" },
                       ["required $.residents[0].first_name", "required $.residents[0].last_name"])
        for blank in Self.blanks {
            let findings = household.resident(2, "first_name", .string(blank)).findings()
            XCTAssertEqual(findings, ["required $.residents[2].first_name: This question needs an answer: First name"], blank.unicodeScalars.map { "U+\(String($0.value, radix: 16))" }.joined())
        }
    }

    func testBlankOptionalAnswersAreNotAnswered() {
        let valid = household.evaluate()
        for blank in Self.blanks {
            let e = household.resident(0, "employer", .string(blank)).evaluate()
            XCTAssertEqual(e.findings, [], "employer \(blank.debugDescription)")
            XCTAssertEqual(e.answeredCount, valid.answeredCount - 1)
        }
        // A blank "please specify" detail is no detail.
        XCTAssertEqual(household.with("central_heating", [["value": "other", "detail": "\u{3000}"]]).findings(), [])
    }

    func testBlankCharactersAroundAnAnswerAreNotPartOfIt() {
        // 100 characters is first_name's maximum: spaces around it do not make it too long.
        let name = String(repeating: "a", count: 100)
        XCTAssertEqual(household.resident(0, "first_name", .string("  \(name)\u{00A0}\t")).findings(), [])
        XCTAssertEqual(household.resident(0, "first_name", .string(" \(name)b ")).findings(),
                       ["too_long $.residents[0].first_name: The answer is too long: 101 characters, at most 100"])
        // Piped and derived without them: {name} is "Thomas Robinson", not "Thomas  Robinson ".
        let e = household.resident(0, "first_name", "Thomas ").resident(0, "last_name", "\u{3000}Robinson\u{200B}").evaluate()
        XCTAssertEqual(e.derived("$.residents[0].name"), .text("Thomas Robinson"))
    }

    func testBlankAddressFields() {
        let address: JSONValue = ["lines": ["1 High St", ""], "town": "Leeds", "postcode": "LS6 2AB", "country": "United Kingdom"]
        // Working at a workplace in the UK: its address is asked.
        let workplace = household.resident(0, "workplace_type", "workplace").resident(0, "mainly_work_in_uk", "yes").resident(0, "work_country", nil)
        XCTAssertEqual(workplace.resident(0, "workplace_address", address).findings(), [], "an empty line box is skipped")
        // Nothing written in any field: not answered (workplace_address is optional).
        for blank: JSONValue in [["lines": [" "], "town": "\t"], ["lines": ["", "\u{3000}"]], ["town": " "], [:], ["lines": []]] {
            let e = workplace.resident(0, "workplace_address", blank).evaluate()
            XCTAssertEqual(e.findings, [], "\(blank)")
            XCTAssertEqual(e.applicable.first { $0.path == "$.residents[0].workplace_address" }?.answered, false)
        }
        // A town but only blank lines: the address lines are missing.
        XCTAssertEqual(workplace.resident(0, "workplace_address", ["lines": ["  "], "town": "Leeds"]).findings(),
                       ["invalid_address $.residents[0].workplace_address.lines: Invalid address: lines: expected 1 to 4 lines of text"])
        // A UK address whose postcode is blank has no UK postcode.
        let uk = household.resident(0, "another_address", "uk").resident(0, "another_address_uk", ["lines": ["1 High St"], "postcode": " "])
        XCTAssertEqual(uk.findings().filter { $0.hasPrefix("invalid_postcode") }, ["invalid_postcode $.residents[0].another_address_uk.postcode: '' is not a UK postcode"])
        XCTAssertEqual(workplace.resident(0, "workplace_address", ["lines": ["1 High St"], "town": " Leeds ", "postcode": " LS6 2AB "]).findings(), [])
    }
}
