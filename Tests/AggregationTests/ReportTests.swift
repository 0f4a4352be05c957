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

    /// Found by reading a real report: the ranked chart's labels ran past its right edge ("amb"
    /// for amber), and one return received years late squeezed the daily charts into a sliver.
    func testLabelsFitTheirChartAndLateReturnsAreNotedNotDrawn() async throws {
        let census = try TestCensus(self, households: 60)
        for i in 0..<30 { try await census.send(i, i % 4 == 0 ? .paper : .submitted, day: i % 6) }
        try await census.send(40, .paper, day: 6 + Report.lateGapDays + 300)
        let out = census.directory.appendingPathComponent("out")
        _ = try Aggregator.run(census.options(out))
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        // Every text of every chart ends inside its view box (0.6 em a character: wider than
        // the average of a sans-serif face's digits and letters).
        for svg in html.components(separatedBy: "<svg").dropFirst() {
            let width = try XCTUnwrap(Double(svg.firstMatch(of: #/viewBox="0 0 (\d+) /#)?.1 ?? ""))
            for label in svg.matches(of: #/<text x="([\d.]+)"[^>]*font-size="(\d+)"(?![^>]*text-anchor)[^>]*>([^<]*)<\/text>/#) {
                let (x, size, text) = (Double(label.1)!, Double(label.2)!, String(label.3))
                XCTAssertLessThanOrEqual(x + 0.6 * size * Double(text.count), width, "runs past the edge: \(text)")
            }
        }
        // The late return is in the figures and the CSV, noted under the charts, not drawn.
        XCTAssertTrue(html.contains("Not drawn: 1 return received from"), "no note of the late return")
        let drawnDays = html.components(separatedBy: " online</title></rect>").count - 1
        XCTAssertLessThanOrEqual(drawnDays, 7, "the collection's days only")
        let daily = try String(contentsOf: out.appendingPathComponent("report/daily-returns.csv"), encoding: .utf8)
        XCTAssertGreaterThan(daily.split(separator: "\n").count, 300, "every day stays in the CSV")
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
