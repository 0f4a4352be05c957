import XCTest

@testable import QuestionnaireLanguage

/// Every static check of the compiler: a small failing source, the exact code, message, position
/// (line within the snippet, column) and, where it helps the author, the hint.
final class SemanticDiagnosticTests: XCTestCase {
    // MARK: duplicate-id

    func testDuplicateQuestion() {
        let result = Support.compile(
            """
            question a: integer "A" cy "A"
            question a: text "B" cy "B"
            """)
        XCTAssertEqual(Support.found(result), [
            .init(code: "duplicate-id", message: "'a' is already the name of a question", line: 2, column: 10,
                hint: "every question and derived value needs its own name")
        ])
        let note = try! XCTUnwrap(result.diagnostics.first?.notes.first)
        XCTAssertEqual(note.message, "first declared here")
        XCTAssertEqual(result.file.location(of: note.span.start).line - Support.headerLines, 1)
        XCTAssertEqual(result.file.location(of: note.span.start).column, 10)
    }

    func testDerivedValueNamedLikeAQuestion() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            let a = 1
            """, code: "duplicate-id", message: "'a' is already the name of a question", at: (2, 5))
    }

    func testDuplicateChoiceList() {
        assertDiagnostic(
            """
            choices c { x "X" cy "X" }
            choices c { y "Y" cy "Y" }
            """, code: "duplicate-id", message: "choice list 'c' is declared twice", at: (2, 9))
    }

    func testDuplicateOption() {
        assertDiagnostic(
            """
            choices c { x "X" cy "X"
              x "X2" cy "X2" }
            """, code: "duplicate-id", message: "option 'x' appears twice in 'c'", at: (2, 3))
    }

    func testBuiltInYesNoCannotBeRedeclared() {
        assertDiagnostic(
            #"choices yes_no { x "X" cy "X" }"#, code: "duplicate-id", message: "'yes_no' is a built-in choice list with the options yes and no",
            at: (1, 9), hint: "declare exactly yes and no to relabel it (choices yes_no { yes \"Yes\" ... no \"No\" ... }), or give this list another name")
    }

    func testMetadataGivenTwice() {
        let all = assertDiagnostic(#"version "2""#, code: "duplicate-id", message: "'version' is given twice", at: (1, 1))
        _ = all
        let result = Support.compile(#"version "2""#)
        let note = try! XCTUnwrap(result.diagnostics.first?.notes.first)
        XCTAssertEqual(note.message, "first given here")
        XCTAssertTrue(result.file.location(of: note.span.start) == (2, 3))
    }

    func testLanguageDeclaredTwice() {
        let result = Compiler.compile(SourceFile(name: "t.census", text: """
            questionnaire t {
              version "1"
              title "T" cy "T"
              languages en, cy, en
              census_date 2021-03-21
            }
            """))
        XCTAssertEqual(Support.found(result, lineOffset: 0), [
            .init(code: "duplicate-id", message: "language 'en' is declared twice", line: 4, column: 21, hint: nil)
        ])
    }

    func testDuplicateCheck() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            warning w when a > 1 "W" cy "W"
            warning w when a > 2 "W" cy "W"
            """, code: "duplicate-id", message: "check 'w' is declared twice", at: (3, 9))
    }

    func testDuplicateContainer() {
        assertDiagnostic(
            """
            section s "S" cy "S" { question a: integer "A" cy "A" }
            section s "S" cy "S" { question b: integer "B" cy "B" }
            """, code: "duplicate-id", message: "'s' already names a section, page or roster", at: (2, 9))
    }

    func testTranslationGivenTwice() {
        assertDiagnostic(
            #"question a: integer "A" cy "A" cy "B""#, code: "duplicate-id",
            message: "the label of question 'a' gives Welsh (cy) twice", at: (1, 32))
    }

    func testPrimaryLanguageTagged() {
        assertDiagnostic(
            #"question a: integer "A" en "A" cy "B""#, code: "duplicate-id",
            message: "the label of question 'a' gives the primary language English (en) twice", at: (1, 25),
            hint: "the first, untagged string is the English (en) text")
    }

    func testSecondSelfWhen() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question you: yes_no "Y" cy "Y" }
            section s "S" cy "S" for people {
              self when you == yes
              self when you == no
              question x: integer "X" cy "X"
            }
            """, code: "duplicate-id", message: "this section already has a 'self when'", at: (4, 3))
    }

    // MARK: unknown-choice-list, unknown-option

    func testUnknownChoiceListSuggests() {
        assertDiagnostic(
            """
            question a: one_of(tenur) "A" cy "A"
            choices tenure { owns "Owns" cy "O" }
            """, code: "unknown-choice-list", message: "there is no choice list called 'tenur'", at: (1, 20),
            hint: "did you mean 'tenure'?")
    }

    func testUnknownChoiceListWithoutCandidate() {
        assertDiagnostic(
            #"question a: any_of(colours) "A" cy "A""#, code: "unknown-choice-list",
            message: "there is no choice list called 'colours'", at: (1, 20),
            hint: "declare it at the top level: choices colours { ... }")
    }

    func testUnknownOptionSuggests() {
        assertDiagnostic(
            """
            choices tenure { owns "Owns" cy "O" rents "Rents" cy "R" }
            question t: one_of(tenure) "A" cy "A"
            question b: integer when t == rentd "B" cy "B"
            """, code: "unknown-option", message: "'rentd' is not an option of choice list 'tenure'", at: (3, 31),
            hint: "did you mean 'rents'?")
    }

    func testUnknownOptionInListAndContains() {
        assertDiagnostic(
            """
            choices heat { gas "Gas" cy "Nwy" oil "Oil" cy "Olew" }
            question h: any_of(heat) "A" cy "A"
            question t: one_of { a "A" cy "A" b "B" cy "B" } "T" cy "T"
            question b: integer when h contains peat or t in [a, c] "B" cy "B"
            """, code: "unknown-option", message: "'peat' is not an option of choice list 'heat'", at: (4, 37),
            hint: "choose one of its options (options: gas, oil)", only: false)
        let all = Support.found(Support.compile(
            """
            choices heat { gas "Gas" cy "Nwy" oil "Oil" cy "Olew" }
            question h: any_of(heat) "A" cy "A"
            question t: one_of { a "A" cy "A" b "B" cy "B" } "T" cy "T"
            question b: integer when h contains peat or t in [a, c] "B" cy "B"
            """))
        XCTAssertEqual(all.map(\.code), ["unknown-option", "unknown-option"])
        XCTAssertEqual(all.last?.message, "'c' is not an option of choice list 't'")
        XCTAssertEqual(all.last?.column, 54)
    }

    func testUnrelatedOptionNotInList() {
        assertDiagnostic(
            """
            choices rel { partner "Partner" cy "Partner" unrelated "Unrelated" cy "Dim" }
            roster people "P" cy "P" { question n: text "N" cy "N" }
            relationships family for people { question x: one_of(rel) "X" cy "X" unrelated unrelatd }
            """, code: "unknown-option", message: "'unrelatd' is not an option of 'rel'", at: (3, 80),
            hint: "did you mean 'unrelated'?")
    }

    // MARK: undefined-name

    func testUndefinedNameSuggests() {
        assertDiagnostic(
            """
            question bedrooms: integer "A" cy "A"
            question b: integer when bedroms > 1 "B" cy "B"
            """, code: "undefined-name", message: "'bedroms' is not defined", at: (2, 26), hint: "did you mean 'bedrooms'?")
    }

    func testUndefinedNameFarFromAnything() {
        assertDiagnostic(
            """
            question bedrooms: integer "A" cy "A"
            question b: integer when xyzzy > 1 "B" cy "B"
            """, code: "undefined-name", message: "'xyzzy' is not defined", at: (2, 26), noHint: true)
    }

    func testFunctionUsedAsAName() {
        assertDiagnostic(
            #"question a: integer when join > 1 "A" cy "A""#, code: "undefined-name", message: "'join' is not defined",
            at: (1, 26), hint: "join is a function: join(...)")
    }

    func testUnknownFunctionSuggests() {
        assertDiagnostic(
            """
            question dob: date "A" cy "A"
            let age = yaers_between(dob, census_date)
            question b: integer when age > 1 "B" cy "B"
            """, code: "undefined-name", message: "there is no function called 'yaers_between'", at: (2, 11),
            hint: "did you mean 'years_between'?")
    }

    func testSectionForUnknownRoster() {
        assertDiagnostic(
            """
            section s "S" cy "S" for peeple { question a: integer "A" cy "A" }
            roster people "P" cy "P" { question n: text "N" cy "N" }
            """, code: "undefined-name", message: "'peeple' is not a roster", at: (1, 26), hint: "did you mean 'people'?")
    }

    func testRelationshipsForUnknownRoster() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question n: text "N" cy "N" }
            relationships rel for peple { question x: one_of { a "A" cy "A" } "X" cy "X" }
            """, code: "undefined-name", message: "'peple' is not a roster", at: (2, 23), hint: "did you mean 'people'?")
    }

    func testQualifiedNameOtherThanPersonOrOther() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integer when foo.bar > 1 "B" cy "B"
            """, code: "undefined-name", message: "'foo.bar': only person.NAME, other.NAME, outer.NAME and an address's parts have a '.'", at: (2, 26),
            hint: "inside a relationships block, person is the member described and other the member they are related to")
    }

    func testCountOfSomethingThatIsNotARoster() {
        assertDiagnostic(
            #"question a: integer when count(nothing) > 1 "A" cy "A""#, code: "undefined-name",
            message: "'nothing' is not a roster", at: (1, 32), hint: "count takes a roster's name")
    }

    func testCheckOnUnknownQuestion() {
        assertDiagnostic(
            """
            question age: integer "A" cy "A"
            warning w when age > 1 on ag "W" cy "W"
            """, code: "undefined-name", message: "'ag' is not a question here", at: (2, 27), hint: "did you mean 'age'?")
    }

    func testUnknownMemberField() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question name: text "N" cy "N" }
            relationships rel for people { question x: one_of { a "A" cy "A" } when person.nam == "x" "X" cy "X" }
            """, code: "undefined-name", message: "'nam' is not a question or derived value of roster 'people'", at: (2, 80),
            hint: "did you mean 'name'?")
    }

    func testUndefinedNameInPipedText() {
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integer "B {nope}" cy "B"
            """, code: "undefined-name", message: "'nope' is not defined", at: (2, 25))
    }

    // MARK: later-answer

    func testLaterQuestion() {
        let result = Support.compile(
            """
            question a: integer when b > 1 "A" cy "A"
            question b: integer "B" cy "B"
            """)
        XCTAssertEqual(Support.found(result), [
            .init(code: "later-answer", message: "'b' is asked later in the flow (line 8), so it is not known here", line: 1,
                column: 26, hint: "the condition of question 'a' can only use answers given before it; move it after 'b'")
        ])
        XCTAssertEqual(result.diagnostics.first?.notes.first?.message, "'b' is asked here")
    }

    func testQuestionUsingItself() {
        assertDiagnostic(
            #"question a: integer when a > 1 "A" cy "A""#, code: "later-answer",
            message: "'a' cannot be used in its own question", at: (1, 26),
            hint: "the condition of question 'a' is decided before 'a' is answered, so it cannot depend on that answer")
    }

    func testDerivedValueUsingALaterAnswer() {
        assertDiagnostic(
            """
            let c = b + 1
            question a: integer when c > 1 "A" cy "A"
            question b: integer "B" cy "B"
            """, code: "later-answer", message: "'c' depends on 'b', which is asked later in the flow (line 9)", at: (2, 26),
            hint: "the condition of question 'a' can only use answers given before it; move it after 'b'")
    }

    func testCountOfLaterRoster() {
        assertDiagnostic(
            """
            question a: integer when count(people) > 1 "A" cy "A"
            roster people "P" cy "P" { question n: text "N" cy "N" }
            """, code: "later-answer", message: "roster 'people' comes later in the flow (line 8)", at: (1, 32),
            hint: "the condition of question 'a' can only use answers given before it")
    }

    func testSectionForLaterRoster() {
        assertDiagnostic(
            """
            section s "S" cy "S" for people { question a: integer "A" cy "A" }
            roster people "P" cy "P" { question n: text "N" cy "N" }
            """, code: "later-answer", message: "roster 'people' comes later in the flow than this section", at: (1, 26),
            hint: "move the section after the roster")
    }

    func testRelationshipsBeforeRoster() {
        assertDiagnostic(
            """
            relationships rel for people { question x: one_of { a "A" cy "A" } "X" cy "X" }
            roster people "P" cy "P" { question n: text "N" cy "N" }
            """, code: "later-answer", message: "roster 'people' comes later in the flow than these relationships", at: (1, 23))
    }

    // MARK: wrong-member

    func testHouseholdReadingAMemberAnswer() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question age: integer "N" cy "N" }
            question a: integer when age > 1 "A" cy "A"
            """, code: "wrong-member",
            message: "'age' is answered once per member of roster 'people', so here it is not clear which member is meant",
            at: (2, 26), hint: "use any(people, age ...) or count(people) to ask about the members")
    }

    func testMemberReadingAnotherRoster() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question age: integer "N" cy "N" }
            roster visitors "V" cy "V" { question v: integer when age > 1 "N" cy "N" }
            """, code: "wrong-member",
            message: "'age' is answered once per member of roster 'people', so here it is not clear which member is meant",
            at: (2, 55), hint: "a member of one roster cannot read another roster's answers; use any(people, ...) or count(people)")
    }

    func testPersonOutsideRelationships() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question age: integer "N" cy "N" }
            question a: integer when person.age > 1 "A" cy "A"
            """, code: "wrong-member", message: "'person.age' can only be used inside a relationships block", at: (2, 26),
            hint: "outside a roster, use any(ROSTER, age ...)")
    }

    func testOtherInsideRosterButOutsideRelationships() {
        assertDiagnostic(
            """
            roster people "P" cy "P" {
              question age: integer "N" cy "N"
              question b: integer when other.age > 1 "A" cy "A"
            }
            """, code: "wrong-member", message: "'other.age' can only be used inside a relationships block", at: (3, 28),
            hint: "inside a roster, 'age' alone means this member's answer")
    }

    func testBareMemberNameInsideRelationships() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question name: text "N" cy "N" }
            relationships rel for people { question x: one_of { a "A" cy "A" } when name == "x" "X" cy "X" }
            """, code: "wrong-member", message: "'name' is answered by each member of 'people': say which member of the pair is meant",
            at: (2, 73), hint: "write person.name (the member described) or other.name (the member they are related to)")
    }

    func testPositionOutsideARoster() {
        assertDiagnostic(
            #"question a: integer when position > 1 "A" cy "A""#, code: "wrong-member",
            message: "'position' is a roster member's place in its roster, and this is not inside a roster", at: (1, 26))
    }

    func testPipingAMemberAnswerIntoHouseholdText() {
        assertDiagnostic(
            """
            roster people "P" cy "P" { question name: text "N" cy "N" }
            question a: integer "Is {name} here?" cy "A"
            """, code: "wrong-member",
            message: "'name' is answered once per member of roster 'people', so here it is not clear which member is meant",
            at: (2, 26))
    }
}
