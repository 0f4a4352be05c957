import XCTest
@testable import Questionnaire

/// A finding's path names exactly one place in the response, and only one that exists; its
/// message shows response text escaped and cut short (docs/response-format.md, "Findings").
final class FindingPathTests: XCTestCase {
    let household = CensusHousehold()

    // The reported cases: a key `residents[0].dob` was reported at `$.residents[0].dob` (the real
    // date of birth), `""` at `$.`, a key ending in a newline broke the output line.
    func testKeysThatAreNotPlainNamesAreQuoted() {
        XCTAssertEqual(household.with("residents[0].dob", "1990-01-01").findings(),
                       [#"unknown_key $['residents[0].dob']: Unknown key 'residents[0].dob'"#])
        XCTAssertEqual(household.with("", 1).findings(), [#"unknown_key $['']: Unknown key ''"#])
        XCTAssertEqual(household.with("dob\n", 1).findings(), [#"unknown_key $['dob\n']: Unknown key 'dob\n'"#])
        XCTAssertEqual(household.resident(1, "dob\n", "1990-01-01").findings(),
                       [#"unknown_key $.residents[1]['dob\n']: Unknown key 'dob\n' (did you mean 'dob'?)"#])
        XCTAssertEqual(household.with("it's", 1).findings(), [#"unknown_key $['it\'s']: Unknown key 'it's'"#])
        XCTAssertEqual(household.with("a\\b\u{1}", 1).findings(), [#"unknown_key $['a\\b\u0001']: Unknown key 'a\b\u0001'"#])
        XCTAssertEqual(household.with("bedroom", 1).findings(), ["unknown_key $.bedroom: Unknown key 'bedroom' (did you mean 'bedrooms'?)"])
        XCTAssertEqual(household.with("tenure 2", "owns").findings().first, #"unknown_key $['tenure 2']: Unknown key 'tenure 2' (did you mean 'tenure'?)"#)
        XCTAssertEqual(household.with("Ŵ", 1).findings(), [#"unknown_key $['Ŵ']: Unknown key 'Ŵ'"#])
    }

    func testPathsNeverNameAnElementThatIsNotThere() {
        // `"confirm_age": true` was reported at `...confirm_age[0]`. A confirmation that is not
        // read confirms nobody: every age is asked again.
        let unconfirmed = ["confirm.confirm_age $.residents[0].dob: You are 53 years old. Is this correct?", "confirm.confirm_age $.residents[1].dob: Megan Robinson is 51 years old. Is this correct?", "confirm.confirm_age $.residents[2].dob: Robert Robinson is 18 years old. Is this correct?"]
        for value: JSONValue in [true, 2, "2", ["person": 2]] {
            XCTAssertEqual(household.with("confirmations", ["confirm_age": value]).findings(),
                           ["invalid_confirmation $.confirmations.confirm_age: Invalid confirmation: expected an array of member positions 1...3, such as [2]"] + unconfirmed, "\(value)")
        }
        XCTAssertEqual(household.with("confirmations", ["confirm_age": [1, 9]]).findings(),
                       ["invalid_confirmation $.confirmations.confirm_age[1]: Invalid confirmation: expected member positions 1...3"] + unconfirmed.dropFirst())
        XCTAssertEqual(household.with("confirmations", ["confirm age": true]).findings(),
                       ["unknown_key $.confirmations['confirm age']: Unknown key 'confirm age' (did you mean 'confirm_age'?)"] + unconfirmed)
        let address = household.resident(0, "workplace_type", "workplace").resident(0, "mainly_work_in_uk", "yes").resident(0, "work_country", nil)
            .resident(0, "workplace_address", ["lines": ["1 High St"], "zip code": "x"])
        XCTAssertEqual(address.findings(), ["invalid_address $.residents[0].workplace_address['zip code']: Invalid address: unknown field 'zip code'"])
    }

    func testMessagesEscapeControlCharactersAndCapEchoedInput() {
        let long = String(repeating: "x", count: 10_000)
        let findings = household.with(long, 1).findings()
        XCTAssertEqual(findings.count, 1)
        XCTAssertTrue(findings[0].hasSuffix("Unknown key '\(String(repeating: "x", count: 40))…'"), findings[0])
        // The path is the only place the key is given in full: it names the place exactly.
        XCTAssertTrue(findings[0].hasPrefix("unknown_key $.\(long):"))
        // An option that is not one, with a right-to-left override and an escape character.
        XCTAssertEqual(household.resident(0, "sex", "male\u{202E}\u{1B}[31m").findings(),
                       [#"invalid_option $.residents[0].sex: 'male\u202e\u001b[31m' is not one of the options: female, male"#])
        for f in household.with("x\ny\u{2028}z", 1).evaluate().findings {
            XCTAssertFalse(f.message.contains("\n") || f.message.contains("\u{2028}") || f.path.contains("\n"), f.message)
        }
        // A name with control characters is refused (control_character), so it is never piped
        // into a message: a required question's label naming the member leaves it out.
        let required = household.resident(1, "first_name", "Megan\n\u{1B}[2J").resident(1, "country_of_birth", nil).findings()
        XCTAssertEqual(required.filter { $0.contains("residents[1]") },
                       ["required $.residents[1].country_of_birth: This question needs an answer: What is Robinson's country of birth?",
                        "control_character $.residents[1].first_name: The answer contains a hidden character that is not allowed (U+000A): type the answer again without it"])
        // A duplicate key in broken JSON is quoted in the json finding as well.
        let duplicate = CensusHousehold.evaluator.evaluate(bytes: Array(#"{"a\u0000b": 1, "a\u0000b": 2}"#.utf8)).findings.map(\.message)
        XCTAssertEqual(duplicate, [#"not valid JSON: line 1, column 30: duplicate member name "a\u0000b""#])
        // A schema id from the response is echoed in the same way.
        let other = household.with("schema", ["id": .string("other\nform" + long), "hash": "sha256:0"]).findings()
        XCTAssertEqual(other.count, 1)
        XCTAssertFalse(other[0].contains("\n"))
        XCTAssertLessThan(other[0].count, 300)
    }
}
