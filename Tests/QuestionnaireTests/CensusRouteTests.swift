import Foundation
import XCTest
@testable import Questionnaire
import QuestionnaireLanguage

/// The routing differences found when the form was compared with the production 2021 schema
/// (issue 10, docs/census-2021-fidelity.md): each runs a person through the form and asserts
/// which questions apply to them, as the reference asks them.
final class CensusRouteTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let schema: Schema = {
        let path = root.appendingPathComponent("questionnaires/census-household.census").path
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let result = Compiler.compile(SourceFile(name: "census-household.census", text: text), loadFile: Compiler.files(besides: path))
        guard let schema = result.schema else { fatalError(result.render()) }
        return schema
    }()
    static let evaluator = try! Evaluator(schema: schema)

    /// A household of the given people (person 1 first) and household answers.
    func household(_ people: [[String: JSONValue]], variant: String = "england", _ top: [String: JSONValue] = [:]) -> JSONValue {
        var o: [String: JSONValue] = [
            "schema": ["id": .string(Self.schema.id), "hash": .string(Self.schema.hash)], "channel": "online",
            "variant": .string(variant), "submittedAt": "2021-03-21T10:00:00Z",
            "lives_here": "yes", "who_else": ["family"], "any_visitors": ["none"], "tenure": "mortgage",
            "residents": .array(people.map { .object(["first_name": "Ann", "last_name": "Jones"].merging($0) { $1 }) }),
        ]
        for (k, v) in top { o[k] = v }
        return .object(o)
    }

    func evaluate(_ h: JSONValue) -> Evaluation {
        Self.evaluator.evaluate(h, options: EvaluationOptions(includeApplicable: true))
    }

    /// The questions that apply to person `n` (1-based).
    func asked(_ h: JSONValue, person n: Int = 1) -> Set<String> {
        let prefix = "$.residents[\(n - 1)]."
        return Set(evaluate(h).applicable.filter { $0.path.hasPrefix(prefix) }.map(\.question))
    }

    func householdAsked(_ h: JSONValue) -> Set<String> {
        Set(evaluate(h).applicable.filter { !$0.path.hasPrefix("$.residents") && !$0.path.hasPrefix("$.visitors") && !$0.path.hasPrefix("$.household_relationships") }.map(\.question))
    }

    static let adult: [String: JSONValue] = ["is_you": "yes", "dob": "1980-05-01", "another_address": "no", "in_education": "no"]

    func with(_ base: [String: JSONValue], _ extra: [String: JSONValue]) -> [String: JSONValue] { base.merging(extra) { $1 } }

    // MARK: Personal details

    func testMaritalStatusFrom15WithTheSexOfASpouseOrPartner() {
        XCTAssertFalse(asked(household([["dob": "2006-03-22"]])).contains("marital"), "14 on census day")
        XCTAssertTrue(asked(household([["dob": "2006-03-21"]])).contains("marital"), "15 on census day")
        let follow = ["current_spouse_sex", "current_partner_sex", "previous_spouse_sex", "previous_partner_sex"]
        let expected: [(String, String?)] = [
            ("never_married", nil), ("married", "current_spouse_sex"), ("civil_partnership", "current_partner_sex"),
            ("separated_married", "current_spouse_sex"), ("separated_civil", "current_partner_sex"), ("divorced", "previous_spouse_sex"),
            ("dissolved", "previous_partner_sex"), ("widowed", "previous_spouse_sex"), ("surviving_partner", "previous_partner_sex"),
        ]
        XCTAssertEqual(expected.count, 9, "the nine statuses")
        for (status, question) in expected {
            let a = asked(household([with(Self.adult, ["marital": .string(status)])]))
            XCTAssertEqual(follow.filter(a.contains), question.map { [$0] } ?? [], status)
        }
    }

    func testAStudentLivingElsewhereInTermTimeEndsAfterTheTermTimeAddress() {
        let student = with(Self.adult, ["dob": "2001-01-01", "in_education": "yes", "term_time_location": "another"])
        var a = asked(household([with(student, ["term_time_in_uk": "yes"])]))
        XCTAssertTrue(a.isSuperset(of: ["term_time_in_uk", "term_time_address"]))
        XCTAssertFalse(a.contains("country_of_birth"), "the person's questions end after the term-time address")
        a = asked(household([with(student, ["term_time_in_uk": "no"])]))
        XCTAssertTrue(a.contains("term_time_country"), "abroad: the country")
        XCTAssertFalse(a.contains("term_time_address"))
        a = asked(household([with(student, ["term_time_location": "here"])]))
        XCTAssertTrue(a.contains("country_of_birth"), "at this address: on to identity")
        // With a 30-day address, "another address" ends at once; the 30-day address is an option.
        a = asked(household([with(student, ["another_address": "uk", "another_address_uk": ["lines": ["1 Hall Road"], "postcode": "LS2 9JT"]])]))
        XCTAssertFalse(a.contains("term_time_in_uk"))
        XCTAssertFalse(a.contains("country_of_birth"))
    }

    func testUnder5sEndAfterTheHealthQuestionsWhateverTheAnswers() {
        for condition: JSONValue in ["yes", "no", .null] {
            let a = asked(household([["dob": "2018-01-01", "long_term_condition": condition]]))
            XCTAssertTrue(a.contains("general_health"))
            XCTAssertFalse(a.contains("in_education"), "under 5")
            XCTAssertFalse(a.contains("unpaid_care"), "ends after health (\(condition))")
        }
        XCTAssertEqual(asked(household([["dob": "2018-01-01", "long_term_condition": "yes"]])).contains("activity_limited"), true)
    }

    func testUnder16OrNoDateOfBirthEndsAfterUnpaidCare() {
        XCTAssertFalse(asked(household([["dob": "2010-01-01"]])).contains("sexual_orientation"))
        XCTAssertFalse(asked(household([[:]])).contains("sexual_orientation"), "no date of birth")
        XCTAssertTrue(asked(household([["dob": "2010-01-01"]])).contains("unpaid_care"))
        XCTAssertTrue(asked(household([Self.adult])).contains("sexual_orientation"))
    }

    // MARK: Employment

    func testNeverWorkedOrNoAnswerEndsTheEmploymentQuestions() {
        let notWorking = with(Self.adult, ["activity": ["none"]])
        for ever: JSONValue in ["never", .null] {
            let a = asked(household([with(notWorking, ["ever_worked": ever])]))
            XCTAssertTrue(a.contains("ever_worked"))
            XCTAssertFalse(a.contains("main_job_type"), "ever worked: \(ever)")
        }
        let before = asked(household([with(notWorking, ["ever_worked": "earlier"])]))
        XCTAssertTrue(before.isSuperset(of: ["main_job_type", "employer", "supervises"]))
        XCTAssertFalse(before.contains("hours"), "not working now: no current hours")
    }

    func testLookingAvailableAndAboutToStartAreSeparateRoutedQuestions() {
        let notWorking = with(Self.adult, ["activity": ["none"]])
        var a = asked(household([with(notWorking, ["looking_for_work": "no"])]))
        XCTAssertFalse(a.contains("available_for_work"))
        XCTAssertTrue(a.contains("about_to_start"))
        a = asked(household([with(notWorking, ["looking_for_work": "yes", "available_for_work": "yes"])]))
        XCTAssertFalse(a.contains("about_to_start"))
        a = asked(household([with(notWorking, ["looking_for_work": "yes", "available_for_work": "no"])]))
        XCTAssertTrue(a.contains("about_to_start"))
    }

    func testEmploymentStatusNotAnsweredStillReachesHoursTravelAndWorkplace() {
        let a = asked(household([Self.adult]))
        XCTAssertTrue(a.isSuperset(of: ["main_job_type", "hours", "travel_to_work", "workplace_type", "mainly_work_in_uk", "workplace_address"]))
        XCTAssertFalse(a.contains("not_working_status"))
    }

    func testTheWorkplaceIsInTheUKOrACountryAbroad() {
        let working = with(Self.adult, ["activity": ["employee"], "workplace_type": "workplace"])
        var a = asked(household([with(working, ["mainly_work_in_uk": "no"])]))
        XCTAssertTrue(a.contains("work_country"))
        XCTAssertFalse(a.contains("workplace_address"))
        a = asked(household([with(working, ["workplace_type": "depot", "mainly_work_in_uk": "yes"])]))
        XCTAssertTrue(a.contains("depot_address"))
        a = asked(household([with(working, ["workplace_type": "at_home"])]))
        XCTAssertFalse(a.contains("mainly_work_in_uk"))
    }

    // MARK: Identity

    func testArrivalInMarch2020OrNotGivenAsksWhetherOnOrAfter21March() {
        let abroad = with(Self.adult, ["country_of_birth": "elsewhere"])
        var a = asked(household([with(abroad, ["arrival": "2020-03"])]))
        XCTAssertTrue(a.contains("arrived_since_march_2020"))
        a = asked(household([abroad]))
        XCTAssertTrue(a.contains("arrived_since_march_2020"), "arrival not given")
        XCTAssertTrue(a.contains("intended_stay"), "not answered goes on to the length of stay")
        a = asked(household([with(abroad, ["arrival": "2020-03", "arrived_since_march_2020": "no"])]))
        XCTAssertFalse(a.contains("intended_stay"))
        a = asked(household([with(abroad, ["arrival": "2020-06"])]))
        XCTAssertFalse(a.contains("arrived_since_march_2020"))
        XCTAssertTrue(a.contains("intended_stay"), "arrived in the last year")
        a = asked(household([with(abroad, ["arrival": "2015-06"])]))
        XCTAssertFalse(a.contains("intended_stay"))
        XCTAssertFalse(asked(household([with(Self.adult, ["country_of_birth": "wales"])])).contains("arrival"))
    }

    func testAddressOneYearAgoForStudentsAndSameAsPerson1ForLaterPeople() {
        let h = household([with(Self.adult, ["address_one_year_ago_where": "student"]), with(Self.adult, ["is_you": "no", "address_one_year_ago_where": "same_as_first"])])
        XCTAssertTrue(asked(h).contains("address_one_year_ago"), "a student term-time or boarding school address")
        XCTAssertFalse(evaluate(h).findings.contains { $0.code == "option_not_offered" })
        let first = household([with(Self.adult, ["address_one_year_ago_where": "same_as_first"])])
        XCTAssertEqual(evaluate(first).findings.filter { $0.code == "option_not_offered" }.map(\.path), ["$.residents[0].address_one_year_ago_where"],
            "person 1 is not offered it")
        let shown = Self.evaluator.present(h).pages.flatMap(\.questions).filter { $0.id == "address_one_year_ago_where" }
        XCTAssertEqual(shown.map { $0.options.first?.label ?? "" }, ["this address", "Same as Ann Jones's address one year ago"])
    }

    func testSameAddressAsVisitor1ForLaterVisitors() {
        let h = household([Self.adult], ["any_visitors": ["holiday"], "visitors": [
            ["visitor_first_name": "Bo", "visitor_last_name": "Li", "visitor_usual_address_where": "outside_uk"],
            ["visitor_first_name": "Cy", "visitor_last_name": "Li", "visitor_usual_address_where": "same_as_first"],
        ]])
        let e = evaluate(h)
        XCTAssertFalse(e.findings.contains { $0.code == "option_not_offered" })
        let options = Self.evaluator.present(h).pages.flatMap(\.questions).filter { $0.id == "visitor_usual_address_where" }.map { $0.options.map(\.id) }
        XCTAssertEqual(options, [["uk", "outside_uk"], ["same_as_first", "uk", "outside_uk"]])
    }

    func testEnglishProficiencyAlsoWhenTheMainLanguageIsNotGiven() {
        XCTAssertTrue(asked(household([Self.adult])).contains("english_proficiency"))
        XCTAssertFalse(asked(household([with(Self.adult, ["main_language": "english"])])).contains("english_proficiency"))
        XCTAssertFalse(asked(household([["dob": "2019-01-01"]])).contains("main_language"), "under 3")
    }

    func testOtherQualificationsOnlyWithoutAListedOne() {
        XCTAssertTrue(asked(household([with(Self.adult, ["nvq": ["none"], "a_levels": ["none"], "gcses": ["none"]])])).contains("other_qualifications"))
        XCTAssertTrue(asked(household([Self.adult])).contains("other_qualifications"), "nothing answered")
        XCTAssertFalse(asked(household([with(Self.adult, ["gcses": ["other_gcses"]])])).contains("other_qualifications"))
        XCTAssertFalse(asked(household([with(Self.adult, ["apprenticeship": "yes"])])).contains("other_qualifications"))
    }

    // MARK: Household questions

    func testNobodyUsuallyLivingHereEndsTheAccommodationSectionAfterCentralHeating() {
        let empty = household([], ["lives_here": "no", "who_else": ["none"]])
        let a = householdAsked(empty)
        XCTAssertTrue(a.isSuperset(of: ["accommodation_type", "central_heating"]))
        XCTAssertFalse(a.contains("tenure"))
        XCTAssertFalse(a.contains("vehicles"))
        XCTAssertTrue(householdAsked(household([Self.adult])).contains("tenure"))
    }

    func testWhoElseLivesHereAlsoWhenTheRespondentDoesNotLiveThere() {
        let h = household([["is_you": "no"]], ["lives_here": "no"])
        XCTAssertTrue(householdAsked(h).contains("who_else"))
        let page = Self.evaluator.present(h).pages.flatMap(\.questions).first { $0.id == "who_else" }
        XCTAssertEqual(page?.label, "Do any of the following people live at this address on Sunday 21 March 2021?")
        XCTAssertEqual(page?.options.last?.label, "None of these apply, no-one usually lives here")
    }

    func testTheLandlordQuestionForSharedOwnership() {
        XCTAssertTrue(householdAsked(household([Self.adult], ["tenure": "shared_ownership"])).contains("landlord"))
        XCTAssertFalse(householdAsked(household([Self.adult], ["tenure": "owns_outright"])).contains("landlord"))
    }

    func testTheKindOfVisitor() {
        XCTAssertTrue(householdAsked(household([Self.adult])).contains("any_visitors"))
        let none = evaluate(household([Self.adult], ["visitors": [["visitor_first_name": "Bo", "visitor_last_name": "Li"]]]))
        XCTAssertTrue(none.findings.contains { $0.code == "not_applicable" && $0.path == "$.visitors" }, "no visitors: the list is not asked")
        let some = evaluate(household([Self.adult], ["any_visitors": ["holiday"]]))
        XCTAssertTrue(some.findings.contains { $0.code == "roster_size" && $0.path == "$.visitors" }, "a kind chosen: at least one visitor")
    }

    /// One omission, one finding: "any visitors?" left unanswered is reported once, not again
    /// as a visitors list that is too short (the household may have none), and visitors listed
    /// anyway are read as usual.
    func testAnUnansweredVisitorsQuestionIsOneFinding() {
        func findings(_ top: [String: JSONValue]) -> [String] {
            var h = household([Self.adult], top)
            if top["any_visitors"] == nil, case .object(var o) = h { o["any_visitors"] = nil; h = .object(o) }
            return evaluate(h).findings.filter { !$0.path.hasPrefix("$.residents") }.map { "\($0.code) \($0.path)" }
        }
        XCTAssertEqual(findings([:]), ["required $.any_visitors"])
        XCTAssertEqual(findings(["visitors": [["visitor_first_name": "Bo", "visitor_last_name": "Li", "visitor_dob": "1990-01-01", "visitor_sex": "female",
            "visitor_usual_address_where": "outside_uk", "visitor_country": "France"]]]), ["required $.any_visitors"])
        // Answered: the list's minimum holds again.
        XCTAssertEqual(findings(["any_visitors": ["holiday"]]).filter { $0.hasPrefix("roster_size") }, ["roster_size $.visitors"])
    }

    func testVehiclesToFiveOrMoreWithTheNumberAndHeating() {
        func errors(_ top: [String: JSONValue]) -> [String] {
            evaluate(household([Self.adult], top)).errors.filter { !$0.path.hasPrefix("$.residents") }.map(\.code)
        }
        XCTAssertEqual(errors(["vehicles": ["value": "five_or_more", "detail": 7]]), [])
        XCTAssertEqual(errors(["vehicles": ["value": "five_or_more", "detail": 21]]), ["out_of_range"])
        XCTAssertEqual(errors(["central_heating": ["none", "oil"]]), ["exclusive_option"])
        XCTAssertEqual(errors(["central_heating": [["value": "other", "detail": "Ground source"]]]), [])
    }

    // MARK: Mandatory answers, ranges and confirmations

    func testTheReferencesMandatoryAnswersAreRequired() {
        let e = evaluate(household([["is_you": "yes", "dob": "1980-05-01", "another_address": "outside_uk", "activity": ["none"]]], ["tenure": .null]))
        let required = Set(e.findings.filter { $0.code == "required" }.map(\.question!))
        XCTAssertTrue(required.isSuperset(of: ["tenure", "country_of_birth", "in_education", "ever_worked", "another_address_country"]), "\(required)")
        let student = evaluate(household([with(Self.adult, ["in_education": "yes"])]))
        XCTAssertTrue(student.findings.contains { $0.code == "required" && $0.question == "term_time_location" })
    }

    func testEveryDateOfBirthIsConfirmedAndNotAfterToday() {
        let e = evaluate(household([Self.adult, with(Self.adult, ["is_you": "no", "dob": "2000-01-01"])]))
        XCTAssertEqual(e.findings.filter { $0.code == "confirm.confirm_age" }.map(\.path), ["$.residents[0].dob", "$.residents[1].dob"])
        XCTAssertEqual(e.findings.first { $0.path == "$.residents[0].dob" }?.message, "You are 40 years old. Is this correct?")
        let baby = household([["dob": "2021-03-22"]], ["submittedAt": "2021-03-25T09:00:00Z"])
        XCTAssertFalse(evaluate(baby).errors.contains { $0.code == "out_of_range" }, "born after census day, before the return is given")
        let future = household([["dob": "2021-03-26"]], ["submittedAt": "2021-03-25T09:00:00Z"])
        XCTAssertTrue(evaluate(future).errors.contains { $0.code == "out_of_range" })
        let old = household([["dob": "1905-03-20"]])
        XCTAssertTrue(evaluate(old).errors.contains { $0.code == "out_of_range" }, "more than 115 years 11 months 30 days before census day")
        XCTAssertFalse(evaluate(household([["dob": "1905-03-23"]])).errors.contains { $0.code == "out_of_range" })
    }

    // MARK: The Wales form

    func testTheWalesFormAndTheEnglandFormWithoutIt() {
        let wales = household([Self.adult], variant: "wales")
        let england = household([Self.adult], variant: "england")
        XCTAssertTrue(asked(wales).contains("welsh_skills"))
        XCTAssertFalse(asked(england).contains("welsh_skills"))
        func options(_ h: JSONValue, _ id: String) -> [String] {
            Self.evaluator.present(h).pages.flatMap(\.questions).first { $0.id == id }?.options.map(\.id) ?? []
        }
        XCTAssertEqual(options(wales, "national_identity").first, "welsh")
        XCTAssertEqual(options(england, "national_identity").first, "british")
        XCTAssertTrue(options(wales, "a_levels").contains("welsh_bacc_advanced"))
        XCTAssertFalse(options(england, "a_levels").contains("welsh_bacc_advanced"))
        XCTAssertTrue(options(wales, "gcses").contains("welsh_bacc_national"))
        let labels = Self.evaluator.present(wales).pages.flatMap(\.questions).first { $0.id == "ethnic_group" }?.options.map(\.label)
        XCTAssertEqual(labels?[2], "Asian, Asian Welsh or Asian British")
        let bacc = household([with(Self.adult, ["a_levels": ["welsh_bacc_advanced"]])], variant: "england")
        XCTAssertEqual(evaluate(bacc).errors.filter { $0.code == "option_not_offered" }.map(\.path), ["$.residents[0].a_levels"])
    }
}
