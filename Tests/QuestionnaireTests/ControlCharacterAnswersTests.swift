import XCTest
@testable import Questionnaire

/// A written answer (a text question, a "please specify" detail, an address field) may not hold
/// a character that shows nothing and changes how the text reads: the C0 and C1 control
/// characters (U+0000-U+001F, U+007F-U+009F) and the bidirectional overrides, embeddings and
/// isolates (U+202A-U+202E, U+2066-U+2069), which can reorder a name on every screen and export
/// that shows it. A multi-line question keeps tabs and line breaks; a single-line answer has no
/// line breaks either (U+2028 and U+2029 too). The finding is an error the respondent can fix:
/// `control_character`, naming the character (docs/response-format.md, "Findings").
final class ControlCharacterAnswersTests: XCTestCase {
    let household = CensusHousehold()

    static let refusedEverywhere: [Unicode.Scalar] = [
        "\u{0000}", "\u{0001}", "\u{0008}", "\u{001B}", "\u{001F}", "\u{007F}", "\u{0080}", "\u{0085}", "\u{009F}",
        "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
    ]
    static let lineBreaksAndTabs: [Unicode.Scalar] = ["\t", "\n", "\r", "\u{2028}", "\u{2029}"]

    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// `code path` of each finding, checked the same on the three readers.
    func found(_ h: CensusHousehold, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        h.evaluate(file: file, line: line).findings.map { "\($0.code) \($0.path)" }
    }

    // The reported case: U+0001 and U+202E inside a name were accepted.
    func testAControlCharacterInsideANameIsRefused() {
        for scalar in Self.refusedEverywhere + Self.lineBreaksAndTabs {
            let name = "Tho" + String(Character(scalar)) + "mas"
            let e = household.resident(0, "first_name", .string(name)).evaluate()
            let code = Self.codePoint(scalar)
            XCTAssertEqual(e.findings.map { "\($0.severity) \($0.code) \($0.path): \($0.message)" },
                           ["error control_character $.residents[0].first_name: The answer contains a hidden character that is not allowed (\(code)): type the answer again without it"],
                           code)
            XCTAssertFalse(e.isValid, code)
            // Refused, so not answered: not piped, not counted.
            XCTAssertEqual(e.applicable.first { $0.path == "$.residents[0].first_name" }?.answered, false, code)
            XCTAssertEqual(e.derived("$.residents[0].name"), .text("Robinson"), code)
        }
    }

    func testAMultiLineAnswerKeepsItsLineBreaksAndTabs() {
        let text = "Writing software\r\nand testing it:\n\tunits\u{2028}and systems"
        XCTAssertEqual(household.resident(0, "job_description", .string(text)).findings(), [])
        for scalar in Self.refusedEverywhere {
            XCTAssertEqual(found(household.resident(0, "job_description", .string("Writing\n" + String(Character(scalar)) + "software"))),
                           ["control_character $.residents[0].job_description"], Self.codePoint(scalar))
        }
    }

    func testDetailsAndAddressFieldsAreSingleLine() {
        for scalar in Self.refusedEverywhere + Self.lineBreaksAndTabs {
            let code = Self.codePoint(scalar)
            let c = String(Character(scalar))
            XCTAssertEqual(found(household.with("central_heating", [["value": "other", "detail": .string("Wood" + c + "burner")]])),
                           ["control_character $.central_heating[0].detail"], code)
            let address: JSONValue = ["lines": .array([.string("204 Heol" + c + " y Parc")]), "town": "Manchester", "postcode": "M14 5RT", "country": "United Kingdom"]
            let visitor = household.with("visitors", [["visitor_dob": "1974-01-26", "visitor_first_name": "Maryam", "visitor_last_name": "Taylor",
                                                       "visitor_sex": "female", "visitor_usual_address_where": "uk", "visitor_usual_address": address]])
            XCTAssertEqual(found(visitor), ["control_character $.visitors[0].visitor_usual_address.lines[0]"], code)
            let town: JSONValue = ["lines": ["204 Heol y Parc"], "town": .string("Man" + c + "chester"), "postcode": "M14 5RT"]
            XCTAssertEqual(found(visitor.with("visitors", [["visitor_dob": "1974-01-26", "visitor_first_name": "Maryam", "visitor_last_name": "Taylor",
                                                            "visitor_sex": "female", "visitor_usual_address_where": "uk", "visitor_usual_address": town]])),
                           ["control_character $.visitors[0].visitor_usual_address.town"], code)
        }
    }

    func testBlankCharactersAroundAnAnswerAreStillTrimmed() {
        // Control characters at either end are blank (AnswerText): trimmed, not refused.
        XCTAssertEqual(household.resident(0, "first_name", "\u{0001}Thomas\t\u{0085}").findings(), [])
        // A bidi override is no blank: at the end of a name it still reorders what follows.
        XCTAssertEqual(found(household.resident(0, "first_name", "Thomas\u{202E}")), ["control_character $.residents[0].first_name"])
    }

    func testTheMessageIsInTheRespondentsLanguage() {
        XCTAssertEqual(household.resident(0, "first_name", "Tho\u{202E}mas").findings(language: "cy"),
                       ["control_character $.residents[0].first_name: Mae nod cudd nad yw'n cael ei ganiatáu yn yr ateb (U+202E): teipiwch yr ateb eto hebddo"])
    }

    func testOtherCharactersAreAnswers() {
        // Letters of any script, emoji with joiners, a right-to-left name written plainly, the
        // directional marks (U+200E, U+200F) that are not overrides, a no-break space inside.
        for name in ["Siân", "Zoë", "محمد", "王秀英", "👩‍👩‍👧", "Ann\u{200E}e", "Jean\u{00A0}Paul", "O'Neil-Smith"] {
            XCTAssertEqual(household.resident(0, "first_name", .string(name)).findings(), [], name)
        }
    }
}
