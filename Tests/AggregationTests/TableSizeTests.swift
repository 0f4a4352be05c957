import Foundation
import XCTest
@testable import Aggregation

/// A table definition too large to tabulate is refused with what to change, before anything is
/// allocated or written (found trying it: two dimensions of 20,000 age bands each asked for
/// 38 GB, and the run was killed by the allocator, leaving a partial directory).
final class TableSizeTests: XCTestCase {
    func testATableWithTooManyCellsIsRefusedSayingWhy() async throws {
        let census = try TestCensus(self, households: 6)
        try await census.send(0, .submitted)
        let bands: [[Int?]] = (0..<20_000).map { [$0, $0] }
        var options = census.options(census.directory.appendingPathComponent("out"))
        options.tables = TableDefinitions(tables: [TableDefinition(id: "t1", title: "x", unit: "residents", dimensions: [
            TableDimension(variable: "age", bands: bands), TableDimension(variable: "age", bands: bands)])])
        XCTAssertThrowsError(try Aggregator.run(options)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("cells per local authority"), text)
            XCTAssertTrue(text.contains("at most \(Tabulator.maximumCellsPerTable)"), text)
        }
        let runs = census.directory.appendingPathComponent("out/runs")
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? [], [], "nothing half-written")

        // Many tables each within the limit, too many together.
        let wide: [[Int?]] = (0..<4_000).map { [$0, $0] }
        options.tables = TableDefinitions(tables: (0..<30).map { TableDefinition(id: "t\($0)", title: "x", unit: "residents", dimensions: [
            TableDimension(variable: "age", bands: wide)]) })
        XCTAssertThrowsError(try Aggregator.run(options)) { error in
            XCTAssertTrue("\(error)".contains("cells per local authority together"), "\(error)")
        }
        // The census defaults are well within both.
        options.tables = TableDefinitions.censusDefaults
        XCTAssertNoThrow(try Aggregator.run(options))
    }
}
