import CensusTestSupport
import Foundation
import XCTest
@testable import Aggregation

/// An interrupted run (kill -9, Ctrl-C) leaves the previous outputs whole, and nothing
/// half-written that looks complete; the next run starts cleanly.
final class InterruptionTests: XCTestCase {
    /// The `census` executable built beside the tests.
    func censusExecutable() throws -> URL {
        var candidates: [URL] = []
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(dir.appendingPathComponent("census"))
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/census"))
        for c in candidates where FileManager.default.isExecutableFile(atPath: c.path) { return c }
        throw XCTSkip("census is not built beside the tests (swift build builds it)")
    }

    func testAKilledOrInterruptedRunLeavesThePreviousOutputsWhole() async throws {
        let census = try TestCensus(self, households: 600)
        try await census.collect()
        let out = census.directory.appendingPathComponent("out")
        let first = try Aggregator.run(census.options(out))
        let manifest = try Data(contentsOf: out.appendingPathComponent("manifest.json"))
        let census_ = try censusExecutable()

        for signal in [SIGKILL, SIGINT] {
            let process = Process()
            process.executableURL = census_
            process.arguments = ["aggregate", "--dir", census.directory.path, "--out", out.path, "--full", "--quiet", "--workers", "1"]
            process.standardError = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            // Wait until the new generation is being written, then interrupt it.
            let deadline = Date().addingTimeInterval(20)
            let runs = out.appendingPathComponent("runs")
            while Date() < deadline {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []
                if names.contains(where: { $0.hasSuffix(".partial") }),
                   let files = FileManager.default.enumerator(atPath: runs.appendingPathComponent(names.first { $0.hasSuffix(".partial") }!).path)?.allObjects,
                   files.count > 10 { break }
                usleep(2_000)
            }
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationReason, signal == SIGKILL ? .uncaughtSignal : .exit)
            if signal == SIGINT { XCTAssertEqual(process.terminationStatus, 130) }

            // The previous run is what readers see, whole.
            XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("manifest.json")), manifest)
            XCTAssertTrue(try ExportVerifier.verify(out).isIntact)
            let names = try FileManager.default.contentsOfDirectory(atPath: runs.path)
            // Nothing that looks complete: at most a `.partial` directory (Ctrl-C removes it).
            for name in names where name != "000001" { XCTAssertTrue(name.hasSuffix(".partial"), name) }
            if signal == SIGINT { XCTAssertEqual(names, ["000001"]) }
            if signal == SIGKILL {
                // A kill -9 leaves the partial generation; the next run removes it (checked below,
                // after the SIGINT round, which must not find this one).
                XCTAssertEqual(names.filter { $0.hasSuffix(".partial") }.count, 1)
                try FileManager.default.moveItem(at: runs.appendingPathComponent(names.first { $0.hasSuffix(".partial") }!),
                                                 to: census.directory.appendingPathComponent("left-by-kill"))
            }
        }
        try FileManager.default.moveItem(at: census.directory.appendingPathComponent("left-by-kill"),
                                         to: out.appendingPathComponent("runs/000002.partial"))
        let next = try Aggregator.run(census.options(out))
        XCTAssertEqual(next.run, first.run + 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("runs").path).sorted(), ["000001", "000002"])
        XCTAssertTrue(try ExportVerifier.verify(out).isIntact)
    }

    func testAnOutputDirectoryHoldingOtherFilesIsRefused() throws {
        let dir = try makeTempDirectory(self)
        try Data("x".utf8).write(to: dir.appendingPathComponent("thesis.docx"))
        XCTAssertThrowsError(try OutputDirectory(dir)) { error in
            XCTAssertTrue("\(error)".contains("the directory holds other files (thesis.docx): give a new"), "\(error)")
        }
    }
}
