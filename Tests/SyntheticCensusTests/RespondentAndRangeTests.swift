import Foundation
import XCTest
@testable import Questionnaire
@testable import SyntheticCensus

/// Issue 14: on a form other than the census form, no member was ever the respondent (so the
/// "you" wording was never exercised), and numbers clustered at the bottom of their range (an
/// hours question 0...168 got 0 to 10, so a warning about long hours never fired).
final class RespondentAndRangeTests: XCTestCase {
    func testTheFirstMemberIsTheRespondentOnAnyForm() throws {
        for file in ["questionnaires/communal-establishment.census", "Tests/QuestionnaireLanguageTests/Forms/coverage-survey.census",
                     "Tests/QuestionnaireLanguageTests/Forms/scotland-household.census"] {
            let evaluator = try AnyFormGeneratorTests.evaluator(file: file)
            let generator = HouseholdGenerator(evaluator: evaluator, seed: 4)
            let switches = generator.selfSwitches
            XCTAssertEqual(switches.count, 1, file)
            guard let (question, yes) = switches.first else { continue }
            let id = evaluator.schema.questions[question].id
            var respondents = 0, others = 0
            for i in 0..<30 {
                for roster in evaluator.rosters {
                    let members = generator.household(i).response[roster.id]?.arrayValue ?? []
                    for (m, member) in members.enumerated() {
                        guard let answer = member[id]?.stringValue else { continue }
                        XCTAssertEqual(answer == yes, m == 0, "\(file) household \(i) member \(m)")
                        if answer == yes { respondents += 1 } else { others += 1 }
                    }
                }
            }
            XCTAssertGreaterThan(respondents, 0, file)
            XCTAssertGreaterThan(others, 0, file)
        }
    }

    func testNumbersSpreadOverTheirWholeRange() throws {
        let evaluator = try AnyFormGeneratorTests.evaluator(file: "questionnaires/communal-establishment.census")
        let generator = HouseholdGenerator(evaluator: evaluator, seed: 9)
        var hours: [Int] = []
        for i in 0..<40 {
            for member in generator.household(i).response["residents"]?.arrayValue ?? [] {
                if let h = member["hours_care"]?.intValue { hours.append(h) }
            }
        }
        XCTAssertGreaterThan(hours.count, 20)
        XCTAssertGreaterThan(hours.max() ?? 0, 84, "\(hours)")  // the upper half of 0...168 is reached
        XCTAssertLessThan(hours.min() ?? 168, 84, "\(hours)")
    }
}
