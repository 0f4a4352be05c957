import Questionnaire
import XCTest

@testable import QuestionnaireLanguage

/// Defects found by writing new forms (a communal establishment, a coverage survey, a
/// Scottish form in English and Gaelic) from docs/language.md alone.
final class ConstructsForOtherFormsTests: XCTestCase {
    private func compileWhole(_ source: String) -> Compiler.Result {
        Compiler.compile(SourceFile(name: "t.census", text: source))
    }

    private func gaelic(_ body: String) -> String {
        """
        questionnaire t {
          version "1"
          title "T" gd "T"
          languages en, gd
          census_date 2022-03-20
        \(body)
          \(Support.messages("gd"))
        }
        """
    }

    // MARK: yes_no in a language it has no built-in words for

    func testBuiltInYesNoInAGaelicFormIsAMissingTranslation() {
        // Before, the Gaelic screens silently said "Yes" and "No" in English.
        let result = compileWhole(gaelic("""
              question away: yes_no "Away?" gd "Air falbh?"
              question back: yes_no "Back?" gd "Air ais?"
            """))
        XCTAssertEqual(Support.found(result, lineOffset: 0), [
            .init(code: "missing-translation", message: "the built-in yes_no answers have no Scottish Gaelic (gd) labels",
                line: 6, column: 18,
                hint: "label them once for the whole form: choices yes_no { yes \"Yes\" gd \"...\" no \"No\" gd \"...\" }")
        ])
    }

    func testAFormMayLabelYesNoInItsLanguages() throws {
        let result = compileWhole(gaelic("""
              choices yes_no { yes "Yes" gd "Tha" no "No" gd "Chan eil" }
              question away: yes_no "Away?" gd "Air falbh?"
              question back: integer when away == yes "Back?" gd "Air ais?"
            """))
        XCTAssertEqual(Support.found(result, lineOffset: 0), [])
        let list = try XCTUnwrap(result.schema?.choiceLists.first)
        XCTAssertEqual(list.id, "yes_no")
        XCTAssertEqual(list.options.map(\.id), ["yes", "no"])
        XCTAssertEqual(list.options.map { $0.label["gd"] }, ["Tha", "Chan eil"])
    }

    func testOwnYesNoLabelsStillNeedEveryLanguage() {
        let result = compileWhole(gaelic("""
              choices yes_no { no "No" gd "Chan eil" yes "Yes" }
              question away: yes_no "Away?" gd "Air falbh?"
            """))
        XCTAssertEqual(Support.found(result, lineOffset: 0).map(\.message), [
            "the label of option 'yes' in 'yes_no' has no Scottish Gaelic (gd) text"
        ])
    }

    func testYesNoWithOtherOptionsIsOneMistake() {
        // Not also "the built-in yes_no answers have no ... labels" at every use.
        assertDiagnostic(
            """
            choices yes_no { yes "Yes" cy "Ie" no "No" cy "Na" maybe "Maybe" cy "Efallai" }
            question away: yes_no "Away?" cy "I ffwrdd?"
            """, code: "duplicate-id", message: "'yes_no' is a built-in choice list with the options yes and no", at: (1, 9),
            hint: "declare exactly yes and no to relabel it (choices yes_no { yes \"Yes\" ... no \"No\" ... }), or give this list another name")
    }

    func testWelshFormsKeepTheBuiltInYesNo() throws {
        let result = Support.compile("question away: yes_no \"Away?\" cy \"I ffwrdd?\"")
        XCTAssertEqual(Support.found(result), [])
        XCTAssertEqual(try XCTUnwrap(result.schema?.choiceLists.first).options.map { $0.label["cy"] }, ["Ie", "Na"])
    }

    // MARK: Other slips

    func testSelfWhenInARosterBodyIsOneMistake() {
        // The {self|proxy} switches after it were also reported as having no 'self when'.
        assertDiagnostic(
            """
            roster people "People" cy "Pobl" {
              question first_name: text "First name" cy "Enw cyntaf"
              question is_you: yes_no "Is this you?" cy "Ai chi yw hwn?"
              self when is_you == yes
              question dob: date "{Your|{first_name}'s} date of birth" cy "{Eich dyddiad geni|Dyddiad geni {first_name}}"
              warning old when years_between(dob, census_date) > 100 "{You are|{first_name} is} over 100" cy "{Rydych|Mae {first_name}} dros 100"
            }
            """, code: "misplaced", message: "'self when' belongs in a per-member section (section ... for ROSTER)", at: (4, 3),
            hint: "keep the roster to the questions that list its members; ask the rest in 'section NAME \"...\" for people { self when ... }' after it")
    }

    func testCountTakesAConditionLikeAny() throws {
        // Before: "count takes 1 argument, but is given 2". Whether more than one person says
        // they are the respondent cannot be asked with any().
        let result = Support.compile(
            """
            roster people "People" cy "Pobl" {
              question is_you: yes_no "Is this you?" cy "Ai chi yw hwn?"
            }
            error two_yous when count(people, is_you == yes) > 1 on people "Only one person can be you" cy "Dim ond un person all fod yn chi"
            """)
        XCTAssertEqual(Support.found(result), [])
        let schema = try XCTUnwrap(result.schema)
        let when = try XCTUnwrap(schema.checks.first?.when)
        XCTAssertEqual(when, .binary(.greater, .countWhere(roster: "people", .binary(.equal, .answer("is_you", .member), .literal(.option("yes")))),
            .literal(.integer(1))))
        // The schema's JSON reads back the same.
        XCTAssertEqual(try Schema(jsonBytes: schema.canonicalBytes()), schema)
        let evaluator = try Evaluator(schema: schema)
        func findings(_ answers: [String?]) -> [String] {
            let people: [JSONValue] = answers.map { a in a.map { ["is_you": .string($0)] } ?? [:] }
            let response: JSONValue = .object([
                "schema": .object(["id": .string(schema.id), "hash": .string(schema.hash)]), "channel": "online", "people": .array(people),
            ])
            return evaluator.evaluate(response).findings.map { "\($0.code) \($0.path)" }
        }
        XCTAssertEqual(findings(["yes", "yes", "no"]), ["check.two_yous $.people"])
        XCTAssertEqual(findings(["yes", "no", "no"]), [])
        // Unknown while a member has not answered: the check does not fire.
        XCTAssertEqual(findings(["yes", "yes", nil]), [])
    }

    func testACountOfMembersIsReasonedAbout() {
        assertDiagnostic(
            """
            roster people "People" cy "Pobl" max 10 { question is_you: yes_no "You?" cy "Chi?" }
            question q: yes_no when count(people, is_you == yes) > 10 "Q" cy "Q"
            """, code: "never-holds", message: "this condition can never hold, so question 'q' is never asked", at: (2, 25),
            hint: "no value of the count of people satisfies it: the count of people can only be from 0 to 10")
        assertDiagnostic(
            """
            roster people "People" cy "Pobl" { question is_you: yes_no "You?" cy "Chi?" }
            question q: yes_no when count(people, is_you == yes, 1) > 1 "Q" cy "Q"
            """, code: "type-mismatch", message: "count takes 1 or 2 arguments, but is given 3", at: (2, 25),
            hint: "count(roster) counts every member; count(roster, condition) those that satisfy it")
    }

    func testExclusiveInAnInlineOneOfNamesTheQuestion() {
        // Not "'people.counted' is only used by one_of questions": an inline list has one question.
        let result = Support.compile(
            """
            roster people "People" cy "Pobl" {
              question counted: one_of { here "Here" cy "Yma"  unknown "Don't know" cy "Ddim yn gwybod" exclusive } "C" cy "C"
            }
            """)
        XCTAssertEqual(Support.found(result), [
            .init(code: "misplaced", message: "option 'unknown' is exclusive, but question 'counted' is one_of, where it has no effect",
                line: 2, column: 52, hint: "a one_of answer is always a single option: remove 'exclusive', or ask with any_of")
        ])
    }

    // MARK: Piping into option labels

    func testInlineOptionLabelsPipeLikeTheirQuestion() {
        // Before, "{name}" in a roster question's own options was 'not clear which member'.
        let result = Support.compile(
            """
            roster people "People" cy "Pobl" {
              question name: text "Name" cy "Enw"
              question is_you: yes_no "Is this you?" cy "Ai chi yw hwn?"
            }
            section work "Work" cy "Gwaith" for people {
              self when is_you == yes
              question job: one_of {
                  employee "{I am|{name} is} an employee" cy "{Rwy'n|Mae {name} yn} gyflogai"
                  other "Other" cy "Arall"
                } "Job" cy "Swydd"
            }
            """)
        XCTAssertEqual(Support.found(result), [])
    }

    func testInlineOptionLabelsCannotPipeLaterAnswers() {
        assertDiagnostic(
            """
            question place: one_of { here "At {hall}" cy "Yn {hall}"  other "Other" cy "Arall" } "Where?" cy "Ble?"
            question hall: text "Hall" cy "Neuadd"
            """, code: "later-answer", message: "'hall' is asked later in the flow (line 8), so it is not known here", at: (1, 36),
            hint: "an option label can only use answers given before it; move it after 'hall'", only: false)
    }

    func testSharedListLabelsCannotPipeAndSaySo() {
        // Before: "'hall' is asked later in the flow (line 7)", about a question on the line above.
        let found = assertDiagnostic(
            """
            question hall: text "Hall" cy "Neuadd"
            choices place { here "At {hall}" cy "Yn {hall}"  other "Other" cy "Arall" }
            question where: one_of(place) "Where?" cy "Ble?"
            """, code: "bad-template", message: "the options of choice list 'place' cannot pipe '{hall}': the list is not tied to one question",
            at: (2, 27), hint: "list the options in the question that pipes it: one_of { ... } or any_of { ... }", only: false)
        // The Welsh text repeats the mistake: one diagnostic, with a note at the repetition.
        XCTAssertEqual(found.map(\.code), ["bad-template"])
        let d = Support.compile("question hall: text \"Hall\" cy \"Neuadd\"\nchoices place { here \"At {hall}\" cy \"Yn {hall}\" }\nquestion where: one_of(place) \"Where?\" cy \"Ble?\"").diagnostics
        XCTAssertEqual(d.first?.notes.count, 1, "a note at the Welsh repetition")
    }

    // MARK: Ranges open on one side

    func testARangeMayBeOpenOnOneSide() throws {
        // Before, 'integer 16...' gave three errors, the first "question 'n' has no label".
        let result = Support.compile(
            """
            question n: integer 16... "How many rooms?" cy "Faint o ystafelloedd?"
            question d: date ...census_date required "Date moved in" cy "Dyddiad symud i mewn"
            question m: month_year ... census_date when n > 20 "Since when?" cy "Ers pryd?"
            """)
        XCTAssertEqual(Support.found(result), [])
        let types = try XCTUnwrap(result.schema).questions.map(\.type)
        let censusDay = Expression.literal(.date(try XCTUnwrap(CalendarDate(year: 2021, month: 3, day: 21))))
        XCTAssertEqual(types, [
            .integer(min: .literal(.integer(16)), max: nil),
            .date(min: nil, max: censusDay),
            .monthYear(min: nil, max: censusDay),
        ])
    }

    func testAnOpenRangeIsReasonedAbout() {
        assertDiagnostic(
            """
            question n: integer 16... "Rooms" cy "Ystafelloedd"
            question q: yes_no when n < 10 "Q" cy "Q"
            """, code: "never-holds", message: "this condition can never hold, so question 'q' is never asked", at: (2, 25),
            hint: "no value of 'n' satisfies it: 'n' can only be at least 16")
    }

    func testARangeWithNoBoundIsOneMistake() {
        assertDiagnostic(
            """
            question n: integer ... "Rooms" cy "Ystafelloedd"
            """, code: "syntax", message: "a range needs a bound on at least one side", at: (1, 21),
            hint: "write LOW...HIGH, LOW... or ...HIGH, or leave the range out")
    }

    func testAMemberAnswerPipedOutsideItsRosterSaysWhereItCanBe() {
        // The hint was "use any(people, name ...) or count(people)", which cannot be piped.
        assertDiagnostic(
            """
            roster people "People" cy "Pobl" { question name: text "Name" cy "Enw" }
            question visitor: yes_no "Is {name} a visitor?" cy "A yw {name} yn ymwelydd?"
            """, code: "wrong-member",
            message: "'name' is answered once per member of roster 'people', so here it is not clear which member is meant",
            at: (2, 31), hint: "pipe {name} in the roster or in a per-member section (section ... for people), where it is that member's",
            only: false)
        // In a condition the hint is still any/count.
        assertDiagnostic(
            """
            roster people "People" cy "Pobl" { question name: text "Name" cy "Enw" }
            warning w when name == "x" "Listed twice?" cy "Ddwywaith?"
            """, code: "wrong-member",
            message: "'name' is answered once per member of roster 'people', so here it is not clear which member is meant",
            at: (2, 16), hint: "use any(people, name ...) or count(people) to ask about the members")
    }

    // MARK: Checks on the number of people listed

    func testACheckOnTheRosterSizePointsAtTheRoster() throws {
        // Before: "check 'many' does not depend on any answer", and 'on people' was "not a question".
        let result = Support.compile(
            """
            roster people "People" cy "Pobl" { question name: text "Name" cy "Enw" }
            warning many when count(people) > 2 "More than 2 people" cy "Mwy na 2 o bobl"
            error nobody when count(people) == 0 on people "Nobody is listed" cy "Does neb wedi'i restru"
            """)
        XCTAssertEqual(Support.found(result), [])
        let schema = try XCTUnwrap(result.schema)
        XCTAssertEqual(schema.checks.map(\.target), ["people", "people"])
        let evaluator = try Evaluator(schema: schema)
        let three: JSONValue = .object([
            "schema": .object(["id": .string(schema.id), "hash": .string(schema.hash)]), "channel": "online",
            "people": [["name": "A"], ["name": "B"], ["name": "C"]],
        ])
        XCTAssertEqual(evaluator.evaluate(three).findings.map { "\($0.code) \($0.path)" }, ["check.many $.people"])
        let none: JSONValue = .object(["schema": .object(["id": .string(schema.id), "hash": .string(schema.hash)]), "channel": "online"])
        XCTAssertEqual(evaluator.evaluate(none).findings.map { "\($0.code) \($0.path)" }, ["check.nobody $.people"])
    }

    func testACheckOnARosterBeforeItIsALaterAnswer() {
        assertDiagnostic(
            """
            question rooms: integer "Rooms" cy "Ystafelloedd"
            warning crowded when rooms < 2 on people "Crowded" cy "Gorlawn"
            roster people "People" cy "Pobl" { question name: text "Name" cy "Enw" }
            """, code: "later-answer", message: "check 'crowded' is on roster 'people', which comes later in the flow (line 9)",
            at: (2, 35), hint: "move the check after the roster")
    }

    func testAMemberCheckOnlyCountingIsStillWithoutAnswer() {
        assertDiagnostic(
            """
            roster people "People" cy "Pobl" {
              question name: text "Name" cy "Enw"
              warning many when count(people) > 15 "Many" cy "Llawer"
            }
            """, code: "check-without-answer", message: "check 'many' does not depend on any answer", at: (3, 11),
            hint: "a check is about answers: name the question it points at with 'on QUESTION'")
    }

    // MARK: A per-member section without its 'for'

    func testASectionMissingItsForIsOneMistake() {
        // Was five: each {name} (title, label, in both languages), the 'self when' and the switch.
        let found = assertDiagnostic(
            """
            roster people "People" cy "Pobl" {
              question name: text "Name" cy "Enw"
              question is_you: yes_no "Is this you?" cy "Ai chi yw hwn?"
            }
            section person "About {name}" cy "Am {name}" {
              self when is_you == yes
              question dob: date "{Your|{name}'s} date of birth" cy "{Eich dyddiad geni|Dyddiad geni {name}}"
              question school: yes_no when years_between(dob, census_date) < 16 and name == "x" "At school?" cy "Yn yr ysgol?"
            }
            """, code: "wrong-member",
            message: "section 'person' uses the answers of each member of roster 'people', but is not for a roster", at: (5, 9),
            hint: "ask it once per member: section person \"...\" for people { ... }")
        XCTAssertEqual(found.count, 1)
    }

    func testOneSlipInAHouseholdSectionKeepsItsOwnMessage() {
        assertDiagnostic(
            """
            roster people "People" cy "Pobl" { question name: text "Name" cy "Enw" }
            section household "Household" cy "Aelwyd" {
              question rooms: integer "Rooms" cy "Ystafelloedd"
              question everyone: yes_no when name == "x" "Is everyone listed?" cy "Ydy pawb wedi'u rhestru?"
            }
            """, code: "wrong-member",
            message: "'name' is answered once per member of roster 'people', so here it is not clear which member is meant",
            at: (4, 34), hint: "use any(people, name ...) or count(people) to ask about the members")
    }
}
