import XCTest

@testable import QuestionnaireLanguage

/// Type errors, conditions that can never hold, cycles, texts and structure.
final class TypeAndFlowDiagnosticTests: XCTestCase {
    // MARK: type-mismatch

    func testDateComparedWithInteger() {
        assertDiagnostic(
            """
            question dob: date "A" cy "A"
            question b: integer when dob > 16 "B" cy "B"
            """, code: "type-mismatch", message: "cannot compare a date with a whole number", at: (2, 30),
            hint: "to compare an age, derive it first: let age = years_between(dob, census_date)")
    }

    func testArithmeticOnText() {
        assertDiagnostic(
            """
            question n: text "A" cy "A"
            let m = n + 1
            question b: integer when m > 1 "B" cy "B"
            """, code: "type-mismatch", message: "arithmetic on text is not allowed: '+' needs numbers", at: (2, 11),
            hint: "to put texts together use join(a, b)")
    }

    func testContainsOnASingleChoice() {
        assertDiagnostic(
            """
            choices tenure { owns "Owns" cy "O" rents "Rents" cy "R" }
            question t: one_of(tenure) "A" cy "A"
            question b: integer when t contains owns "B" cy "B"
            """, code: "type-mismatch",
            message: "'contains' is for multiple-choice answers; this answer is one option of 'tenure'", at: (3, 28),
            hint: "use == to test one option, or 'in [a, b]' for several")
    }

    func testContainsOnANumber() {
        assertDiagnostic(
            """
            question n: integer "A" cy "A"
            question b: integer when n contains 1 "B" cy "B"
            """, code: "type-mismatch",
            message: "'contains' needs a multiple-choice answer or text on its left, but this is a whole number", at: (2, 26))
    }

    func testContainsOnTextNeedsText() {
        assertDiagnostic(
            """
            question n: text "A" cy "A"
            question b: integer when n contains 1 "B" cy "B"
            """, code: "type-mismatch", message: "'contains' on text needs text on its right, but this is a whole number",
            at: (2, 37))
    }

    func testConditionThatIsNotTrueOrFalse() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integer when a "B" cy "B"
            """, code: "type-mismatch", message: "the condition of question 'b' must be true or false, but this is a whole number",
            at: (2, 26), hint: "compare it: x >= 16")
    }

    func testChoiceAsCondition() {
        assertDiagnostic(
            """
            question a: yes_no "A" cy "A"
            question b: integer when a "B" cy "B"
            """, code: "type-mismatch",
            message: "the condition of question 'b' must be true or false, but this is an option of 'yes_no'",
            at: (2, 26), hint: "compare it with an option: x == option, or x in [a, b]")
    }

    func testDatesCannotBeSubtracted() {
        assertDiagnostic(
            """
            question d: date "A" cy "A"
            question e: date "A" cy "A"
            question b: integer when d - e > 1 "B" cy "B"
            """, code: "type-mismatch", message: "dates cannot be subtracted", at: (3, 28),
            hint: "for whole years between two dates use years_between(a, b)")
    }

    func testDatePlusNumber() {
        assertDiagnostic(
            """
            question d: date "A" cy "A"
            question b: integer when d + 1 > 2021-01-01 "B" cy "B"
            """, code: "type-mismatch", message: "'+' cannot combine a date and a whole number", at: (2, 28),
            hint: "a date moves by a duration: census_date - 115y")
    }

    func testYearsBetweenNeedsDates() {
        assertDiagnostic(
            """
            question n: integer "A" cy "A"
            question b: integer when years_between(n, census_date) > 1 "B" cy "B"
            """, code: "type-mismatch", message: "years_between needs dates, but this is a whole number", at: (2, 40))
    }

    func testFunctionArity() {
        assertDiagnostic(
            """
            question dob: date "A" cy "A"
            question b: integer when years_between(dob) > 1 "B" cy "B"
            """, code: "type-mismatch", message: "years_between takes 2 arguments, but is given 1", at: (2, 26))
    }

    func testJoinNeedsText() {
        assertDiagnostic(
            """
            question n: integer "A" cy "A"
            question b: integer when join(n) == "x" "B" cy "B"
            """, code: "type-mismatch", message: "join puts texts together, but this is a whole number", at: (2, 31))
    }

    func testRangeBoundOfTheWrongType() {
        assertDiagnostic(
            #"question b: integer 0...census_date "B" cy "B""#, code: "type-mismatch",
            message: "the range of 'b' needs a whole number, but this is a date", at: (1, 25))
    }

    func testOrderingOptions() {
        assertDiagnostic(
            """
            choices tenure { owns "Owns" cy "O" rents "Rents" cy "R" }
            question t: one_of(tenure) "A" cy "A"
            question b: integer when t < owns "B" cy "B"
            """, code: "type-mismatch", message: "'<' orders numbers and dates; an option of 'tenure' has no order",
            at: (3, 28), hint: "compare options with == or 'in [a, b]'")
    }

    func testIsAnsweredOnALiteral() {
        assertDiagnostic(
            #"question b: integer when 1 is answered "B" cy "B""#, code: "type-mismatch",
            message: "only a question's answer or a derived value can be tested with 'is answered'", at: (1, 26))
    }

    func testNegatingText() {
        assertDiagnostic(
            """
            question n: text "A" cy "A"
            question b: integer when -n == "x" "B" cy "B"
            """, code: "type-mismatch", message: "'-' needs a number, but this is text", at: (2, 27))
    }

    func testRelationshipQuestionMustBeOneOf() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question name: text "N" cy "N" }
            relationships rel for people { question x: integer "X" cy "X" }
            """, code: "type-mismatch", message: "the relationship question must be one_of a choice list", at: (2, 44))
    }

    func testEmptyInList() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integer when a in [] "B" cy "B"
            """, code: "type-mismatch", message: "the list after 'in' is empty", at: (2, 26))
    }

    func testInListOfTheWrongType() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integer when a in ["x"] "B" cy "B"
            """, code: "type-mismatch", message: "this list holds text, but the value tested is a whole number", at: (2, 32))
    }

    func testInOnAMultipleChoiceAnswer() {
        // The first diagnostic is the one that matters; see the report for the echo that follows it.
        assertDiagnostic(
            """
            choices heat { gas "Gas" cy "Nwy" oil "Oil" cy "Olew" }
            question h: any_of(heat) "A" cy "A"
            question b: integer when h in [gas] "B" cy "B"
            """, code: "type-mismatch", message: "'in' tests one value; this is a set of options of 'heat'", at: (3, 26),
            hint: "use 'x contains option' for multiple-choice answers", only: false)
    }

    func testComparingTextWithNumber() {
        assertDiagnostic(
            """
            question n: text "A" cy "A"
            question b: integer when n == 3 "B" cy "B"
            """, code: "type-mismatch", message: "cannot compare text with a whole number", at: (2, 28))
    }

    func testAnyNeedsACondition() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question age: integer "N" cy "N" }
            question b: integer when any(people, age) "B" cy "B"
            """, code: "type-mismatch",
            message: "the condition of question 'b' must be true or false, but this is a whole number", at: (2, 38),
            hint: "compare it: x >= 16")
    }

    // MARK: never-holds

    func testContradictoryAgeRange() {
        assertDiagnostic(
            """
            question dob: date "A" cy "A"
            let age = years_between(dob, census_date)
            question b: integer when age >= 16 and age < 10 "B" cy "B"
            """, code: "never-holds", message: "this condition can never hold, so question 'b' is never asked", at: (3, 26),
            hint: "no value of 'age' can meet all of these comparisons at once")
    }

    func testComparisonOutsideTheDeclaredRange() {
        assertDiagnostic(
            """
            question bedrooms: integer 0...99 "A" cy "A"
            question b: integer when bedrooms > 120 "B" cy "B"
            """, code: "never-holds", message: "this condition can never hold, so question 'b' is never asked", at: (2, 26),
            hint: "no value of 'bedrooms' satisfies it: 'bedrooms' can only be from 0 to 99")
    }

    func testExclusiveOptionsBothContained() {
        assertDiagnostic(
            """
            choices heat { gas "Gas" cy "Nwy" none "None" cy "Dim" exclusive }
            question h: any_of(heat) "A" cy "A"
            question b: integer when h contains gas and h contains none "B" cy "B"
            """, code: "never-holds", message: "this condition can never hold, so question 'b' is never asked", at: (3, 26),
            hint: "'none' is an exclusive option of 'h': it cannot be chosen with another")
    }

    func testQuestionContradictingItsSection() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            section s "S" cy "S" when a > 10 {
              question b: integer when a < 5 "B" cy "B"
            }
            """, code: "never-holds",
            message: "this condition can never hold together with the condition of section 's', so question 'b' is never asked",
            at: (3, 28), hint: "no value of 'a' can meet all of these comparisons at once")
    }

    func testCheckThatCanNeverFire() {
        assertDiagnostic(
            """
            question a: integer 0...99 "A" cy "A"
            error e when a > 100 "E" cy "E"
            """, code: "never-holds", message: "this condition can never hold, so check 'e' can never fire", at: (2, 14),
            hint: "no value of 'a' satisfies it: 'a' can only be from 0 to 99")
    }

    func testAnsweredAndNotAnswered() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integer when a is answered and a is not answered "B" cy "B"
            """, code: "never-holds", message: "this condition can never hold, so question 'b' is never asked", at: (2, 26),
            hint: "'a' cannot be both answered and not answered")
    }

    func testSectionNeverShown() {
        assertDiagnostic(
            """
            choices tenure { owns "Owns" cy "O" rents "Rents" cy "R" }
            question t: one_of(tenure) "A" cy "A"
            section s "S" cy "S" when t == owns and t == rents { question a: integer "A" cy "A" }
            """, code: "never-holds", message: "this condition can never hold, so section 's' is never shown", at: (3, 27),
            hint: "no option of 't' meets all of its comparisons")
    }

    func testSatisfiableConditionsAreNotReported() {
        let result = Support.compile(
            """
            question bedrooms: integer 0...99 "A" cy "A"
            question dob: date census_date - 115y ... census_date "D" cy "D"
            let age = years_between(dob, census_date)
            question b: integer when bedrooms >= 99 or age < 0 "B" cy "B"
            section s "S" cy "S" when age >= 16 {
              question c: integer when age <= 16 "C" cy "C"
            }
            """)
        XCTAssertEqual(Support.found(result), [])
    }

    // MARK: derived-cycle

    func testTwoValueCycle() {
        let result = Support.compile(
            """
            let a = b + 1
            let b = a + 1
            """)
        XCTAssertEqual(Support.found(result), [
            .init(code: "derived-cycle", message: "derived value 'a' depends on itself: a -> b -> a", line: 1, column: 5,
                hint: "a derived value must be computable from answers; break the cycle")
        ])
        XCTAssertEqual(result.diagnostics.first?.notes.map(\.message), ["'b' is part of the cycle"])
    }

    func testSelfReference() {
        assertDiagnostic(
            "let a = a + 1", code: "derived-cycle", message: "derived value 'a' depends on itself: a -> a", at: (1, 5))
    }

    func testThreeValueCycle() {
        assertDiagnostic(
            """
            let a = b
            let b = c
            let c = a
            """, code: "derived-cycle", message: "derived value 'a' depends on itself: a -> b -> c -> a", at: (1, 5))
    }

    // MARK: texts

    func testMissingTranslation() {
        assertDiagnostic(
            #"question a: integer "A""#, code: "missing-translation",
            message: "the label of question 'a' has no Welsh (cy) text", at: (1, 21),
            hint: "add cy \"...\" after the English (en) text")
    }

    func testMissingTranslationOfAnOption() {
        assertDiagnostic(
            """
            choices c { x "X" }
            question a: one_of(c) "A" cy "A"
            """, code: "missing-translation", message: "the label of option 'x' in 'c' has no Welsh (cy) text", at: (1, 15))
    }

    func testMissingTranslationOfAHint() {
        assertDiagnostic(
            #"question a: integer "A" cy "A" hint "H""#, code: "missing-translation",
            message: "the hint of question 'a' has no Welsh (cy) text", at: (1, 37))
    }

    func testUnknownLanguage() {
        assertDiagnostic(
            #"question a: integer "A" cy "A" fr "B""#, code: "unknown-language", message: "'fr' is not a declared language",
            at: (1, 32), hint: "the questionnaire declares: languages en, cy")
    }

    func testEmptyChoiceList() {
        assertDiagnostic(
            "choices c { }", code: "empty-choice-list", message: "choice list 'c' has no options", at: (1, 9),
            hint: "add options: NAME \"Label\" cy \"...\"")
    }

    func testSpecifyWithoutText() {
        assertDiagnostic(
            #"choices c { x "X" cy "X" specify max 20 }"#, code: "specify-without-text",
            message: "option 'x' asks the respondent to specify, but has no text answer for it", at: (1, 26),
            hint: "give the write-in its prompt: specify \"Please write in\" cy \"...\" (optionally max N)")
    }

    // MARK: bad-template

    func testUnclosedBrace() {
        assertDiagnostic(
            #"question a: integer "A {b" cy "A""#, code: "bad-template", message: "this '{' is not closed", at: (1, 24),
            hint: "close it with '}', or write '{{' for a brace")
    }

    func testUnmatchedClosingBrace() {
        assertDiagnostic(
            #"question a: integer "A }" cy "A""#, code: "bad-template", message: "this '}' has no matching '{'", at: (1, 24),
            hint: "write '}}' for a literal brace")
    }

    func testSwitchWithoutSelf() {
        assertDiagnostic(
            """
            roster p "P" cy "P" {
              question a: integer "A" cy "A"
              question b: integer "{a|x}" cy "B"
            }
            """, code: "bad-template",
            message: "the wording switch {self|proxy} needs a 'self when ...' earlier in this per-member section", at: (3, 24),
            hint: "declare who the respondent is first, e.g. self when is_you == yes")
    }

    func testSwitchBeforeSelfWhenInTheSameSection() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question you: yes_no "Y" cy "Y" }
            section s "S" cy "S" for people {
              question early: integer "{Are you|Is it} early?" cy "X"
              self when you == yes
            }
            """, code: "bad-template",
            message: "the wording switch {self|proxy} needs a 'self when ...' earlier in this per-member section", at: (3, 28))
    }

    func testEmptyPipe() {
        assertDiagnostic(
            #"question a: integer "A {}" cy "A""#, code: "bad-template", message: "empty '{}' in text", at: (1, 24),
            hint: "pipe a value with {name}; write '{{' and '}}' for literal braces")
    }

    func testPipeThatIsNotAName() {
        assertDiagnostic(
            #"question a: integer "A {x y}" cy "A""#, code: "bad-template",
            message: "'{x y}' does not name an answer or derived value", at: (1, 24))
    }

    func testPipingACondition() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            let big = a > 1
            question b: integer "B {big}" cy "B"
            """, code: "bad-template", message: "'{big}' is a condition; only answers and values can be piped into text",
            at: (3, 25))
    }

    func testSwitchShapes() {
        let result = Support.compile(
            """
            roster people "P" cy "P" { question you: yes_no "Y" cy "Y" }
            section s "S" cy "S" for people {
              self when you == yes
              question x: integer "{a|b|c}" cy "X"
              question y: integer "{a|{b|c}}" cy "Y"
              question z: integer "{Are you|Is {you}} here? {{literal}}" cy "Z"
            }
            """)
        XCTAssertEqual(Support.found(result), [
            .init(code: "bad-template", message: "a wording switch has exactly two sides: {self wording|proxy wording}",
                line: 4, column: 24, hint: nil),
            .init(code: "bad-template", message: "wording switches cannot be nested", line: 5, column: 27, hint: nil),
        ])
    }

    func testWelshTextIsCheckedToo() {
        assertDiagnostic(
            #"question a: integer "A" cy "A {b""#, code: "bad-template", message: "this '{' is not closed", at: (1, 31))
    }

    // MARK: misplaced

    func testChoicesInsideASection() {
        assertDiagnostic(
            #"section s "S" cy "S" { choices c { x "X" cy "X" } }"#, code: "misplaced",
            message: "choice lists are declared at the top level of the questionnaire", at: (1, 32),
            hint: "move 'choices c' out of 's'")
    }

    func testMetadataInsideASection() {
        assertDiagnostic(
            #"section s "S" cy "S" { version "2" }"#, code: "misplaced",
            message: "questionnaire metadata belongs at the top of the questionnaire, not inside 's'", at: (1, 24))
    }

    func testLetInRelationships() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question n: text "N" cy "N" }
            relationships rel for people { question x: one_of { a "A" cy "A" } "X" cy "X" let z = 1 }
            """, code: "misplaced", message: "derived values cannot be declared in a relationships block", at: (2, 83),
            hint: "declare it in the roster, and use it as person.z or other.z")
    }

    func testSelfWhenOutsideAPerMemberSection() {
        assertDiagnostic(
            """
            question a: yes_no "A" cy "A"
            self when a == yes
            """, code: "misplaced", message: "'self when' belongs in a per-member section (section ... for ROSTER)", at: (2, 1))
    }

    func testUnrelatedOutsideRelationships() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question n: text "N" cy "N" }
            unrelated x
            """, code: "misplaced", message: "'unrelated' belongs in a relationships block", at: (2, 1))
    }

    func testPageInPage() {
        assertDiagnostic(
            #"page p "P" cy "P" { page q "Q" cy "Q" { question a: integer "A" cy "A" } }"#, code: "misplaced",
            message: "pages cannot be nested in pages", at: (1, 21))
    }

    func testRosterInRoster() {
        assertDiagnostic(
            #"roster people "P" cy "P" { roster kids "K" cy "K" { question a: integer "A" cy "A" } }"#, code: "misplaced",
            message: "rosters cannot be nested inside another roster", at: (1, 28))
    }

    func testRelationshipsInsideRoster() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question n: text "N" cy "N"
              relationships rel for people { question x: one_of { a "A" cy "A" } "X" cy "X" } }
            """, code: "misplaced", message: "relationships belong outside rosters", at: (2, 3))
    }

    func testSectionForRosterInsideAnotherRoster() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question n: text "N" cy "N" }
            roster kids "K" cy "K" { section s "S" cy "S" for people { question a: integer "A" cy "A" } }
            """, code: "misplaced", message: "a section for a roster must be outside other rosters", at: (2, 51))
    }

    func testBlockInsideRelationships() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question n: text "N" cy "N" }
            relationships rel for people { question x: one_of { a "A" cy "A" } "X" cy "X" section s "S" cy "S" { } }
            """, code: "misplaced", message: "relationships cannot contain a section", at: (2, 79))
    }

    func testTwoRelationshipQuestions() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question n: text "N" cy "N" }
            relationships rel for people {
              question x: one_of { a "A" cy "A" } "X" cy "X"
              question y: one_of { a "A" cy "A" } "Y" cy "Y"
            }
            """, code: "misplaced", message: "a relationships block asks exactly one question", at: (4, 12))
    }

    // MARK: metadata, titles, structure

    func testMissingMetadata() {
        let result = Compiler.compile(SourceFile(name: "m.census", text: """
            questionnaire m {
              version "1"
              title "T"
              languages en
            }
            """))
        XCTAssertEqual(Support.found(result, lineOffset: 0), [
            .init(code: "missing-metadata", message: "questionnaire 'm' has no census_date", line: 1, column: 15,
                hint: "add: census_date 2021-03-21")
        ])
        XCTAssertNil(result.schema)
    }

    func testAllMetadataMissing() {
        let result = Compiler.compile(SourceFile(name: "m.census", text: "questionnaire m {\n}\n"))
        XCTAssertEqual(Support.found(result, lineOffset: 0).map(\.message), [
            "questionnaire 'm' has no version", "questionnaire 'm' has no title", "questionnaire 'm' has no languages",
            "questionnaire 'm' has no census_date",
        ])
    }

    func testSectionWithoutTitle() {
        assertDiagnostic(
            #"section s { question a: integer "A" cy "A" }"#, code: "missing-title", message: "section 's' has no title",
            at: (1, 9), hint: "add its title as a string after the name")
    }

    func testRosterWithoutTitle() {
        assertDiagnostic(
            #"roster r { question a: integer "A" cy "A" }"#, code: "missing-title", message: "roster 'r' has no title", at: (1, 8))
    }

    func testRelationshipsWithoutQuestion() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question n: text "N" cy "N" }
            relationships rel for people { unrelated x }
            """, code: "missing-question", message: "relationships 'rel' has no question", at: (2, 15),
            hint: "add: question relationship: one_of(LIST) \"{person.name} is {other.name}'s ...\"")
    }

    func testCheckWithoutAnswer() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            warning w when census_date > 2020-01-01 "W" cy "W"
            """, code: "check-without-answer", message: "check 'w' does not depend on any answer", at: (2, 9),
            hint: "a check is about answers: name the question it points at with 'on QUESTION'")
    }

    // MARK: bad-range, bad-pattern

    func testRosterMinAboveMax() {
        assertDiagnostic(
            #"roster r "R" cy "R" min 5 max 2 { question a: integer "A" cy "A" }"#, code: "bad-range",
            message: "roster 'r' has min 5 above max 2", at: (1, 25))
    }

    func testRosterWithoutRoom() {
        assertDiagnostic(
            #"roster r "R" cy "R" max 0 { question a: integer "A" cy "A" }"#, code: "bad-range",
            message: "roster 'r' must allow at least one member", at: (1, 25))
    }

    func testTextMaxZero() {
        assertDiagnostic(
            #"question a: text max 0 "A" cy "A""#, code: "bad-range", message: "a text's max length must be at least 1",
            at: (1, 22))
    }

    func testEmptyIntegerRange() {
        assertDiagnostic(
            #"question a: integer 10...1 "A" cy "A""#, code: "bad-range",
            message: "the range of 'a' is empty: its lower bound is above its upper bound", at: (1, 13))
    }

    func testEmptyDateRange() {
        assertDiagnostic(
            #"question a: date census_date ... census_date - 1y "A" cy "A""#, code: "bad-range",
            message: "the range of 'a' is empty: its lower bound is above its upper bound", at: (1, 13))
    }

    func testUnbalancedPattern() {
        assertDiagnostic(
            #"question a: text pattern "([a-z]" "A" cy "A""#, code: "bad-pattern",
            message: "the pattern \"([a-z]\" is not a valid regular expression (unbalanced brackets)", at: (1, 26))
    }
}
