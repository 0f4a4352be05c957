import XCTest
import SyntheticCensus
@testable import Questionnaire

/// ``ResponseReader/answer(question:instance:walk:)`` (the aggregator's row reading, a section's
/// routing looked up once per run of its questions) gives what
/// ``ResponseReader/answer(question:instance:)`` gives, question by question, on generated
/// households of the census form (valid ones, and ones with invalid answers and paper returns
/// that routing has to sort out).
final class RoutingWalkTests: XCTestCase {
    var ev: Evaluator { CensusFormTests.evaluator }

    /// For every question of every instance: the walk in flow order on one reader, the
    /// question-by-question look-up in reverse order on another (so neither's memo helps the other).
    func testTheWalkReadsWhatEachLookUpReads() {
        let generator = HouseholdGenerator(evaluator: ev, seed: 19)
        let walking = ResponseReader(evaluator: ev), looking = ResponseReader(evaluator: ev)
        let questions = ev.schema.questions.indices
        var skipped = 0, answered = 0
        for h in 0..<200 {
            let body = JSONWriter().bytes(generator.household(h, invalidRate: h % 3 == 0 ? 0.3 : 0).response)
            XCTAssertTrue(walking.read(bytes: body))
            XCTAssertTrue(looking.read(bytes: body))
            let instances = max(1, ev.rosters.indices.map { walking.memberCount(roster: $0) }.max() ?? 0, pairs(walking))
            for i in 0..<instances {
                var walk = ResponseReader.RoutingWalk()
                let walked = questions.map { walking.answer(question: $0, instance: i, walk: &walk) }
                for q in questions.reversed() {
                    let one = looking.answer(question: q, instance: i)
                    XCTAssertEqual(walked[q].state, one.state, "household \(h), \(ev.schema.questions[q].id), instance \(i)")
                    XCTAssertEqual(walked[q].value, one.value, "household \(h), \(ev.schema.questions[q].id), instance \(i)")
                    if one.state == .skipped { skipped += 1 } else if one.state == .answered { answered += 1 }
                }
            }
        }
        XCTAssertGreaterThan(skipped, 1000, "routing skipped questions")
        XCTAssertGreaterThan(answered, 1000, "answers were read")
    }

    /// One walk carried from instance to instance starts again at each: what a section's routing
    /// was for one person is not taken for the next (a child's employment section is skipped,
    /// an adult's asked).
    func testAWalkCarriedAcrossInstancesStartsAgainAtEach() {
        let generator = HouseholdGenerator(evaluator: ev, seed: 23)
        let walking = ResponseReader(evaluator: ev), looking = ResponseReader(evaluator: ev)
        let scope = ev.questions[ev.schema.questions.firstIndex { $0.id == "dob" }!].scope
        let memberQuestions = ev.schema.questions.indices.filter { ev.questions[$0].scope == scope }
        var compared = 0
        for h in 0..<100 {
            let body = JSONWriter().bytes(generator.household(h).response)
            XCTAssertTrue(walking.read(bytes: body))
            XCTAssertTrue(looking.read(bytes: body))
            let members = walking.memberCount(roster: 0)
            var walk = ResponseReader.RoutingWalk()
            // Member after member for each question: a section's routing for one person is what
            // the walk last looked up when it comes to the next person.
            for q in memberQuestions {
                for i in 0..<members {
                    XCTAssertEqual(walking.answer(question: q, instance: i, walk: &walk).state, looking.answer(question: q, instance: i).state,
                                   "household \(h), \(ev.schema.questions[q].id), member \(i)")
                    compared += 1
                }
            }
        }
        XCTAssertGreaterThan(compared, 10_000)
    }

    private func pairs(_ reader: ResponseReader) -> Int {
        ev.rosters.indices.map { reader.pairCount(roster: $0) }.max() ?? 0
    }
}
