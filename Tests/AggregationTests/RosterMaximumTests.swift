import Foundation
import Questionnaire
import XCTest
@testable import Aggregation

/// A return stored with more roster members than the form allows (a paper return is stored
/// whatever its findings) is exported with the roster's maximum of people and their pairs, not
/// every entry: 1,000 entries sent through the API once exported 500 people and 124,750
/// relationship rows for one household (found by trying the API with a hostile body).
final class RosterMaximumTests: XCTestCase {
    func testMembersPastTheRostersMaximumAreNotExported() async throws {
        let census = try TestCensus(self, households: 6)
        let maximum = censusSchema.containers.first { $0.id == "residents" }?.maxMembers ?? 30
        var listed = 0
        let outcome = try await census.send(0, .paper) { top in
            guard let first = top["residents"]?.arrayValue?.first else { return }
            // Forty copies of a real person, then junk that is not a person at all.
            let entries = Array(repeating: first, count: maximum + 10) + Array(repeating: JSONValue.string("x"), count: 600)
            listed = entries.count
            top["residents"] = .array(entries)
            top["household_size"] = .integer(entries.count)
        }
        XCTAssertTrue(outcome.evaluation.findings.contains { $0.code == "roster_size" }, "the evaluator says the roster is too long")
        XCTAssertGreaterThan(listed, maximum)
        try await census.send(1, .submitted)

        let out = census.directory.appendingPathComponent("out")
        var options = census.options(out)
        options.unprotected = true
        let summary = try Aggregator.run(options)
        XCTAssertEqual(summary.households, 2)
        let id = census.homes[0].householdID
        let people = try rows(out, table: "residents", format: "ndjson").compactMap { try? JSONParser.parse(Array($0.utf8)) }
            .filter { $0["household_id"]?.stringValue == id }
        XCTAssertEqual(people.count, maximum, "the roster's maximum, not the \(listed) entries")
        XCTAssertEqual(people.compactMap { $0["person_number"]?.intValue }.max(), maximum)
        let pairs = try rows(out, table: "household_relationships", format: "ndjson").compactMap { try? JSONParser.parse(Array($0.utf8)) }
            .filter { $0["household_id"]?.stringValue == id }
        XCTAssertGreaterThan(pairs.count, 0)
        XCTAssertLessThanOrEqual(pairs.count, maximum * (maximum - 1) / 2)
        XCTAssertTrue(pairs.allSatisfy { ($0["person_number"]?.intValue ?? .max) <= maximum && ($0["other_person_number"]?.intValue ?? .max) <= maximum },
                      "no pair names a person past the maximum")
    }
}
