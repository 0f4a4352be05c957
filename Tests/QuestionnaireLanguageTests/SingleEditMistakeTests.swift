import XCTest

@testable import QuestionnaireLanguage

/// Mistakes found by breaking the census and example forms one way at a time: each gives one
/// diagnostic, where the mistake is, with a hint.
final class SingleEditMistakeTests: XCTestCase {
    func testMisspeltAndOrIsOneMistake() {
        // Not "has no message" plus "expected a question ... found 'adn'".
        assertDiagnostic(
            """
            question a: yes_no "A" cy "A"
            question b: integer "B" cy "B"
            error e when a == yes adn b == 0 on a "E" cy "E"
            """, code: "syntax", message: "unknown word 'adn' in the condition", at: (3, 23), hint: "did you mean 'and'?")
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integer when a > 1 ro a < -5 "B" cy "B"
            """, code: "syntax", message: "unknown word 'ro' in the condition", at: (2, 32), hint: "did you mean 'or'?")
        // 'on' after a check's condition is its clause, not a misspelt 'or'.
        XCTAssertEqual(Support.compile("""
            question a: integer "A" cy "A"
            warning w when a > 1 on a "W" cy "W"
            """).diagnostics, [])
    }

    func testAnOptionLabelWithoutQuotesStillDeclaresTheOption() {
        // Not also "'married' is not an option" where the option is used.
        assertDiagnostic(
            """
            question marital: one_of {
                never_married "Never married" cy "Erioed wedi priodi"
                married Married cy "Yn briod"
              }
              "Marital status" cy "Statws priodasol"
            question spouse: text when marital == married "Spouse" cy "Priod"
            """, code: "syntax", message: "expected the option's label as a string, found 'Married'", at: (3, 13),
            hint: "put it in quotes: married \"Married\"")
        assertDiagnostic(
            """
            choices status { single Never married cy "Erioed wedi priodi" }
            question s: one_of(status) "S" cy "S"
            """, code: "syntax", message: "expected the option's label as a string, found 'Never married'", at: (1, 25),
            hint: "put it in quotes: single \"Never married\"")
    }

    func testSlipsInRangesAndListsHaveAHint() {
        assertDiagnostic(
            """
            question bedrooms: integer 0..99 "B" cy "B"
            """, code: "syntax", message: "expected '...' between the range's bounds (LOW...HIGH), found '.'", at: (1, 29),
            hint: "a range is written with three dots: LOW...HIGH")
        assertDiagnostic(
            """
            question bedrooms: integer 99...0 "B" cy "B"
            """, code: "bad-range", message: "the range of 'bedrooms' is empty: its lower bound is above its upper bound", at: (1, 20),
            hint: "write the lower bound first: LOW...HIGH")
        assertDiagnostic(
            """
            question m: one_of { married "M" cy "P" civil "C" cy "S" single "S" cy "S" } "M" cy "P"
            question s: yes_no when m in married, civil "S" cy "R"
            """, code: "syntax", message: "expected '[' after 'in' (x in [a, b]), found 'married'", at: (2, 30),
            hint: "put the values in brackets: x in [a, b]")
    }

    func testAnExtraClosingBraceIsBlamedAndTheRestReadAsMeant() {
        // Not the '}' at the end, nor the member answers read outside their roster after it.
        let snippet = """
            roster people "P" cy "P" max 5 {
              question first_name: text "F" cy "F"
              }
              let name = join(first_name, first_name)
              question dob: date "D {name}" cy "D {name}"
            }
            question c: integer when count(people) > 1 "C" cy "C"
            """
        assertDiagnostic(snippet, code: "syntax", message: "this '}' has no matching '{'", at: (3, 3),
            hint: "remove it: it closes roster 'people' (line 7) before the items after it")
        let result = Support.compile(snippet)
        XCTAssertEqual(result.diagnostics.first?.notes.map(\.message), ["so this '}' closes the questionnaire before the end of the file"])
        // The last block of the file: the questionnaire's own '}' is the one left over.
        let last = Support.compile("""
            section s "S" cy "S" {
              question b: integer "B" cy "B"
              }
              question c: integer when b > 1 "C" cy "C"
            }
            """)
        XCTAssertEqual(Support.found(last), [
            .init(code: "syntax", message: "this '}' has no matching '{'", line: 3, column: 3,
                hint: "remove it: it closes section 's' (line 7) before the items after it")
        ])
        XCTAssertEqual(last.diagnostics.first?.notes.map(\.message), ["so this '}' is left over after the end of the questionnaire"])
    }

    func testANameNeverDeclaredIsOneMistakeHoweverOftenItIsUsed() {
        // `let age = ...` deleted: one error at the first use, not one per use (and 'age' is
        // not offered 'name', two letters away).
        let snippet = """
            roster people "P" cy "P" max 5 {
              question name: text "N" cy "N"
              question dob: date "D" cy "D"
              warning old when age >= 100 "{name} is {age}" cy "{name} yn {age}"
              warning young when age < 0 "{name}" cy "{name}"
            }
            """
        assertDiagnostic(snippet, code: "undefined-name", message: "'age' is not defined", at: (4, 20), noHint: true)
        XCTAssertEqual(Support.compile(snippet).diagnostics.first?.notes.map(\.message), ["also here, and in 1 more place"])
    }

    func testSwitchesWithoutSelfWhenAreOneMistake() {
        let snippet = """
            roster people "P" cy "P" max 5 {
              question name: text "N" cy "N"
            }
            section person "P" cy "P" for people {
              question a: yes_no "{Are you|Is {name}} here?" cy "{Ydych chi|Ydy {name}} yma?"
              question b: yes_no "{Do you|Does {name}} work?" cy "{Ydych chi|Ydy {name}} yn gweithio?"
            }
            """
        assertDiagnostic(snippet, code: "bad-template",
            message: "the wording switch {self|proxy} needs a 'self when ...' earlier in this per-member section", at: (5, 23),
            hint: "declare who the respondent is first, e.g. self when is_you == yes")
        XCTAssertEqual(Support.compile(snippet).diagnostics.first?.notes.map(\.message),
            ["the same in the Welsh (cy) text", "also here"])
    }

    func testASectionWithoutItsOpeningBraceIsOneMistake() {
        // Its items are read as its body, so its '}' is not left over at the end.
        assertDiagnostic(
            """
            question age: integer "A" cy "A"
            section work "Work" cy "Gwaith" when age >= 16
              question hours: integer "H" cy "H"
            }
            question c: integer when hours > 1 "C" cy "C"
            """, code: "syntax", message: "expected a title, 'for ROSTER', 'when' or '{' in section 'work', found keyword 'question'",
            at: (3, 3), hint: "add '{' at the end of line 8 to open the section")
    }

    func testAMissingOrMisplacedAnswerTypeIsOneMistake() {
        // The question is still declared, so its uses are not undefined.
        assertDiagnostic(
            """
            question bedrooms: "Bedrooms?" cy "Ystafelloedd?" integer 0...99
            question c: integer when bedrooms > 1 "C" cy "C"
            """, code: "syntax", message: "the answer type 'integer' comes after the label of question 'bedrooms'", at: (1, 51),
            hint: "put it right after the colon: question bedrooms: integer ...")
        assertDiagnostic(
            """
            question bedrooms: "Bedrooms?" cy "Ystafelloedd?"
            question c: integer when bedrooms is answered "C" cy "C"
            """, code: "syntax", message: "question 'bedrooms' has no answer type", at: (1, 20),
            hint: "give it after the colon: question bedrooms: TYPE, where TYPE is one of text, integer, decimal, date, month_year, one_of, any_of, yes_no, address")
    }

    func testOperatorSlipsInConditionsHaveAHint() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integer when a <> 1 "B" cy "B"
            """, code: "syntax", message: "'<>' is not an operator here: write '!='", at: (2, 28),
            hint: "the operators are == != < <= > >= + - * /, and 'and', 'or', 'not'")
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integer when a is anwsered "B" cy "B"
            """, code: "syntax", message: "expected 'answered' after 'is' (x is answered), found 'anwsered'", at: (2, 31),
            hint: "did you mean 'answered'?")
        assertDiagnostic(
            """
            question hours: decimal 0...99 "H" cy "O"
            question b: integer when hours == yes "B" cy "B"
            """, code: "undefined-name", message: "'yes' is not defined", at: (2, 35),
            hint: "'yes' is an option of choice list 'yes_no': only an answer from that list can be compared with it")
    }

    func testWelshWrittenBeforeEnglishIsOneMistake() {
        // Not "has no label" plus a stray 'cy'.
        assertDiagnostic(
            """
            question a: yes_no
              cy "Ydych chi'n byw yma?"
              "Do you live here?"
            question b: integer when a == yes "B" cy "B"
            """, code: "syntax", message: "the cy text comes before the label's untagged text in question 'a'", at: (2, 3),
            hint: "write the label in the first language first, then cy \"...\"")
    }

    func testASecondConditionIsReportedNotSilentlyDropped() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integer when a > 1 when a < 5 "B" cy "B"
            """, code: "syntax", message: "question 'b' already has a condition", at: (2, 32),
            hint: "give one condition, combining them: when (A) and (B)")
    }

    func testAMisnamedAnswerComparedWithAnOptionIsOneMistake() {
        // Not also "'yes' is not defined".
        assertDiagnostic(
            """
            question is_you: yes_no "Y" cy "Y"
            question b: integer when is_yuo == yes "B" cy "B"
            """, code: "undefined-name", message: "'is_yuo' is not defined", at: (2, 26), hint: "did you mean 'is_you'?")
    }

    func testACheckOnNoAnswerIsNotAlsoNeverHolds() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            error e when census_date < 2020-01-01 "E" cy "E"
            """, code: "check-without-answer", message: "check 'e' does not depend on any answer", at: (2, 7),
            hint: "a check is about answers: name the question it points at with 'on QUESTION'")
    }

    func testAnUntaggedTranslationIsOneMistake() {
        // Not "already has a label" plus "has no Welsh (cy) text".
        assertDiagnostic(
            """
            question a: integer "Who is your landlord?" "Pwy yw eich landlord?"
            """, code: "syntax", message: "this text has no language tag", at: (1, 45), hint: "tag the translation: cy \"...\"")
    }

    func testCurlyQuotesAreOneMistake() {
        assertDiagnostic(
            """
            question a: integer \u{201C}Who is your landlord?\u{201D} cy "Pwy yw eich landlord?"
            """, code: "syntax", message: "this string is in curly quotes", at: (1, 21),
            hint: "write it in straight double quotes: \"Who is your landlord?\"")
    }

    func testSlipsInHeadersAndTypesKeepTheItemDeclared() {
        // A roster with 'max ten' is still a roster: uses of it are not 'not a roster'.
        assertDiagnostic(
            """
            roster people "P" cy "P" max ten {
              question name: text "N" cy "N"
            }
            question c: integer when count(people) > 1 "C" cy "C"
            """, code: "syntax", message: "expected the maximum number of members (a whole number), found 'ten'", at: (1, 30),
            hint: "write it in digits, e.g. max 10")
        // 'hint' with no text does not lose the question.
        assertDiagnostic(
            """
            question a: text "A" cy "A" hint
            question b: integer when a is answered "B" cy "B"
            """, code: "syntax", message: "'hint' in question 'a' has no text", at: (1, 29),
            hint: "write the hint after it: hint \"...\" cy \"...\", or remove 'hint'")
        assertDiagnostic(
            """
            choices tenure { owns "O" cy "O" }
            question a: yes_no(tenure) "A" cy "A"
            question b: integer when a == yes "B" cy "B"
            """, code: "syntax", message: "yes_no takes no choice list: its options are yes and no", at: (2, 19),
            hint: "write yes_no alone, or one_of(LIST) for a question with the list's options")
        assertDiagnostic(
            """
            question hours: decimal 0...99,5 "H" cy "O"
            question b: integer when hours > 1 "B" cy "B"
            """, code: "syntax", message: "a decimal is written with a point, not a comma", at: (1, 31), hint: "write 99.5")
        assertDiagnostic(
            """
            choices heating { gas "G" cy "N" }
            question h: any_of heating "H" cy "G"
            """, code: "syntax", message: "expected '(LIST)' or '{ options }' after any_of, found 'heating'", at: (2, 20),
            hint: "put the list's name in brackets: any_of(heating)")
    }

    func testQuestionClausesOnACheckAreOneMistake() {
        assertDiagnostic(
            """
            question age: integer "A" cy "O"
            warning old when age >= 100 required "Old" cy "Hen"
            """, code: "syntax", message: "a check has no 'required'", at: (2, 29),
            hint: "a check is not answered: error blocks, warning informs, confirm asks")
    }

    func testALabelWithoutItsOpeningQuoteIsOneMistake() {
        // Not also "has no label": the words up to the lone quote are the label.
        assertDiagnostic(
            """
            question a: integer
              Who is your landlord?"
              cy "Pwy yw eich landlord?"
            question b: integer when a > 1 "B" cy "B"
            """, code: "syntax", message: "this string is not closed", at: (2, 24),
            hint: "this '\"' ends the line: add the opening \" where the text starts")
    }

    func testAStringOverTwoLinesIsOneMistake() {
        // Not also an unclosed string on the second line.
        assertDiagnostic(
            """
            question a: integer "Who is your
              landlord?" cy "Pwy yw eich landlord?"
            question b: integer when a > 1 "B" cy "B"
            """, code: "syntax", message: "this string runs over two lines", at: (1, 21),
            hint: "keep a string on one line; write \\n for a line break")
    }

    func testAQuoteInsideATextIsNamedNotAnUndeclaredLanguage() {
        assertDiagnostic(
            """
            question a: integer "Choose "None" if none" cy "Dewiswch \\"Dim\\""
            """, code: "syntax", message: "a '\"' inside a text ends it", at: (1, 29),
            hint: "write \\\" for a quote inside a text: \"... \\\"None\\\" ...\"")
    }

    func testRelationshipsWithoutTheirRosterAreOneMistake() {
        // With one roster, the body is read for it: person./other. are not also reported.
        assertDiagnostic(
            """
            choices rel { partner "P" cy "P" unrelated "U" cy "U" }
            roster people "P" cy "P" max 5 {
              question name: text "N" cy "N"
            }
            relationships family when count(people) >= 2 {
              question relationship: one_of(rel) "{person.name} and {other.name}" cy "{person.name} a {other.name}"
              unrelated unrelated
            }
            """, code: "syntax", message: "relationships need a roster: relationships family for ROSTER { ... }", at: (5, 15),
            hint: "write: relationships family for people")
    }

    func testAnOptionWithoutALabelIsBlamedOnTheOption() {
        assertDiagnostic(
            """
            choices heating {
              gas "Gas" cy "Nwy"
              electric
              other "Other" cy "Arall"
            }
            question h: any_of(heating) "H" cy "G"
            """, code: "syntax", message: "option 'electric' has no label", at: (3, 3),
            hint: "write: electric \"...\" followed by its translations")
    }

    func testAConditionOnADerivedValueIsOneMistake() {
        assertDiagnostic(
            """
            question dob: date "D" cy "D"
            let age = years_between(dob, census_date) when dob is answered
            question c: integer when age > 1 "C" cy "C"
            """, code: "syntax", message: "a derived value has no 'when'", at: (2, 43),
            hint: "it is unknown while the answers it uses are unanswered; put the condition where the value is used")
    }
}
