import CensusTestSupport
import Foundation
import XCTest
@testable import AddressFrame
@testable import ResponseStore

/// When the CLI's data reaches the disk, traced with strace (see `SyscallTrace`), and `census
/// store backup` (issue 13).
final class TracedDurabilityTests: XCTestCase {
    func testStoreSubmitPrintsItsReceiptAfterTheFsync() throws {
        if let reason = SyscallTrace.unavailableReason() { throw XCTSkip("not traced: \(reason)") }
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--dir", "st", "--shards", "2"], in: dir).status, 0)
        try importFixtureFrame(into: dir)
        try writeResponse(dir)
        let (run, trace) = try SyscallTrace.run(
            try censusExecutable(),
            ["store", "submit", "--dir", "st", "--household", "H000000001", "--schema", fixtureSchema, "--body", "b.json"],
            in: dir, syscalls: ["write", "pwrite64", "fsync", "fdatasync"])
        XCTAssertEqual(run.status, 0, run.stderr)
        guard let receipt = trace.calls.first(where: { $0.name == "write" && $0.strings.first?.hasPrefix("R0") == true }),
              let text = receipt.strings.first else {
            return XCTFail("no receipt written: \(run.stdout)")
        }
        let shard = Int(text.dropFirst().prefix(while: \.isNumber)) ?? -1
        XCTAssertTrue(trace.isDurable(StoreManifest.shardFile(shard) + "-wal", before: receipt.entry),
                      "receipt \(text) printed before its commit was fsynced")
    }

    // Letters were linked (published) before the code hashes' transaction was synced: a power
    // cut there left letters with codes the frame did not know.
    func testCodesAreOnDiskBeforeTheirLettersArePublished() throws {
        if let reason = SyscallTrace.unavailableReason() { throw XCTSkip("not traced: \(reason)") }
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["frame", "generate", "--households", "40", "--out", "fr"], in: dir).status, 0)
        let (run, trace) = try SyscallTrace.run(
            try censusExecutable(),
            ["frame", "codes", "issue", "--dir", "fr", "--letters", "fr/letters.csv", "--dev-secret"],
            in: dir, syscalls: ["write", "pwrite64", "fsync", "fdatasync", "link", "linkat", "rename"])
        XCTAssertEqual(run.status, 0, run.stderr)
        guard let publish = trace.calls.first(where: {
            ($0.name == "link" || $0.name == "linkat") && $0.strings.last?.hasSuffix("letters.csv") == true
        }) else {
            return XCTFail("the letters file was not published by link(2)")
        }
        XCTAssertTrue(trace.isDurable("frame.sqlite-wal", before: publish.entry),
                      "letters published before the codes' transaction was fsynced")
    }

    func testBackupCommandCopiesTheFrameAndRefusesAnExistingDestination() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--dir", "st", "--shards", "2"], in: dir).status, 0)
        try importFixtureFrame(into: dir)
        try writeResponse(dir)
        XCTAssertEqual(try census(["store", "submit", "--dir", "st", "--household", "H000000001", "--schema", fixtureSchema, "--body", "b.json"], in: dir).status, 0)
        let r = try census(["store", "backup", "--dir", "st", "--to", "bk"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("backed up 2 shards (1 version) and the address frame to bk"), r.stdout)
        let frame = try AddressFrame.open(at: dir.appendingPathComponent("bk/frame.sqlite"), readOnly: true)
        XCTAssertEqual(try frame.householdCount(), 250)
        try frame.close()
        XCTAssertEqual(try census(["store", "check", "--dir", "bk"], in: dir).status, 0)

        let again = try census(["store", "backup", "--dir", "st", "--to", "bk"], in: dir)
        XCTAssertEqual(again.status, 2)
        XCTAssertEqual(again.messageLines.count, 1)
        XCTAssertTrue(again.stderr.hasSuffix("/bk: it is a directory that is not empty; choose a new directory\n"), again.stderr)
    }
}
