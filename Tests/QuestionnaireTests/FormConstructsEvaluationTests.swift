import XCTest
@testable import Questionnaire
import QuestionnaireLanguage

/// The evaluator implements every construct of the language the 2021 form needs: endings,
/// conditional options, number details, a text's checkbox, variants, `today`, respondent-first
/// rosters, piping and wording switches, voluntary questions, individual responses, and the
/// presentation a renderer draws from.
final class FormConstructsEvaluationTests: XCTestCase {
    static let source = """
        questionnaire t {
          version "1"
          title "T" cy "T"
          languages en, cy
          census_date 2021-03-21
          variants { england "England" cy "Lloegr" wales "Wales" cy "Cymru" }
          suggestions countries "countries.en.txt" cy "countries.cy.txt"

          page intro "Welcome" cy "Croeso" {
            body "We count the people at {household_address}." cy "Rydym yn cyfrif y bobl yn {household_address}."
          }
          question lives_here: yes_no required "Do you live at {household_address}?" cy "Ydych chi'n byw yn {household_address}?"
          roster people "People" cy "Pobl" max 10 {
            respondent first when lives_here == yes
            add "{if respondent: What is your name?|Who else lives here?}" cy "{if respondent: Beth yw eich enw?|Pwy arall?}"
            more "Does anyone else live here?" cy "Oes unrhyw un arall?"
            summary "{plural n: {n} person lives|{n} people live} here" cy "Mae {n} o bobl yn byw yma"
            item "{if respondent: {name} (You)|{name}}" cy "{if respondent: {name} (Chi)|{name}}"
            question name: text max 35 required "Name" cy "Enw"
          }
          let n = count(people)
          relationships rel for people when count(people) >= 2 {
            question relationship: one_of { partner "Partner" cy "Partner" other "Other" cy "Arall" }
              "{if other.respondent: {person.name} is your ...|Thinking about {other.name}, {person.name} is their ...}"
              cy "{person.name} yw ... {other.name}"
            unrelated other
          }
          section individual "About {name}" cy "Am {name}" for people {
            individual_response when not respondent
            question is_you: yes_no "Are you {name}?" cy "Ai chi yw {name}?"
            self when is_you == yes
            question dob: date census_date - 115y - 11m - 30d ... today required "Date of birth" cy "Dyddiad geni"
            let age = years_between(dob, census_date)
            warning same_name when count(people, name == outer.name) > 1 "{name} is listed twice" cy "Mae {name} ddwywaith"
            question sex: one_of { female "Female" cy "Benyw" male "Male" cy "Gwryw" } "Sex?" cy "Rhyw?"
              hint "Gender identity follows" cy "Rhywedd yn dilyn" when age >= 16
            question welsh: yes_no when variant == wales "Do you speak Welsh?" cy "Ydych chi'n siarad Cymraeg?"
            question address: address "Other address?" cy "Cyfeiriad arall?"
            warning far when address is answered "{if respondent: Your|{name}'s} other address is in {address.town}" cy "Mae'r cyfeiriad arall yn {address.town}"
            question where: one_of {
                here "{household_address}" cy "{household_address}"
                there "{address.line1}" cy "{address.line1}" when address is answered
                same_as_first "Same as {people[1].name}" cy "Yr un fath â {people[1].name}" when position > 1
              } "Where one year ago?" cy "Ble flwyddyn yn ôl?"
            end individual when age < 5
            question cars: one_of {
                none "None" cy "Dim"
                five "5 or more" cy "5 neu fwy" description "Including vans" cy "Gan gynnwys faniau" specify integer 5...20 "How many?" cy "Sawl un?"
                order wales: five, none
              } "Cars?" cy "Ceir?"
            question employer: text max 160 or no_employer "No organisation" cy "Dim sefydliad" "Employer?" cy "Cyflogwr?"
            question country: text max 100 suggest countries "Country?" cy "Gwlad?"
            question religion: one_of { none "No religion" cy "Dim crefydd" christian "Christian" cy "Cristion" } voluntary "Religion?" cy "Crefydd?"
          }
        }
        """

    static let schema: Schema = {
        let result = Compiler.compile(SourceFile(name: "t.census", text: source), loadFile: { path in
            Array((path.contains(".cy.") ? "Ffrainc\nYr Almaen\n" : "France\nGermany\n").utf8)
        })
        guard let schema = result.schema else { fatalError(result.render()) }
        return schema
    }()
    static let evaluator = try! Evaluator(schema: schema)
    var ev: Evaluator { Self.evaluator }

    func response(_ people: [[String: JSONValue]], variant: String = "england", extra: [String: JSONValue] = [:]) -> JSONValue {
        var o: [String: JSONValue] = [
            "schema": ["id": "t", "hash": .string(Self.schema.hash)], "channel": "online", "variant": .string(variant),
            "submittedAt": "2021-03-22T10:00:00Z", "lives_here": "yes", "people": .array(people.map { .object($0) }),
        ]
        for (k, v) in extra { o[k] = v }
        return .object(o)
    }

    func evaluate(_ r: JSONValue, language: String? = nil, address: String? = nil) -> Evaluation {
        ev.evaluate(r, options: EvaluationOptions(language: language, includeApplicable: true, householdAddress: address))
    }

    func codes(_ e: Evaluation) -> [String] { e.findings.map { "\($0.code) \($0.path)" } }
    func applies(_ e: Evaluation, _ path: String) -> Bool { e.applicable.contains { $0.path == path } }

    // MARK: Routing

    func testAnEndingSkipsTheRestOfTheMembersSection() {
        let e = evaluate(response([["name": "Ann", "dob": "2018-01-01", "cars": "none"], ["name": "Bob", "dob": "1980-01-01"]]))
        XCTAssertTrue(applies(e, "$.people[0].where"), "before the end")
        XCTAssertFalse(applies(e, "$.people[0].cars"), "after the end, for a child under 5")
        XCTAssertTrue(codes(e).contains("not_applicable $.people[0].cars"))
        XCTAssertTrue(applies(e, "$.people[1].cars"), "the end is per member")
        let unknown = evaluate(response([["name": "Ann"]]))
        XCTAssertTrue(applies(unknown, "$.people[0].cars"), "an unknown age does not end the section")
    }

    func testOptionsAreOfferedOnlyWhereTheirConditionHolds() {
        let e = evaluate(response([["name": "Ann", "dob": "1980-01-01", "where": "same_as_first"], ["name": "Bob", "dob": "1980-01-01", "where": "same_as_first"]]))
        XCTAssertEqual(e.findings.filter { $0.code == "option_not_offered" }.map(\.path), ["$.people[0].where"])
        let answered = e.applicable.first { $0.path == "$.people[0].where" }
        XCTAssertEqual(answered?.answered, false, "an option not offered reads as not answered")
        let there = evaluate(response([["name": "Ann", "dob": "1980-01-01", "where": "there"]]))
        XCTAssertEqual(there.findings.map(\.code), ["option_not_offered"], "no address, so 'there' is not offered")
    }

    func testNumberDetailsAndTheTextsCheckbox() {
        let ok = evaluate(response([["name": "Ann", "dob": "1980-01-01", "cars": ["value": "five", "detail": 7], "employer": ["option": "no_employer"]]]))
        XCTAssertTrue(ok.isValid, ok.findings.map(\.description).joined(separator: "\n"))
        let bad = evaluate(response([["name": "Ann", "dob": "1980-01-01", "cars": ["value": "five", "detail": 3], "employer": ["option": "elsewhere"]]]))
        XCTAssertEqual(Set(codes(bad)), ["out_of_range $.people[0].cars.detail", "invalid_option $.people[0].employer"])
        let text = evaluate(response([["name": "Ann", "dob": "1980-01-01", "cars": ["value": "five", "detail": "seven"]]]))
        XCTAssertEqual(codes(text), ["type $.people[0].cars.detail"])
    }

    /// A number detail ("5 or more": how many) and a text's checkbox are read by the fast reader
    /// (they were sent to the general path before), with exactly the general path's results for
    /// every spelling, in range or not.
    func testNumberDetailsAndTheTextsCheckboxOnTheFastPath() {
        let clean = JSONWriter().string(response([["name": "Ann", "dob": "1980-01-01", "cars": ["value": "five", "detail": 7], "employer": ["option": "no_employer"]]]))
        XCTAssertTrue(clean.contains("\"detail\":7") && clean.contains("{\"option\":\"no_employer\"}"), clean)
        let run = Run(ev, options: EvaluationOptions())
        XCTAssertTrue(Array(clean.utf8).withUnsafeBufferPointer { run.readFast($0) }, "a clean number detail and checkbox take the fast path")
        func edit(_ from: String, _ to: String) -> String { clean.replacingOccurrences(of: from, with: to) }
        var variants: [String] = [clean]
        variants.append(edit("\"detail\":7", "\"detail\":5"))
        variants.append(edit("\"detail\":7", "\"detail\":20"))
        variants.append(edit("\"detail\":7", "\"detail\":4"))
        variants.append(edit("\"detail\":7", "\"detail\":21"))
        variants.append(edit("\"detail\":7", "\"detail\":-7"))
        variants.append(edit("\"detail\":7", "\"detail\":7.0"))
        variants.append(edit("\"detail\":7", "\"detail\":7.5"))
        variants.append(edit("\"detail\":7", "\"detail\":\"7\""))
        variants.append(edit("\"detail\":7", "\"detail\":null"))
        variants.append(edit("\"detail\":7", "\"detail\":7,\"detail\":8"))
        variants.append(edit("\"detail\":7", "\"detail\":null,\"detail\":8"))
        variants.append(edit("\"detail\":7", "\"detail\":99999999999999999999"))
        variants.append(edit("\"detail\":7,\"value\":\"five\"", "\"detail\":7,\"value\":\"none\""))
        variants.append(edit("\"no_employer\"}", "\"elsewhere\"}"))
        variants.append(edit("\"no_employer\"}", "\"no_employer\",\"x\":1}"))
        variants.append(edit("\"no_employer\"}", "\"no_employer\",\"option\":\"no_employer\"}"))
        variants.append(edit("{\"option\":\"no_employer\"}", "{}"))
        variants.append(edit("{\"option\":\"no_employer\"}", "{\"option\":null}"))
        variants.append(edit("{\"option\":\"no_employer\"}", "{ \"option\" : \"no_employer\" }"))
        variants.append(edit("\"name\":\"Ann\"", "\"name\":\"Ann\",\"country\":{\"option\":\"no_employer\"}"))
        let options = EvaluationOptions(includeApplicable: true, includeDerived: true)
        for (k, v) in variants.enumerated() {
            let bytes = Array(v.utf8)
            XCTAssertEqual(JSONWriter().string(ev.evaluate(bytes: bytes, options: options).json),
                JSONWriter().string(ev.evaluateGeneral(bytes: bytes, options: options).json), "variant \(k): \(v)")
        }
    }

    func testTheVariantIsRequiredAndRoutes() {
        var r = response([["name": "Ann", "dob": "1980-01-01", "welsh": "yes"]], variant: "wales")
        XCTAssertTrue(evaluate(r).isValid)
        r = response([["name": "Ann", "dob": "1980-01-01", "welsh": "yes"]], variant: "england")
        XCTAssertEqual(codes(evaluate(r)), ["not_applicable $.people[0].welsh"])
        guard case .object(var o) = r else { return }
        o["variant"] = nil
        XCTAssertEqual(codes(evaluate(.object(o))).first, "invalid_field $.variant")
        o["variant"] = "scotland"
        XCTAssertEqual(codes(evaluate(.object(o))).first, "invalid_field $.variant")
    }

    func testTodayIsTheDayTheResponseIsGiven() {
        // Born the day after census day: within range on the day it is submitted, not before.
        let born = ["name": JSONValue.string("Ann"), "dob": "2021-03-22"]
        XCTAssertTrue(evaluate(response([born])).isValid)
        let early = response([born], extra: ["submittedAt": "2021-03-21T23:00:00+00:00"])
        XCTAssertEqual(codes(evaluate(early)), ["out_of_range $.people[0].dob"])
        // Without timestamps, the options' day.
        guard case .object(var o) = early else { return }
        o["submittedAt"] = nil
        let given = ev.evaluate(.object(o), options: EvaluationOptions(today: CalendarDate(year: 2021, month: 4, day: 1)))
        XCTAssertTrue(given.isValid, given.findings.map(\.description).joined())
    }

    func testTheFastReaderAgrees() {
        let r = response([["name": "Ann", "dob": "1980-01-01", "address": ["lines": ["1 High St"], "town": "Leeds"], "where": "there"], ["name": "Ann", "dob": "2019-02-02"]])
        let bytes = JSONWriter().bytes(r)
        let fast = ev.evaluate(bytes: bytes, options: EvaluationOptions(includeApplicable: true))
        let general = ev.evaluateGeneral(bytes: bytes, options: EvaluationOptions(includeApplicable: true))
        XCTAssertEqual(fast.findings, general.findings)
        XCTAssertEqual(fast.applicable, general.applicable)
    }

    // MARK: Piping

    func testOuterAddressPartsAndSwitchesInMessages() {
        let e = evaluate(response([
            ["name": "Ann", "dob": "1980-01-01", "address": ["lines": ["1 High St"], "town": "Leeds"]],
            ["name": "Ann", "dob": "1981-01-01", "address": ["lines": ["2 Low St"], "town": "York"]],
        ]))
        XCTAssertEqual(e.findings.filter { $0.code == "check.same_name" }.map(\.message), ["Ann is listed twice", "Ann is listed twice"])
        XCTAssertEqual(e.findings.filter { $0.code == "check.far" }.map(\.message), ["Your other address is in Leeds", "Ann's other address is in York"])
        let one = evaluate(response([["name": "Ann", "dob": "1980-01-01"], ["name": "Bob", "dob": "1980-01-01"]]))
        XCTAssertFalse(one.findings.contains { $0.code == "check.same_name" }, "different names: outer.name is not the counted member's")
    }

    // MARK: Completeness and individual response

    func testVoluntaryQuestionsLeftUnansweredKeepAReturnComplete() {
        let base: [String: JSONValue] = ["name": "Ann", "is_you": "yes", "dob": "1980-01-01", "sex": "female", "address": ["lines": ["1 High St"]],
            "where": "here", "cars": "none", "employer": "Acme", "country": "France"]
        let without = evaluate(response([base]))
        var with = base
        with["religion"] = "none"
        let answered = evaluate(response([with]))
        XCTAssertEqual(without.completeness, 1)
        XCTAssertEqual(answered.completeness, 1)
        XCTAssertEqual(without.declinedVoluntary, 1)
    }

    func testIndividualResponseEligibility() {
        let e = evaluate(response([["name": "Ann", "dob": "1980-01-01"], ["name": "Bob", "dob": "1980-01-01"]]))
        XCTAssertEqual(e.individualResponses.map(\.path), ["$.people[1]"], "not the respondent, who is person 1")
        guard case .object(var o) = response([["name": "Ann"], ["name": "Bob"]]) else { return }
        o["lives_here"] = "no"
        XCTAssertEqual(evaluate(.object(o)).individualResponses.map(\.path), ["$.people[0]", "$.people[1]"])
    }

    // MARK: Presentation

    func testPresentationRendersWhatAppliesInFlowOrder() throws {
        let r = response([["name": "Ann", "dob": "1980-01-01", "address": ["lines": ["1 High St"], "town": "Leeds"]], ["name": "Bob", "dob": "2018-01-01"]], variant: "wales")
        let shown = ev.present(r, options: EvaluationOptions(householdAddress: "5 Bay Road, Cardiff"))
        XCTAssertEqual(shown.pages.first?.id, "intro")
        XCTAssertEqual(shown.pages.first?.body, ["We count the people at 5 Bay Road, Cardiff."])
        let questions = shown.pages.flatMap(\.questions)
        let sex = try XCTUnwrap(questions.first { $0.path == "$.people[0].sex" })
        XCTAssertEqual(sex.hints, ["Gender identity follows"], "an adult")
        XCTAssertEqual(questions.first { $0.path == "$.people[1].sex" }?.hints, [], "a child")
        let where0 = try XCTUnwrap(questions.first { $0.path == "$.people[0].where" })
        XCTAssertEqual(where0.options.map(\.label), ["5 Bay Road, Cardiff", "1 High St"])
        let where1 = try XCTUnwrap(questions.first { $0.path == "$.people[1].where" })
        XCTAssertEqual(where1.options.map(\.id), ["here", "same_as_first"])
        XCTAssertEqual(where1.options.last?.label, "Same as Ann")
        XCTAssertNil(questions.first { $0.path == "$.people[1].cars" }, "the section ended for the child")
        let cars = try XCTUnwrap(questions.first { $0.path == "$.people[0].cars" })
        XCTAssertEqual(cars.options.map(\.id), ["five", "none"], "the Wales order")
        XCTAssertEqual(cars.options.first?.description, "Including vans")
        XCTAssertTrue(cars.options.first?.detailIsNumber == true)
        XCTAssertEqual(questions.first { $0.id == "country" }?.suggestions, ["France", "Germany"])
        XCTAssertEqual(questions.first { $0.id == "employer" }?.noneOption?.id, "no_employer")
        XCTAssertEqual(questions.first { $0.id == "relationship" }?.label, "Bob is your ...")
        // Member 1's pages come before member 2's.
        let order = questions.map(\.path)
        XCTAssertLessThan(try XCTUnwrap(order.firstIndex(of: "$.people[0].cars")), try XCTUnwrap(order.firstIndex(of: "$.people[1].is_you")))
        let list = try XCTUnwrap(shown.lists.first)
        XCTAssertEqual(list.summary, "2 people live here")
        XCTAssertEqual(list.members.map(\.item), ["Ann (You)", "Bob"])
        XCTAssertEqual(list.addNext, "Who else lives here?")
        let welsh = ev.present(response([]), options: EvaluationOptions(language: "cy"))
        XCTAssertEqual(welsh.lists.first?.addNext, "Beth yw eich enw?", "the first member added is the respondent")
        XCTAssertEqual(welsh.pages.first?.body, ["Rydym yn cyfrif y bobl yn y cyfeiriad hwn."])
    }
}
