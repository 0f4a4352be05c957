import Foundation
import XCTest
@testable import Questionnaire
@testable import SyntheticCensus
import QuestionnaireLanguage

/// The real census form: its compiled schema (committed under fixtures/households), generated
/// households, route coverage, hand-written edge cases, and a mutation check that flipping any
/// condition or check of the form makes a test fail.
///
/// Set CENSUS_WRITE_FIXTURES=1 to regenerate the fixtures after the form changes.
final class CensusFormTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("fixtures/households")
    static let schema: Schema = {
        let data = try! Data(contentsOf: fixtures.appendingPathComponent("census-household.schema.json"))
        return try! Schema(jsonBytes: Array(data))
    }()
    static let evaluator = try! Evaluator(schema: schema)
    static var writing: Bool { ProcessInfo.processInfo.environment["CENSUS_WRITE_FIXTURES"] == "1" }

    var ev: Evaluator { Self.evaluator }

    static func lines(_ name: String) -> [JSONValue] {
        guard let data = try? Data(contentsOf: fixtures.appendingPathComponent(name)) else { return [] }
        return Array(data).split(separator: UInt8(ascii: "\n")).map { try! JSONParser.parse($0) }
    }

    static func json(_ name: String) -> JSONValue {
        try! JSONParser.parse(Array(try! Data(contentsOf: fixtures.appendingPathComponent(name))))
    }

    static func write(_ name: String, _ values: [JSONValue], pretty: Bool = false) {
        let writer = JSONWriter(pretty: pretty)
        var out: [UInt8] = []
        for v in values {
            out += writer.bytes(v)
            if !pretty { out.append(UInt8(ascii: "\n")) }
        }
        try! Data(out).write(to: fixtures.appendingPathComponent(name))
    }

    /// What a golden file records of an evaluation: every applicable question and every finding.
    static func signature(_ e: Evaluation) -> JSONValue {
        .object([
            "applicable": .array(e.applicable.map { .string($0.path) }.sorted { $0.stringValue! < $1.stringValue! }),
            "findings": .array(e.findings.map { .string("\($0.code) \($0.path)") }.sorted { $0.stringValue! < $1.stringValue! }),
        ])
    }

    static let detail = EvaluationOptions(includeApplicable: true)

    // MARK: The committed schema is the form

    func testCommittedSchemaIsTheCompiledForm() throws {
        let url = Self.root.appendingPathComponent("questionnaires/census-household.census")
        let text = try String(contentsOf: url, encoding: .utf8)
        let result = Compiler.compile(SourceFile(name: "census-household.census", text: text), loadFile: Compiler.files(besides: url.path))
        let compiled = try XCTUnwrap(result.schema, result.render())
        if Self.writing {
            try Data(compiled.canonicalBytes()).write(to: Self.fixtures.appendingPathComponent("census-household.schema.json"))
            return
        }
        XCTAssertEqual(compiled.hash, Self.schema.hash,
            "questionnaires/census-household.census changed: regenerate the fixtures with CENSUS_WRITE_FIXTURES=1 swift test --filter CensusFormTests")
    }

    // MARK: Generated households

    func testGeneratedHouseholdsAreValid() {
        let generator = HouseholdGenerator(evaluator: ev, seed: 11)
        for i in 0..<300 {
            let h = generator.household(i).response
            let e = ev.evaluate(h)
            XCTAssertEqual(e.errors, [], "household \(i)")
            XCTAssertTrue(e.isValid, "household \(i): \(e.findings)")
            XCTAssertEqual(e.count(.notApplicable), 0, "household \(i) answers a question the routing skips: \(e.findings)")
        }
    }

    func testGenerationIsDeterministic() {
        let a = HouseholdGenerator(evaluator: ev, seed: 42), b = HouseholdGenerator(evaluator: ev, seed: 42)
        let c = HouseholdGenerator(evaluator: ev, seed: 43)
        for i in 0..<20 {
            XCTAssertEqual(JSONWriter().bytes(a.household(i, invalidRate: 0.5).response), JSONWriter().bytes(b.household(i, invalidRate: 0.5).response))
        }
        XCTAssertNotEqual((0..<20).map { JSONWriter().bytes(a.household($0).response) }, (0..<20).map { JSONWriter().bytes(c.household($0).response) })
    }

    func testPopulationLooksLikeEnglandAndWales() {
        let generator = HouseholdGenerator(evaluator: ev, seed: 7)
        var people = 0, over80 = 0, children = 0, abroad = 0, paper = 0, skipped = 0, single = 0
        let n = 2000
        for i in 0..<n {
            let h = generator.household(i).response
            let residents = h["residents"]?.arrayValue ?? []
            people += residents.count
            if residents.count == 1 { single += 1 }
            if h["channel"] == "paper" { paper += 1 }
            if h["bedrooms"] == nil { skipped += 1 }
            for r in residents {
                let dob = CalendarDate(iso: r["dob"]!.stringValue!)!
                let age = CalendarDate.wholeYears(from: dob, to: Self.schema.censusDate)
                if age >= 80 { over80 += 1 }
                if age < 16 { children += 1 }
                if let c = r["country_of_birth"], c == "elsewhere" || c == "ireland" { abroad += 1 }
            }
        }
        let mean = Double(people) / Double(n)
        XCTAssertEqual(mean, 2.4, accuracy: 0.15, "mean household size")
        XCTAssertEqual(Double(single) / Double(n), 0.30, accuracy: 0.05, "one-person households")
        XCTAssertEqual(Double(children) / Double(people), 0.19, accuracy: 0.07, "children under 16")
        XCTAssertEqual(Double(over80) / Double(people), 0.05, accuracy: 0.03, "people 80 and over")
        XCTAssertEqual(Double(abroad) / Double(people), 0.13, accuracy: 0.06, "born abroad")
        XCTAssertEqual(Double(paper) / Double(n), 0.2, accuracy: 0.05, "paper returns")
        XCTAssertGreaterThan(skipped, 0, "some optional answers are skipped")
    }

    func testRelationshipsAreConsistentWithAges() {
        let generator = HouseholdGenerator(evaluator: ev, seed: 3)
        for i in 0..<500 {
            let h = generator.household(i).response
            let residents = h["residents"]?.arrayValue ?? []
            func age(_ p: Int) -> Int { CalendarDate.wholeYears(from: CalendarDate(iso: residents[p - 1]["dob"]!.stringValue!)!, to: Self.schema.censusDate) }
            for pair in h["household_relationships"]?.arrayValue ?? [] {
                guard let rel = pair["relationship"]?.stringValue else { continue }
                let p = pair["person"]!.intValue!, o = pair["other"]!.intValue!
                switch rel {
                case "son_daughter", "grandchild": XCTAssertLessThan(age(p), age(o) - 14, "household \(i): \(rel)")
                case "mother_father", "grandparent": XCTAssertGreaterThan(age(p), age(o) + 14, "household \(i): \(rel)")
                case "husband_wife", "civil_partner": XCTAssertGreaterThanOrEqual(age(p), 16, "household \(i)")
                default: break
                }
            }
        }
    }

    // MARK: Injected mistakes

    func testInjectedMistakesAreFoundAtTheirPaths() {
        let generator = HouseholdGenerator(evaluator: ev, seed: 5)
        var kinds = Set<InjectedMistake.Kind>()
        for i in 0..<200 {
            let h = generator.household(i, invalidRate: 1)
            XCTAssertEqual(h.mistakes.count, 1, "household \(i)")
            let e = ev.evaluate(h.response)
            for m in h.mistakes {
                kinds.insert(m.kind)
                XCTAssertTrue(e.findings.contains { $0.code == m.code && $0.path == m.path }, "household \(i): \(m) not found in \(e.findings)")
                if m.code != "not_applicable" { XCTAssertFalse(e.isValid) }
            }
        }
        XCTAssertEqual(kinds, Set(InjectedMistake.Kind.allCases))
    }

    func testCommittedInvalidFixturesAreCaught() {
        let households = Self.lines("invalid.ndjson"), mistakes = Self.lines("invalid.mistakes.ndjson")
        XCTAssertFalse(households.isEmpty)
        for m in mistakes {
            let line = m["line"]!.intValue!
            let e = ev.evaluate(households[line - 1])
            XCTAssertTrue(e.findings.contains { $0.code == m["code"]!.stringValue! && $0.path == m["path"]!.stringValue! }, "line \(line): \(m)")
        }
        for (i, h) in Self.lines("valid.ndjson").enumerated() { XCTAssertTrue(ev.evaluate(h).isValid, "valid.ndjson line \(i + 1)") }
    }

    // MARK: Edge cases

    func testHouseholdOfOne() {
        let e = ev.evaluate(Self.json("edge-household-of-one.json"), options: Self.detail)
        XCTAssertEqual(e.findings, [])
        XCTAssertFalse(e.applicable.contains { $0.path.hasPrefix("$.household_relationships") })
        XCTAssertTrue(e.applicable.contains { $0.path == "$.residents[0].activity_limited" })
    }

    func testAged104() {
        var h = Self.json("edge-aged-104.json")
        var e = ev.evaluate(h)
        XCTAssertTrue(e.isValid)
        XCTAssertEqual(e.findings.map(\.code), ["check.very_old"])
        XCTAssertEqual(e.findings[0].path, "$.residents[1].dob")
        // Without the confirmation the response cannot be submitted.
        if case .object(var o) = h { o["confirmations"] = nil; h = .object(o) }
        e = ev.evaluate(h)
        XCTAssertFalse(e.isValid)
        XCTAssertTrue(e.findings.contains { $0.code == "confirm.confirm_age" && $0.path == "$.residents[1].dob" && $0.message == "Edith Hughes is 104 years old. Is this correct?" })
    }

    func testNewbornBornTheWeekBeforeCensusDay() {
        let e = ev.evaluate(Self.json("edge-newborn.json"), options: EvaluationOptions(includeApplicable: true, includeDerived: true))
        XCTAssertEqual(e.findings, [])
        XCTAssertTrue(e.derived.contains { $0.path == "$.residents[2].age" && $0.value == .int(0) })
        let baby = Set(e.applicable.filter { $0.path.hasPrefix("$.residents[2].") }.map(\.question))
        XCTAssertFalse(baby.contains("address_one_year_ago_where"), "not born a year ago")
        XCTAssertFalse(baby.contains("main_language"))
        XCTAssertFalse(baby.contains("marital"))
        XCTAssertFalse(baby.contains("in_education"))
        XCTAssertFalse(baby.contains("unpaid_care"), "under 5 with no long-term condition")
        XCTAssertTrue(baby.contains("long_term_condition"))
        // Born after the day the return is given (the form allows births up to that day, as the real one did).
        var h = Self.json("edge-newborn.json")
        if case .object(var o) = h, case .array(var r)? = o["residents"], case .object(var b) = r[2] {
            b["dob"] = "2021-03-22"; r[2] = .object(b); o["residents"] = .array(r); h = .object(o)
        }
        XCTAssertTrue(ev.evaluate(h).findings.contains { $0.code == "out_of_range" && $0.path == "$.residents[2].dob" })
    }

    func testMaximumRoster() {
        if Self.writing {
            var rng = SeededRandom(seed: 30)
            var comp = Composition.make(&rng, censusDate: Self.schema.censusDate, maxMembers: 2)
            comp.visitors = []
            comp.people = (0..<30).map { k in
                Composition.person(&rng, k == 0 ? .reference : .sharer, age: 18 + k * 2, lastName: rng.pick(Composition.lastNames), Self.schema.censusDate)
            }
            let g = HouseholdGenerator(evaluator: ev, seed: 30)
            Self.write("edge-maximum-roster.json", [g.household(comp, seed: 1, skipRate: 0)], pretty: true)
        }
        var h = Self.json("edge-maximum-roster.json")
        let e = ev.evaluate(h, options: Self.detail)
        XCTAssertEqual(e.errors, [])
        XCTAssertTrue(e.isValid)
        XCTAssertEqual(h["residents"]?.arrayValue?.count, 30)
        XCTAssertEqual(e.applicable.filter { $0.question == "relationship" }.count, 435)
        if case .object(var o) = h, case .array(var r)? = o["residents"] {
            r.append(r[29]); o["residents"] = .array(r); h = .object(o)
        }
        XCTAssertTrue(ev.evaluate(h).findings.contains { $0.code == "roster_size" && $0.path == "$.residents" })
    }

    // MARK: Every branch, and every condition guarded by a test

    func testRouteCoverageReachesEveryBranch() {
        let report = RouteCoverage(generator: HouseholdGenerator(evaluator: ev, seed: 1)).cover()
        XCTAssertEqual(report.unreached, [])
        XCTAssertLessThan(report.households.count, 20)
        if Self.writing {
            Self.write("routes.ndjson", report.households)
            Self.write("routes.expected.ndjson", report.households.map { Self.signature(ev.evaluate($0, options: Self.detail)) })
        }
    }

    func testRoutesFixtureMatchesGolden() {
        let households = Self.lines("routes.ndjson"), expected = Self.lines("routes.expected.ndjson")
        XCTAssertEqual(households.count, expected.count)
        XCTAssertFalse(households.isEmpty)
        var taken = Set<Int>()
        for (h, want) in zip(households, expected) {
            XCTAssertEqual(Self.signature(ev.evaluate(h, options: Self.detail)), want)
            taken.formUnion(RouteCoverage.taken(by: h, ev))
        }
        XCTAssertEqual(taken.count, RouteCoverage.branches(of: ev).count, "the committed route households take every branch")
    }

    /// Flip each condition of the form (a question's or container's `when`, a check's condition):
    /// the golden route households must then evaluate differently, so a wrong condition fails a test.
    func testFlippingAnyConditionFailsTheGoldenTest() throws {
        let households = Self.lines("routes.ndjson"), expected = Self.lines("routes.expected.ndjson")
        var flips: [(String, (inout Schema) -> Void)] = []
        for (i, q) in Self.schema.questions.enumerated() where q.when != nil {
            flips.append(("question \(q.id)", { $0.questions[i].when = .unary(.not, $0.questions[i].when!) }))
        }
        for (i, c) in Self.schema.containers.enumerated() where c.when != nil {
            flips.append(("\(c.kind.rawValue) \(c.id)", { $0.containers[i].when = .unary(.not, $0.containers[i].when!) }))
        }
        for (i, k) in Self.schema.checks.enumerated() {
            flips.append(("check \(k.id)", { $0.checks[i].when = .unary(.not, $0.checks[i].when) }))
        }
        for (i, e) in Self.schema.endings.enumerated() {
            flips.append(("end \(e.section) (\(e.id))", { $0.endings[i].when = .unary(.not, $0.endings[i].when ?? .literal(.bool(true))) }))
        }
        for (l, list) in Self.schema.choiceLists.enumerated() {
            for (k, o) in list.options.enumerated() where o.when != nil {
                flips.append(("option \(list.id).\(o.id)", { $0.choiceLists[l].options[k].when = .unary(.not, $0.choiceLists[l].options[k].when!) }))
            }
        }
        XCTAssertGreaterThan(flips.count, 30)
        _ = expected
        // Compared without the confirmations given (so a confirm check that fires where it
        // should not shows), and with the options each person is offered.
        func seen(_ e: Evaluator, _ h: JSONValue) -> [JSONValue] {
            guard case .object(var o) = h else { return [] }
            o["confirmations"] = nil
            o["schema"] = ["id": .string(e.schema.id), "hash": .string(e.schema.hash)]
            let offered = e.present(.object(o)).pages.flatMap(\.questions).filter { !$0.options.isEmpty }.map { q in
                JSONValue.string(q.path + ": " + q.options.map(\.id).joined(separator: ","))
            }
            return [Self.signature(e.evaluate(.object(o), options: Self.detail)), .array(offered)]
        }
        let originals = households.map { seen(ev, $0) }
        for (name, flip) in flips {
            var mutant = Self.schema
            flip(&mutant)
            mutant.seal()
            let mev = try Evaluator(schema: mutant)
            let detected = zip(households, originals).contains { seen(mev, $0.0) != $0.1 }
            XCTAssertTrue(detected, "flipping \(name) is not caught by any route household")
        }
    }
}

/// The byte-level fast reader must give exactly what the general path gives.
final class FastReaderTests: XCTestCase {
    var ev: Evaluator { CensusFormTests.evaluator }

    func same(_ bytes: [UInt8], _ note: String, file: StaticString = #filePath, line: UInt = #line) {
        let options = EvaluationOptions(includeApplicable: true, includeDerived: true)
        let fast = ev.evaluate(bytes: bytes, options: options)
        let general = ev.evaluateGeneral(bytes: bytes, options: options)
        XCTAssertEqual(JSONWriter().string(fast.json), JSONWriter().string(general.json), note, file: file, line: line)
    }

    func testFastReaderAgreesOnGeneratedHouseholds() {
        let generator = HouseholdGenerator(evaluator: ev, seed: 99)
        var fastCount = 0
        for i in 0..<300 {
            let h = generator.household(i, invalidRate: 0.3)
            let bytes = JSONWriter(pretty: i % 7 == 0).bytes(h.response)
            same(bytes, "household \(i)")
            let run = Run(ev, options: EvaluationOptions())
            if bytes.withUnsafeBufferPointer({ run.readFast($0) }) { fastCount += 1 }
        }
        XCTAssertGreaterThan(fastCount, 200, "clean households take the fast path")
    }

    func testSessionReuseLeaksNothingBetweenResponses() {
        let generator = HouseholdGenerator(evaluator: ev, seed: 21)
        let options = EvaluationOptions(includeApplicable: true, includeDerived: true)
        let session = ev.makeSession(options: options)
        for i in 0..<200 {
            // Mix sizes, mistakes, confirmations and the general path.
            let h = generator.household(i, invalidRate: 0.4).response
            var bytes = JSONWriter().bytes(h)
            if i % 9 == 0 { bytes += Array(" x".utf8) }
            XCTAssertEqual(JSONWriter().string(session.evaluate(bytes: bytes).json),
                JSONWriter().string(ev.evaluateGeneral(bytes: bytes, options: options).json), "household \(i)")
        }
    }

    /// Random byte edits of real households: never a crash, and both paths always agree.
    func testFastReaderAgreesUnderRandomEdits() {
        let generator = HouseholdGenerator(evaluator: ev, seed: 77)
        var rng = SeededRandom(seed: 77)
        let session = ev.makeSession()
        let pieces = Array("\"{}[],:0123456789-.e nulltruefalse\\u00e9yesnootherdetailvalue".utf8)
        for i in 0..<1500 {
            var bytes = JSONWriter().bytes(generator.household(i % 60).response)
            for _ in 0..<rng.int(1...3) {
                let at = rng.int(0...(bytes.count - 1))
                switch rng.int(0...3) {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(rng.pick(pieces), at: at)
                case 2: bytes[at] = rng.pick(pieces)
                default:
                    let end = min(bytes.count, at + rng.int(1...40))
                    bytes.insert(contentsOf: bytes[at..<end], at: at)
                }
            }
            XCTAssertEqual(JSONWriter().string(session.evaluate(bytes: bytes).json), JSONWriter().string(ev.evaluateGeneral(bytes: bytes).json),
                "edit \(i): \(String(decoding: bytes, as: UTF8.self).prefix(300))")
        }
    }

    func testFastReaderAgreesOnOddInputs() {
        let base = JSONWriter().string(HouseholdGenerator(evaluator: ev, seed: 1).household(3).response)
        let variants = [
            base.replacingOccurrences(of: "\"channel\":\"online\"", with: "\"channel\":\"fax\""),
            base.replacingOccurrences(of: "\"lives_here\":\"yes\"", with: "\"lives_here\":\"yes\",\"lives_here\":\"no\""),
            base.replacingOccurrences(of: "\"lives_here\":\"yes\"", with: "\"lives_here\":null"),
            base.replacingOccurrences(of: "\"residents\":[", with: "\"residents\":[{},"),
            base.replacingOccurrences(of: "\"is_you\":\"yes\"", with: "\"is_you\":\"y\\u0065s\""),
            base.replacingOccurrences(of: "\"dob\":\"", with: "\"dob\":\"x"),
            base.replacingOccurrences(of: "\"bedrooms\":", with: "\"bedrooms\":1.0,\"x\":"),
            base.replacingOccurrences(of: "\"first_name\":\"", with: "\"first_name\":\"\u{00e9}"),
            base + " ",
            base + "x",
            String(base.dropLast()),
            "{}",
            "[]",
        ]
        for (k, v) in variants.enumerated() { same(Array(v.utf8), "variant \(k)") }
        for f in ["edge-household-of-one.json", "edge-aged-104.json", "edge-newborn.json", "edge-maximum-roster.json"] {
            same(Array(try! Data(contentsOf: CensusFormTests.fixtures.appendingPathComponent(f))), f)
        }
    }
}
