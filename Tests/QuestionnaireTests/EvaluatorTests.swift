import XCTest
@testable import Questionnaire

final class EvaluatorTests: XCTestCase {
    static let evaluator = try! Evaluator(schema: MiniCensus.schema)
    var ev: Evaluator { Self.evaluator }

    func evaluate(_ o: [String: JSONValue], language: String? = nil) -> Evaluation {
        ev.evaluate(.object(o), options: EvaluationOptions(language: language, includeApplicable: true, includeDerived: true))
    }

    func has(_ e: Evaluation, _ code: String, _ path: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(e.findings.contains { $0.code == code && $0.path == path }, "expected \(code) at \(path); got:\n\(e.findings.map(\.description).joined(separator: "\n"))", file: file, line: line)
    }

    func lacks(_ e: Evaluation, _ code: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(e.findings.contains { $0.code == code }, "unexpected \(code): \(e.findings.map(\.description))", file: file, line: line)
    }

    func applies(_ e: Evaluation, _ path: String) -> Bool { e.applicable.contains { $0.path == path } }

    func withResident(_ o: [String: JSONValue], _ i: Int, _ key: String, _ value: JSONValue?) -> [String: JSONValue] {
        var o = o
        var members = o["residents"]!.arrayValue!
        var m = members[i].objectValue!
        m[key] = value
        members[i] = .object(m)
        o["residents"] = .array(members)
        return o
    }

    func testSchemaWhoseContainersLoopIsRejected() {
        // A hand-edited schema could make a container its own ancestor; routing would never end.
        var looped = MiniCensus.schema
        let people = looped.containers.firstIndex { $0.id == "people" }!
        looped.containers[people].parent = "residents"
        XCTAssertThrowsError(try Evaluator(schema: looped)) { error in
            XCTAssertEqual("\(error)", "container people: parent residents is not an earlier container")
        }
        var doubled = MiniCensus.schema
        doubled.containers.append(doubled.containers[0])
        XCTAssertThrowsError(try Evaluator(schema: doubled)) { error in
            XCTAssertEqual("\(error)", "container people is listed twice")
        }
    }

    func testValidCoupleHasNoFindings() {
        let e = evaluate(MiniCensus.couple())
        XCTAssertEqual(e.findings, [])
        XCTAssertTrue(e.isValid)
        XCTAssertTrue(applies(e, "$.residents[0].marital"))
        XCTAssertTrue(applies(e, "$.residents[1].marital"))
        XCTAssertFalse(applies(e, "$.residents[0].arrival"))
        XCTAssertTrue(applies(e, "$.household_relationships[0].relationship"))
        XCTAssertFalse(applies(e, "$.landlord"))
        XCTAssertTrue(e.derived.contains { $0.path == "$.residents[0].age" && $0.value == .int(40) })
        XCTAssertTrue(e.derived.contains { $0.path == "$.residents[1].name" && $0.value == .text("Bob Jones") })
        XCTAssertGreaterThan(e.completeness, 0.5)
        XCTAssertLessThan(e.completeness, 1)
    }

    func testUnknownDateOfBirthMakesAgeConditionsUnknown() {
        // No dob: age is unknown, so "age >= 16" is not known true and marital does not apply.
        let o = withResident(MiniCensus.couple(), 1, "dob", nil)
        let e = evaluate(o)
        has(e, "required", "$.residents[1].dob")
        has(e, "not_applicable", "$.residents[1].marital")
        XCTAssertFalse(applies(e, "$.residents[1].marital"))
        XCTAssertTrue(applies(e, "$.residents[0].marital"))
    }

    func testRoutingIsPerMember() {
        var o = MiniCensus.couple()
        o["residents"] = .array(o["residents"]!.arrayValue! + [MiniCensus.person("Cat", "2011-01-01", extra: ["marital": "never_married", "hours": 5])])
        o["household_relationships"] = [
            ["person": 2, "other": 1, "relationship": "husband_wife"], ["person": 3, "other": 1, "relationship": "son_daughter"],
            ["person": 3, "other": 2, "relationship": "son_daughter"],
        ]
        let e = evaluate(o)
        has(e, "not_applicable", "$.residents[2].marital")
        has(e, "not_applicable", "$.residents[2].hours")  // the employment section's when (age >= 16)
        XCTAssertFalse(e.findings.contains { $0.path == "$.residents[0].marital" })
        XCTAssertTrue(applies(e, "$.residents[0].hours"))
        // Answers to skipped questions do not make a response invalid, but are reported.
        XCTAssertTrue(e.isValid)
    }

    func testNotInAndUnknown() {
        var e = evaluate(withResident(MiniCensus.couple(), 0, "country_of_birth", ["value": "elsewhere", "detail": "Poland"]))
        XCTAssertTrue(applies(e, "$.residents[0].arrival"))
        e = evaluate(withResident(MiniCensus.couple(), 0, "country_of_birth", "england"))
        XCTAssertFalse(applies(e, "$.residents[0].arrival"))
        // Unanswered: `not in` is unknown, so the question does not apply.
        e = evaluate(withResident(MiniCensus.couple(), 0, "country_of_birth", nil))
        XCTAssertFalse(applies(e, "$.residents[0].arrival"))
        e = evaluate(withResident(withResident(MiniCensus.couple(), 0, "country_of_birth", "england"), 0, "arrival", "2001-01"))
        has(e, "not_applicable", "$.residents[0].arrival")
    }

    func testArrivalBeforeBirthComparesAtMonthPrecision() {
        let abroad = withResident(MiniCensus.couple(), 1, "country_of_birth", "ireland")
        var e = evaluate(withResident(abroad, 1, "arrival", "1979-01"))
        has(e, "check.arrival_before_birth", "$.residents[1].arrival")
        XCTAssertFalse(e.isValid)
        // Born 1979-02-11, arrived 1979-02: same month, allowed.
        e = evaluate(withResident(abroad, 1, "arrival", "1979-02"))
        XCTAssertEqual(e.findings, [])
    }

    func testDateOfBirthRange() {
        has(evaluate(withResident(MiniCensus.couple(), 0, "dob", "2021-03-22")), "out_of_range", "$.residents[0].dob")
        XCTAssertEqual(evaluate(withResident(MiniCensus.couple(), 0, "dob", "2021-03-21")).errors, [])
        has(evaluate(withResident(MiniCensus.couple(), 0, "dob", "1906-03-20")), "out_of_range", "$.residents[0].dob")
        let e = evaluate(withResident(MiniCensus.couple(), 0, "dob", "1906-03-21"))
        XCTAssertEqual(e.errors, [])
        has(e, "confirm.confirm_age", "$.residents[0].dob")
    }

    func testConfirmationsAreRequiredAndSatisfied() {
        var o = withResident(MiniCensus.couple(), 1, "dob", "1921-03-21")  // 100 on census day
        var e = evaluate(o)
        has(e, "confirm.confirm_age", "$.residents[1].dob")
        XCTAssertFalse(e.isValid)
        XCTAssertTrue(e.findings.first { $0.code == "confirm.confirm_age" }!.message.contains("Bob Jones is 100 years old"))
        o["confirmations"] = ["confirm_age": [2]]
        e = evaluate(o)
        lacks(e, "confirm.confirm_age")
        XCTAssertTrue(e.isValid)
        // Confirming the wrong member does not count.
        o["confirmations"] = ["confirm_age": [1]]
        has(evaluate(o), "confirm.confirm_age", "$.residents[1].dob")
        // 99: no confirmation asked.
        lacks(evaluate(withResident(MiniCensus.couple(), 1, "dob", "1921-03-22")), "confirm.confirm_age")
    }

    func testRespondentNotListed() {
        var o = MiniCensus.couple()
        o["residents"] = nil
        o["household_relationships"] = nil
        has(evaluate(o), "check.respondent_not_listed", "$.lives_here")
        o["lives_here"] = "no"
        o["who_else"] = nil
        lacks(evaluate(o), "check.respondent_not_listed")
    }

    func testContainsAndExclusiveOptions() {
        var o = MiniCensus.couple()
        o["who_else"] = ["none", "family"]
        has(evaluate(o), "exclusive_option", "$.who_else")
        o["who_else"] = ["none"]
        has(evaluate(o), "check.lives_alone_with_others", "$.who_else")
        o["who_else"] = ["family"]
        lacks(evaluate(o), "check.lives_alone_with_others")
        o["who_else"] = ["family", "family"]
        has(evaluate(o), "duplicate_option", "$.who_else[1]")
        o["who_else"] = ["family", "famly"]
        let e = evaluate(o)
        has(e, "invalid_option", "$.who_else[1]")
        XCTAssertTrue(e.findings.first { $0.code == "invalid_option" }!.message.contains("did you mean 'family'"))
    }

    func testAnyOverRoster() {
        var o = MiniCensus.couple()
        o["residents"] = [MiniCensus.person("Kid", "2010-01-01", isYou: true)]
        o["household_relationships"] = nil
        has(evaluate(o), "check.any_child_alone", "$.lives_here")
        lacks(evaluate(MiniCensus.couple()), "check.any_child_alone")
        // One member with no dob: any(age < 16) is unknown, so the check does not fire.
        o["residents"] = [MiniCensus.person("Kid", "2010-01-01", isYou: true), .object(["first_name": "X", "last_name": "Y", "is_you": "no"])]
        o["household_relationships"] = [["person": 2, "other": 1, "relationship": "brother_sister"]]
        lacks(evaluate(o), "check.any_child_alone")
    }

    func testPairsAndPairChecks() {
        var o = MiniCensus.couple()
        o = withResident(o, 1, "dob", "2010-01-01")
        o = withResident(o, 1, "marital", nil)
        let e = evaluate(o)
        has(e, "check.young_spouse", "$.household_relationships[0].relationship")
        XCTAssertTrue(e.findings.first { $0.code == "check.young_spouse" }!.message.contains("Bob Jones is too young to be Ann Jones's spouse"))
        o["household_relationships"] = [["person": 1, "other": 2, "relationship": "husband_wife"]]
        has(evaluate(o), "invalid_pair", "$.household_relationships[0]")
        o["household_relationships"] = [["person": 2, "other": 1, "relationship": "partner"], ["person": 2, "other": 1, "relationship": "partner"]]
        has(evaluate(o), "duplicate_pair", "$.household_relationships[1]")
        o["household_relationships"] = [["person": 2, "other": 1, "relationshp": "partner"]]
        has(evaluate(o), "unknown_key", "$.household_relationships[0].relationshp")
    }

    func testRelationshipBlockNeedsTwoResidents() {
        var o = MiniCensus.couple()
        o["residents"] = .array([o["residents"]!.arrayValue![0]])
        o["household_relationships"] = [["person": 2, "other": 1, "relationship": "partner"]]
        has(evaluate(o), "invalid_pair", "$.household_relationships[0]")
        let e = evaluate(MiniCensus.couple())
        XCTAssertTrue(applies(e, "$.household_relationships[0].relationship"))
    }

    func testInListAndLandlord() {
        var o = MiniCensus.couple()
        o["tenure"] = "rents"
        o["landlord"] = "private"
        XCTAssertEqual(evaluate(o).findings, [])
        o["tenure"] = "mortgage"
        has(evaluate(o), "not_applicable", "$.landlord")
        o["tenure"] = nil
        has(evaluate(o), "not_applicable", "$.landlord")
    }

    func testRosterWhen() {
        var o = MiniCensus.couple()
        o["visitors"] = [["visitor_first_name": "Vic"]]
        has(evaluate(o), "not_applicable", "$.visitors")
        XCTAssertEqual(evaluate(o).findings.count, 1, "the members of a roster that is not asked are not reported one by one")
        o["any_visitors"] = "yes"
        XCTAssertEqual(evaluate(o).findings, [])
        o["visitors"] = [["visitor_first_name": nil]]
        has(evaluate(o), "required", "$.visitors[0].visitor_first_name")
    }

    func testIsNotAnsweredNeverUnknown() {
        var o = MiniCensus.couple()
        o["residents"] = .array(o["residents"]!.arrayValue! + [MiniCensus.person("Tot", "2018-06-01")])
        o["household_relationships"] = [["person": 2, "other": 1, "relationship": "husband_wife"]]
        // 2 years old, condition not answered: "is not answered" holds, so unpaid_care applies.
        XCTAssertTrue(applies(evaluate(o), "$.residents[2].unpaid_care"))
        XCTAssertFalse(applies(evaluate(withResident(o, 2, "long_term_condition", "no")), "$.residents[2].unpaid_care"))
        XCTAssertTrue(applies(evaluate(withResident(o, 2, "long_term_condition", "yes")), "$.residents[2].unpaid_care"))
        XCTAssertTrue(applies(evaluate(o), "$.residents[0].unpaid_care"))
    }

    func testTypesAndFormats() {
        var o = MiniCensus.couple()
        o["household_size"] = "two"
        has(evaluate(o), "type", "$.household_size")
        o["household_size"] = 31
        has(evaluate(o), "out_of_range", "$.household_size")
        o["household_size"] = 2
        o["postcode_check"] = "nope"
        has(evaluate(o), "pattern", "$.postcode_check")
        o["postcode_check"] = "CF10 1AA"
        XCTAssertEqual(evaluate(o).findings, [])
        has(evaluate(withResident(o, 0, "dob", "21/03/1980")), "type", "$.residents[0].dob")
        has(evaluate(withResident(o, 0, "first_name", .string(String(repeating: "x", count: 36)))), "too_long", "$.residents[0].first_name")
        has(evaluate(withResident(o, 0, "country_of_birth", ["value": "elsewhere", "detail": .string(String(repeating: "y", count: 21))])),
            "specify_too_long", "$.residents[0].country_of_birth.detail")
        has(evaluate(withResident(o, 0, "country_of_birth", ["value": "england", "detail": "x"])), "detail_not_allowed", "$.residents[0].country_of_birth.detail")
        has(evaluate(withResident(o, 0, "second_address", ["lines": ["1 High St"], "town": "Leeds", "postcode": "XX"])), "invalid_postcode", "$.residents[0].second_address.postcode")
        XCTAssertEqual(evaluate(withResident(o, 0, "second_address", ["lines": ["1 High St"], "town": "Leeds", "postcode": "LS6 2AB"])).findings, [])
        has(evaluate(withResident(o, 0, "second_address", ["lines": [], "town": "Leeds", "postcode": "LS6 2AB"])), "invalid_address", "$.residents[0].second_address.lines")
        // A type error on a question that does not apply is only reported as not applicable.
        let e = evaluate(withResident(withResident(o, 0, "country_of_birth", "england"), 0, "arrival", 12))
        has(e, "not_applicable", "$.residents[0].arrival")
        lacks(e, "type")
    }

    func testUnknownKeysSuggest() {
        let e = evaluate(withResident(MiniCensus.couple(), 0, "frist_name", "Ann"))
        has(e, "unknown_key", "$.residents[0].frist_name")
        XCTAssertTrue(e.findings.first { $0.code == "unknown_key" }!.message.contains("did you mean 'first_name'"))
        var o = MiniCensus.couple()
        o["tenur"] = "rents"
        has(evaluate(o), "unknown_key", "$.tenur")
    }

    func testSchemaMismatch() {
        var o = MiniCensus.couple()
        o["schema"] = ["id": "census_household", "hash": "sha256:0000", "version": "2021.0"]
        let e = evaluate(o)
        XCTAssertEqual(e.findings.map(\.code), ["schema_mismatch"])
        XCTAssertTrue(e.findings[0].message.contains("another version"))
        XCTAssertFalse(e.isValid)
        o["schema"] = nil
        XCTAssertEqual(evaluate(o).findings.map(\.code), ["schema_mismatch"])
        o["schema"] = ["id": "other_survey", "hash": .string(MiniCensus.schema.hash)]
        XCTAssertTrue(evaluate(o).findings[0].message.contains("'other_survey'"))
    }

    func testRosterSize() {
        var o = MiniCensus.couple()
        o["household_relationships"] = nil
        o["residents"] = .array((0..<31).map { MiniCensus.person("P\($0)", "1990-01-01", isYou: $0 == 0) })
        has(evaluate(o), "roster_size", "$.residents")
        o["residents"] = .array((0..<30).map { MiniCensus.person("P\($0)", "1990-01-01", isYou: $0 == 0) })
        lacks(evaluate(o), "roster_size")
    }

    func testSelfProxyWordingAndLanguage() {
        let abroad = withResident(withResident(MiniCensus.couple(), 0, "country_of_birth", "ireland"), 0, "arrival", "1970-01")
        var e = evaluate(abroad)
        XCTAssertEqual(e.findings.first { $0.code == "check.arrival_before_birth" }?.message, "The date of arrival cannot be before your date of birth")
        e = evaluate(withResident(abroad, 0, "is_you", "no"))
        XCTAssertEqual(e.findings.first { $0.code == "check.arrival_before_birth" }?.message, "The date of arrival cannot be before Ann Jones's date of birth")
        e = evaluate(abroad, language: "cy")
        XCTAssertEqual(e.findings.first { $0.code == "check.arrival_before_birth" }?.message, "CY The date of arrival cannot be before your date of birth")
        let tooOld = evaluate(withResident(abroad, 1, "dob", "1800-01-01"), language: "cy")
        XCTAssertTrue(tooOld.findings.first { $0.code == "out_of_range" }?.message.contains("y tu allan") == true)
        var o = abroad
        o["language"] = "cy"
        XCTAssertTrue(evaluate(o).findings.first { $0.code == "check.arrival_before_birth" }!.message.hasPrefix("CY "))
    }

    func testPosition() {
        let o = withResident(MiniCensus.couple(), 1, "is_you", "yes")
        has(evaluate(o), "check.first_is_respondent", "$.residents[1].is_you")
        lacks(evaluate(MiniCensus.couple()), "check.first_is_respondent")
    }

    func testEnvelopeFields() {
        var o = MiniCensus.couple()
        o["channel"] = nil
        has(evaluate(o), "invalid_field", "$.channel")
        o["channel"] = "fax"
        has(evaluate(o), "invalid_field", "$.channel")
        o["channel"] = "paper"
        o["submittedAt"] = "yesterday"
        has(evaluate(o), "invalid_field", "$.submittedAt")
        o["submittedAt"] = "2021-03-21T10:00:00+01:00"
        XCTAssertEqual(evaluate(o).findings, [])
        o["confirmations"] = ["confirm_agee": [1]]
        has(evaluate(o), "unknown_key", "$.confirmations.confirm_agee")
    }

    func testInvalidJSONBytes() {
        let e = ev.evaluate(bytes: Array("{\"schema\": ".utf8))
        XCTAssertEqual(e.findings.map(\.code), ["json"])
    }

    func testCompleteness() {
        var o = MiniCensus.couple()
        let full = evaluate(o).completeness
        o["tenure"] = nil
        XCTAssertLessThan(evaluate(o).completeness, full)
    }
}
