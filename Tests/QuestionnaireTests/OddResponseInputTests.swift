import XCTest
@testable import Questionnaire

/// Bad and odd input to the evaluator and to `census validate`'s input reader, as a new user
/// would give it: each must get a finding (or split) that says what is wrong.
final class OddResponseInputTests: XCTestCase {
    var ev: Evaluator { CensusFormTests.evaluator }
    /// A valid household of three whose first resident was born abroad (so `arrival` applies).
    let household = CensusFormTests.lines("valid.ndjson")[0]

    func withFirstResident(_ key: String, _ value: JSONValue) -> [UInt8] {
        guard case .object(var o) = household, case .array(var members)? = o["residents"],
              case .object(var first) = members[0] else { preconditionFailure("fixture changed") }
        first[key] = value
        members[0] = .object(first)
        o["residents"] = .array(members)
        return JSONWriter().bytes(.object(o))
    }

    func findings(_ bytes: [UInt8], at path: String) -> [String] {
        ev.evaluate(bytes: bytes).findings.filter { $0.path == path }.map { "\($0.code): \($0.message)" }
    }

    func testFixtureHouseholdIsValid() {
        XCTAssertEqual(ev.evaluate(bytes: JSONWriter().bytes(household)).findings.filter { $0.severity == .error }.map(\.description), [])
    }

    // A date of the right shape that is no day of the calendar used to be "Expected a date
    // YYYY-MM-DD, found a string", which the respondent had written.
    func testImpossibleDatesSayTheDateDoesNotExist() {
        for dob in ["1990-02-30", "1990-13-01", "1900-02-29", "1990-04-31", "0000-01-01"] {
            XCTAssertEqual(findings(withFirstResident("dob", .string(dob)), at: "$.residents[0].dob"),
                           ["type: \(dob) is not a real date (no such day, month or year)"], dob)
        }
        XCTAssertEqual(findings(withFirstResident("arrival", "2007-13"), at: "$.residents[0].arrival"),
                       ["type: 2007-13 is not a real date (no such day, month or year)"])
        XCTAssertEqual(findings(withFirstResident("arrival", "2007-00"), at: "$.residents[0].arrival"),
                       ["type: 2007-00 is not a real date (no such day, month or year)"])
        // Leap days that exist are fine; other shapes keep the format message.
        XCTAssertEqual(findings(withFirstResident("dob", "2000-02-29"), at: "$.residents[0].dob"), [])
        XCTAssertEqual(findings(withFirstResident("dob", "21/03/1980"), at: "$.residents[0].dob"),
                       ["type: Expected a date YYYY-MM-DD, found a string"])
        XCTAssertEqual(findings(withFirstResident("dob", 19800321), at: "$.residents[0].dob"),
                       ["type: Expected a date YYYY-MM-DD, found a number"])
        XCTAssertEqual(findings(withFirstResident("arrival", "2007-7"), at: "$.residents[0].arrival"),
                       ["type: Expected a month and year YYYY-MM, found a string"])
    }

    // Members beyond the evaluator's hard limit are not read; the message used to give the
    // limit (500) as the roster's size.
    func testOversizedRosterReportsItsRealSize() {
        guard case .object(var o) = household else { return XCTFail() }
        o["residents"] = .array(Array(repeating: .object([:]), count: 100_000))
        let bytes = JSONWriter().bytes(.object(o))
        XCTAssertEqual(findings(bytes, at: "$.residents"), ["roster_size: residents has 100000 members; it must have between 0 and 30"])
        o["residents"] = .array(Array(repeating: .object([:]), count: 500))
        XCTAssertEqual(findings(JSONWriter().bytes(.object(o)), at: "$.residents"),
                       ["roster_size: residents has 500 members; it must have between 0 and 30"])
    }

    // A member with no name yet used to be asked "Are you ?" and "What is 's date of birth?".
    func testUnnamedMemberIsCalledByPosition() {
        guard case .object(var o) = household, case .array(var members)? = o["residents"] else { return XCTFail() }
        members[1] = .object([:])
        o["residents"] = .array(members)
        let bytes = JSONWriter().bytes(.object(o))
        XCTAssertEqual(findings(bytes, at: "$.residents[1].first_name"), ["required: This question needs an answer: First name"])
        XCTAssertEqual(findings(bytes, at: "$.residents[1].dob"), ["required: This question needs an answer: What is person 2's date of birth?"])
        let welsh = ev.evaluate(bytes: bytes, options: EvaluationOptions(language: "cy")).findings.first { $0.path == "$.residents[1].dob" }
        XCTAssertEqual(welsh?.message, "Mae angen ateb i'r cwestiwn hwn: Beth yw dyddiad geni person 2?")
    }

    // `["none", "none"]` on an exclusive list gave duplicate_option and also exclusive_option
    // saying none was chosen "with any other option": one mistake, one finding.
    func testARepeatedOptionIsOneMistake() {
        let household = CensusHousehold()
        XCTAssertEqual(household.with("who_else", ["none", "none"]).findings(),
                       ["duplicate_option $.who_else[1]: 'none' is chosen more than once"])
        XCTAssertEqual(household.with("who_else", [["value": "none"], "none", "none"]).findings(),
                       ["duplicate_option $.who_else[1]: 'none' is chosen more than once", "duplicate_option $.who_else[2]: 'none' is chosen more than once"])
        XCTAssertEqual(household.with("who_else", ["family", "family"]).findings(),
                       ["duplicate_option $.who_else[1]: 'family' is chosen more than once"])
        // Two mistakes, two findings.
        XCTAssertEqual(household.with("who_else", ["none", "family", "none"]).findings(), [
            "duplicate_option $.who_else[2]: 'none' is chosen more than once",
            "exclusive_option $.who_else: 'none' cannot be chosen together with any other option",
        ])
        XCTAssertEqual(household.with("who_else", ["none", "family"]).findings(),
                       ["exclusive_option $.who_else: 'none' cannot be chosen together with any other option"])
    }

    // MARK: - Splitting validate's input into responses

    func split(_ text: String) -> (lines: [Int], texts: [String], isStream: Bool) {
        let r = ResponseInput.split(Array(text.utf8))
        return (r.items.map(\.line), r.items.map { String(decoding: $0.bytes, as: UTF8.self) }, r.isStream)
    }

    func testEmptyInputHoldsNoResponse() {
        for text in ["", "\n", " \r\n\t\n", "\u{FEFF}", "\u{FEFF}\n"] {
            XCTAssertTrue(ResponseInput.split(Array(text.utf8)).items.isEmpty, text.debugDescription)
        }
    }

    // A broken pretty-printed document used to be read as NDJSON: one "not valid JSON" finding
    // per line (170 for a truncated household) instead of one with the line and column.
    func testBrokenPrettyDocumentIsOneResponse() {
        let doc = "{\n  \"schema\": {\"id\": \"x\"},\n  \"channel\": \"online\",\n  \"tenure\": \"rents\"\n"  // no closing brace
        let r = split(doc)
        XCTAssertEqual(r.lines, [1])
        XCTAssertFalse(r.isStream)
        // Text after a whole document is reported on its own line.
        XCTAssertEqual(split(doc + "}\ngarbage\n").lines, [1, 6])
        let e = ev.evaluate(bytes: ResponseInput.split(Array(doc.utf8)).items[0].bytes)
        XCTAssertEqual(e.findings.map(\.description).count, 1)
        XCTAssertEqual(e.findings.first?.message, "not valid JSON: line 5, column 1: unexpected end of input: unclosed object")
    }

    // A UTF-8 byte order mark (Windows editors) used to make the first response invalid JSON.
    func testByteOrderMarkIsIgnored() {
        let pretty = "\u{FEFF}{\n  \"a\": 1\n}\n"
        XCTAssertEqual(split(pretty).texts, ["{\n  \"a\": 1\n}\n"])
        XCTAssertFalse(split(pretty).isStream)
        let ndjson = "\u{FEFF}{\"a\": 1}\r\n\r\n{\"a\": 2}\r\n"
        XCTAssertEqual(split(ndjson).texts, ["{\"a\": 1}\r", "{\"a\": 2}\r"])
        XCTAssertEqual(split(ndjson).lines, [1, 3])
        XCTAssertTrue(split(ndjson).isStream)
    }

    // `census generate --pretty` output used to be one "unexpected text after the JSON value".
    func testPrettyDocumentsOneAfterAnotherAreAStream() {
        let r = split("{\n  \"a\": 1\n}\n{\n  \"a\": 2\n}\n")
        XCTAssertEqual(r.lines, [1, 4])
        XCTAssertEqual(r.texts, ["{\n  \"a\": 1\n}", "{\n  \"a\": 2\n}"])
        XCTAssertTrue(r.isStream)
        // A broken one is reported where it starts, with everything after it.
        let broken = split("{\n  \"a\": 1\n}\n{\n  \"a\": \n}\n")
        XCTAssertEqual(broken.lines, [1, 4])
        XCTAssertEqual(broken.texts.last, "{\n  \"a\": \n}\n")
    }

    func testBrokenLinesOfAStreamStayOnePerLine() {
        // First line broken (no closing brace) but later lines are whole responses: still NDJSON.
        XCTAssertEqual(split("{\"bad\": \n{\"a\": 1}\n{\"a\": 2}\n").lines, [1, 2, 3])
        // First line a whole but broken record.
        XCTAssertEqual(split("{\"a\": 1,}\n{\"a\": 2,}\n").lines, [1, 2])
        XCTAssertEqual(split("{\"a\": 1}\n").lines, [1])
        XCTAssertFalse(split("{\"a\": 1}\n").isStream)
    }
}
