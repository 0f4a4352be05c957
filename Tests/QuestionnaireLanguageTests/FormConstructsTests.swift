import Foundation
import Questionnaire
import XCTest

@testable import QuestionnaireLanguage

/// The constructs the real 2021 form needs: each compiles to what it says, and each misuse is
/// one diagnostic at its place, with a hint.
final class FormConstructsTests: XCTestCase {
    func schema(_ snippet: String, file: StaticString = #filePath, line: UInt = #line) throws -> Schema {
        let result = Compiler.compile(SourceFile(name: "t.census", text: Support.source(snippet)), loadFile: { path in
            path.hasSuffix(".txt") ? Array("France\n# a comment\n\nGermany\nFrance\n".utf8) : nil
        })
        XCTAssertEqual(result.diagnostics, [], result.render(), file: file, line: line)
        return try XCTUnwrap(result.schema, file: file, line: line)
    }

    static let people = """
        roster people "People" cy "Pobl" {
          question first_name: text max 35 "First name" cy "Enw cyntaf"
          let name = first_name
          question dob: date "Date of birth" cy "Dyddiad geni"
          let age = years_between(dob, census_date)
        }
        """

    // MARK: Hints, definitions, voluntary

    func testAWhenAfterAHintIsTheHintsAndEveryHintIsKept() throws {
        let s = try schema("""
            question bedrooms: integer 0...99 "Bedrooms?" cy "Ystafelloedd gwely?"
            question rooms: integer 0...99 "Rooms?" cy "Ystafelloedd?"
              hint "Include the kitchen" cy "Dylech gynnwys y gegin"
              hint "You said {bedrooms} bedrooms" cy "Dywedoch {bedrooms} ystafell wely" when bedrooms > 3
            """)
        let rooms = try XCTUnwrap(s.questions.first { $0.id == "rooms" })
        XCTAssertNil(rooms.when, "the question itself is unconditional")
        XCTAssertEqual(rooms.hints.count, 2)
        XCTAssertNil(rooms.hints[0].when)
        XCTAssertNotNil(rooms.hints[1].when)
    }

    func testDefinitionsAndVoluntaryAreLowered() throws {
        let s = try schema("""
            question religion: yes_no voluntary
              definition "What we mean by religion" cy "Beth yw crefydd" "Any faith." cy "Unrhyw ffydd."
              "Religion?" cy "Crefydd?"
            """)
        let q = try XCTUnwrap(s.questions.first)
        XCTAssertTrue(q.voluntary)
        XCTAssertEqual(q.definitions, [Definition(title: ["en": "What we mean by religion", "cy": "Beth yw crefydd"], body: ["en": "Any faith.", "cy": "Unrhyw ffydd."])])
    }

    func testRequiredAndVoluntaryTogetherIsOneMistake() {
        assertDiagnostic("question q: yes_no required voluntary \"Q\" cy \"Q\"", code: "misplaced",
            message: "question 'q' is both required and voluntary", at: (1, 29),
            hint: "a voluntary question may be left unanswered: remove 'required' or 'voluntary'")
    }

    // MARK: Misplaced words and unknown words

    func testListWordingOutsideARosterIsMisplacedNotAnUndeclaredLanguage() {
        assertDiagnostic("question r: yes_no \"R\" cy \"R\" add \"Add\" cy \"Ychwanegu\"", code: "misplaced",
            message: "'add' is the wording of a roster's list screens: it belongs in a roster", at: (1, 31),
            hint: "move it into the roster whose list it words")
        assertDiagnostic("section s \"S\" cy \"S\" {\n  summary \"x\" cy \"y\"\n  question q: yes_no \"Q\" cy \"Q\"\n}", code: "misplaced",
            message: "'summary' is the wording of a roster's list screens: it belongs in a roster", at: (2, 3))
    }

    func testADefinitionOutsideAPageOrQuestionIsMisplaced() {
        assertDiagnostic("section s \"S\" cy \"S\" {\n  definition \"T\" cy \"T\" \"B\" cy \"B\"\n  question q: yes_no \"Q\" cy \"Q\"\n}", code: "misplaced",
            message: "a definition stands in a page or in a question", at: (2, 3))
    }

    func testAnUnknownWordAfterATypeIsOneMistake() {
        assertDiagnostic("question q: integer 0...9 foo \"Q\" cy \"Q\"", code: "syntax",
            message: "unexpected 'foo' in question 'q'", at: (1, 27))
    }

    // MARK: count and outer

    func testComparingAMemberWithItselfInACountIsReported() {
        assertDiagnostic(Self.people + "\nsection s \"S\" cy \"S\" for people {\n  warning same when count(people, first_name == first_name) > 1 \"Same\" cy \"Yr un\"\n}",
            code: "type-mismatch", message: "'first_name == first_name' compares each member of 'people' with itself", at: (8, 35),
            hint: "inside count(...) and any(...) a plain name is the member counted; write outer.first_name for the member this is about")
    }

    func testOuterNamesTheMemberAroundTheCount() throws {
        let s = try schema(Self.people + "\nsection s \"S\" cy \"S\" for people {\n  warning same when count(people, first_name == outer.first_name) > 1 \"Same\" cy \"Yr un\"\n}")
        let check = try XCTUnwrap(s.checks.first)
        guard case .binary(.greater, .countWhere("people", .binary(.equal, .answer("first_name", .member), .answer("first_name", .outer))), _) = check.when else {
            return XCTFail("\(check.when)")
        }
    }

    func testOuterWithoutACountAroundItIsReported() {
        assertDiagnostic(Self.people + "\nwarning w when count(people, first_name == outer.first_name) > 1 \"W\" cy \"W\"",
            code: "wrong-member", message: "'outer.first_name' means the member around a count(...) or any(...) condition, and there is none here",
            at: (7, 50))
    }

    // MARK: Options

    func testOptionClausesAreLowered() throws {
        let s = try schema(Self.people + """

            section s "S" cy "S" for people {
              question cars: one_of {
                  none "None" cy "Dim"
                  five "5 or more" cy "5 neu fwy" description "Vans too" cy "Faniau hefyd"
                    specify integer 5...20 "How many?" cy "Sawl un?"
                  same "Same as {people[1].name}" cy "Fel {people[1].name}" when position > 1
                } "Cars?" cy "Ceir?"
            }
            """)
        let list = try XCTUnwrap(s.choiceLists.first { $0.id == "people.cars" })
        XCTAssertEqual(list.options[1].specify?.number, ChoiceList.NumberRange(min: 5, max: 20))
        XCTAssertEqual(list.options[1].description?["en"], "Vans too")
        XCTAssertNotNil(list.options[2].when)
    }

    func testAConditionOnASharedListsOptionIsMisplaced() {
        assertDiagnostic("choices c { a \"A\" cy \"A\" when 1 > 0 }\nquestion q: one_of(c) \"Q\" cy \"Q\"", code: "misplaced",
            message: "an option of the shared choice list 'c' cannot have a condition: the list is not tied to one question", at: (1, 31),
            hint: "list the options in the question that offers them: one_of { ... } or any_of { ... }")
    }

    func testAnOptionForOthersThanPerson1IsNeverOfferedWhenItsConditionCannotHold() {
        assertDiagnostic(Self.people + "\nsection s \"S\" cy \"S\" for people {\n  question q: one_of { a \"A\" cy \"A\" when position < 1 } \"Q\" cy \"Q\"\n}",
            code: "never-holds", message: "this condition can never hold, so option 'a' of question 'q' is never offered", at: (8, 42), only: true)
    }

    // MARK: Variants and orders

    func testVariantsAndOrders() throws {
        let s = try schema("""
            variants { england "England" cy "Lloegr" wales "Wales" cy "Cymru" }
            question identity: any_of { english "English" cy "Seisnig" welsh "Welsh" cy "Cymreig" order wales: welsh, english }
              "Identity?" cy "Hunaniaeth?"
            question welsh_skills: yes_no when variant == wales "Welsh?" cy "Cymraeg?"
            """)
        XCTAssertEqual(s.variants, ["england", "wales"])
        XCTAssertEqual(s.choiceLists.first { $0.id == "identity" }?.orders, ["wales": ["welsh", "english"]])
        XCTAssertEqual(s.questions.last?.when, .binary(.equal, .builtin(.variant), .literal(.option("wales"))))
    }

    func testAnOrderMustNameAVariantAndEveryOption() {
        assertDiagnostic("question q: one_of { a \"A\" cy \"A\" b \"B\" cy \"B\" order wales: b, a } \"Q\" cy \"Q\"", code: "undefined-name",
            message: "'wales' is not a variant of this form", at: (1, 54))
        assertDiagnostic("variants { england \"E\" cy \"E\" wales \"W\" cy \"W\" }\nquestion q: one_of { a \"A\" cy \"A\" b \"B\" cy \"B\" order wales: b } \"Q\" cy \"Q\"",
            code: "missing-option", message: "the order for 'wales' leaves out 'a'", at: (2, 48), hint: "an order lists every option of the list once")
    }

    func testVariantWithoutVariantsIsUndefined() {
        assertDiagnostic("question q: yes_no when variant == wales \"Q\" cy \"Q\"", code: "undefined-name",
            message: "'variant' is the form's variant, and this form declares none", at: (1, 25))
    }

    // MARK: Text answers and suggestions

    func testTextClausesAndSuggestionsFromDataFiles() throws {
        let s = try schema("""
            suggestions countries "countries.en.txt" cy "countries.cy.txt"
            question employer: text max 160 or none "No organisation" cy "Dim sefydliad" "Employer?" cy "Cyflogwr?"
            question job: text max 120 multiline "Job?" cy "Swydd?"
            question country: text max 100 suggest countries "Country?" cy "Gwlad?"
            """)
        XCTAssertEqual(s.suggestions, [SuggestionList(id: "countries", entries: ["en": ["France", "Germany"], "cy": ["France", "Germany"]])])
        guard case .text(160, nil, let options) = s.questions[0].type else { return XCTFail() }
        XCTAssertEqual(options.noneOption?.id, "none")
        guard case .text(_, _, let job) = s.questions[1].type, case .text(_, _, let country) = s.questions[2].type else { return XCTFail() }
        XCTAssertTrue(job.multiline)
        XCTAssertEqual(country.suggestions, "countries")
    }

    /// Suggestion files are split at their bytes; the lines must be exactly what splitting and
    /// trimming by characters gives (the way they were read before), newlines of every kind,
    /// blanks, a blank followed by a combining mark, and Welsh letters included.
    func testSuggestionLinesAreTheLinesByCharacters() {
        func byCharacters(_ text: String) -> [String] {
            text.split(whereSeparator: \.isNewline).map { line in
                var slice = line.drop { $0 == " " || $0 == "\t" }
                while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice = slice.dropLast() }
                return String(slice)
            }.filter { !$0.isEmpty }
        }
        let pieces = ["a", "Gŵyr", " ", "\t", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}", "\u{301}", "é", "e\u{301}",
            "#", "ab c", "🇬🇧", "\u{200D}", "\u{0600}", "Ffrainc"]
        var texts = ["", "\n\n", "France\nGermany\n", "  France \t\r\n\tGermany  ", " \u{301}x \u{301}\n", "\u{0600} a \n", "a\u{85}b\u{2028}c\u{2029}d\u{0B}e\u{0C}f"]
        var seed: UInt64 = 7
        for _ in 0..<2000 {
            var t = ""
            for _ in 0..<Int(seed % 9) {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                t += pieces[Int((seed >> 33) % UInt64(pieces.count))]
            }
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            texts.append(t)
        }
        for text in texts {
            XCTAssertEqual(Checker.suggestionEntries(text).filter { !$0.isEmpty }, byCharacters(text), "\(Array(text.unicodeScalars))")
        }
    }

    func testAMissingSuggestionFileAndAnUnknownListAreReported() {
        assertDiagnostic("suggestions countries \"c.en.txt\" cy \"c.cy.txt\"\nquestion q: text \"Q\" cy \"Q\"", code: "missing-file",
            message: "cannot read the suggestion file \"c.en.txt\"", at: (1, 23), only: false)
        assertDiagnostic("question q: text suggest countries \"Q\" cy \"Q\"", code: "undefined-name",
            message: "there is no suggestion list called 'countries'", at: (1, 26))
    }

    func testAFileOutsideTheFormsFolderIsNeverRead() {
        let load = Compiler.files(besides: "/etc/form.census")
        XCTAssertNil(load("../etc/passwd"))
        XCTAssertNil(load("/etc/passwd"))
    }

    // MARK: Wording switches and pipes

    func testIfAndPluralSwitches() throws {
        _ = try schema(Self.people + """

            let people_count = count(people)
            section s "S" cy "S" for people {
              let adult = age >= 16
              question q: yes_no "{if adult: Are|Were} you? {plural people_count: one person|{people_count} people} {people[1].name}"
                cy "{if adult: Ydych|Oeddech}? {people_count}"
            }
            """)
        assertDiagnostic(Self.people + "\nsection s \"S\" cy \"S\" for people {\n  question q: yes_no \"{if age: A|B}\" cy \"C\"\n}",
            code: "bad-template", message: "'{if age: ...}' needs a condition (true or false), but this is a whole number", at: (8, 27))
        assertDiagnostic(Self.people + "\nsection s \"S\" cy \"S\" for people {\n  question q: yes_no \"{plural name: A|B}\" cy \"C\"\n}",
            code: "bad-template", message: "'{plural name: ...}' needs a number, but this is text", at: (8, 31))
    }

    func testAMemberBeyondTheRostersMaximumIsReported() {
        assertDiagnostic(Self.people + "\nquestion q: yes_no \"{people[31].name}\" cy \"C\"", code: "bad-range",
            message: "roster 'people' has members 1 to 30, so there is no member 31", at: (7, 22))
    }

    func testAddressPartsArePiped() throws {
        let s = try schema("""
            question other_address: address "Other address?" cy "Cyfeiriad arall?"
            question kind: yes_no when other_address is answered "What type of address is {other_address.line1}?" cy "Pa fath o gyfeiriad yw {other_address.line1}?"
            """)
        XCTAssertEqual(s.questions.count, 2)
        assertDiagnostic("question a: address \"A\" cy \"A\"\nquestion b: yes_no \"{a.street}\" cy \"{a.street}\"", code: "undefined-name",
            message: "'street' is not a part of an address", at: (2, 24), only: false)
    }

    // MARK: Rosters

    func testRespondentFirstAndListWording() throws {
        let s = try schema("""
            question lives_here: yes_no "Live here?" cy "Byw yma?"
            roster people "People" cy "Pobl" {
              respondent first when lives_here == yes
              add "{if respondent: Your name|Their name}" cy "{if respondent: Eich enw|Eu henw}"
              more "Anyone else?" cy "Unrhyw un arall?"
              change "Change {name}" cy "Newid {name}"
              remove "Remove {name}?" cy "Dileu {name}?"
              summary "{plural n: 1 person|{n} people}" cy "{n} o bobl"
              item "{if respondent: {name} (You)|{name}}" cy "{if respondent: {name} (Chi)|{name}}"
              question first_name: text "Name" cy "Enw"
              let name = first_name
            }
            let n = count(people)
            relationships rel for people {
              question r: one_of { a "A" cy "A" } "{if other.respondent: your|their}" cy "{if other.respondent: eich|eu}"
            }
            """)
        let roster = try XCTUnwrap(s.containers.first { $0.id == "people" })
        XCTAssertEqual(roster.respondentFirst, .binary(.equal, .answer("lives_here", .household), .literal(.option("yes"))))
        XCTAssertEqual(roster.listWording?.more?["en"], "Anyone else?")
        XCTAssertEqual(roster.listWording?.item?["cy"], "{if respondent: {name} (Chi)|{name}}")
    }

    func testRespondentNeedsRespondentFirst() {
        assertDiagnostic(Self.people + "\nsection s \"S\" cy \"S\" for people {\n  question q: yes_no when respondent \"Q\" cy \"Q\"\n}",
            code: "undefined-name", message: "roster 'people' does not say who the respondent is", at: (8, 27),
            hint: "add to the roster: respondent first when CONDITION (member 1 is then the respondent)")
    }

    // MARK: Endings

    func testEndIsLoweredOntoTheItemsAfterIt() throws {
        let s = try schema(Self.people + """

            section individual "I" cy "I" for people {
              section health "H" cy "H" {
                question condition: yes_no "Condition?" cy "Cyflwr?"
                end individual when age < 5
                question care: yes_no "Care?" cy "Gofal?"
              }
              question work: yes_no "Work?" cy "Gwaith?"
              section jobs "J" cy "J" {
                question hours: integer "Hours?" cy "Oriau?"
              }
            }
            """)
        XCTAssertEqual(s.endings.map(\.id), ["end_1"])
        XCTAssertEqual(s.endings[0].section, "individual")
        XCTAssertEqual(s.endings[0].container, "health")
        let ended = Dictionary(uniqueKeysWithValues: s.questions.map { ($0.id, $0.endedBy) })
        XCTAssertEqual(ended["condition"], [])
        XCTAssertEqual(ended["care"], ["end_1"])
        XCTAssertEqual(ended["work"], ["end_1"])
        XCTAssertEqual(ended["hours"], [], "inside a container that is ended")
        XCTAssertEqual(s.containers.first { $0.id == "jobs" }?.endedBy, ["end_1"])
    }

    func testEndOfASectionThatIsNotAroundIt() {
        assertDiagnostic(Self.people + "\nsection a \"A\" cy \"A\" for people {\n  end individual when age < 5\n  question q: yes_no \"Q\" cy \"Q\"\n}",
            code: "undefined-name", message: "there is no section 'individual' around this statement", at: (8, 7))
    }

    func testWhatAnEndMakesUnreachableIsReported() {
        assertDiagnostic(Self.people + "\nsection a \"A\" cy \"A\" for people {\n  end a when age < 5\n  question q: yes_no when age < 3 \"Q\" cy \"Q\"\n}",
            code: "never-holds", message: "question 'q' is never asked: whenever its conditions hold, 'end a' on line 14 has already ended the section",
            at: (9, 27))
        assertDiagnostic(Self.people + "\nsection a \"A\" cy \"A\" for people {\n  end a\n  question q: yes_no \"Q\" cy \"Q\"\n}",
            code: "never-holds", message: "question 'q' is never asked: 'end a' on line 14 always ends the section before it", at: (9, 12),
            hint: "move it before the 'end', or give the 'end' a condition")
    }

    func testAQuestionForWhomTheEndDoesNotFireIsNotReported() throws {
        // Unanswered age does not end the section: a question for that case is reachable.
        _ = try schema(Self.people + "\nsection a \"A\" cy \"A\" for people {\n  end a when age < 5\n  question q: yes_no when dob is not answered \"Q\" cy \"Q\"\n}")
    }

    // MARK: Individual response, content pages

    func testIndividualResponseAndContentPages() throws {
        let s = try schema(Self.people + """

            page intro "Intro" cy "Cyflwyniad" {
              body "Hello {household_address}" cy "Helo {household_address}"
              definition "D" cy "D" "Text" cy "Testun"
            }
            section individual "I" cy "I" for people {
              individual_response when position > 1
              question q: yes_no "Q" cy "Q"
            }
            """)
        let intro = try XCTUnwrap(s.containers.first { $0.id == "intro" })
        XCTAssertEqual(intro.body, [["en": "Hello {household_address}", "cy": "Helo {household_address}"]])
        XCTAssertEqual(intro.definitions.count, 1)
        XCTAssertNotNil(s.containers.first { $0.id == "individual" }?.individualResponse?.when)
        assertDiagnostic("section s \"S\" cy \"S\" {\n  individual_response\n  question q: yes_no \"Q\" cy \"Q\"\n}", code: "misplaced",
            message: "'individual_response' belongs in a per-member section (section ... for ROSTER)", at: (2, 3))
    }

    // MARK: today

    func testTodayIsADateBound() throws {
        let s = try schema("question dob: date census_date - 115y - 11m - 30d ... today \"Date of birth\" cy \"Dyddiad geni\"")
        guard case .date(_, .builtin(.today)?) = s.questions[0].type else { return XCTFail("\(s.questions[0].type)") }
    }
}
