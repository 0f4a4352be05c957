import XCTest
@testable import Questionnaire
import QuestionnaireLanguage

/// One rule (docs/response-format.md, "What the evaluator decides"): an answer the evaluator
/// refuses (the wrong type, not an option, too long, outside its range, ...) reads as not
/// answered everywhere an answer is read: conditions, derived values, checks, range bounds of
/// other questions, piping, `is answered`, completeness. Its own finding says what is wrong;
/// nothing downstream repeats the mistake.
final class RefusedAnswersTests: XCTestCase {
    let household = CensusHousehold()

    // The reported case: 1905-03-20 is refused, yet age was 116, the confirmation asked
    // "116 years old" and the very-old warning fired.
    func testADateOfBirthOutsideItsRangeFeedsNothing() {
        // The range is 115 years 11 months 30 days before census day to the day the response
        // was given (`today`: the fixture household answered on 2021-04-11).
        for dob in ["1905-03-20", "1800-01-01", "2021-04-12", "2300-01-01"] {
            let e = household.resident(1, "dob", .string(dob)).evaluate()
            let onMegan = e.findings.filter { $0.path.hasPrefix("$.residents[1].") && $0.severity != .notApplicable }
            XCTAssertEqual(onMegan.map(\.code), ["out_of_range"], dob)
            XCTAssertEqual(onMegan.first?.message, "\(dob) is outside the allowed range (1905-03-22 to 2021-04-11)")
            XCTAssertEqual(e.derived("$.residents[1].age"), .unknown, dob)
            XCTAssertFalse(e.findings.contains { $0.code.hasSuffix("confirm_age") || $0.code.hasSuffix("very_old") }, dob)
            XCTAssertFalse(e.findings.contains { $0.message.contains("years old") }, dob)
            // Routed on age, as when the date of birth is missing: not asked, answers ignored.
            XCTAssertFalse(e.isApplicable("$.residents[1].marital"), dob)
            XCTAssertTrue(e.findings.contains { $0.code == "not_applicable" && $0.path == "$.residents[1].marital" }, dob)
            XCTAssertFalse(e.applicable.first { $0.path == "$.residents[1].dob" }!.answered)
        }
        // The same household with the earliest date of birth inside the range is a centenarian
        // to confirm (the checks still work when the answer is valid).
        let old = household.resident(1, "dob", "1905-03-22").with("confirmations", nil).evaluate()
        XCTAssertEqual(old.derived("$.residents[1].age"), .int(115))
        XCTAssertEqual(old.findings.filter { $0.path == "$.residents[1].dob" }.map(\.message),
                       ["Megan Robinson is 115 years old. Is this correct?", "Megan Robinson is recorded as 115 years old"])
    }

    func testARefusedAnswerIsNotComparedWithTheList() {
        // "Nobody else lives here" is compared with the list of three; a refused answer is not.
        for refused: JSONValue in [["nobody"], "none", [1], ["none", "none"]] {
            let findings = household.with("who_else", refused).findings()
            XCTAssertEqual(findings.count, 1, "\(refused): \(findings)")
            XCTAssertTrue(findings.allSatisfy { $0.contains(" $.who_else") && !$0.hasPrefix("check.") }, "\(refused): \(findings)")
        }
        // A valid answer that contradicts the list still gets the warning.
        XCTAssertEqual(household.with("who_else", ["none"]).findings(),
                       ["check.lives_alone_with_others $.who_else: You said nobody else usually lives here, but more than one person is listed"])
    }

    func testARefusedAnswerIsNotABoundOfAnother() {
        // Arrival is `month_year dob ... today`. An arrival before birth is refused once, by its range.
        XCTAssertEqual(household.resident(0, "arrival", "1950-01").findings(),
                       ["out_of_range $.residents[0].arrival: 1950-01 is outside the allowed range (1967-11-19 to 2021-04-11)"])
        // A date of birth in the future is the one mistake: arrival's lower bound is then not
        // known, and 2007-07 is not blamed for being before it.
        let future = household.resident(0, "dob", "2030-01-01").evaluate()
        XCTAssertEqual(future.findings.filter { $0.severity == .error }.map { "\($0.code) \($0.path)" }, ["out_of_range $.residents[0].dob"])
    }

    func testRefusedAnswersDoNotCountTowardsCompleteness() {
        let valid = household.evaluate(), refused = household.with("bedrooms", 120).evaluate()
        XCTAssertEqual(refused.applicableCount, valid.applicableCount)
        XCTAssertEqual(refused.answeredCount, valid.answeredCount - 1)
        XCTAssertEqual(refused.applicable.first { $0.path == "$.bedrooms" }?.answered, false)
    }

    func testIsAnsweredIsFalseForARefusedAnswer() throws {
        let source = """
            questionnaire t {
              version "1"
              title "T"
              languages en
              census_date 2021-03-21
              question rooms: integer 1...30 "Rooms"
              question bigger: yes_no when rooms is answered "Is it bigger than {rooms} rooms?"
              let doubled = rooms * 2
              warning many when doubled > 50 on rooms "{doubled} half-rooms"
            }
            """
        let schema = try XCTUnwrap(Compiler.compile(SourceFile(name: "t.census", text: source)).schema)
        let ev = try Evaluator(schema: schema)
        func findings(_ rooms: JSONValue) -> [String] {
            let response: JSONValue = ["schema": ["id": "t", "hash": .string(schema.hash)], "channel": "online", "rooms": rooms, "bigger": "yes"]
            return ev.evaluate(response, options: EvaluationOptions(includeDerived: true)).findings.map { "\($0.code) \($0.path)" }
        }
        XCTAssertEqual(findings(40), ["out_of_range $.rooms", "not_applicable $.bigger"])
        XCTAssertEqual(findings(26), ["check.many $.rooms"])
        XCTAssertEqual(findings("26"), ["not_applicable $.bigger", "type $.rooms"])
    }

    /// A check that repeats a range can never fire (the range refuses the answer first): the
    /// compiler says so, instead of leaving a check that does nothing.
    func testACheckRepeatingARangeIsReportedByTheCompiler() {
        func diagnostics(_ body: String) -> [String] {
            let source = """
                questionnaire t {
                  version "1"
                  title "T"
                  languages en
                  census_date 2021-03-21
                  roster people "People" {
                    question dob: date census_date - 115y ... census_date "Date of birth"
                    question arrival: month_year dob ... census_date "Arrival"
                    \(body)
                  }
                }
                """
            return Compiler.compile(SourceFile(name: "t.census", text: source)).diagnostics.map { "\($0.code): \($0.hint ?? "")" }
        }
        XCTAssertEqual(diagnostics(#"error before_birth when arrival < dob "Before birth""#),
                       ["never-holds: 'arrival' is never below its range's lower bound 'dob': an answer outside its range is refused before any condition or check reads it"])
        XCTAssertEqual(diagnostics(#"error before_birth when dob > arrival "Before birth""#).count, 1)
        XCTAssertEqual(diagnostics(#"error late when arrival > census_date "Late""#).count, 1)
        XCTAssertEqual(diagnostics(#"error same when not (arrival >= dob) "Same""#).count, 1)
        // Comparisons the range allows are fine.
        XCTAssertEqual(diagnostics(#"warning same_month when arrival <= dob "Arrived as a baby""#), [])
        XCTAssertEqual(diagnostics(#"warning young when arrival < dob + 1y "Arrived under one""#), [])
    }
}
