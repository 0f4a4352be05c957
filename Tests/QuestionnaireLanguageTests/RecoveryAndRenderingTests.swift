import Foundation
import Questionnaire
import XCTest

@testable import QuestionnaireLanguage

/// One run reports every problem, in source order; diagnostics render for people and for tools.
final class RecoveryAndRenderingTests: XCTestCase {
    /// Eight unrelated mistakes, one per line region, in one file.
    static let manyMistakes = """
        choices tenure { owns "Owns" cy "O" rents "Rents" cy "R" }
        choices empty { }
        question bedrooms: integr "Bedrooms" cy "Ystafelloedd"
        question t: one_of(tenure) "Tenure" cy "Deiliadaeth"
        question landlord: text when t == rentd "Landlord" cy "Landlord"
        question dob: date "Date of birth" cy "Dyddiad geni"
        question old: yes_no when dob > 16 "Old?" cy "Hen?"
        question q integer "Q" cy "Q"
        question w: text when bedroms > 1 "W" cy "W"
        question x: text "X {nope" cy "X"
        question y: text "Y"
        """

    func testOneRunReportsEveryMistakeInSourceOrder() {
        let result = Support.compile(Self.manyMistakes)
        let all = Support.found(result)
        XCTAssertEqual(all.map(\.code), [
            "empty-choice-list", "unknown-type", "unknown-option", "type-mismatch", "syntax", "undefined-name", "bad-template",
            "missing-translation",
        ], all.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(all.map(\.line), [2, 3, 5, 7, 8, 9, 10, 11])
        // Source order: sorted by position.
        let offsets = result.diagnostics.map(\.span.start)
        XCTAssertEqual(offsets, offsets.sorted())
        XCTAssertNil(result.schema)
        XCTAssertTrue(result.hasErrors)
    }

    func testHumanRendering() {
        let result = Support.compile(
            """
            question bedrooms: integer 0...99 "Bedrooms" cy "Ystafelloedd"
            question b: integer when bedroms > 1 "B" cy "B"
            """)
        XCTAssertEqual(result.diagnostics.count, 1)
        let text = DiagnosticRenderer(file: result.file).human(result.diagnostics[0])
        XCTAssertEqual(text, """
            t.census:8:26: error: 'bedroms' is not defined [undefined-name]
              |
            8 | question b: integer when bedroms > 1 "B" cy "B"
              |                          ^^^^^^^
               = hint: did you mean 'bedrooms'?

            """)
        XCTAssertEqual(result.render(), text)
    }

    func testHumanRenderingOfManyMistakesHasLocationSourceAndCaret() {
        let result = Support.compile(Self.manyMistakes)
        let renderer = DiagnosticRenderer(file: result.file)
        for d in result.diagnostics {
            let text = renderer.human(d)
            let (line, column) = result.file.location(of: d.span.start)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            XCTAssertTrue(lines[0].hasPrefix("t.census:\(line):\(column): error: \(d.message) [\(d.code)]"), lines[0])
            XCTAssertEqual(lines[2], "\(line) | \(result.file.lineText(line))")
            let caretLine = lines[3]
            let gutter = String(repeating: " ", count: String(line).count) + " | "
            XCTAssertTrue(caretLine.hasPrefix(gutter + String(repeating: " ", count: column - 1) + "^"), "\(text)")
            XCTAssertTrue(caretLine.allSatisfy { $0 == " " || $0 == "|" || $0 == "^" })
            if let hint = d.hint { XCTAssertTrue(text.contains("   = hint: \(hint)\n")) }
        }
        let all = result.render()
        for d in result.diagnostics {
            let (line, column) = result.file.location(of: d.span.start)
            XCTAssertTrue(all.contains("t.census:\(line):\(column): "))
        }
    }

    func testNotesAreRenderedWithTheirLocation() {
        let result = Support.compile(
            """
            question a: integer "A" cy "A"
            question a: text "B" cy "B"
            """)
        let text = result.render()
        XCTAssertTrue(text.contains("   = note: t.census:7:10: first declared here\n"), text)
    }

    func testColumnsCountCharactersNotBytes() {
        // "Gŵr" has a two-byte character: the column after it is still one per character.
        assertDiagnostic(
            #"question a: integer "Gŵr" cy "Gŵr" fr "x""#, code: "unknown-language", message: "'fr' is not a declared language",
            at: (1, 36))
        let result = Support.compile(#"question a: integer "Gŵr" cy "Gŵr" fr "x""#)
        let text = result.render()
        XCTAssertTrue(text.contains("  |" + String(repeating: " ", count: 36) + "^^\n"), text)
    }

    func testTabsAndCarriageReturnsInTheExcerpt() {
        let source = "questionnaire t {\r\n\tversion \"1\"\r\n\ttitle \"T\" cy \"T\"\r\n\tlanguages en, cy\r\n\tcensus_date 2021-03-21\r\n\tquestion a: integer \"A\" fr \"x\" cy \"A\"\r\n}\r\n"
        let result = Compiler.compile(SourceFile(name: "crlf.census", text: source))
        let found = Support.found(result, lineOffset: 0)
        XCTAssertEqual(found.map(\.code), ["unknown-language"])
        XCTAssertEqual(found.first?.line, 6)
        XCTAssertEqual(found.first?.column, 26)
        let text = result.render()
        XCTAssertTrue(text.contains("6 |  question a: integer \"A\" fr \"x\" cy \"A\"\n"), text)
        XCTAssertFalse(text.contains("\r"))
        XCTAssertFalse(text.contains("\t"))
    }

    func testLongLinesAreCutAroundTheCaret() {
        let padding = String(repeating: "x", count: 400)
        let result = Support.compile("question a: text \"\(padding)\" cy \"y\" fr \"z\"")
        let text = result.render()
        let sourceLine = text.split(separator: "\n")[2]
        XCTAssertLessThan(sourceLine.count, 140, "\(sourceLine)")
        XCTAssertTrue(sourceLine.contains("...") && sourceLine.contains("fr \"z\""), "\(sourceLine)")
        // The caret still sits under 'fr'.
        let caretLine = text.split(separator: "\n")[3]
        let caretIndex = caretLine.firstIndex(of: "^").map { caretLine.distance(from: caretLine.startIndex, to: $0) }
        let frIndex = sourceLine.range(of: "fr \"z\"").map { sourceLine.distance(from: sourceLine.startIndex, to: $0.lowerBound) }
        XCTAssertEqual(caretIndex, frIndex)
    }

    // MARK: JSON

    func testJSONRendering() throws {
        let result = Support.compile(
            """
            question bedrooms: integer 0...99 "Bedrooms" cy "Ystafelloedd"
            question b: integer when bedroms > 1 "B" cy "B"
            """)
        let json = DiagnosticRenderer(file: result.file).json(result.diagnostics[0])
        XCTAssertEqual(json, .object([
            "file": .string("t.census"), "line": .integer(8), "column": .integer(26), "endLine": .integer(8),
            "endColumn": .integer(33), "severity": .string("error"), "code": .string("undefined-name"),
            "message": .string("'bedroms' is not defined"), "hint": .string("did you mean 'bedrooms'?"),
        ]))
        // Tools read it back as JSON.
        let bytes = JSONWriter(pretty: true).bytes(.object(["diagnostics": .array([json])]))
        let parsed = try JSONParser.parse(bytes)
        XCTAssertEqual(parsed, .object(["diagnostics": .array([json])]))
    }

    func testJSONRenderingWithoutHintAndWithNotes() {
        let result = Support.compile(
            """
            question a: integer "A" cy "A"
            question a: text "B" cy "B"
            """)
        guard case .object(let o) = DiagnosticRenderer(file: result.file).json(result.diagnostics[0]) else {
            return XCTFail("not an object")
        }
        XCTAssertEqual(o["code"], .string("duplicate-id"))
        XCTAssertEqual(o["line"], .integer(8))
        XCTAssertEqual(o["column"], .integer(10))
        XCTAssertEqual(o["endLine"], .integer(8))
        XCTAssertEqual(o["endColumn"], .integer(11))
        XCTAssertEqual(o["notes"], .array([.object(["message": .string("first declared here"), "line": .integer(7), "column": .integer(10)])]))

        let plain = Support.compile(#"question a: integer when position > 1 "A" cy "A""#)
        guard case .object(let p) = DiagnosticRenderer(file: plain.file).json(plain.diagnostics[0]) else { return XCTFail() }
        XCTAssertNil(p["hint"])
        XCTAssertNil(p["notes"])
        XCTAssertEqual(Set(p.keys), ["file", "line", "column", "endLine", "endColumn", "severity", "code", "message"])
    }

    func testJSONSpanAcrossLines() {
        // An unclosed section: the diagnostic's span ends on another line.
        let result = Support.compile(
            """
            question a: integer "A" cy "A"
            question b: integer when a > 1 and
              a < 0 "B" cy "B"
            """)
        let d = try! XCTUnwrap(result.diagnostics.first)
        guard case .object(let o) = DiagnosticRenderer(file: result.file).json(d) else { return XCTFail() }
        XCTAssertEqual(o["code"], .string("never-holds"))
        XCTAssertEqual(o["line"], .integer(8))
        XCTAssertEqual(o["column"], .integer(26))
        XCTAssertEqual(o["endLine"], .integer(9))
        XCTAssertEqual(o["endColumn"], .integer(8))
    }
}
