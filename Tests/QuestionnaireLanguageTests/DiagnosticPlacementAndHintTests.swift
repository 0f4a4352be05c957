import XCTest

@testable import QuestionnaireLanguage

/// Defects left by an earlier review of the diagnostics, each a mistake that gave more than one
/// message, a message in the wrong place, or no hint where one was due.
final class DiagnosticPlacementAndHintTests: XCTestCase {
    func testAQuestionWhoseConditionDoesNotParseIsStillDeclared() {
        // Only the syntax error: 'b' is declared, so its use in 'c' is not undefined.
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integer when a > > 1 "B" cy "B"
            question c: integer when b > 1 "C" cy "C"
            """, code: "syntax", message: "expected a value, found '>'", at: (2, 30), noHint: true)
        // So are the questions of a section whose condition does not parse.
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            section s "S" cy "S" when a >> 1 {
              question b: integer "B" cy "B"
            }
            question c: integer when b > 1 "C" cy "C"
            """, code: "syntax", message: "expected a value, found '>'", at: (2, 30), noHint: true)
    }

    /// The note of the only diagnostic of `snippet`: where the parser noticed, as (line, column).
    private func noteOfOnlyDiagnostic(_ snippet: String) -> (String, Int, Int)? {
        let result = Support.compile(snippet)
        guard result.diagnostics.count == 1, let note = result.diagnostics[0].notes.first else { return nil }
        let (line, column) = result.file.location(of: note.span.start)
        return (note.message, line - Support.headerLines, column)
    }

    func testAnUnclosedBracketIsBlamedWhereItWasOpened() {
        let grouped = """
            question a: integer "A" cy "A"
            question b: integer when (a > 1 and a < 5 "B" cy "B"
            question c: integer when b > 1 "C" cy "C"
            """
        assertDiagnostic(grouped, code: "syntax", message: "this '(' is not closed", at: (2, 26),
            hint: "add ')' where the expression in brackets ends")
        let note = noteOfOnlyDiagnostic(grouped)
        XCTAssertEqual(note?.0, "expected ')' here, found a string")
        XCTAssertEqual(note?.1, 2)
        XCTAssertEqual(note?.2, 43)

        assertDiagnostic(
            """
            roster p "P" cy "P" { question n: text "N" cy "N" }
            question x: integer when count(p >= 2 "X" cy "X"
            """, code: "syntax", message: "this '(' is not closed", at: (2, 31), hint: "add ')' after the arguments of count(...)")
        let list = """
            choices tenure { owns "O" cy "O" rents "R" cy "R" }
            question t: one_of(tenure) "T" cy "T"
            question x: integer when t in [owns, rents
              "X" cy "X"
            """
        assertDiagnostic(list, code: "syntax", message: "this '[' is not closed", at: (3, 31), hint: "add ']' after the last item: x in [a, b]")
        XCTAssertEqual(noteOfOnlyDiagnostic(list)?.1, 4)
    }

    func testAKeywordUsedAsANameIsOneMistake() {
        // Not also "expected a name for the section" at the ':', nor errors where it is used.
        assertDiagnostic(
            """
            question section: integer "A" cy "A"
            question b: integer when section > 1 "B {section}" cy "B {section}"
            """, code: "syntax", message: "'section' is a keyword and cannot be used as a name for the question", at: (1, 10),
            hint: "choose another name, such as 'section_1'")
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            let required = a + 1
            question b: integer when required > 1 "B" cy "B"
            """, code: "syntax", message: "'required' is a keyword and cannot be used as a name for the derived value", at: (2, 5),
            hint: "choose another name, such as 'required_1'")
    }

    func testAPipeMistakeSharedByTheTranslationsIsReportedOnce() {
        let snippet = """
            question name: text "Name" cy "Enw"
            question a: integer "Hello {nmae}" cy "Helo {nmae}"
            """
        assertDiagnostic(snippet, code: "undefined-name", message: "'nmae' is not defined", at: (2, 29), hint: "did you mean 'name'?")
        let note = noteOfOnlyDiagnostic(snippet)
        XCTAssertEqual(note?.0, "the same in the Welsh (cy) text")
        XCTAssertEqual(note?.1, 2)
        XCTAssertEqual(note?.2, 46)
        // A mistake only in the translation is still reported, at the translation.
        assertDiagnostic(
            """
            question name: text "Name" cy "Enw"
            question a: integer "Hello {name}" cy "Helo {enw}"
            """, code: "undefined-name", message: "'enw' is not defined", at: (2, 46))
    }

    func testAnUndeclaredLanguageInPlaceOfAMissingOneIsOneMistake() {
        // Not also "has no Welsh (cy) text": the gd text stands where the Welsh was due.
        assertDiagnostic(
            """
            question a: integer "A" gd "A"
            """, code: "unknown-language", message: "'gd' is not a declared language", at: (1, 25),
            hint: "this text has no Welsh (cy) translation: tag it cy, or add gd to 'languages en, cy'")
        // In a choice list too, where 'gd "A"' is not read as another option.
        assertDiagnostic(
            """
            choices tenure {
              owns "Owns" gd "Yn berchen"
              rents "Rents" cy "Rhentu"
            }
            question t: one_of(tenure) "T" cy "T"
            """, code: "unknown-language", message: "'gd' is not a declared language", at: (2, 15),
            hint: "this text has no Welsh (cy) translation: tag it cy, or add gd to 'languages en, cy'")
    }

    func testTheSameUndeclaredLanguageInEveryTextIsReportedOnce() {
        let result = Compiler.compile(SourceFile(name: "t.census", text: """
            questionnaire t {
              version "1"
              title "T" cy "T"
              languages en, gd
              census_date 2021-03-21
              choices tenure { owns "Owns" cy "Yn berchen" rents "Rents" cy "Rhentu" }
              question a: one_of(tenure) "A" cy "A"
              question b: integer "B" cy "B"
              \(Support.messages("gd"))
            }
            """))
        XCTAssertEqual(Support.found(result, lineOffset: 0), [
            .init(code: "unknown-language", message: "'cy' is not a declared language", line: 3, column: 13,
                hint: "this text has no Scottish Gaelic (gd) translation: tag it gd, or add cy to 'languages en, gd'")
        ])
        XCTAssertEqual(result.diagnostics.first?.notes.map(\.message), ["also used here, and in 3 more texts"])
    }

    func testTheMissingTitleHintGivesEveryDeclaredLanguage() {
        let found = Support.found(Compiler.compile(SourceFile(name: "t.census", text: """
            questionnaire t {
              version "1"
              languages en, cy
              census_date 2021-03-21
              question a: integer "A" cy "A"
            }
            """)), lineOffset: 0)
        XCTAssertEqual(found, [
            .init(code: "missing-metadata", message: "questionnaire 't' has no title", line: 1, column: 15,
                hint: "add: title \"...\" cy \"...\"")
        ])
    }

    func testEveryTypoInAnItemGetsItsSuggestion() {
        // After an unknown type, a misspelt clause is still reported, with its own did-you-mean.
        let found = assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integr 0...99 wen a > 1 "B" cy "B"
            """, code: "unknown-type", message: "unknown answer type 'integr'", at: (2, 13), hint: "did you mean 'integer'?",
            only: false)
        XCTAssertEqual(found.dropFirst(), [
            .init(code: "syntax", message: "unknown clause 'wen' in question 'b'", line: 2, column: 27, hint: "did you mean 'when'?")
        ])
        // Misspelt clauses of sections and rosters are named too, not only 'expected ... or {'.
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            section s "S" cy "S" wen a > 1 {
              question b: integer "B" cy "B"
            }
            """, code: "syntax", message: "unknown clause 'wen' in section 's'", at: (2, 22), hint: "did you mean 'when'?")
        assertDiagnostic(
            """
            roster r "R" cy "R" mx 5 {
              question b: integer "B" cy "B"
            }
            """, code: "syntax", message: "unknown clause 'mx' in roster 'r'", at: (1, 21), hint: "did you mean 'max'?")
    }
}
