import CensusTestSupport
import Foundation
import XCTest
@testable import Aggregation

/// The report for people: self-contained, and it renders in a real browser.
final class ReportTests: XCTestCase {
    func testTheReportIsSelfContainedWithTheSameFiguresAsCSV() async throws {
        let census = try TestCensus(self, households: 200)
        try await census.collect()
        let out = census.directory.appendingPathComponent("out")
        _ = try Aggregator.run(census.options(out))
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertFalse(html.contains("<script"), "no script")
        XCTAssertFalse(html.contains("src="), "no external asset")
        XCTAssertFalse(html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http"), "nothing fetched")
        XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 3)
        XCTAssertTrue(html.contains("75.0% online target"))
        // Return rate and online share side by side, and the projection with its method.
        let headline = try String(contentsOf: out.appendingPathComponent("report/headline.csv"), encoding: .utf8)
        let fields = headline.split(separator: "\n")[1].split(separator: ",", omittingEmptySubsequences: false)
        let rate = try XCTUnwrap(Double(fields[3])), share = try XCTUnwrap(Double(fields[4]))
        XCTAssertTrue(html.contains(String(format: "<strong>%.1f%%</strong></td><td class=n><strong>%.1f%%</strong>", rate * 100, share * 100)))
        XCTAssertTrue(html.contains("Projection of the final return rate"))
        let ranked = try String(contentsOf: out.appendingPathComponent("report/return-rates-by-area.csv"), encoding: .utf8)
        XCTAssertEqual(ranked.split(separator: "\n").count, 1 + 8)
        let daily = try String(contentsOf: out.appendingPathComponent("report/daily-returns.csv"), encoding: .utf8)
        let lines = daily.split(separator: "\n").dropFirst()
        let sum = lines.reduce(0) { $0 + Int($1.split(separator: ",")[2])! + Int($1.split(separator: ",")[3])! }
        XCTAssertEqual(sum, Int(fields[2]))
    }

    /// Opens the report in headless Chromium: it renders (charts with a size, a screenshot
    /// that is not blank) and logs no console error.
    func testTheReportRendersInHeadlessChromium() async throws {
        guard PythonTools.available(["selenium"]), FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") else {
            if ProcessInfo.processInfo.environment["CENSUS_REQUIRE_BROWSER"] != nil { XCTFail("chromium, chromium-driver and selenium are required (.ci/run installs them)") }
            throw XCTSkip("chromium-driver or selenium is not installed (apt-get install chromium chromium-driver; pip install selenium)")
        }
        let census = try TestCensus(self, households: 200)
        try await census.collect()
        let out = census.directory.appendingPathComponent("out")
        _ = try Aggregator.run(census.options(out))
        let script = packageRoot.appendingPathComponent("Tests/AggregationTests/Browser/render_report.py")
        let png = census.directory.appendingPathComponent("report.png")
        let summary = try PythonTools.run([script.path, out.appendingPathComponent("report.html").path, png.path])
        XCTAssertTrue(summary.contains("\"errors\": []"), summary)
        XCTAssertGreaterThan(try Data(contentsOf: png).count, 20_000)
    }
}
