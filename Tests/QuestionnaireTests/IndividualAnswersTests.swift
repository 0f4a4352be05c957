import Foundation
import Questionnaire
import SyntheticCensus
import XCTest

/// Individual responses in the response format: which part of the census form a person may
/// answer privately, an individual return judged on that part only, a household's return
/// judged without it, and the individual's answers read over the household's for that person.
final class IndividualAnswersTests: XCTestCase {
    static let schema = CensusFormTests.schema
    static let evaluator = CensusFormTests.evaluator

    func testTheCensusFormsIndividualSectionIsTheResidentsOwnSection() throws {
        let section = try XCTUnwrap(IndividualSection(schema: Self.schema))
        XCTAssertEqual(section.roster, "residents")
        XCTAssertEqual(section.sections, ["individual"])
        XCTAssertEqual(section.nameQuestions, ["first_name", "middle_names", "last_name"])
        XCTAssertEqual(section.nameKey(of: ["first_name": "Edith", "middle_names": "May", "last_name": "Rees"]), "edith rees",
                       "an individual code names a first and a last name")
        XCTAssertTrue(section.questions.isSuperset(of: ["is_you", "dob", "sex", "marital"]))
        XCTAssertFalse(section.questions.contains("first_name"), "the name is the roster's, not the section's")
        XCTAssertFalse(section.questions.contains("tenure"))
        XCTAssertEqual(section.maxMembers, 30)
        XCTAssertTrue(section.confirmChecks.contains("confirm_age"))
        XCTAssertEqual(IndividualSection.nameKey(["  Edith ", "REES  "]), "edith rees")
        XCTAssertEqual(IndividualSection.nameKey(["Mary Ann", "Jones"]), IndividualSection.nameKey(["mary", "ann   jones"]))
    }

    /// A generated household of the census form with `residents` people.
    static func household(residents: Int) throws -> [String: JSONValue] {
        let generator = HouseholdGenerator(evaluator: evaluator, seed: 3)
        for i in 0..<2000 {
            let h = generator.household(i).response
            if h["residents"]?.arrayValue?.count == residents, evaluator.evaluate(h).isValid, case .object(let o) = h { return o }
        }
        throw XCTSkip("no generated household with \(residents) residents")
    }

    func testAnIndividualReturnIsJudgedOnItsOwnSectionOnly() throws {
        let section = try XCTUnwrap(IndividualSection(schema: Self.schema))
        var person: [String: JSONValue] = ["first_name": "Edith", "last_name": "Rees", "is_you": "yes"]
        let body: JSONValue = .object(["schema": .object(["id": .string(Self.schema.id), "hash": .string(Self.schema.hash)]),
                                       "channel": "online", "residents": .array([.object(person)])])
        let whole = Self.evaluator.evaluate(body, options: EvaluationOptions(includeApplicable: true))
        XCTAssertTrue(whole.findings.contains { !$0.path.hasPrefix("$.residents[0].") }, "the household's questions are unanswered")
        let own = whole.limited(to: section, position: 1)
        XCTAssertFalse(own.findings.contains { !$0.path.hasPrefix("$.residents[0].") }, "\(own.findings.map(\.path))")
        XCTAssertTrue(own.findings.contains { $0.path == "$.residents[0].dob" && $0.code == "required" })
        XCTAssertFalse(own.isValid)
        XCTAssertTrue(own.applicable.allSatisfy { section.questions.contains($0.question) })
        XCTAssertEqual(own.answeredCount, 1, "is_you")

        person["dob"] = "1950-02-03"
        person["sex"] = "female"
        let more = Self.evaluator.evaluate(.object(["schema": .object(["id": .string(Self.schema.id), "hash": .string(Self.schema.hash)]),
                                                    "channel": "online", "residents": .array([.object(person)])]),
                                           options: EvaluationOptions(includeApplicable: true)).limited(to: section, position: 1)
        XCTAssertGreaterThan(more.completeness, own.completeness)
        XCTAssertEqual(more.answeredCount, 3)
    }

    func testAHouseholdReturnIsJudgedWithoutTheSectionOfSomeoneAnsweringSeparately() throws {
        let section = try XCTUnwrap(IndividualSection(schema: Self.schema))
        var top = try Self.household(residents: 2)
        guard case .array(var people)? = top["residents"], case .object(var second) = people[1] else { return XCTFail() }
        // The household leaves person 2's section empty: they answer separately.
        second = second.filter { !section.questions.contains($0.key) }
        people[1] = .object(second)
        top["residents"] = .array(people)
        let whole = Self.evaluator.evaluate(.object(top), options: EvaluationOptions(includeApplicable: true))
        XCTAssertFalse(whole.isValid, "person 2's section is unanswered")
        let names = [section.nameKey(of: second)]
        let positions = IndividualAnswers.positions(in: .object(top), section: section, names: names)
        XCTAssertEqual(positions, [2])
        let judged = whole.excluding(section, positions: positions)
        XCTAssertTrue(judged.isValid, "\(judged.errors.map(\.path))")
        XCTAssertLessThan(judged.applicableCount, whole.applicableCount)
        XCTAssertEqual(judged.applicable.count, judged.applicableCount)
        XCTAssertEqual(whole.excluding(section, positions: []).findings, whole.findings)
    }

    func testTheIndividualsAnswersReplaceTheHouseholdsForThatPerson() throws {
        let section = try XCTUnwrap(IndividualSection(schema: Self.schema))
        let top = try Self.household(residents: 2)
        guard case .array(let people)? = top["residents"], case .object(let second) = people[1] else { return XCTFail() }
        var theirs = second
        theirs["sex"] = second["sex"]?.stringValue == "female" ? "male" : "female"
        theirs["is_you"] = "yes"
        // Names typed differently by the household and the code's request still match.
        theirs["first_name"] = .string((second["first_name"]?.stringValue ?? "").uppercased())
        let individual: JSONValue = .object(["residents": .array([.object(theirs)]), "confirmations": .object(["confirm_age": .array([1])])])
        let (merged, count) = IndividualAnswers.merge(household: .object(top), individuals: [individual], section: section)
        XCTAssertEqual(count, 1)
        XCTAssertEqual(merged["residents"]?.arrayValue?.count, 2)
        XCTAssertEqual(merged["residents"]?.arrayValue?[1]["sex"], theirs["sex"])
        XCTAssertEqual(merged["residents"]?.arrayValue?[1]["is_you"], "yes")
        XCTAssertEqual(merged["residents"]?.arrayValue?[0], people[0], "person 1 is the household's")
        XCTAssertEqual(merged["tenure"], top["tenure"])
        XCTAssertEqual(merged["household_relationships"], top["household_relationships"], "relationships stay the household's")
        XCTAssertTrue(merged["confirmations"]?["confirm_age"]?.arrayValue?.contains(.integer(2)) == true)

        // Someone the household did not list is added; nobody is added to a full roster.
        var stranger = theirs
        stranger["first_name"] = "Nobody"
        stranger["last_name"] = "Listed"
        let (added, n) = IndividualAnswers.merge(household: .object(top), individuals: [.object(["residents": .array([.object(stranger)])])], section: section)
        XCTAssertEqual(n, 1)
        XCTAssertEqual(added["residents"]?.arrayValue?.count, 3)
        let (same, none) = IndividualAnswers.merge(household: .object(top), individuals: [.object(["tenure": "owns_outright"])], section: section)
        XCTAssertEqual(none, 0)
        XCTAssertEqual(same, .object(top))
    }
}
