import XCTest

@testable import QuestionnaireLanguage

/// One mistake gets one diagnostic that names it: no cascade of follow-on errors, and no
/// message that describes a different mistake than the one made.
final class OneMistakeOneMessageTests: XCTestCase {
    func testCheckBeforeTheQuestionItReadsIsALaterAnswer() {
        // Not "cannot be used in its own question": the check belongs to no question.
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            error c when b > a "B is more than A" cy "B"
            question b: integer "B" cy "B"
            """, code: "later-answer", message: "'b' is asked later in the flow (line 9), so it is not known here",
            at: (2, 14), hint: "check 'c' can only use answers given before it; move it after 'b'")
    }

    func testAQuestionsOwnAnswerInItsConditionIsStillNamedSo() {
        assertDiagnostic(
            """
            question a: integer when a > 1 "A" cy "A"
            """, code: "later-answer", message: "'a' cannot be used in its own question", at: (1, 26),
            hint: "the condition of question 'a' is decided before 'a' is answered, so it cannot depend on that answer")
    }

    func testUnknownYesNoOptionSuggestsYes() {
        assertDiagnostic(
            """
            question yn: yes_no "Y" cy "Y"
            question x: integer when yn == yse "X" cy "X"
            """, code: "unknown-option", message: "'yse' is not an option of choice list 'yes_no'", at: (2, 32),
            hint: "did you mean 'yes'?")
        assertDiagnostic(
            """
            question yn: yes_no "Y" cy "Y"
            question x: integer when yn == maybe "X" cy "X"
            """, code: "unknown-option", message: "'maybe' is not an option of choice list 'yes_no'", at: (2, 32),
            hint: "choose one of its options (options: yes, no)")
    }

    func testAnswersOfTwoListsCompareAsATypeMismatch() {
        assertDiagnostic(
            """
            choices l1 { p1 "P" cy "P" p2 "Q" cy "Q" }
            choices l2 { p1 "P" cy "P" p3 "Q" cy "Q" }
            question p: one_of(l1) "P" cy "P"
            question q: one_of(l2) "Q" cy "Q"
            question r: integer when p == q "R" cy "R"
            """, code: "type-mismatch", message: "cannot compare an option of 'l1' with an option of 'l2'", at: (5, 28))
    }

    func testInOnAMultipleChoiceAnswerIsOneMistake() {
        // The options in the list are not also reported as undefined names.
        assertDiagnostic(
            """
            choices heating { gas "G" cy "G" oil "O" cy "O" }
            question h: any_of(heating) "H" cy "H"
            question r: integer when h in [gas, oil] "R" cy "R"
            """, code: "type-mismatch", message: "'in' tests one value; this is a set of options of 'heating'",
            at: (3, 26), hint: "use 'x contains option' for multiple-choice answers")
    }

    func testADuplicateRosterDoesNotMoveTheFirst() {
        // Uses of the first roster after the duplicate are not reported as later answers.
        assertDiagnostic(
            """
            roster people "P" cy "P" max 5 {
              question name: text "N" cy "N"
            }
            question a: integer "A" cy "A"
            roster people "P" cy "P" max 5 {
              question age: integer "N" cy "N"
            }
            question b: integer when any(people, name == "x") "B" cy "B"
            """, code: "duplicate-id", message: "'people' already names a section, page or roster", at: (5, 8))
    }

    func testAConstantConditionIsAlwaysFalse() {
        assertDiagnostic(
            """
            question r: integer when 1 > 2 "R" cy "R"
            """, code: "never-holds", message: "this condition can never hold, so question 'r' is never asked",
            at: (1, 26), hint: "it is always false, whatever the answers")
        assertDiagnostic(
            """
            question r: integer when false "R" cy "R"
            """, code: "never-holds", message: "this condition can never hold, so question 'r' is never asked",
            at: (1, 26), hint: "it is always false, whatever the answers")
        // A constant that holds is not reported.
        XCTAssertEqual(Support.compile(#"question r: integer when 2 > 1 "R" cy "R""#).diagnostics, [])
    }

    func testMissingLanguagesIsReportedOnceNotForEveryText() {
        let source = """
            questionnaire t {
              version "1"
              title "T" cy "T"
              census_date 2021-03-21
              question a: integer "A" cy "A"
              question b: integer "B"
            }
            """
        let result = Compiler.compile(SourceFile(name: "t.census", text: source))
        XCTAssertEqual(Support.found(result, lineOffset: 0), [
            .init(code: "missing-metadata", message: "questionnaire 't' has no languages", line: 1, column: 15,
                hint: "add: languages en, cy")
        ])
    }
}
