import XCTest
@testable import Questionnaire
import QuestionnaireLanguage

/// A number that is valid JSON is read, however large: one no answer can hold gets an
/// `out_of_range` finding at its path, and every other answer is still checked. Whole numbers
/// are exact or refused (docs/response-format.md, "Answers").
final class NumberAnswersTests: XCTestCase {
    let household = CensusHousehold()

    // The reported case: `"bedrooms": 1e400` rejected the whole response as "not valid JSON" at
    // `$`, while a 30-digit integer in the same place got an error at its path.
    func testNumbersBeyondEveryRangeGetAFindingAtTheirPath() {
        let cases: [(String, String)] = [
            ("1e400", "1.8e308 or more"), ("-1e400", "-1.8e308 or less"), ("123456789012345678901234567890", "1.2345678901234568e+29"),
            ("1e30", "1e+30"), ("9007199254740993", "9007199254740993"), ("-9223372036854775808", "-9223372036854775808"),
            ("100", "100"), ("99.0e1", "990"),
        ]
        for (number, shown) in cases {
            var text = JSONWriter().string(household.with("tenure", "nonsense").json)
            text = text.replacingOccurrences(of: #""bedrooms":2"#, with: #""bedrooms":\#(number)"#)
            let findings = CensusHousehold.evaluator.evaluate(bytes: Array(text.utf8)).findings.map { "\($0.code) \($0.path): \($0.message)" }
            XCTAssertEqual(findings, [
                "out_of_range $.bedrooms: \(shown) is outside the allowed range (0 to 99)",
                "invalid_option $.tenure: 'nonsense' is not one of the options: owns_outright, mortgage, shared_ownership, rents, rent_free",
            ], number)
        }
    }

    func testWholeNumbersAreExactOrRefused() throws {
        let source = """
            questionnaire t {
              version "1"
              title "T"
              languages en
              census_date 2021-03-21
              question amount: integer "Amount"
              question share: decimal "Share"
              let same = amount
              warning exact when amount == 9007199254740991 "exactly {amount}"
            }
            """
        let schema = try XCTUnwrap(Compiler.compile(SourceFile(name: "t.census", text: source)).schema)
        let ev = try Evaluator(schema: schema)
        func evaluate(_ answers: String) -> Evaluation {
            let text = #"{"schema": {"id": "t", "hash": "\#(schema.hash)"}, "channel": "online", \#(answers)}"#
            let e = ev.evaluate(bytes: Array(text.utf8), options: EvaluationOptions(includeDerived: true))
            XCTAssertEqual(JSONWriter().string(e.json), JSONWriter().string(ev.evaluateGeneral(bytes: Array(text.utf8), options: EvaluationOptions(includeDerived: true)).json))
            return e
        }
        // 2^53 + 1 validated and evaluated as 2^53: it is refused, with the largest exact integer as the bound.
        XCTAssertEqual(evaluate(#""amount": 9007199254740993"#).findings.map(\.message),
                       ["9007199254740993 is outside the allowed range (-9007199254740991 to 9007199254740991)"])
        XCTAssertEqual(evaluate(#""amount": -9007199254740992"#).findings.map(\.code), ["out_of_range"])
        let largest = evaluate(#""amount": 9007199254740991"#)
        XCTAssertEqual(largest.findings.map(\.message), ["exactly 9007199254740991"])
        XCTAssertEqual(largest.derived.first?.value, .int(9_007_199_254_740_991))
        // A whole number written with a fraction or exponent is that number; a fraction is not whole.
        XCTAssertEqual(evaluate(#""amount": 12.0"#).derived.first?.value, .int(12))
        XCTAssertEqual(evaluate(#""amount": 1.2e1"#).derived.first?.value, .int(12))
        XCTAssertEqual(evaluate(#""amount": 12.5"#).findings.map(\.message), ["Expected a whole number, found a number"])
        XCTAssertEqual(evaluate(#""amount": 1e16"#).findings.map(\.code), ["out_of_range"])
        // Decimals hold what a double holds; beyond it, refused.
        XCTAssertEqual(evaluate(#""share": 1e300"#).findings, [])
        XCTAssertEqual(evaluate(#""share": 1e400"#).findings.map(\.message), ["1.8e308 or more is outside the allowed range (-1.8e308 to 1.8e308)"])
    }

    func testComparisonsOfWholeNumbersWithDecimalsAreExact() {
        let big = 9_007_199_254_740_993
        XCTAssertEqual(Value.order(.int(big), .dec(9_007_199_254_740_992)), 1)
        XCTAssertEqual(Value.order(.dec(9_007_199_254_740_992), .int(big)), -1)
        XCTAssertEqual(Value.order(.int(3), .dec(3.5)), -1)
        XCTAssertEqual(Value.order(.int(-3), .dec(-3.5)), 1)
        XCTAssertEqual(Value.order(.int(4), .dec(4)), 0)
        XCTAssertEqual(Value.order(.int(Int.max), .dec(9.3e18)), -1)
        XCTAssertEqual(Value.order(.int(Int.min), .dec(-9.3e18)), 1)
        XCTAssertNil(Value.order(.int(1), .dec(.nan)))
    }

    func testAnInfiniteNumberIsWrittenAsOneThatReadsBack() throws {
        let value = try JSONParser.parse("[1e400, -1e400]")
        XCTAssertEqual(value, [.double(.infinity), .double(-.infinity)])
        XCTAssertEqual(JSONWriter().string(value), "[1e999,-1e999]")
        XCTAssertEqual(try JSONParser.parse(JSONWriter().string(value)), value)
    }
}
