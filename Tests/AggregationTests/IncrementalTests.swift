import Foundation
import Questionnaire
import ResponseStore
import XCTest
@testable import Aggregation

/// A run into an earlier run's output reads only what is new and gives what a full run gives.
final class IncrementalTests: XCTestCase {
    func testAnIncrementalRunEqualsAFullRunIncludingAHouseholdWhoseAuthoritativeReturnChanged() async throws {
        let census = try TestCensus(self, households: 300)
        // A household that submits online with answers left out, and later again complete.
        let changing = 4
        try await census.send(changing, .submitted, day: -3) { top in
            for key in ["cars", "bedrooms", "central_heating"] { top[key] = nil }
        }
        // A household that sends paper first, and is counted from it, then answers online.
        let paperFirst = 6
        try await census.send(paperFirst, .paper, day: -1) { top in top["cars"] = nil }
        try await census.collect(from: 10..<150)
        let incremental = census.directory.appendingPathComponent("incremental")
        let first = try Aggregator.run(census.options(incremental))
        XCTAssertEqual(first.kind, "full")
        let changingID = census.homes[changing].householdID
        let before = try rows(incremental, table: "households", format: "csv").filter { $0.hasPrefix(changingID + ",") }
        XCTAssertEqual(before.count, 1)

        // New returns, and the two households' later returns.
        let later = try await census.send(changing, .submitted, day: 2)
        try await census.send(paperFirst, .submitted, day: 3)
        try await census.collect(from: 150..<300)
        let versions = try census.store.versions(of: changingID)
        XCTAssertEqual(AuthoritativeReturn.choose(from: versions)?.receiptID, later.receipt.receiptID, "the second submission must now be authoritative")

        let second = try Aggregator.run(census.options(incremental))
        XCTAssertEqual(second.kind, "incremental")
        XCTAssertLessThan(second.householdsRead, census.homes.count / 2 + 10, "an incremental run reads only households with new versions")
        let full = census.directory.appendingPathComponent("full")
        let whole = try Aggregator.run(census.options(full))
        XCTAssertEqual(whole.kind, "full")

        for table in ["households", "residents", "visitors", "household_relationships"] {
            for format in ["ndjson", "csv"] {
                XCTAssertEqual(try rows(incremental, table: table, format: format), try rows(full, table: table, format: format), "\(table) \(format)")
            }
        }
        let a = try outputFiles(incremental), b = try outputFiles(full)
        XCTAssertEqual(Set(a.keys), Set(b.keys))
        for (path, data) in a { XCTAssertEqual(data, b[path], path) }

        // Replaced, not counted twice: one row, from the new return.
        let after = try rows(incremental, table: "households", format: "csv").filter { $0.hasPrefix(changingID + ",") }
        XCTAssertEqual(after.count, 1)
        XCTAssertTrue(after[0].contains(later.receipt.receiptID), after[0])
        XCTAssertNotEqual(before, after)
        XCTAssertEqual(second.households, whole.households)
        XCTAssertTrue(try ExportVerifier.verify(incremental).isIntact)
        XCTAssertTrue(try ExportVerifier.verify(full).isIntact)
    }

    func testARunWithNothingNewReadsNothingAndChangesNoFigure() async throws {
        let census = try TestCensus(self, households: 80)
        try await census.collect()
        let out = census.directory.appendingPathComponent("out")
        _ = try Aggregator.run(census.options(out))
        let before = try outputFiles(out)
        let again = try Aggregator.run(census.options(out))
        XCTAssertEqual(again.kind, "incremental")
        XCTAssertEqual(again.householdsRead, 0)
        XCTAssertEqual(try outputFiles(out), before)
        XCTAssertTrue(try ExportVerifier.verify(out).isIntact)
        // One previous generation is kept, older ones are removed.
        _ = try Aggregator.run(census.options(out))
        let runs = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("runs").path).sorted()
        XCTAssertEqual(runs, ["000002", "000003"])
    }

    func testAChangedFormOrTablesMakeAFullRunAndSaySo() async throws {
        let census = try TestCensus(self, households: 60)
        try await census.collect()
        let out = census.directory.appendingPathComponent("out")
        XCTAssertEqual(try Aggregator.run(census.options(out)).reason, "first run into this output")
        var options = census.options(out)
        options.tables = TableDefinitions(tables: [TableDefinitions.censusDefaults.tables[2]])
        let run = try Aggregator.run(options)
        XCTAssertEqual(run.kind, "full")
        XCTAssertEqual(run.reason, "the table definitions changed")
        options.forceFull = true
        XCTAssertEqual(try Aggregator.run(options).reason, "--full was given")
    }

    /// A state changed since its run (one block offset, found by trying it: the next run failed
    /// with only "not valid gzip data", and verify-export said the output was intact): the
    /// manifest lists the state, verify-export names it, and the next run is a full one that says why.
    func testAChangedStateIsFoundAndTheNextRunIsFull() async throws {
        let census = try TestCensus(self, households: 80)
        try await census.collect(from: 0..<40)
        let out = census.directory.appendingPathComponent("out")
        _ = try Aggregator.run(census.options(out))
        let stateURL = out.appendingPathComponent("current/.state.json")
        let text = try String(contentsOf: stateURL, encoding: .utf8)
        let offset = try XCTUnwrap(text.firstMatch(of: #/"offset":([1-9]\d*)/#))
        let changed = text.replacingCharacters(in: offset.range, with: "\"offset\":\(Int(offset.1)! - 8)")
        try FileManager.default.removeItem(at: stateURL)
        try Data(changed.utf8).write(to: stateURL)
        XCTAssertEqual(try ExportVerifier.verify(out).firstMismatch?.path, ".state.json")

        try await census.collect(from: 40..<80)
        let next = try Aggregator.run(census.options(out))
        XCTAssertEqual(next.kind, "full")
        XCTAssertTrue(next.reason?.hasPrefix("the previous run's state does not match its manifest") == true, next.reason ?? "no reason")
        XCTAssertTrue(try ExportVerifier.verify(out).isIntact)
        let again = try Aggregator.run(census.options(out))
        XCTAssertEqual(again.kind, "incremental", "an intact state is trusted")
    }
}
