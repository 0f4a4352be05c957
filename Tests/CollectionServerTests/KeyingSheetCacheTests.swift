import Foundation
import Questionnaire
import XCTest
@testable import CollectionServer

/// The keying sheets kept for every household with the same person counts and variant: a
/// kept sheet draws, for each household, the very page one built for that household would.
final class KeyingSheetCacheTests: XCTestCase {
    static let address = "Flat 2 & 3, O'Neil's \"Yard\" <Rear>, Leeds"

    func testAKeptSheetDrawsThePageOfASheetBuiltForTheHousehold() async throws {
        let schema = try ServerFixture.form("census-household")
        let evaluator = try Evaluator(schema: schema)
        let templates = try await Templates.load()
        let cache = KeyingSheetCache()
        let key = KeyingSheetCache.Key(counts: KeyingSheet.clampedCounts(schema: schema, requested: ["residents": 3]), variant: nil, language: "en")
        var built = 0, drawn = 0
        func kept(_ address: String) throws -> (KeyingSheetPage, String) {
            let sheet = cache.sheet(key) {
                built += 1
                return KeyingSheet(schema: schema, evaluator: evaluator, counts: key.counts, variant: nil, address: KeyingSheet.addressMark, language: "en")
            }
            let page = KeyingSheetPage(sheet, address: address)
            var summary: [[String: String]] = []
            let parts = try cache.blankSections(key) {
                drawn += 1
                return try page.sections(templates, posted: nil, errors: [:], warnings: [:], summary: &summary)
            }
            return (page, page.filled(parts))
        }
        func own(_ address: String) throws -> (KeyingSheetPage, String) {
            let sheet = KeyingSheet(schema: schema, evaluator: evaluator, counts: ["residents": 3], variant: nil, address: address, language: "en")
            let page = KeyingSheetPage(sheet, address: address)
            var summary: [[String: String]] = []
            return (page, try page.sections(templates, posted: nil, errors: [:], warnings: [:], summary: &summary))
        }

        let (_, first) = try kept(Self.address)
        let (_, expected) = try own(Self.address)
        XCTAssertEqual(first, expected)
        XCTAssertTrue(first.contains("Do you usually live at Flat 2 &amp; 3, O&#39;Neil&#39;s &quot;Yard&quot; &lt;Rear&gt;, Leeds?"),
                      "the household's address, escaped, in the questions that pipe it")
        XCTAssertFalse(first.contains(KeyingSheet.addressMark))
        XCTAssertTrue(first.contains("name=\"residents.2.first_name\""))

        let (_, second) = try kept("1 High Street, York")
        XCTAssertEqual(second, try own("1 High Street, York").1)
        XCTAssertTrue(second.contains("Do you usually live at 1 High Street, York?"))
        XCTAssertFalse(second.contains("Leeds"))
        XCTAssertEqual(built, 1, "one sheet for both households")
        XCTAssertEqual(drawn, 1, "drawn once, the address filled in for each")

        // A post with errors is drawn again, from the kept sheet, as from the household's own.
        let posted = FormFields([("residents.0.first_name", "Ann"), ("residents.0.dob-day", "40"), ("lives_here", "9")])
        let errors = ["residents.0.dob": "Enter a real date", "lives_here": "9 is not a code of this question: type 1 to 2"]
        let (keptPage, _) = try kept(Self.address)
        let (ownPage, _) = try own(Self.address)
        var keptSummary: [[String: String]] = [], ownSummary: [[String: String]] = []
        let keptHTML = try keptPage.filled(keptPage.sections(templates, posted: posted, errors: errors, warnings: ["residents.0.sex": ["Missing"]], summary: &keptSummary)
            .components(separatedBy: KeyingSheet.addressMark))
        let ownHTML = try ownPage.sections(templates, posted: posted, errors: errors, warnings: ["residents.0.sex": ["Missing"]], summary: &ownSummary)
        XCTAssertEqual(keptHTML, ownHTML)
        XCTAssertTrue(keptHTML.contains("value=\"Ann\""))
        XCTAssertEqual(keptSummary, ownSummary)
        XCTAssertEqual(keptSummary.count, 2)
        XCTAssertTrue(keptSummary.contains { $0["text"]?.contains("Flat 2 & 3") == true }, "\(keptSummary)")
    }

    /// A finding is shown at the field whose path is the longest start of the finding's,
    /// ending at a `.` or `[` (never at a longer name that merely begins the same).
    func testAFindingIsPlacedAtItsField() throws {
        let schema = try ServerFixture.form("census-household")
        let sheet = KeyingSheet(schema: schema, evaluator: try Evaluator(schema: schema), counts: ["residents": 3], variant: nil,
                                address: "1 High Street", language: "en")
        XCTAssertEqual(sheet.field(for: "$.residents[0].dob")?.name, "residents.0.dob")
        XCTAssertEqual(sheet.field(for: "$.residents[2].dob.year")?.name, "residents.2.dob")
        XCTAssertEqual(sheet.field(for: "$.residents[1].country_of_birth[0]")?.name, "residents.1.country_of_birth")
        XCTAssertEqual(sheet.field(for: "$.household_relationships[2].relationship")?.name, "household_relationships.2.relationship")
        XCTAssertEqual(sheet.field(for: "$.lives_here")?.name, "lives_here")
        XCTAssertNil(sheet.field(for: "$.residents[3].dob"), "no fourth person block")
        XCTAssertNil(sheet.field(for: "$.lives_here_too"))
        XCTAssertNil(sheet.field(for: "$"))
        // The same answer as a walk over every field (the rule as first written).
        for field in sheet.fields {
            for path in [field.presented.path, field.presented.path + ".x", field.presented.path + "[1]", field.presented.path + "x"] {
                let walked = sheet.fields.filter { path == $0.presented.path || path.hasPrefix($0.presented.path + ".") || path.hasPrefix($0.presented.path + "[") }
                    .max { $0.presented.path.count < $1.presented.path.count }
                XCTAssertEqual(sheet.field(for: path)?.name, walked?.name, path)
            }
        }
    }

    func testKeptSheetsAreBounded() throws {
        let schema = try ServerFixture.form("census-household")
        let evaluator = try Evaluator(schema: schema)
        let cache = KeyingSheetCache(limit: 2)
        for n in 1...5 {
            let key = KeyingSheetCache.Key(counts: KeyingSheet.clampedCounts(schema: schema, requested: ["residents": n]), variant: nil, language: "en")
            let sheet = cache.sheet(key) {
                KeyingSheet(schema: schema, evaluator: evaluator, counts: key.counts, variant: nil, address: KeyingSheet.addressMark, language: "en")
            }
            XCTAssertEqual(sheet.counts["residents"], n)
            XCTAssertLessThanOrEqual(cache.count, 2)
        }
        XCTAssertEqual(KeyingSheet.clampedCounts(schema: schema, requested: ["residents": 999, "nonsense": 3])["residents"],
                       KeyingSheet.rosters(of: schema, language: "en").first { $0.id == "residents" }?.maxMembers)
        XCTAssertNil(KeyingSheet.clampedCounts(schema: schema, requested: ["nonsense": 3])["nonsense"])
    }
}
