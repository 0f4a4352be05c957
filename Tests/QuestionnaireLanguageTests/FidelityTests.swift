import Foundation
import Questionnaire
import XCTest

@testable import QuestionnaireLanguage

/// docs/census-2021-fidelity.md accounts for the production 2021 schema block by block: every
/// block of the reference that asks something has a row, and every question a row names is a
/// question of our form. The reference is read from `../shared/reference/` beside the checkout
/// (or one level further up, for a worktree), and the comparison is skipped, with a note, when
/// it is not there: it is reference data, not part of the repository.
final class FidelityTests: XCTestCase {
    static let referenceName = "ons-census-2021-household-gb-eng.json"

    static func referenceURL() -> URL? {
        var folder = Support.repositoryRoot
        for _ in 0..<3 {
            folder = folder.deletingLastPathComponent()
            let url = folder.appendingPathComponent("shared/reference/\(referenceName)")
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        return nil
    }

    /// The table rows of the fidelity page: the reference block (first cell) and our ids (second cell).
    static func rows() throws -> [(block: String, ours: [String])] {
        let text = try String(contentsOf: Support.repositoryRoot.appendingPathComponent("docs/census-2021-fidelity.md"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 3, let block = cells[1].firstMatch(of: /^`([a-z0-9-]+)`/) else { return nil }
            let ours = cells[2].matches(of: /`([a-z0-9_]+)`/).map { String($0.1) }
            return (String(block.1), ours)
        }
    }

    func testEveryReferenceBlockThatAsksSomethingHasARow() throws {
        guard let url = Self.referenceURL() else {
            throw XCTSkip("the reference schema (../shared/reference/\(Self.referenceName)) is not beside this checkout: the table is not compared with it")
        }
        let reference = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var asking: [String] = []
        var content: [String] = []
        for section in reference["sections"] as? [[String: Any]] ?? [] {
            for group in section["groups"] as? [[String: Any]] ?? [] {
                for block in group["blocks"] as? [[String: Any]] ?? [] {
                    guard let id = block["id"] as? String, let type = block["type"] as? String else { continue }
                    if type == "Interstitial" { content.append(id) } else { asking.append(id) }
                }
            }
        }
        XCTAssertGreaterThan(asking.count, 100, "the reference was not read")
        let documented = Set(try Self.rows().map(\.block))
        XCTAssertEqual(asking.filter { !documented.contains($0) }, [], "reference blocks that ask something with no row in docs/census-2021-fidelity.md")
        XCTAssertEqual(content.filter { !documented.contains($0) }, [], "reference content pages with no row")
        let known = Set(asking + content)
        XCTAssertEqual(documented.subtracting(known).sorted(), [], "rows for blocks the reference does not have")
    }

    func testEveryIdTheTableNamesIsInTheForm() throws {
        let schema = try XCTUnwrap(Support.compileForm(try Support.questionnaire("census-household")).schema)
        var ids = Set(schema.questions.map(\.id) + schema.containers.map(\.id) + schema.checks.map(\.id))
        ids.formUnion(["respondent", "self", "variant"])
        let rows = try Self.rows()
        XCTAssertGreaterThan(rows.count, 100)
        for (block, ours) in rows {
            XCTAssertFalse(ours.isEmpty, "row \(block) names nothing of ours")
            // A row names ids of ours and, in its notes, option codes and words of the language.
            XCTAssertTrue(ours.contains { ids.contains($0) }, "row \(block): \(ours) names no question, block or check of the form")
        }
        // Every question of ours is accounted for by some row.
        let named = Set(rows.flatMap(\.ours))
        let ourOwn: Set<String> = ["welsh_skills"]  // the Wales variant's, listed under "Only ours"
        XCTAssertEqual(schema.questions.map(\.id).filter { !named.contains($0) && !ourOwn.contains($0) }, [],
            "questions of the form that no row of the fidelity table accounts for")
    }
}
