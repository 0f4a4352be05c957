import Foundation
import XCTest
@testable import Questionnaire
@testable import SyntheticCensus

/// The general path (strict parse + evaluation of the tree) on responses the fast reader hands
/// over: wrong types, unknown keys, invalid options, escapes, broken JSON. Its output is pinned
/// by a golden file recorded before the general path was optimised, and all entry points must
/// agree on it.
///
/// Set CENSUS_WRITE_FIXTURES=1 to regenerate `general-path.expected.ndjson`.
final class GeneralPathTests: XCTestCase {
    var ev: Evaluator { CensusFormTests.evaluator }

    /// Generated households (half with an injected mistake), each further damaged in a way that
    /// sends it to the general path.
    static func corpus() -> [[UInt8]] {
        let ev = CensusFormTests.evaluator
        let generator = HouseholdGenerator(evaluator: ev, seed: 5)
        var rng = SeededRandom(seed: 5)
        let odd: [JSONValue] = [
            .integer(5), .string("zzz"), .array([.string("x")]), .double(1.5), .bool(true), .object([:]),
            .string("2021-02-30"), ["value": "other", "detail": "x"], .string(""), .null, .integer(-3),
            .string("1990-13"), ["lines": ["1 High St"], "postcode": "XX"], .array([]), .string("Ã©tÃ© \u{1F600}"),
        ]
        var out: [[UInt8]] = []
        for i in 0..<160 {
            guard case .object(var top) = generator.household(i, invalidRate: 0.5).response else { continue }
            let edits = i % 5 == 0 ? 0 : rng.int(1...3)
            for _ in 0..<edits {
                if case .array(var members)? = top["residents"], !members.isEmpty, rng.chance(0.7) {
                    let m = rng.int(0...(members.count - 1))
                    guard case .object(var member) = members[m] else { continue }
                    let keys = member.keys.sorted()
                    let key = rng.chance(0.15) ? "dobb" : rng.pick(keys)
                    member[key] = rng.pick(odd)
                    members[m] = .object(member)
                    top["residents"] = .array(members)
                } else {
                    let keys = top.keys.sorted()
                    top[rng.chance(0.1) ? "colour" : rng.pick(keys)] = rng.pick(odd)
                }
            }
            var text = JSONWriter(pretty: i % 11 == 0).string(.object(top))
            switch i % 7 {
            case 1: text = text.replacingOccurrences(of: "\"yes\"", with: "\"y\\u0065s\"")
            case 2: text = text.replacingOccurrences(of: "\"first_name\":\"", with: "\"first_name\":\"\\\"")
            case 3 where i % 3 == 0: text = String(text.dropLast(rng.int(1...40)))
            case 4 where i % 2 == 0: text = text.replacingOccurrences(of: "\"sex\":", with: "\"sex\":1,\"sex\":")
            default: break
            }
            out.append(Array(text.utf8))
        }
        return out
    }

    static func record(_ e: Evaluation) -> String { JSONWriter().string(e.json) }

    func testGeneralPathMatchesGolden() throws {
        let corpus = Self.corpus()
        let lines = corpus.map { Self.record(ev.evaluateGeneral(bytes: $0)) }
        let url = CensusFormTests.fixtures.appendingPathComponent("general-path.expected.ndjson")
        if CensusFormTests.writing {
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        }
        let expected = String(decoding: try Data(contentsOf: url), as: UTF8.self).split(separator: "\n").map(String.init)
        XCTAssertEqual(expected.count, lines.count)
        var invalid = 0
        for (k, (got, want)) in zip(lines, expected).enumerated() {
            XCTAssertEqual(got, want, "response \(k): \(String(decoding: corpus[k].prefix(200), as: UTF8.self))")
            if !got.contains("\"valid\":true") { invalid += 1 }
        }
        XCTAssertGreaterThan(invalid, 100, "the corpus is mostly responses with findings")
    }

    /// Every entry point gives the same result on the general path: the tree API, the bytes API,
    /// a reused session (after clean and broken responses), with applicable questions and derived values.
    func testEntryPointsAgreeOnInvalidHouseholds() {
        let options = EvaluationOptions(includeApplicable: true, includeDerived: true)
        let session = ev.makeSession(options: options)
        let generator = HouseholdGenerator(evaluator: ev, seed: 13)
        var corpus = Self.corpus()
        for i in 0..<60 { corpus.append(JSONWriter().bytes(generator.household(i, invalidRate: 0.1).response)) }
        for (k, bytes) in corpus.enumerated() {
            let general = Self.record(ev.evaluateGeneral(bytes: bytes, options: options))
            XCTAssertEqual(Self.record(session.evaluate(bytes: bytes)), general, "response \(k)")
            XCTAssertEqual(Self.record(ev.evaluate(bytes: bytes, options: options)), general, "response \(k)")
            if let tree = try? JSONParser.parse(bytes) {
                XCTAssertEqual(Self.record(ev.evaluate(tree, options: options)), general, "response \(k)")
            }
        }
    }
}

/// A repeated member name is reported as the first problem in document order, where the
/// repeated member's value ends, whatever comes after it.
final class JSONDuplicateMemberTests: XCTestCase {
    func message(_ text: String) -> String {
        do { _ = try JSONParser.parse(text); return "parsed" } catch { return error.description }
    }

    func testDuplicateIsReportedWhereItsValueEnds() {
        XCTAssertEqual(message(#"{"a":1,"a":2}"#), #"line 1, column 13: duplicate member name "a""#)
        XCTAssertEqual(message("{\"a\":1,\n \"a\": [2, 3] }"), #"line 2, column 13: duplicate member name "a""#)
    }

    func testDuplicateComesBeforeLaterProblems() {
        XCTAssertEqual(message(#"{"a":1,"a":2,}"#), #"line 1, column 13: duplicate member name "a""#)
        XCTAssertEqual(message(#"{"a":1,"a":2,"b":[1,}"#), #"line 1, column 13: duplicate member name "a""#)
        XCTAssertEqual(message(#"{"a":1,"a":2,"b":{"c":1,"c":2}}"#), #"line 1, column 13: duplicate member name "a""#)
        XCTAssertEqual(message(#"[{"a":1,"a":2}, x]"#), #"line 1, column 14: duplicate member name "a""#)
    }

    func testEarlierProblemsComeFirst() {
        // The value of the repeated member is broken: that is found first.
        XCTAssertEqual(message(#"{"a":1,"a":[1,}"#), #"line 1, column 15: unexpected character '}': expected a value"#)
        // A duplicate inside an earlier member comes before one in the outer object.
        XCTAssertEqual(message(#"{"a":{"b":1,"b":2},"a":3}"#), #"line 1, column 18: duplicate member name "b""#)
        XCTAssertEqual(message(#"{"a":1,"b":{"c":1,"c":2},"a":2}"#), #"line 1, column 24: duplicate member name "c""#)
    }

    func testNamesAreComparedAsStrings() {
        // Canonically equivalent spellings are the same name, as in a Swift dictionary.
        XCTAssertEqual(message("{\"\u{e9}\":1,\"e\\u0301\":2}"), "line 1, column 20: duplicate member name \"e\u{301}\"")
        XCTAssertEqual(message(#"{"a":1,"b":2,"c":{"a":1}}"#), "parsed")
    }
}

/// Dates in their usual spelling are read from the bytes; other spellings as before.
final class ISODateReadingTests: XCTestCase {
    func testSpellings() {
        XCTAssertEqual(CalendarDate(iso: "1990-02-28"), CalendarDate(year: 1990, month: 2, day: 28))
        XCTAssertNil(CalendarDate(iso: "1990-02-30"))
        XCTAssertNil(CalendarDate(iso: "1990-2-28"))
        XCTAssertNil(CalendarDate(iso: "1990-02-2x"))
        XCTAssertNil(CalendarDate(iso: "1990/02/28"))
        XCTAssertNil(CalendarDate(iso: "19900-2-28"))
        // Parts that `Int(_:)` reads with a sign were (and still are) accepted.
        XCTAssertEqual(CalendarDate(iso: "1990-+2-28"), CalendarDate(year: 1990, month: 2, day: 28))
        XCTAssertEqual(MonthYear(iso: "2011-03"), MonthYear(year: 2011, month: 3))
        XCTAssertNil(MonthYear(iso: "2011-13"))
        XCTAssertNil(MonthYear(iso: "2011-3"))
        XCTAssertEqual(MonthYear(iso: "2011-+3"), MonthYear(year: 2011, month: 3))
    }
}
