import Foundation
import GRDB
import XCTest
@testable import ResponseStore

/// Ctrl-C and SIGTERM during commands that write files.
final class InterruptTests: XCTestCase {
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
}
