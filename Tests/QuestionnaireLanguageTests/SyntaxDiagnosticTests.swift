import XCTest

@testable import QuestionnaireLanguage

/// Lexical and syntax errors: code `syntax` (and `unknown-type`), each with its exact message
/// and position. Positions are (line within the snippet, column).
final class SyntaxDiagnosticTests: XCTestCase {
    func testMissingColonAfterQuestionName() {
        assertDiagnostic(
            #"question q integer "Q" cy "Q""#, code: "syntax",
            message: "expected ':' after the question's name (question q: TYPE ...), found 'integer'", at: (1, 12))
    }

    func testUnclosedString() {
        assertDiagnostic(
            "question q: text \"Q\" cy \"Q\n", code: "syntax", message: "this string is not closed", at: (1, 25),
            hint: "add a closing \" before the end of the line")
    }

    func testSingleQuotesAreOneError() {
        assertDiagnostic(
            #"question q: text 'Q' cy "Q""#, code: "syntax", message: "this is in single quotes", at: (1, 18),
            hint: "write text in double quotes: \"Q\", an option or a name without quotes: Q")
    }

    func testControlCharacterIsShownAsCodePoint() {
        assertDiagnostic(
            "question q: text \"Q\" cy \"Q\" \u{7}", code: "syntax", message: "unexpected character 'U+7'", at: (1, 29))
    }

    func testSingleEqualsIsNotAComparison() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integer when a = 1 "B" cy "B"
            """, code: "syntax", message: "'=' is not a comparison", at: (2, 28), hint: "use '==' to compare")
    }

    func testChainedComparisons() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integer when 1 < a < 3 "B" cy "B"
            """, code: "syntax", message: "comparisons cannot be chained", at: (2, 32), hint: "write 'a < b and b < c'")
    }

    func testKeywordAsName() {
        assertDiagnostic(
            #"question when: integer "A" cy "A""#, code: "syntax",
            message: "'when' is a keyword and cannot be used as a name for the question", at: (1, 10),
            hint: "choose another name, such as 'when_1'")
    }

    func testMisspeltItemKeywordSuggestsTheKeyword() {
        assertDiagnostic(
            #"questoin q: integer "A" cy "A""#, code: "syntax",
            message: "expected a question, section, page, roster, let, check or choice list, found 'questoin'", at: (1, 1),
            hint: "did you mean 'question'?")
    }

    func testInvalidDate() {
        assertDiagnostic(
            #"question d: date 2021-02-30...2021-03-01 "A" cy "A""#, code: "syntax",
            message: "'2021-02-30' is not a valid date", at: (1, 18), hint: "dates are YYYY-MM-DD with a real month and day")
    }

    func testInvalidMonth() {
        assertDiagnostic(
            #"question d: month_year 2021-13...2022-01 "A" cy "A""#, code: "syntax",
            message: "'2021-13' is not a valid month", at: (1, 24), hint: "month-years are YYYY-MM with a month from 01 to 12")
    }

    func testQuestionWithoutLabel() {
        assertDiagnostic(
            "question q: integer", code: "syntax", message: "question 'q' has no label", at: (1, 10),
            hint: "add the question's wording as a string after its type")
    }

    func testSecondLabel() {
        assertDiagnostic(
            #"question b: integer "B" cy "B" "C" cy "C""#, code: "syntax", message: "question 'b' already has a label",
            at: (1, 32), hint: "translations are tagged with their language: \"...\" cy \"...\"")
    }

    func testCheckWithoutConditionOrMessage() {
        let all = assertDiagnostic(
            """
            question a: integer "A" cy "A"
            warning w on a
            """, code: "syntax", message: "check 'w' has no condition", at: (2, 9),
            hint: "write: warning w when CONDITION \"message\"", only: false)
        XCTAssertEqual(all.count, 2)
        XCTAssertEqual(all.last, Support.Found(code: "syntax", message: "check 'w' has no message", line: 2, column: 9,
            hint: "add the message shown when it fires, as a string"))
    }

    func testNumberFollowedByLetters() {
        assertDiagnostic(
            #"question a: integer 12abc...20 "A" cy "A""#, code: "syntax", message: "'12abc' is not a name: a name starts with a letter (a to z, A to Z), then letters, digits and _",
            at: (1, 21), hint: "for example 'abc_12'; a duration is a number and one of y, m, w, d (115y)")
    }

    func testUnknownEscape() {
        assertDiagnostic(
            #"question a: text "A\q" cy "A""#, code: "syntax", message: "unknown escape '\\q' in string", at: (1, 20),
            hint: #"strings understand \", \\ and \n; a backslash itself is \\, as in pattern "^\\d+$""#)
    }

    /// Found by feeding the compiler damaged forms: a NUL, a bell or an escape sequence inside a
    /// label, and a direction override in a label or a comment, all compiled without a word.
    func testHiddenCharactersInAStringOrCommentAreErrors() {
        assertDiagnostic(
            "question a: text \"Do you \u{0}live\" cy \"A\"", code: "syntax", message: "control character U+0000 in a string", at: (1, 26),
            hint: "remove it: it cannot be seen in the form's text; write \\n for a line break")
        assertDiagnostic(
            "question a: text \"\u{1B}[31mA\" cy \"A\"", code: "syntax", message: "control character U+001B in a string", at: (1, 19),
            hint: "remove it: it cannot be seen in the form's text; write \\n for a line break")
        let override = "remove it: it makes the text display in an order other than the one stored; right-to-left text needs no such character"
        assertDiagnostic(
            "question a: text \"A \u{202E}B\" cy \"A\"", code: "syntax", message: "text-direction character U+202E in a string", at: (1, 21), hint: override)
        assertDiagnostic(
            "# a comment \u{2066}hidden\nquestion a: text \"A\" cy \"A\"", code: "syntax", message: "text-direction character U+2066 in a comment", at: (1, 13),
            hint: override)
    }

    func testTabsAndOtherScriptsInStringsAreFine() {
        let result = Support.compile("question a: text \"Ble\tmae\" cy \"Ble mae\u{2019}r t\u{0177} \u{05E9}\u{05DC}\u{05D5}\u{05DD}\"")
        XCTAssertFalse(Support.found(result).contains { $0.code == "syntax" }, "\(Support.found(result))")
    }

    func testNumberTooLarge() {
        assertDiagnostic(
            #"question a: integer 0...99999999999999999999 "A" cy "A""#, code: "syntax",
            message: "number 99999999999999999999 is too large", at: (1, 25))
    }

    func testRelationshipsWithoutRoster() {
        assertDiagnostic(
            """
            roster r "R" cy "R" { question n: text "N" cy "N" }
            relationships rel { question x: one_of { a "A" cy "A" } "X" cy "X" }
            """, code: "syntax", message: "relationships need a roster: relationships rel for ROSTER { ... }", at: (2, 15))
    }

    func testUnclosedQuestionnaire() {
        assertDiagnostic(
            """
            section s "S" cy "S" {
              question a: integer "A" cy "A"
            """, code: "syntax", message: "the questionnaire is not closed: expected '}' before the end of the file",
            at: (4, 1), hint: "add a '}' to close 'questionnaire t {'")
    }

    func testFileMustStartWithQuestionnaire() {
        let result = Compiler.compile(SourceFile(name: "x.census", text: "question a: integer \"A\"\n"))
        let first = Support.found(result, lineOffset: 0).first
        XCTAssertEqual(first, Support.Found(
            code: "syntax", message: "a questionnaire file starts with 'questionnaire ID {', found keyword 'question'",
            line: 1, column: 1, hint: "begin the file with, for example: questionnaire census_household {"))
        XCTAssertNil(result.schema)
    }

    /// A first word that is neither `questionnaire` nor an item is one mistake: the header's
    /// error only, not a second "expected a question, ..." at the same word.
    func testAnUnknownFirstWordIsOneDiagnostic() {
        let result = Compiler.compile(SourceFile(name: "x.census", text: "form x\n  bogus"))
        let found = Support.found(result, lineOffset: 0).filter { $0.line == 1 && $0.column == 1 }
        XCTAssertEqual(found.map(\.message), ["a questionnaire file starts with 'questionnaire ID {', found 'form'"])
        XCTAssertNil(result.schema)
        // A misspelt header's '{' still opens the questionnaire: the mistake inside is found too.
        let misspelt = Compiler.compile(SourceFile(name: "x.census", text: "questionaire t {\n  question a: integr \"A\"\n}\n"))
        let all = Support.found(misspelt, lineOffset: 0)
        XCTAssertEqual(all.first?.message, "a questionnaire file starts with 'questionnaire ID {', found 'questionaire'")
        XCTAssertEqual(all.first?.hint, "did you mean 'questionnaire'?")
        XCTAssertTrue(all.contains { $0.line == 2 }, "\(all)")
        XCTAssertFalse(all.contains { $0.message.contains("not closed") || $0.message.contains("after the end") }, "\(all)")
    }

    func testBadBlockHeader() {
        assertDiagnostic(
            #"roster r "R" cy "R" for x { question a: integer "A" cy "A" }"#, code: "syntax",
            message: "expected a title, 'min N', 'max N', 'when' or '{' in roster 'r', found 'for'", at: (1, 21), only: false)
    }

    func testUnknownAnswerTypeSuggestsTheClosest() {
        assertDiagnostic(
            #"question a: integr "A" cy "A""#, code: "unknown-type", message: "unknown answer type 'integr'", at: (1, 13),
            hint: "did you mean 'integer'?")
    }

    func testUnknownAnswerTypeListsTheTypes() {
        assertDiagnostic(
            #"question a: colour "A" cy "A""#, code: "unknown-type", message: "unknown answer type 'colour'", at: (1, 13),
            hint: "answer types are text, integer, decimal, date, month_year, one_of, any_of, yes_no, address")
    }

    func testExpressionNestedTooDeep() {
        let deep = String(repeating: "(", count: 300) + "a > 1" + String(repeating: ")", count: 300)
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integer when \(deep) "B" cy "B"
            """, code: "syntax", message: "expression is nested more than 100 levels deep", at: (2, 126),
            hint: "split it into derived values with 'let'")
    }

    func testBlocksNestedTooDeep() {
        let depth = 70
        var snippet = ""
        for i in 0..<depth { snippet += "section s\(i) \"S\" cy \"S\" {\n" }
        snippet += "question a: integer \"A\" cy \"A\"\n"
        snippet += String(repeating: "}\n", count: depth)
        // The 65th '{' is the first one too deep.
        let all = assertDiagnostic(snippet, code: "syntax", message: "blocks are nested more than 64 deep", at: (65, 24), only: false)
        XCTAssertTrue(all.allSatisfy { $0.code == "syntax" }, "\(all)")
    }

    func testModestNestingIsFine() {
        let result = Support.compile(
            """
            question a: integer "A" cy "A"
            question b: integer when ((((a > 1)))) and not not (a < 50) and - - - a < 0 "B" cy "B"
            """)
        XCTAssertEqual(Support.found(result), [])
        XCTAssertNotNil(result.schema)
    }
}
