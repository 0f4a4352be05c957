import Foundation
import XCTest
@testable import Questionnaire
import QuestionnaireLanguage
import SyntheticCensus

/// Forms whose values depend on each other in long chains. A form that passes `check` must
/// never crash `check`, `validate` or `generate`, on any thread: the evaluator used to recurse
/// once per link (a forward chain of 15,500 derived values crashed validation, about 1,000 on a
/// 512 KB server worker thread) and the checker once per link of a chain declared in reverse
/// (about 3,190 crashed `census check`).
final class DeepFormTests: XCTestCase {
    /// Runs `body` on a thread with a 512 KB stack, as a server worker has, and waits for it.
    func onServerWorkerStack(_ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        thread.stackSize = 512 * 1024
        thread.start()
        done.wait()
    }

    final class Box<T>: @unchecked Sendable {
        var value: T
        init(_ value: T) { self.value = value }
    }

    static func form(_ body: [String]) -> String {
        (["questionnaire deep {", "  version \"1\"", "  title \"Deep\"", "  languages en", "  census_date 2021-03-21",
          "  question q: integer 0...9 \"Q\""] + body.map { "  " + $0 } + ["}"]).joined(separator: "\n")
    }

    /// `let d1 = q + 1`, `let d2 = d1 + 1`, ... a check and a question routed on the last.
    static func forwardChain(_ n: Int) -> String {
        form(["let d1 = q + 1"] + (2...n).map { "let d\($0) = d\($0 - 1) + 1" } + [
            "warning big when d\(n) > \(n + 5) \"Big\"",
            "question r: integer when d\(n) > \(n) \"R {d\(n)}\"",
        ])
    }

    /// The same chain declared last link first: `let d1 = d2 + 1`, ..., `let dN = q + 1`.
    static func reverseChain(_ n: Int) -> String {
        form((1..<n).map { "let d\($0) = d\($0 + 1) + 1" } + ["let d\(n) = q + 1", "warning big when d1 > \(n + 5) \"Big\""])
    }

    /// Derived values in a roster, read through any(...) by the household and through person./other. by pairs.
    static func memberChain(_ n: Int) -> String {
        form([
            "roster people \"People\" max 5 {", "  question name: text \"Name\"", "  question x: integer 0...9 \"X\"",
            "  let e1 = x + 1",
        ] + (2...n).map { "  let e\($0) = e\($0 - 1) + 1" } + [
            "}",
            "warning many when any(people, e\(n) > \(n + 5)) \"Many\"",
            "relationships pairs for people {",
            "  question related: one_of { kin \"Related\" none \"Unrelated\" } when person.e\(n) > other.e\(n) \"{person.name} and {other.name}\"",
            "  unrelated none",
            "}",
        ])
    }

    /// Each question asked only when the one before it is answered, each range read from the one before.
    static func routingChain(_ n: Int) -> String {
        form(["question r1: integer 0...9 when q is answered \"R1\""]
            + (2...n).map { "question r\($0): integer r\($0 - 1)...100 when r\($0 - 1) is answered \"R\($0)\"" })
    }

    func compiled(_ source: String, file: StaticString = #filePath, line: UInt = #line) throws -> Evaluator {
        let result = Compiler.compile(SourceFile(name: "deep.census", text: source))
        let schema = try XCTUnwrap(result.schema, result.render(), file: file, line: line)
        // The schema is read back as `census validate` reads it.
        return try Evaluator(schema: try Schema(jsonBytes: schema.canonicalBytes()))
    }

    func response(_ ev: Evaluator, _ answers: [String: JSONValue]) -> [UInt8] {
        var top = answers
        top["schema"] = ["id": .string(ev.schema.id), "hash": .string(ev.schema.hash)]
        top["channel"] = "online"
        return JSONWriter().bytes(.object(top))
    }

    func testAForwardChainOf16000DerivedValuesValidatesAndGenerates() throws {
        let ev = try compiled(Self.forwardChain(16_000))
        let bytes = response(ev, ["q": 9, "r": 1])
        let e = ev.evaluate(bytes: bytes, options: EvaluationOptions(includeDerived: true))
        XCTAssertEqual(e.findings.map(\.code), ["check.big"])
        XCTAssertEqual(e.derived.first { $0.path == "$.d16000" }?.value, .int(16_009))
        // Without q nothing down the chain is known: r is not asked, the check does not fire.
        XCTAssertEqual(ev.evaluate(bytes: response(ev, ["r": 1])).findings.map(\.code), ["not_applicable"])
        let generated = HouseholdGenerator(evaluator: ev, seed: 1).household(0)
        XCTAssertEqual(generated.unsatisfied, [])

        let onWorker = Box<[String]>([])
        onServerWorkerStack {
            onWorker.value = ev.evaluate(bytes: bytes).findings.map(\.code)
            let session = ev.makeSession()
            onWorker.value += session.evaluate(bytes: bytes).findings.map(\.code)
            onWorker.value += ev.evaluate(try! JSONParser.parse(bytes)).findings.map(\.code)
            _ = HouseholdGenerator(evaluator: ev, seed: 2).household(0)
        }
        XCTAssertEqual(onWorker.value, ["check.big", "check.big", "check.big"])
    }

    /// Each link as deep as the language allows (100 levels): the stack then holds one such
    /// expression at a time, below the evaluator's budget, even in a debug build.
    func testAChainOfTheDeepestExpressions() throws {
        let nots = String(repeating: "not ", count: 98)
        let source = Self.form(["let d1 = q > 0"] + (2...600).map { "let d\($0) = \(nots)d\($0 - 1)" } + ["warning w when d600 \"W\""])
        let ev = try compiled(source)
        let bytes = response(ev, ["q": 1])
        let onWorker = Box<[String]>([])
        onServerWorkerStack { onWorker.value = ev.evaluate(bytes: bytes).findings.map(\.code) }
        XCTAssertEqual(onWorker.value, ["check.w"])
        // One level more is refused by the compiler.
        let tooDeep = Compiler.compile(SourceFile(name: "deep.census", text: Self.form(["let d = \(nots)not not q > 0"])))
        XCTAssertEqual(tooDeep.diagnostics.map(\.message), ["expression is nested more than 100 levels deep"])
    }

    func testAChainDeclaredInReverseIsChecked() throws {
        let ev = try compiled(Self.reverseChain(20_000))
        let onWorker = Box<[String]>([])
        let bytes = response(ev, ["q": 9])
        onServerWorkerStack { onWorker.value = ev.evaluate(bytes: bytes).findings.map(\.code) }
        XCTAssertEqual(onWorker.value, ["check.big"])
    }

    func testAReverseChainWithACycleIsReportedNotCrashed() {
        // d1 <- d2 <- ... <- d5000 <- d1: one cycle, 5,000 long.
        let source = Self.form((1..<5_000).map { "let d\($0) = d\($0 + 1) + 1" } + ["let d5000 = d1 + q", "warning w when d1 > 3 \"W\""])
        let result = Compiler.compile(SourceFile(name: "deep.census", text: source))
        XCTAssertNil(result.schema)
        XCTAssertEqual(Set(result.diagnostics.map(\.code)), ["derived-cycle"])
    }

    func testMemberChainsReadByTheHouseholdAndByPairs() throws {
        let ev = try compiled(Self.memberChain(3_000))
        let people: JSONValue = [["name": "Ann", "x": 9], ["name": "Bob", "x": 1], ["name": "Cat", "x": 5]]
        let bytes = response(ev, ["q": 1, "people": people, "pairs": [["person": 2, "other": 1, "related": "kin"], ["person": 3, "other": 2, "related": "none"]]])
        let expected = ev.evaluate(bytes: bytes, options: EvaluationOptions(includeApplicable: true))
        XCTAssertEqual(expected.findings.map { "\($0.code) \($0.path)" }, ["check.many $", "not_applicable $.pairs[0].related"])
        let onWorker = Box<[String]>([])
        onServerWorkerStack {
            onWorker.value = ev.evaluate(bytes: bytes, options: EvaluationOptions(includeApplicable: true)).findings.map { "\($0.code) \($0.path)" }
        }
        XCTAssertEqual(onWorker.value, ["check.many $", "not_applicable $.pairs[0].related"])
    }

    func testARoutingChainOf20000Questions() throws {
        let ev = try compiled(Self.routingChain(20_000))
        var answers: [String: JSONValue] = ["q": 1]
        for k in 1...20_000 { answers["r\(k)"] = 5 }
        answers["r7"] = 3  // below r6 (5): refused, so r8 and everything after it is not asked
        let bytes = response(ev, answers)
        let e = ev.evaluate(bytes: bytes)
        XCTAssertEqual(e.findings.first.map { "\($0.code) \($0.path)" }, "out_of_range $.r7")
        XCTAssertEqual(e.findings.count, 1 + 19_993)
        XCTAssertEqual(Set(e.findings.dropFirst().map(\.code)), ["not_applicable"])
        let onWorker = Box(0)
        onServerWorkerStack { onWorker.value = ev.evaluate(bytes: bytes).findings.count }
        XCTAssertEqual(onWorker.value, e.findings.count)
    }

    /// A response nested as deep as the JSON reader allows (and one level deeper), read on a
    /// server worker's stack: a finding, not a crash.
    func testDeeplyNestedResponsesOnAWorkerThread() {
        let ev = CensusFormTests.evaluator
        let onWorker = Box<[String]>([])
        onServerWorkerStack {
            for depth in [JSONParser.maximumResponseDepth - 1, JSONParser.maximumResponseDepth, JSONParser.maximumDepth + 1] {
                let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
                let text = #"{"schema": {"id": "census_household", "hash": "\#(ev.schema.hash)"}, "channel": "online", "bedrooms": \#(nested)}"#
                // Only what the nesting causes (the rest of this near-empty response is missing).
                onWorker.value += ev.evaluate(bytes: Array(text.utf8)).findings.filter { $0.path == "$" || $0.path.hasPrefix("$.bedrooms") }
                    .map { "\($0.code) \($0.path)" }
            }
        }
        XCTAssertEqual(onWorker.value, ["type $.bedrooms", "json $", "json $"])
    }

    /// Computing every value in dependency order (as deep forms are) gives exactly what the
    /// ordinary recursive evaluation gives, on the census form's committed households.
    func testDependencyOrderGivesTheSameResults() {
        let ev = CensusFormTests.evaluator
        var ordinary = EvaluationOptions(includeApplicable: true, includeDerived: true)
        var ordered = ordinary
        ordered.stackBudget = 0
        ordinary.stackBudget = Int.max
        let households = ["valid.ndjson", "invalid.ndjson", "routes.ndjson"].flatMap(CensusFormTests.lines)
        XCTAssertGreaterThan(households.count, 50)
        for (k, h) in households.enumerated() {
            let bytes = JSONWriter().bytes(h)
            let a = JSONWriter().string(ev.evaluate(bytes: bytes, options: ordinary).json)
            XCTAssertEqual(a, JSONWriter().string(ev.evaluate(bytes: bytes, options: ordered).json), "household \(k)")
            XCTAssertEqual(a, JSONWriter().string(ev.evaluate(h, options: ordered).json), "household \(k), general path")
        }
    }
}
