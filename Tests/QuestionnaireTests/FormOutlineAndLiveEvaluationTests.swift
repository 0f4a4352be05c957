import Foundation
import XCTest
@testable import Questionnaire
import QuestionnaireLanguage

/// The page-by-page view of a form (`FormOutline`) and of a response being answered
/// (`LiveEvaluation`), which the household pages are built from.
final class FormOutlineAndLiveEvaluationTests: XCTestCase {
    /// The census form as it was before issue 10 (version 2021.1), frozen with the journey
    /// tests: these tests check the outline's mechanics page by page against its known pages.
    static func census() throws -> Schema {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let text = try String(contentsOf: root.appendingPathComponent("Tests/CollectionServerTests/Forms/census-household-2021-1.census"), encoding: .utf8)
        let result = Compiler.compile(SourceFile(name: "census-household-2021-1.census", text: text))
        return try XCTUnwrap(result.schema, result.render())
    }

    func testTheCensusOutlineFollowsTheFlow() throws {
        let outline = FormOutline(schema: try Self.census())
        let summary = outline.parts.map { part -> String in
            switch part {
            case .page(let p): return "page:" + p.id
            case .roster(let id, let form): return "roster:\(id)[\(form.map(\.id).joined(separator: ","))]"
            case .relationships(let id, let roster, let qs): return "relationships:\(id)/\(roster)[\(qs.joined(separator: ","))]"
            case .memberSection(let id, let roster, let pages): return "section:\(id)/\(roster)(\(pages.count))"
            }
        }
        XCTAssertEqual(Array(summary.prefix(8)), [
            "page:lives_here", "page:who_else", "page:household_size", "roster:residents[person_names]",
            "page:any_visitors", "page:visitor_count", "roster:visitors[visitor_names]",
            "relationships:household_relationships/residents[relationship]",
        ])
        XCTAssertTrue(summary.contains("page:tenure"))
        XCTAssertTrue(summary.contains { $0.hasPrefix("section:individual/residents") })
        XCTAssertEqual(summary.last, "section:visitor_details/visitors(5)")
        // A page container keeps its questions together; a question outside one is a page.
        guard case .roster(_, let form) = outline.parts[3] else { return XCTFail() }
        XCTAssertEqual(form[0].questions, ["first_name", "middle_names", "last_name"])
        guard let individual = outline.parts.first(where: { $0.id == "individual" }), case .memberSection(_, _, let pages) = individual else { return XCTFail() }
        XCTAssertEqual(pages.prefix(3).map(\.id), ["is_you", "dob", "sex"])
        XCTAssertEqual(pages.first { $0.id == "job" }?.questions, ["job_title", "job_description"])
        XCTAssertEqual(pages.first { $0.id == "sex" }?.sections, ["individual", "personal"])
        // Every question is asked somewhere, exactly once.
        XCTAssertEqual(Set(outline.questionHome.keys), Set(outline.schema.questions.map(\.id)))
    }

    func testChecksBelongToThePageTheirAnswersAreCompleteOn() throws {
        let outline = FormOutline(schema: try Self.census())
        func home(_ check: String) -> String? {
            guard let h = outline.checkHomes[check] else { return nil }
            return outline.parts[h.part].id + (h.page.map { "/" + $0 } ?? "")
        }
        // Reads lives_here and the roster: asked on the list, not on the first page.
        XCTAssertEqual(home("respondent_not_listed"), "residents")
        XCTAssertEqual(home("household_size_mismatch"), "residents")
        XCTAssertEqual(home("visitor_count_mismatch"), "visitors")
        // Per member: the page of the latest answer it reads.
        XCTAssertEqual(home("confirm_age"), "individual/dob")
        XCTAssertEqual(home("very_old"), "individual/dob")
    }

    func testALiveEvaluationAnswersPageByPageQuestions() throws {
        let schema = try Self.census()
        let evaluator = try Evaluator(schema: schema)
        let response: JSONValue = [
            "schema": ["id": .string(schema.id), "hash": .string(schema.hash)], "channel": "online",
            "lives_here": "yes", "household_size": 1,
            "residents": [
                ["first_name": "Rhys", "last_name": "Rees", "is_you": "yes", "dob": "1990-06-15"],
                ["first_name": "Edith", "last_name": "Rees", "is_you": "no", "dob": "1916-12-01"],
                ["first_name": "Baby", "last_name": "Rees", "is_you": "no", "dob": "2020-12-01", "sex": "elsewhere"],
            ],
        ]
        let live = LiveEvaluation(evaluator: evaluator, response: response, language: "cy")
        XCTAssertEqual(live.language, "cy")
        XCTAssertEqual(live.memberCount(of: "residents"), 3)
        // Routing by age, per member.
        XCTAssertTrue(live.applies(question: "marital", at: .member(roster: "residents", position: 1)))
        XCTAssertFalse(live.applies(question: "marital", at: .member(roster: "residents", position: 3)))
        XCTAssertFalse(live.applies(question: "marital", at: .member(roster: "residents", position: 4)), "no such member")
        XCTAssertFalse(live.applies(question: "marital", at: .household), "another scope")
        XCTAssertTrue(live.applies(container: "household_relationships", at: .household))
        XCTAssertEqual(live.derivedValue("age", at: .member(roster: "residents", position: 2)), .int(104))
        // Piping and the self/proxy wording, in the chosen language.
        let dob = schema.questions.first { $0.id == "dob" }!
        XCTAssertEqual(live.text(dob.label, at: .member(roster: "residents", position: 1), container: dob.container), "Beth yw eich dyddiad geni?")
        XCTAssertEqual(live.text(dob.label, at: .member(roster: "residents", position: 2), container: dob.container), "Beth yw dyddiad geni Edith Rees?")
        let relationship = schema.questions.first { $0.id == "relationship" }!
        XCTAssertEqual(live.text(["en": "{person.name} is {other.name}'s ..."], at: .pair(roster: "residents", person: 3, other: 1)), "Baby Rees is Rhys Rees's ...")
        XCTAssertFalse(live.text(relationship.label, at: .pair(roster: "residents", person: 2, other: 1)).isEmpty)
        // Findings about one answer, and checks at one member.
        XCTAssertEqual(live.findings(question: "sex", at: .member(roster: "residents", position: 3)).map(\.code), ["invalid_option"])
        XCTAssertEqual(live.findings(question: "sex", at: .member(roster: "residents", position: 1)), [])
        XCTAssertTrue(live.checkFires("confirm_age", at: .member(roster: "residents", position: 2)))
        XCTAssertFalse(live.checkFires("confirm_age", at: .member(roster: "residents", position: 1)))
        XCTAssertFalse(live.isConfirmed("confirm_age", at: .member(roster: "residents", position: 2)))
        XCTAssertEqual(live.message(ofCheck: "confirm_age", at: .member(roster: "residents", position: 2)), "Mae Edith Rees yn 104 oed. Ydy hyn yn gywir?")
        XCTAssertTrue(live.checkFires("household_size_mismatch", at: .household))

        var confirmed = response
        if case .object(var o) = confirmed { o["confirmations"] = ["confirm_age": [2]]; confirmed = .object(o) }
        let after = LiveEvaluation(evaluator: evaluator, response: confirmed)
        XCTAssertTrue(after.isConfirmed("confirm_age", at: .member(roster: "residents", position: 2)))
        XCTAssertFalse(after.evaluation.findings.contains { $0.code == "confirm.confirm_age" })
        XCTAssertEqual(after.language, "en")
    }
}
