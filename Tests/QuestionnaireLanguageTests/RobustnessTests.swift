import Foundation
import Questionnaire
import XCTest

@testable import QuestionnaireLanguage

/// Whatever the input, the compiler returns diagnostics: it never crashes, never hangs, and every
/// position it reports lies within the file. Each compile runs on its own thread (with the 8 MB
/// stack of a command-line main thread) and must finish within a generous time limit.
final class RobustnessTests: XCTestCase {
    static let timeLimit: TimeInterval = 10

    // MARK: Harness

    /// Compiles on a separate thread; fails (rather than hanging the suite) past the time limit.
    func compileBounded(
        _ file: SourceFile, limit: TimeInterval = RobustnessTests.timeLimit, _ what: @autoclosure () -> String,
        sourceFile: StaticString = #filePath, line: UInt = #line
    ) -> Compiler.Result? {
        runBounded(limit: limit, "compiling \(what())", sourceFile: sourceFile, line: line) { Support.compileForm(file) }
    }

    /// Runs `work` on its own thread; fails (rather than hanging the suite) past the time limit.
    func runBounded<T: Sendable>(
        limit: TimeInterval, _ what: @autoclosure () -> String,
        sourceFile: StaticString = #filePath, line: UInt = #line, _ work: @escaping @Sendable () -> T
    ) -> T? {
        let box = Locked<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let result = work()
            box.withLock { $0 = result }
            done.signal()
        }
        thread.stackSize = 8 << 20
        let start = Date()
        thread.start()
        if done.wait(timeout: .now() + limit) == .timedOut {
            XCTFail("\(what()) did not finish within \(Int(limit)) s", file: sourceFile, line: line)
            return nil
        }
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertLessThan(elapsed, limit, what(), file: sourceFile, line: line)
        return box.value
    }

    /// Every diagnostic (and note) points inside the file, at a real line and column.
    func assertPositionsInside(
        _ result: Compiler.Result, _ what: @autoclosure () -> String, sourceFile: StaticString = #filePath, line: UInt = #line
    ) {
        let file = result.file
        let lineCount = file.bytes.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        var spans = result.diagnostics.map(\.span)
        spans += result.diagnostics.flatMap { $0.notes.map(\.span) }
        for span in spans {
            guard span.start >= 0, span.start <= span.end, span.end <= file.bytes.count else {
                XCTFail("span \(span.start)..<\(span.end) outside a file of \(file.bytes.count) bytes (\(what()))", file: sourceFile, line: line)
                continue
            }
            let (l, c) = file.location(of: span.start)
            let text = file.lineText(l)
            guard l >= 1, l <= lineCount, c >= 1, c <= text.unicodeScalars.count + 2 else {
                XCTFail("\(l):\(c) is outside the file (\(lineCount) lines, that line \(text.unicodeScalars.count) long) (\(what()))",
                    file: sourceFile, line: line)
                continue
            }
        }
        let sorted = result.diagnostics.map { ($0.span.start, $0.span.end) }
        XCTAssertTrue(zip(sorted, sorted.dropFirst()).allSatisfy { $0 <= $1 }, "diagnostics not in source order (\(what()))",
            file: sourceFile, line: line)
        XCTAssertEqual(result.schema == nil, result.hasErrors, "a schema exactly when there are no errors (\(what()))",
            file: sourceFile, line: line)
    }

    /// Renders every diagnostic, for people and tools (rendering must not crash either).
    func render(_ result: Compiler.Result, limit: Int = 200) {
        let renderer = DiagnosticRenderer(file: result.file)
        for d in result.diagnostics.prefix(limit) {
            XCTAssertFalse(renderer.human(d).isEmpty)
            if case .object(let o) = renderer.json(d) { XCTAssertNotNil(o["code"]) } else { XCTFail("not an object") }
        }
    }

    /// Deterministic pseudo-random numbers (SplitMix64), so failures can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func censusSource() throws -> [UInt8] { try Support.read("questionnaires/census-household.census") }

    // MARK: Random input

    func testRandomBytes() {
        var rng = SplitMix(state: 0xC0FFEE)
        for i in 0..<200 {
            let count = Int.random(in: 0...4096, using: &rng)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            guard let result = compileBounded(SourceFile(name: "random\(i)", bytes: bytes), "random input \(i)") else { continue }
            XCTAssertFalse(result.diagnostics.isEmpty, "random input \(i) gave no diagnostic")
            XCTAssertNil(result.schema)
            assertPositionsInside(result, "random input \(i)")
            render(result)
        }
    }

    static let vocabulary: [String] = [
        "questionnaire", "version", "title", "languages", "census_date", "choices", "section", "page", "for", "roster",
        "relationships", "question", "let", "self", "required", "when", "hint", "max", "min", "pattern", "exclusive",
        "specify", "unrelated", "error", "warning", "confirm", "on", "and", "or", "not", "in", "contains", "is", "answered",
        "true", "false", "text", "integer", "decimal", "date", "month_year", "one_of", "any_of", "yes_no", "address", "uk",
        "count", "any", "join", "years_between", "position", "person", "other", "a", "b", "age", "en", "cy", "fr",
        "{", "}", "(", ")", "[", "]", ",", ":", ".", "...", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "=",
        "\"Label\"", "\"{a}\"", "\"{a|b}\"", "\"{\"", "\"}\"", "\"unclosed", "16", "-3", "37.5", "2021-03-21", "2021-03",
        "115y", "6m", "2021-02-30", "99999999999999999999", "\n", "# comment\n", "'", "\u{1F600}", "\\",
    ]

    func testRandomTokenSoup() {
        var rng = SplitMix(state: 42)
        let header = "questionnaire t {\n version \"1\"\n title \"T\" cy \"T\"\n languages en, cy\n census_date 2021-03-21\n"
        for i in 0..<200 {
            var text = i % 2 == 0 ? header : ""
            for _ in 0..<Int.random(in: 0...400, using: &rng) {
                text += Self.vocabulary.randomElement(using: &rng)! + " "
            }
            if i % 3 == 0 { text += "}" }
            guard let result = compileBounded(SourceFile(name: "soup\(i)", text: text), "token soup \(i)") else { continue }
            assertPositionsInside(result, "token soup \(i)")
            render(result)
            if result.diagnostics.isEmpty { XCTAssertNotNil(result.schema) }
        }
    }

    // MARK: Invalid UTF-8

    func testInvalidUTF8IsReportedWhereItIs() {
        // A stray continuation byte in a label: snippet line 1, column 23.
        let prefix = Support.source("@").components(separatedBy: "@")[0].utf8.count
        var bytes = Array(Support.source(#"question a: integer "A?B" cy "A""#).utf8)
        let offset = prefix + #"question a: integer "A"#.utf8.count
        XCTAssertEqual(bytes[offset], UInt8(ascii: "?"))
        bytes[offset] = 0x80
        let result = Support.compileForm(SourceFile(name: "u.census", bytes: bytes))
        let found = Support.found(result)
        XCTAssertEqual(found, [
            .init(code: "invalid-utf8", message: "the file is not valid UTF-8 text", line: 1, column: 23,
                hint: "save the file as UTF-8; invalid bytes were replaced so the rest could be checked")
        ])
        XCTAssertNil(result.schema)
        XCTAssertEqual(result.file.firstInvalidUTF8Offset, offset)
        // The rest was checked: the replacement character is in the text.
        XCTAssertTrue(result.file.lineText(Support.headerLines + 1).contains("A\u{FFFD}B"))
    }

    func testInvalidUTF8AtTheStartAndOnlyTheFirstIsReported() {
        let bytes: [UInt8] = [0x80, 0x80] + Array(Support.source("").utf8) + [0x80]
        let result = Support.compileForm(SourceFile(name: "u.census", bytes: bytes))
        let utf8 = result.diagnostics.filter { $0.code == "invalid-utf8" }
        XCTAssertEqual(utf8.count, 1)
        XCTAssertEqual(utf8.first.map { result.file.location(of: $0.span.start) }.map { [$0.line, $0.column] }, [1, 1])
        assertPositionsInside(result, "invalid UTF-8 at the start")
    }

    func testValidMultibyteTextIsAccepted() {
        let result = Support.compile(#"question a: integer "Gŵr 😀 Ŵ" cy "Gwraig ✓""#)
        XCTAssertEqual(result.diagnostics, [])
        XCTAssertEqual(result.schema?.questions.first?.label["en"], "Gŵr 😀 Ŵ")
    }

    func testEachKindOfInvalidSequenceIsReportedAtItsFirstByte() {
        let cases: [(String, [UInt8])] = [
            ("a lead byte followed by ASCII", [0xC3, 0x41]),
            ("a byte that never appears in UTF-8", [0xFF]),
            ("an overlong encoding", [0xC0, 0x80]),
            ("a surrogate", [0xED, 0xA0, 0x80]),
            ("beyond U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
            ("a three-byte sequence cut short", [0xE2, 0x82]),
            ("a four-byte sequence with a bad last byte", [0xF0, 0x9F, 0x98, 0x41]),
        ]
        let parts = Support.source(#"question a: integer "Gŵr @" cy "A""#).components(separatedBy: "@")
        let before = Array(parts[0].utf8)
        for (what, bad) in cases {
            let bytes = before + bad + Array(parts[1].utf8)
            XCTAssertEqual(SourceFile.firstInvalidOffset(bytes), before.count, what)
            let file = SourceFile(name: "u.census", bytes: bytes)
            XCTAssertEqual(file.firstInvalidUTF8Offset, before.count, what)
            let result = Support.compileForm(file)
            XCTAssertEqual(Support.found(result).first.map { [$0.line, $0.column] }, [1, 26], what)
        }
        // Valid text of every length, including the largest scalar, is accepted.
        XCTAssertEqual(SourceFile.firstInvalidOffset(Array("a\u{7F}ŵ✓😀\u{10FFFF}".utf8)), "a\u{7F}ŵ✓😀\u{10FFFF}".utf8.count)
    }

    func testByteOrderMarkDoesNotShiftTheInvalidByte() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("questionnaire t {\n  # ".utf8) + [0xFF] + Array("\n}\n".utf8)
        let result = Support.compileForm(SourceFile(name: "u.census", bytes: bytes))
        let utf8 = Support.found(result, lineOffset: 0).filter { $0.code == "invalid-utf8" }
        XCTAssertEqual(utf8.map { [$0.line, $0.column] }, [[2, 5]])
    }

    // MARK: Large input

    func testTenMegabytesOfRepeatedForms() throws {
        let form = try censusSource()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10_100_000)
        while bytes.count < 10_000_000 { bytes += form }
        guard let result = compileBounded(SourceFile(name: "big.census", bytes: bytes), limit: 30, "10 MB of repeated forms") else { return }
        XCTAssertFalse(result.diagnostics.isEmpty)
        XCTAssertEqual(result.diagnostics.first?.code, "syntax")
        XCTAssertTrue(result.diagnostics.first?.message.hasPrefix("unexpected keyword 'questionnaire' after the end of the questionnaire") == true,
            result.diagnostics.first?.message ?? "")
        XCTAssertLessThanOrEqual(result.diagnostics.count, Parser.maximumSyntaxErrors + 1)
        assertPositionsInside(result, "10 MB of repeated forms")
        render(result, limit: 5)
    }

    func testTenMegabytesInOneQuestionnaire() throws {
        // The body of the census form, repeated inside one questionnaire: every repeat is a
        // duplicate, and the checker has to get through all of it.
        let text = String(decoding: try censusSource(), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let open = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("questionnaire ") })
        let close = try XCTUnwrap(lines.lastIndex { $0 == "}" })
        let header = lines[...(open + 4)].joined(separator: "\n") + "\n"
        let body = lines[(open + 5)..<close].joined(separator: "\n") + "\n"
        var source = header
        while source.utf8.count < 10_000_000 { source += body }
        source += "}\n"
        guard let result = compileBounded(SourceFile(name: "body.census", text: source), limit: 30, "10 MB in one questionnaire") else { return }
        XCTAssertFalse(result.diagnostics.isEmpty)
        XCTAssertTrue(result.diagnostics.contains { $0.code == "duplicate-id" })
        // Only the duplicates: a repeated roster does not move where the first one starts.
        XCTAssertEqual(Set(result.diagnostics.map(\.code)), ["duplicate-id"])
        XCTAssertNil(result.schema)
        assertPositionsInside(result, "10 MB in one questionnaire")
        render(result, limit: 5)
    }

    func testTenMegabytesOfRandomTokens() {
        var rng = SplitMix(state: 7)
        var text = "questionnaire t {\n"
        while text.utf8.count < 10_000_000 {
            for _ in 0..<1000 { text += Self.vocabulary.randomElement(using: &rng)! + " " }
            text += "\n"
        }
        guard let result = compileBounded(SourceFile(name: "tokens.census", text: text), limit: 30, "10 MB of random tokens") else { return }
        XCTAssertFalse(result.diagnostics.isEmpty)
        assertPositionsInside(result, "10 MB of random tokens")
        render(result, limit: 5)
    }

    func testFileOverTheSizeLimit() {
        var bytes = [UInt8](repeating: UInt8(ascii: "#"), count: Compiler.maximumSourceBytes + 1)
        bytes[bytes.count / 2] = UInt8(ascii: "\n")
        guard let result = compileBounded(SourceFile(name: "huge.census", bytes: bytes), limit: 30, "a file over the limit") else { return }
        XCTAssertEqual(Support.found(result, lineOffset: 0), [
            .init(code: "too-large", message: "the file is larger than 64 MB", line: 1, column: 1, hint: nil)
        ])
        XCTAssertNil(result.schema)
    }

    func testManyMistakesOnOneLongLineRenderWithoutRescanningIt() throws {
        // 20,000 questions of one name on a single 640 KB line: every diagnostic's column and
        // excerpt come from a window of the line, not a scan of all of it.
        let one = #"question a: integer "A" cy "A" "#
        let file = SourceFile(name: "line.census", text: Support.source(String(repeating: one, count: 20_000)))
        guard let result = compileBounded(file, limit: 30, "20,000 duplicates on one line") else { return }
        XCTAssertEqual(result.diagnostics.count, 19_999)
        XCTAssertEqual(Set(result.diagnostics.map(\.code)), ["duplicate-id"])
        guard let text = runBounded(limit: 30, "rendering 19,999 diagnostics on one line", { result.render() }) else { return }
        let tenth = try XCTUnwrap(text.components(separatedBy: "\n\n").dropFirst(9).first)
        let column = 10 * one.count + 10  // the tenth duplicate is the eleventh question
        XCTAssertTrue(tenth.hasPrefix("line.census:7:\(column): error: 'a' is already the name of a question"), tenth)
        let lines = tenth.split(separator: "\n")
        // The excerpt is cut around the caret, which stands under the name.
        XCTAssertTrue(lines[2].hasPrefix("7 | ...") && lines[2].hasSuffix("..."), String(lines[2]))
        let caret = try XCTUnwrap(lines[3].firstIndex(of: "^"))
        let excerpt = lines[2]
        XCTAssertEqual(excerpt[excerpt.index(excerpt.startIndex, offsetBy: lines[3].distance(from: lines[3].startIndex, to: caret))], "a")
    }

    func testASectionNestedInABlockOfTheSameNameFinishes() {
        let file = SourceFile(name: "t.census", text: Support.source("""
            section s "S" cy "S" {
              page s {
                question a: integer "A" cy "A" when b > 1
                question b: integer "B" cy "B"
              }
            }
            """))
        guard let result = compileBounded(file, "a page inside a section of the same name") else { return }
        XCTAssertEqual(Support.found(result).map { "\($0.line):\($0.column) \($0.code)" }, ["2:8 duplicate-id", "3:41 later-answer"])
    }

    func testFiftyUnclosedSectionsOfOneNameFinish() {
        let snippet = String(repeating: "section s \"S\" cy \"S\" {\n  question q: integer \"Q\" cy \"Q\" when q > 1\n", count: 50)
        guard let result = compileBounded(SourceFile(name: "t.census", text: Support.source(snippet)), "fifty unclosed sections") else { return }
        XCTAssertFalse(result.diagnostics.isEmpty)
        assertPositionsInside(result, "fifty unclosed sections")
        render(result)
    }

    // MARK: Deep nesting

    func assertNestedTooDeep(_ condition: String, _ what: String, message: String = "expression is nested more than 100 levels deep", line: UInt = #line) {
        let source = Support.source("question a: integer \"A\" cy \"A\"\nquestion b: integer when \(condition) \"B\" cy \"B\"")
        guard let result = compileBounded(SourceFile(name: "deep.census", text: source), what, line: line) else { return }
        let found = Support.found(result)
        XCTAssertEqual(found.first?.code, "syntax", "\(what): \(found.prefix(3))", line: line)
        XCTAssertEqual(found.first?.message, message, what, line: line)
        XCTAssertEqual(found.first?.line, 2, what, line: line)
        XCTAssertLessThanOrEqual(found.count, 3, "\(what): \(found.prefix(5))", line: line)
        assertPositionsInside(result, what, line: line)
        render(result)
    }

    func testDeeplyNestedParentheses() {
        let n = 100_000
        assertNestedTooDeep(String(repeating: "(", count: n) + "a > 1" + String(repeating: ")", count: n), "100,000 parentheses")
    }

    func testLongChainOfNot() {
        assertNestedTooDeep(String(repeating: "not ", count: 100_000) + "a > 1", "100,000 'not'")
    }

    func testLongChainOfUnaryMinus() {
        assertNestedTooDeep(String(repeating: "- ", count: 100_000) + "1 < a", "100,000 '-'")
    }

    func testLongSum() {
        assertNestedTooDeep(Array(repeating: "a", count: 100_000).joined(separator: " + ") + " > 1", "a + a + ... 100,000 long",
            message: "this chain of '+' has more than 100 terms")
    }

    /// A flat chain of `and` or `or` is not nesting (it is built balanced): 20,000 terms compile (201 were refused before),
    /// and the schema reads back and evaluates.
    func testLongConjunctionAndDisjunctionAreNotNesting() throws {
        for op in ["and", "or"] {
            let condition = (0..<20_000).map { "a != \($0)" }.joined(separator: " \(op) ")
            let source = Support.source("question a: integer \"A\" cy \"A\"\nquestion b: integer when \(condition) \"B\" cy \"B\"")
            guard let result = compileBounded(SourceFile(name: "long.census", text: source), "100,000 '\(op)'") else { return }
            XCTAssertEqual(Support.found(result), [], op)
            let schema = try Schema(jsonBytes: try XCTUnwrap(result.schema).canonicalBytes())
            let ev = try Evaluator(schema: schema)
            for (a, asked) in [(5, op == "or"), (20_000, true)] {
                let response: JSONValue = ["schema": ["id": "t", "hash": .string(schema.hash)], "channel": "online", "a": .integer(a)]
                XCTAssertEqual(ev.evaluate(response, options: EvaluationOptions(includeApplicable: true)).applicable.contains { $0.question == "b" }, asked, "\(op), a = \(a)")
            }
        }
    }

    func testNestedCalls() {
        assertNestedTooDeep(String(repeating: "join(", count: 100_000) + "\"x\"" + String(repeating: ")", count: 100_000) + " == \"x\"",
            "100,000 nested calls")
    }

    func testLongFlatListsAreFine() {
        let items = Array(repeating: "1", count: 100_000).joined(separator: ", ")
        let source = Support.source("question a: integer \"A\" cy \"A\"\nquestion b: integer when a in [\(items)] \"B\" cy \"B\"")
        guard let result = compileBounded(SourceFile(name: "list.census", text: source), "a list of 100,000 items") else { return }
        XCTAssertEqual(result.diagnostics, [])
    }

    func testSectionsNestedTenThousandDeep() {
        let depth = 10_000
        var snippet = ""
        for i in 0..<depth { snippet += "section s\(i) \"S\" cy \"S\" {\n" }
        snippet += "question a: integer \"A\" cy \"A\"\n"
        snippet += String(repeating: "}\n", count: depth)
        guard let result = compileBounded(SourceFile(name: "sections.census", text: Support.source(snippet)), "10,000 nested sections")
        else { return }
        let found = Support.found(result)
        XCTAssertEqual(found.first?.message, "blocks are nested more than 64 deep")
        XCTAssertEqual(found.first?.line, 65)
        XCTAssertLessThanOrEqual(found.count, Parser.maximumSyntaxErrors)
        assertPositionsInside(result, "10,000 nested sections")
        render(result)
    }

    func testUnclosedBlocks() {
        let snippet = (0..<50).map { "section s\($0) \"S\" cy \"S\" {\n" }.joined() + "question a: integer \"A\" cy \"A\"\n"
        let source = Support.source(snippet).replacingOccurrences(of: "\n}\n", with: "\n")
        guard let result = compileBounded(SourceFile(name: "open.census", text: source), "50 unclosed sections") else { return }
        XCTAssertFalse(result.diagnostics.isEmpty)
        XCTAssertTrue(result.diagnostics.contains { $0.code == "syntax" })
        assertPositionsInside(result, "50 unclosed sections")
    }

    func testManyBracesInText() {
        let source = Support.source("question a: text \"" + String(repeating: "{", count: 100_001) + "\" cy \"A\"")
        guard let result = compileBounded(SourceFile(name: "braces.census", text: source), "100,001 braces in a label") else { return }
        XCTAssertEqual(result.diagnostics.map(\.code), ["bad-template"])
    }

    // MARK: Mutations of the real form

    enum Mutation: CaseIterable { case deleteToken, duplicateToken, swapTokens, insertKeyword, deleteCharacter, insertCharacter, replaceByte }

    /// Splits the source into tokens and the text between them, roughly as the lexer does.
    static func pieces(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var i = 0
        func isWord(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b >= 0x80 }
        while i < bytes.count {
            let start = i
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                while i < bytes.count && bytes[i] != UInt8(ascii: "\"") && bytes[i] != 0x0A { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
                i = min(bytes.count, i + 1)
            } else if isWord(b) {
                while i < bytes.count && isWord(bytes[i]) { i += 1 }
            } else if b == 0x20 || b == 0x0A {
                while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x0A) { i += 1 }
            } else {
                i += 1
            }
            out.append(Array(bytes[start..<i]))
        }
        return out
    }

    func testMutantsOfTheCensusForm() throws {
        let original = try censusSource()
        let tokens = Self.pieces(original)
        XCTAssertEqual(tokens.flatMap { $0 }, original)
        let keywords = Self.vocabulary.filter { $0.first?.isLetter == true }
        let mutantCount = 200
        var mutants: [[UInt8]] = []
        var rng = SplitMix(state: 2021)
        for _ in 0..<mutantCount {
            var t = tokens
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let i = Int.random(in: 0..<t.count, using: &rng)
                switch Mutation.allCases.randomElement(using: &rng)! {
                case .deleteToken: t.remove(at: i)
                case .duplicateToken: t.insert(t[i], at: i)
                case .swapTokens: t.swapAt(i, Int.random(in: 0..<t.count, using: &rng))
                case .insertKeyword: t.insert(Array((" " + keywords.randomElement(using: &rng)! + " ").utf8), at: i)
                case .deleteCharacter: if !t[i].isEmpty { t[i].remove(at: Int.random(in: 0..<t[i].count, using: &rng)) }
                case .insertCharacter:
                    let c = Array("{}()[]\"#:.,=<>+-\\|'0123456789".utf8).randomElement(using: &rng)!
                    t[i].insert(c, at: Int.random(in: 0...t[i].count, using: &rng))
                case .replaceByte: if !t[i].isEmpty { t[i][Int.random(in: 0..<t[i].count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
                }
                if t.isEmpty { t = tokens }
            }
            mutants.append(t.flatMap { $0 })
        }
        // One at a time, each on its own bounded thread, so a mutant that hangs the compiler
        // fails the test instead of hanging the suite.
        var failures: [String] = []
        var withErrors = 0
        for (index, bytes) in mutants.enumerated() {
            guard let result = compileBounded(SourceFile(name: "mutant\(index)", bytes: bytes), "mutant \(index)") else {
                failures.append("mutant \(index): did not finish")
                continue
            }
            var problems: [String] = []
            let file = result.file
            for d in result.diagnostics {
                for span in [d.span] + d.notes.map(\.span) {
                    if span.start < 0 || span.end < span.start || span.end > file.bytes.count {
                        problems.append("span \(span.start)..<\(span.end) of [\(d.code)] \(d.message)")
                        continue
                    }
                    let (l, c) = file.location(of: span.start)
                    if c > file.lineText(l).unicodeScalars.count + 2 { problems.append("\(l):\(c) past the end of its line: \(d.message)") }
                }
            }
            if result.hasErrors != (result.schema == nil) { problems.append("schema presence does not match errors") }
            if let schema = result.schema {
                // A mutant that still compiles gives a schema that survives its own format.
                if (try? Schema(jsonBytes: schema.canonicalBytes())) != schema { problems.append("schema does not round-trip") }
            } else {
                withErrors += 1
            }
            let renderer = DiagnosticRenderer(file: file)
            for d in result.diagnostics.prefix(20) { _ = renderer.human(d); _ = renderer.json(d) }
            if !problems.isEmpty { failures.append("mutant \(index): " + problems.prefix(3).joined(separator: "; ")) }
        }
        XCTAssertEqual(failures, [])
        // Nearly every mutant is broken; a few (a swapped pair of blank runs) are not.
        XCTAssertGreaterThan(withErrors, mutantCount / 2)
        // No bound on the total time: each mutant has its own (`compileBounded`), which catches a
        // hang; how fast the compiler is belongs to the benchmarks (BENCHMARKS.md), not to a
        // timed test on a shared machine (the 2021 form is twice the old one's size).
    }
}
