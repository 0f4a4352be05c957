@testable import AddressFrame
import CensusTestSupport
@testable import DurableFiles
import Foundation
import GRDB
@testable import ResponseStore
import SyntheticCensus
import UnfinishedOutput
import XCTest

/// Ctrl-C and SIGTERM during commands that write files, and `census frame generate`'s memory.
final class InterruptionAndStreamingTests: XCTestCase {
    /// Starts `census` in `dir`, waits until `ready` holds (or 60 s), sends `signal`, and
    /// returns the exit status and standard error.
    private func interrupt(_ arguments: [String], in dir: URL, with signal: Int32,
                           when ready: () -> Bool, file: StaticString = #filePath, line: UInt = #line) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = try censusExecutable()
        p.arguments = arguments
        p.currentDirectoryURL = dir
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while !ready() && p.isRunning && Date() < deadline { usleep(2_000) }
        XCTAssertTrue(p.isRunning, "\(arguments) finished before it could be interrupted; make it bigger", file: file, line: line)
        XCTAssertTrue(ready(), "\(arguments) never got ready", file: file, line: line)
        kill(p.processIdentifier, signal)
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .exit, "killed by the signal instead of exiting: \(text)", file: file, line: line)
        return (p.terminationStatus, text)
    }

    private func contents(_ dir: URL) -> [String] {
        let all = (FileManager.default.enumerator(atPath: dir.path)?.allObjects as? [String]) ?? []
        return all.sorted()
    }

    private func exists(_ dir: URL, where test: (String) -> Bool) -> Bool {
        contents(dir).contains(where: test)
    }

    func testInterruptedGenerateLeavesNoTemporaryFileAndNoOutput() throws {
        let dir = try makeTempDirectory(self)
        let schema = packageRoot.appendingPathComponent("fixtures/households/census-household.schema.json").path
        let r = try interrupt(["generate", "--schema", schema, "--households", "10000000", "-o", "out.ndjson"], in: dir, with: SIGINT) {
            exists(dir) { $0.hasPrefix("out.ndjson.tmp-") }
        }
        XCTAssertEqual(r.status, 130, r.stderr)
        XCTAssertEqual(r.stderr, "census: interrupted; removed its unfinished output (1 file)\n")
        XCTAssertEqual(contents(dir), [])
    }

    func testTerminatedFrameGenerateLeavesNothingBehind() throws {
        let dir = try makeTempDirectory(self)
        let out = dir.appendingPathComponent("new frame/é")
        let r = try interrupt(["frame", "generate", "--households", "5000000", "--out", out.path], in: dir, with: SIGTERM) {
            exists(dir) { $0.contains(".frame.sqlite.importing-") } && exists(dir) { $0.contains(".frame.csv.tmp-") }
        }
        XCTAssertEqual(r.status, 143, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("census: terminated; removed its unfinished output"), r.stderr)
        // The directories it made went too: no frame, no half-written CSV, no log.
        XCTAssertEqual(contents(dir), [])
    }

    func testInterruptedStoreInitLeavesNoHalfMadeStore() throws {
        let dir = try makeTempDirectory(self)
        let r = try interrupt(["store", "init", "--shards", "4096", "--dir", "st"], in: dir, with: SIGINT) {
            exists(dir) { $0.hasSuffix("shard-002.sqlite") }
        }
        XCTAssertEqual(r.status, 130, r.stderr)
        XCTAssertEqual(contents(dir), [])
        // So it can simply be run again.
        XCTAssertEqual(try census(["store", "init", "--shards", "2", "--dir", "st"], in: dir).status, 0)
    }

    /// Ctrl-C while codes are being issued: either no code was issued and no letters file
    /// exists, or every issued code is in the letters file; never codes without letters, and
    /// never a `.partial` file left behind.
    func testInterruptedCodeIssueLeavesCodesAndLettersInStep() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["frame", "generate", "--households", "100000", "--out", "fr"], in: dir).status, 0)
        let r = try interrupt(["frame", "codes", "issue", "--dir", "fr", "--letters", "letters.csv", "--dev-secret"], in: dir, with: SIGINT) {
            exists(dir) { $0.contains(".letters.csv.partial-") }
        }
        XCTAssertFalse(exists(dir) { $0.contains(".partial-") }, "\(contents(dir))")
        let frame = try AddressFrame.open(at: dir.appendingPathComponent("fr/frame.sqlite"))
        defer { try? frame.close() }
        let issued = try frame.codeCounts().issued
        let letters = dir.appendingPathComponent("letters.csv")
        if issued == 0 {
            XCTAssertEqual(r.status, 130, r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: letters.path))
        } else {
            // Interrupted once the codes were committed: it says so and finishes (issue 14: it
            // used to say "removed its unfinished output" and exit 130 with every code issued).
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stderr, "census: interrupted after its work was committed; finishing (signal again to stop now)\n")
            XCTAssertEqual(try String(contentsOf: letters, encoding: .utf8).split(separator: "\n").count, issued + 1)
        }
    }

    /// Registered paths are removed only on an interruption; normal runs unregister them.
    func testNothingStaysRegisteredAfterNormalWrites() throws {
        let dir = try makeTempDirectory(self)
        try AddressFrame.importCSV(at: packageRoot.appendingPathComponent("fixtures/frame-small.csv"),
                                   intoFrameAt: dir.appendingPathComponent("f/frame.sqlite"))
        let frame = try AddressFrame.open(at: dir.appendingPathComponent("f/frame.sqlite"))
        try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: AccessCodeHasher(secret: .development),
                             lettersFile: dir.appendingPathComponent("letters.csv"))
        try frame.close()
        try ResponseStore.create(at: dir.appendingPathComponent("st"), shardCount: 2).close()
        XCTAssertEqual(Interruption.registered, [])
    }

    // MARK: - frame generate streams

    /// The streamed frame is the frame `generate()` describes, whatever the batch size, and
    /// its CSV imports to the same households.
    func testStreamedFrameEqualsTheGeneratedOne() throws {
        let dir = try makeTempDirectory(self)
        let generator = FrameGenerator(households: 1_234, seed: 11)
        let csv = dir.appendingPathComponent("a/frame.csv")
        let summary = try AddressFrame.generate(generator, csvAt: csv, intoNewFrameAt: dir.appendingPathComponent("a/frame.sqlite"), batchSize: 100)
        XCTAssertEqual(summary.households, 1_234)
        XCTAssertEqual(summary.localAuthorities, 8)
        XCTAssertEqual(try Data(contentsOf: csv), FrameGenerator.csv(generator.generate()))
        let streamed = try AddressFrame.open(at: dir.appendingPathComponent("a/frame.sqlite"))
        defer { try? streamed.close() }
        try AddressFrame.importCSV(at: csv, intoFrameAt: dir.appendingPathComponent("b/frame.sqlite"))
        let imported = try AddressFrame.open(at: dir.appendingPathComponent("b/frame.sqlite"))
        defer { try? imported.close() }
        let ids = try streamed.householdIDs()
        XCTAssertEqual(ids, try imported.householdIDs())
        XCTAssertEqual(ids.count, 1_234)
        for id in ids.prefix(50) + ids.suffix(50) { XCTAssertEqual(try streamed.household(id), try imported.household(id)) }
        // CSV only: no frame file.
        let only = try AddressFrame.generate(generator, csvAt: dir.appendingPathComponent("c/frame.csv"), intoNewFrameAt: nil)
        XCTAssertEqual(only.households, 1_234)
        XCTAssertEqual(contents(dir.appendingPathComponent("c")), ["frame.csv"])
    }

    /// `frame generate` used to hold every household, the whole CSV text and then the parsed
    /// CSV in memory (about 535 MB at its peak for a million households, release build).
    func testFrameGenerateMemoryStaysBounded() throws {
        let dir = try makeTempDirectory(self)
        let (status, peakKB) = try spawnMeasuringPeakRSS(["frame", "generate", "--households", "300000", "--out", dir.appendingPathComponent("f").path])
        XCTAssertEqual(status, 0)
        // Streaming needs the process's baseline (~30-40 MB) plus one batch; the old code needed
        // well over 150 MB for 300,000 households.
        XCTAssertLessThan(peakKB, 100_000, "peak RSS \(peakKB) KB")
        let frame = try AddressFrame.open(at: dir.appendingPathComponent("f/frame.sqlite"))
        defer { try? frame.close() }
        XCTAssertEqual(try frame.householdCount(), 300_000)
    }
}
