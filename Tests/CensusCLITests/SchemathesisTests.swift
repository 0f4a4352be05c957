import CensusTestSupport
import Foundation
import XCTest

/// schemathesis (PyPI) fuzzes the API of a real `census serve` from the OpenAPI document it
/// serves: no server errors, and no response that breaks the document (status codes, content
/// types, headers, bodies), for valid and invalid requests alike.
///
/// Skipped when schemathesis is not installed, unless `CENSUS_REQUIRE_PYTHON_TOOLS=1`
/// (`.ci/run` installs it and sets that).
final class SchemathesisTests: XCTestCase {
    static func schemathesis() -> String? {
        var candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/schemathesis" }
        let cache = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")
        candidates.append(cache + "/census-ci-venv/bin/schemathesis")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func testTheAPIKeepsToItsOpenAPIDocumentUnderFuzzing() throws {
        guard let tool = Self.schemathesis() else {
            if ProcessInfo.processInfo.environment["CENSUS_REQUIRE_PYTHON_TOOLS"] == "1" {
                XCTFail("schemathesis is not installed (.ci/run installs it)")
                return
            }
            throw XCTSkip("schemathesis is not installed (pip install schemathesis==4.32.5; .ci/run does it)")
        }
        let served = try ServedStore()
        defer { served.remove() }
        let base = try served.start()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = [
            "run", base.appendingPathComponent("api/v1/openapi.json").absoluteString,
            "--header", "Authorization: Bearer \(served.ingestToken)",
            "--checks", "all",
            // Not applicable here: a body that fits the schema is not necessarily a valid
            // census response (positive data), and the API has no resources to create and delete.
            "--exclude-checks", "positive_data_acceptance,use_after_free,ensure_resource_availability",
            "--phases", "examples,coverage,fuzzing",
            "--max-examples", "40", "--seed", "2021", "--workers", "2",
            "--request-timeout", "10", "--suppress-health-check", "all", "--no-color",
        ]
        process.currentDirectoryURL = served.root
        var environment = ProcessInfo.processInfo.environment
        environment["SCHEMATHESIS_TELEMETRY"] = "false"
        process.environment = environment
        let log = served.root.appendingPathComponent("schemathesis.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = process.standardOutput
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Bounded: a watchdog stops it after 10 minutes.
        let deadline = Date().addingTimeInterval(600)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        XCTAssertEqual(process.terminationStatus, 0, "schemathesis found problems:\n\(output.suffix(20_000))")
        XCTAssertTrue(output.contains("passed") || output.contains("Passed"), output.suffix(4000).description)
        XCTAssertEqual(served.stop(SIGTERM), 0, "the server survived the fuzzing and stopped cleanly")
    }
}
