import XCTest

@testable import QuestionnaireLanguage

/// Mistakes a methodologist makes when writing a form, each reported once, where it was made,
/// with a message about that mistake and a hint (found by writing faulty questionnaires).
final class FormAuthoringMistakeTests: XCTestCase {
    private func compileWhole(_ source: String) -> [Support.Found] {
        Support.found(Compiler.compile(SourceFile(name: "t.census", text: source)), lineOffset: 0)
    }

    // MARK: Syntax slips

    func testUnknownTypeIsNotFollowedBySyntaxOrTypeErrors() {
        // Its range is not a stray item, the label is found, and uses of the answer stay quiet.
        assertDiagnostic(
            """
            question bedrooms: integr 0...99 "B" cy "B"
            question rooms: integer when bedrooms > 2 "R" cy "R"
            """, code: "unknown-type", message: "unknown answer type 'integr'", at: (1, 20), hint: "did you mean 'integer'?")
    }

    func testLanguagesWithoutACommaIsOneMistake() {
        // Not also "'cy' is not a declared language" for every Welsh text.
        let found = compileWhole(
            """
            questionnaire t {
              version "1"
              title "T" cy "T"
              languages en cy
              census_date 2021-03-21
              question a: integer "A" cy "A"
            }
            """)
        XCTAssertEqual(found, [
            .init(code: "syntax", message: "expected ',' between languages, found 'cy'", line: 4, column: 16,
                hint: "separate the languages with commas: languages en, cy")
        ])
    }

    func testVersionWrittenAsANumberIsNotAlsoMissing() {
        let found = compileWhole(
            """
            questionnaire t {
              version 1.0
              title "T" cy "T"
              languages en, cy
              census_date 2021-03-21
              question a: integer "A" cy "A"
            }
            """)
        XCTAssertEqual(found, [
            .init(code: "syntax", message: "the version must be a string", line: 2, column: 11, hint: "put it in quotes: version \"1.0\"")
        ])
    }

    func testMisspeltClauseIsNamedNotMisreadAsARange() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integer wen a > 1 "B" cy "B"
            """, code: "syntax", message: "unknown clause 'wen' in question 'b'", at: (2, 21), hint: "did you mean 'when'?")
        assertDiagnostic(
            """
            question c: yes_no requird "C" cy "C"
            """, code: "syntax", message: "unknown clause 'requird' in question 'c'", at: (1, 20), hint: "did you mean 'required'?")
        assertDiagnostic(
            """
            question d: integer 0...10 "D" cy "D" hnt "x" cy "y"
            """, code: "syntax", message: "unknown clause 'hnt' in question 'd'", at: (1, 39), hint: "did you mean 'hint'?")
    }

    func testMissingColonStillDeclaresTheQuestion() {
        // Uses of 'a' are not reported as undefined.
        assertDiagnostic(
            """
            question a integer "A" cy "A"
            question b: integer when a > 1 "B" cy "B"
            """, code: "syntax", message: "expected ':' after the question's name (question a: TYPE ...), found 'integer'",
            at: (1, 12), hint: "write: question a: integer")
    }

    func testTranslationTagWithoutItsTextIsReportedAtTheTag() {
        // Not "no Welsh text" plus "expected the option's label": the next option is read as one.
        assertDiagnostic(
            """
            choices tenure { owns "Owns" cy rents "Rents" cy "Rhentu" }
            question tenure: one_of(tenure) "T" cy "T"
            question x: integer when tenure == rents "X" cy "X"
            """, code: "syntax", message: "expected the cy text after 'cy', found 'rents'", at: (1, 33),
            hint: "write the translation as a string: cy \"...\"")
    }

    func testMissingQuoteReportsOnlyTheUnclosedString() {
        assertDiagnostic(
            """
            question bedrooms: integer "Bedrooms? cy "Ystafelloedd gwely?"
            question rooms: integer "R" cy "R"
            """, code: "syntax", message: "this string is not closed", at: (1, 62),
            hint: "a closing \" is missing on this line, here or in an earlier string")
    }

    func testStrayClosingBraceIsReportedAndTheRestIsStillChecked() {
        assertDiagnostic(
            """
            section s "S" cy "S" {
              question a: integer "A" cy "A"
            }
            }
            question b: integer when a > 1 "B" cy "B"
            """, code: "syntax", message: "this '}' has no matching '{': it would close the questionnaire before the end of the file",
            at: (4, 1), hint: "remove it, or add the '{' it was meant to close")
        let found = Support.found(Support.compile(
            """
            section s "S" cy "S" {
              question a: integer "A" cy "A"
            }
            }
            question b: integer when zz > 1 "B" cy "B"
            """))
        XCTAssertEqual(found.map(\.code), ["syntax", "undefined-name"])
    }

    func testUnclosedSectionIsNamedNotTheQuestionnaire() {
        let found = assertDiagnostic(
            """
              section household "H" cy "H" {
                question a: integer "A" cy "A"
              section people "P" cy "P" {
                question b: integer "B" cy "B"
              }
            """, code: "syntax", message: "section 'household' is not closed", at: (1, 32),
            hint: "add a '}' to close the section opened here")
        _ = found
        let result = Support.compile("  section household \"H\" cy \"H\" {\n    question a: integer \"A\" cy \"A\"\n")
        XCTAssertEqual(result.diagnostics.first?.notes.map(\.message), ["this '}', indented less than the section, closes it instead"])
    }

    // MARK: Rosters and members

    func testRelationshipsForASectionSaySoWithoutFollowOnErrors() {
        assertDiagnostic(
            """
            choices rel { partner "Partner" cy "P" unrelated "Unrelated" cy "U" }
            section people "People" cy "Pobl" {
              question name: text "Name" cy "Enw"
            }
            relationships family for people {
              question relationship: one_of(rel) "{person.name} is {other.name}'s" cy "{person.name} {other.name}"
              unrelated unrelated
            }
            """, code: "undefined-name", message: "'people' is not a roster", at: (5, 26),
            hint: "'people' is a section or page; only a roster has members: roster people \"...\" { ... }")
    }

    func testMisspeltRosterAfterForReadsTheBodyAsMeant() {
        // Member answers in the body are not reported as "not clear which member".
        assertDiagnostic(
            """
            roster people "People" cy "Pobl" max 10 {
              question name: text "Name" cy "Enw"
              question age: integer 0...120 "Age" cy "Oed"
            }
            section person "Person {name}" cy "Person {name}" for peopl {
              question school: yes_no when age < 16 "School" cy "Ysgol"
            }
            """, code: "undefined-name", message: "'peopl' is not a roster", at: (5, 55), hint: "did you mean 'people'?")
        assertDiagnostic(
            """
            choices rel { partner "Partner" cy "P" unrelated "Unrelated" cy "U" }
            roster people "People" cy "Pobl" max 10 {
              question name: text "Name" cy "Enw"
            }
            relationships family for peple {
              question relationship: one_of(rel) "{person.name} is {other.name}'s" cy "{person.name} {other.name}"
              unrelated unrelated
            }
            """, code: "undefined-name", message: "'peple' is not a roster", at: (5, 26), hint: "did you mean 'people'?")
    }

    func testRosterMinAboveMaxDoesNotMakeCountConditionsNeverHold() {
        assertDiagnostic(
            """
            roster people "People" cy "Pobl" min 12 max 10 {
              question age: integer "Age" cy "Oed"
            }
            question shared: yes_no when count(people) >= 2 "Shared?" cy "Rhannu?"
            """, code: "bad-range", message: "roster 'people' has min 12 above max 10", at: (1, 38))
    }

    func testWordingSwitchOutsideAnyRosterSaysSo() {
        // Not "earlier in this per-member section": there is no per-member section here.
        assertDiagnostic(
            """
            question dob: date "What is {your|their} date of birth?" cy "Beth yw dyddiad geni?"
            """, code: "bad-template",
            message: "the wording switch {self|proxy} is for questions about each member of a roster, not the household",
            at: (1, 29), hint: "write one wording here; use {self|proxy} in a per-member section after 'self when ...'")
    }

    // MARK: Texts

    func testSectionTitlesNeedEveryLanguage() {
        assertDiagnostic(
            """
            section household "Household" {
              question rooms: integer "Rooms" cy "Ystafelloedd"
            }
            """, code: "missing-translation", message: "the title of section 'household' has no Welsh (cy) text", at: (1, 19),
            hint: "add cy \"...\" after the English (en) text")
    }

    func testPipesInSectionTitlesAreChecked() {
        assertDiagnostic(
            """
            roster people "People" cy "Pobl" max 10 {
              question name: text "Name" cy "Enw"
            }
            section person "Person {nam}" cy "Person {name}" for people {
              question ok: yes_no "OK {name}?" cy "Iawn {name}?"
            }
            """, code: "undefined-name", message: "'nam' is not defined", at: (4, 25), hint: "did you mean 'name'?")
    }

    // MARK: Choice lists and checks

    func testAnEmptyChoiceListIsOneMistake() {
        // Its would-be options are not also reported as unknown (with an empty listing).
        assertDiagnostic(
            """
            choices tenure { }
            question tenure: one_of(tenure) "T" cy "T"
            question landlord: text when tenure == rents "L" cy "L"
            """, code: "empty-choice-list", message: "choice list 'tenure' has no options", at: (1, 9))
    }

    func testCheckOnALaterQuestionIsALaterAnswer() {
        assertDiagnostic(
            """
            question dob: date "DOB" cy "DOB"
            let age = years_between(dob, census_date)
            confirm old when age > 100 on marital "Over 100?" cy "Dros 100?"
            question marital: yes_no "Married?" cy "Priod?"
            """, code: "later-answer", message: "check 'old' is on 'marital', which is asked later in the flow (line 10)",
            at: (3, 31), hint: "move the check after 'marital', or point it at a question asked before it")
    }

    func testExclusiveOptionOnlyUsedForSingleChoiceIsAWarning() {
        let result = Support.compile(
            """
            choices tenure { owns "Owns" cy "O" none "None" cy "Dim" exclusive }
            question tenure: one_of(tenure) "T" cy "T"
            """)
        XCTAssertEqual(Support.found(result), [
            .init(code: "misplaced", message: "option 'none' is exclusive, but 'tenure' is only used by one_of questions, where it has no effect",
                line: 1, column: 37, hint: "a one_of answer is always a single option: remove 'exclusive', or ask with any_of")
        ])
        XCTAssertEqual(result.diagnostics.first?.severity, .warning)
        XCTAssertNotNil(result.schema, "a warning does not stop compilation")
        // The same list used by an any_of question is fine.
        XCTAssertEqual(Support.compile(
            """
            choices tenure { owns "Owns" cy "O" none "None" cy "Dim" exclusive }
            question tenure: one_of(tenure) "T" cy "T"
            question heating: any_of(tenure) "H" cy "H"
            """).diagnostics, [])
    }

    // MARK: Second round: tags, literals, lists, lets

    func testMisspeltLanguageTagIsOneMistake() {
        // Not also "has no Welsh (cy) text".
        assertDiagnostic(
            """
            question a: integer "A" cym "A"
            """, code: "unknown-language", message: "'cym' is not a declared language", at: (1, 25),
            hint: "did you mean 'cy'? This text has no Welsh (cy) translation")
    }

    func testQuotedOptionsAndDatesGetAHint() {
        assertDiagnostic(
            """
            question own: yes_no "O" cy "O"
            question b: integer when own == "yes" "B" cy "B"
            """, code: "type-mismatch", message: "cannot compare an option of 'yes_no' with text", at: (2, 30),
            hint: "yes_no answers are the options yes and no: x == yes")
        assertDiagnostic(
            """
            question dob: date "D" cy "D"
            question c: integer when dob < "2005-03-21" "C" cy "C"
            """, code: "type-mismatch", message: "cannot compare a date with text", at: (2, 30),
            hint: "dates are written without quotes: 2021-03-21 (a month: 2021-03)")
    }

    func testOptionOfAnotherListSaysWhichList() {
        assertDiagnostic(
            """
            choices tenure { owns "O" cy "O" rents "R" cy "R" }
            choices landlord { council "C" cy "C" private "P" cy "P" }
            question tenure: one_of(tenure) "T" cy "T"
            question rent: decimal when tenure == council "R" cy "R"
            """, code: "unknown-option", message: "'council' is not an option of choice list 'tenure'", at: (4, 39),
            hint: "'council' is an option of 'landlord', not of 'tenure'; choose one of its options (options: owns, rents)")
    }

    func testMissingCommaInAListSaysSo() {
        assertDiagnostic(
            """
            choices tenure { owns "O" cy "O" rents "R" cy "R" free "F" cy "F" }
            question tenure: one_of(tenure) "T" cy "T"
            question l: text when tenure in [rents free] "L" cy "L"
            """, code: "syntax", message: "expected ']' to close the list, found 'free'", at: (3, 40),
            hint: "separate the items with commas: [a, b]")
    }

    func testQuestionWithoutItsKeywordIsStillDeclared() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            b: integer "B" cy "B"
            question c: integer when b > 1 "C" cy "C"
            """, code: "syntax", message: "expected a question, section, page, roster, let, check or choice list, found 'b'",
            at: (2, 1), hint: "did you mean 'question b: ...'?")
    }

    func testLetWithoutEqualsIsOneMistake() {
        // Not also a misread 'census_date' item inside the value, nor 'age' undefined later.
        assertDiagnostic(
            """
            question dob: date "D" cy "D"
            let age years_between(dob, census_date)
            question c: integer when age > 1 "C" cy "C"
            """, code: "syntax", message: "expected '=' after 'let age', found 'years_between'", at: (2, 9),
            hint: "write: let age = VALUE")
    }

    func testLetWhoseValueDoesNotParseStillDeclaresItsName() {
        assertDiagnostic(
            """
            question dob: date "D" cy "D"
            let age = years_between(dob, census_date
            question c: integer when age > 1 "C" cy "C"
            """, code: "syntax", message: "this '(' is not closed", at: (2, 24),
            hint: "add ')' after the arguments of years_between(...)")
    }

    func testMisspeltSpecifyIsNotReadAsAnExtraOption() {
        assertDiagnostic(
            """
            choices heating {
              gas "Gas" cy "Nwy"
              other "Other" cy "Arall" specfy "Write in" cy "Ysgrifennwch"
            }
            question heating: any_of(heating) "H" cy "H"
            """, code: "syntax", message: "unknown clause 'specfy' in option 'other'", at: (3, 28), hint: "did you mean 'specify'?")
        // An option named like a keyword on its own line is still an option.
        XCTAssertEqual(Support.compile(
            """
            choices kind {
              general "General" cy "Cyffredinol"
              specific "Specific" cy "Penodol"
            }
            question kind: any_of(kind) "K" cy "K"
            """).diagnostics, [])
    }

    func testUnquotedTitleIsNotAlsoMissing() {
        let found = compileWhole(
            """
            questionnaire t {
              version "1"
              title Household survey
              languages en, cy
              census_date 2021-03-21
              question a: integer "A" cy "A"
            }
            """)
        XCTAssertEqual(found, [
            .init(code: "syntax", message: "expected the title as a string, found 'Household'", line: 3, column: 9,
                hint: "put it in quotes: title \"...\" cy \"...\"")
        ])
    }
}
