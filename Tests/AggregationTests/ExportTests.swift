import CensusTestSupport
import Foundation
import Questionnaire
import ResponseStore
import XCTest
@testable import Aggregation

/// The export: counts that match what was sent, a manifest that verifies, any changed byte
/// caught, spreadsheets kept from running formulas, readable by DuckDB.
final class ExportTests: XCTestCase {
    func testCountsMatchTheTruthBeforeProtection() async throws {
        let census = try TestCensus(self)
        try await census.collect()
        let out = census.directory.appendingPathComponent("out")
        var options = census.options(out)
        options.unprotected = true
        let summary = try Aggregator.run(options)

        // The truth, from what was sent: a household returned when it sent a submission or paper.
        var returned = 0, residents = 0, online = 0
        var tenure: [String: Int] = [:]
        for (_, versions) in census.sent {
            guard let first = versions.first(where: { $0.kind != .partial }) else { continue }
            returned += 1
            if first.kind == .submitted { online += 1 }
            let body = versions.last { $0.kind != .partial }!.body
            residents += body["residents"]?.arrayValue?.count ?? 0
            tenure[body["tenure"]?.stringValue ?? "no_answer", default: 0] += 1
        }
        XCTAssertGreaterThan(returned, 150)
        XCTAssertEqual(summary.households, returned)
        XCTAssertEqual(summary.rows.first { $0.table == "residents" }?.rows, residents)
        XCTAssertEqual(try rows(out, table: "households", format: "ndjson").count, returned)
        XCTAssertEqual(try rows(out, table: "households", format: "csv").count, returned)
        XCTAssertEqual(try rows(out, table: "residents", format: "csv").count, residents)

        // Unprotected tables: exact, and marked.
        let table = try String(contentsOf: out.appendingPathComponent("tables/UNPROTECTED-tenure.csv"), encoding: .utf8)
        for (code, count) in tenure {
            XCTAssertTrue(table.contains("\nALL,\(code),"), code)
            let line = table.split(separator: "\n").first { $0.hasPrefix("ALL,\(code),") }!
            XCTAssertTrue(line.hasSuffix(",\(count),UNPROTECTED"), "\(line) should count \(count)")
        }
        let progress = try String(contentsOf: out.appendingPathComponent("progress/local-authorities.csv"), encoding: .utf8)
        let all = progress.split(separator: "\n")[1].split(separator: ",", omittingEmptySubsequences: false)
        XCTAssertEqual(all[0], "ALL")
        XCTAssertEqual(Int(all[2]), census.homes.count)
        XCTAssertEqual(Int(all[3]), returned)
        XCTAssertEqual(Int(all[6]), online)
        let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(report.contains("UNPROTECTED"))
    }

    func testTheManifestVerifiesAndAChangedByteInAnyFileIsCaught() async throws {
        let census = try TestCensus(self, households: 120)
        try await census.collect()
        let out = census.directory.appendingPathComponent("out")
        _ = try Aggregator.run(census.options(out))
        XCTAssertTrue(try ExportVerifier.verify(out).isIntact)

        let manifest = try ExportManifest.read(from: out)
        let chosen = ["export/residents/": "ndjson", "export/households/": "csv", "dictionary/dictionary.csv": "csv",
                      "report.html": "html", "tables/sex.csv": "csv", "progress/daily.csv": "csv"]
        for (prefix, format) in chosen {
            let file = try XCTUnwrap(manifest.files.first { $0.path.hasPrefix(prefix) && $0.format == format }, prefix)
            let url = out.appendingPathComponent("current").appendingPathComponent(file.path)
            let original = try Data(contentsOf: url)
            var changed = original
            changed[changed.count / 2] ^= 0x01
            // Replace the file (it may be a hard link shared with another run).
            try FileManager.default.removeItem(at: url)
            try changed.write(to: url)
            let report = try ExportVerifier.verify(out)
            XCTAssertEqual(report.firstMismatch?.path, file.path)
            XCTAssertFalse(report.isIntact)
            try FileManager.default.removeItem(at: url)
            try original.write(to: url)
        }
        XCTAssertTrue(try ExportVerifier.verify(out).isIntact)

        // A file cut short, a file removed, a file added: each is caught.
        let gz = try XCTUnwrap(manifest.files.first { $0.path.hasSuffix(".csv.gz") })
        let url = out.appendingPathComponent("current").appendingPathComponent(gz.path)
        let original = try Data(contentsOf: url)
        try FileManager.default.removeItem(at: url)
        try original.prefix(original.count - 10).write(to: url)
        XCTAssertEqual(try ExportVerifier.verify(out).firstMismatch?.path, gz.path)
        try FileManager.default.removeItem(at: url)
        XCTAssertEqual(try ExportVerifier.verify(out).firstMismatch?.problem, "missing or unreadable")
        try original.write(to: url)
        try Data("x".utf8).write(to: out.appendingPathComponent("current/export/residents/extra.csv.gz"))
        XCTAssertEqual(try ExportVerifier.verify(out).unlisted, ["export/residents/extra.csv.gz"])
    }

    func testCSVCellsThatASpreadsheetWouldRunAreNeutralised() async throws {
        let census = try TestCensus(self, households: 20)
        let names = ["=HYPERLINK(\"http://x/?\"&A1)", "+SUM(1)", "-2+3", "@cmd", "Ann, \"Nan\""]
        for (k, name) in names.enumerated() {
            try await census.send(k + 1, .submitted) { top in
                guard case .array(var members)? = top["residents"], case .object(var first)? = members.first else { return }
                first["first_name"] = .string(name)
                members[0] = .object(first)
                top["residents"] = .array(members)
            }
        }
        let out = census.directory.appendingPathComponent("out")
        _ = try Aggregator.run(census.options(out))
        let csv = try rows(out, table: "residents", format: "csv").joined(separator: "\n")
        XCTAssertTrue(csv.contains(",\"'=HYPERLINK(\"\"http://x/?\"\"&A1)\","), csv)
        XCTAssertTrue(csv.contains(",'+SUM(1),"))
        XCTAssertTrue(csv.contains(",'-2+3,"))
        XCTAssertTrue(csv.contains(",'@cmd,"))
        XCTAssertTrue(csv.contains(",\"Ann, \"\"Nan\"\"\","))
        // Numbers are numbers, and NDJSON keeps the text as it was given.
        XCTAssertFalse(csv.contains(",'-1,"))
        let json = try rows(out, table: "residents", format: "ndjson").joined(separator: "\n")
        XCTAssertTrue(json.contains("\"first_name\":\"=HYPERLINK(\\\"http://x/?\\\"&A1)\""))
        XCTAssertTrue(json.contains("\"first_name\":\"-2+3\""))
    }

    /// The export read as it is by DuckDB (from PyPI), with pandas: the same counts as the manifest.
    func testDuckDBAndPandasReadTheExportsWithTheSameCounts() async throws {
        guard PythonTools.available(["duckdb", "pandas"]) else {
            if ProcessInfo.processInfo.environment["CENSUS_REQUIRE_PYTHON_TOOLS"] != nil { XCTFail("python3 with duckdb and pandas is required (.ci/run installs them)") }
            throw XCTSkip("python3 with duckdb and pandas is not installed (pip install duckdb pandas)")
        }
        let census = try TestCensus(self, households: 150)
        try await census.collect()
        let out = census.directory.appendingPathComponent("out")
        _ = try Aggregator.run(census.options(out))
        let manifest = try ExportManifest.read(from: out)
        let script = packageRoot.appendingPathComponent("Tests/AggregationTests/Browser/read_exports.py")
        let output = try PythonTools.run([script.path, out.path])
        let counts = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: [String: Int]]
        for table in manifest.tables where table.rows > 0 {
            XCTAssertEqual(counts[table.name]?["duckdb_ndjson"], table.rows, table.name)
            XCTAssertEqual(counts[table.name]?["duckdb_csv"], table.rows, table.name)
            XCTAssertEqual(counts[table.name]?["pandas_csv"], table.rows, table.name)
            XCTAssertEqual(counts[table.name]?["pandas_ndjson"], table.rows, table.name)
            XCTAssertEqual(counts[table.name]?["columns_csv"], table.columns.count, table.name)
        }
        XCTAssertEqual(counts["residents"]?["distinct_keys"], manifest.tables.first { $0.name == "residents" }?.rows)
    }
}

/// python3 and its packages, for the tests that read the outputs with real tools.
enum PythonTools {
    static func available(_ modules: [String]) -> Bool {
        (try? run(["-c", "import " + modules.joined(separator: ", ")])) != nil
    }

    /// Runs python3 with `arguments`; returns standard output, throws on a non-zero exit.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        struct Failed: Error, CustomStringConvertible { var description: String }
        guard process.terminationStatus == 0 else {
            throw Failed(description: "python3 \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
