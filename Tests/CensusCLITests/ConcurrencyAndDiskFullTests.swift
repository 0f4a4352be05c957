import CensusTestSupport
import Foundation
import GRDB
import XCTest
@testable import AddressFrame
@testable import ResponseStore

/// Two writers at once on one store or frame, and a full disk: never corrupt, never two codes
/// for one household, and one clear line when something cannot be done.
final class ConcurrencyAndDiskFullTests: XCTestCase {
    let hash = "sha256:" + String(repeating: "a", count: 64)

    private func start(_ arguments: [String], in dir: URL) throws -> (Process, URL) {
        let p = Process()
        p.executableURL = try censusExecutable()
        p.arguments = arguments
        p.currentDirectoryURL = dir
        let err = dir.appendingPathComponent(".err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        return (p, err)
    }

    // Two `codes issue` at once both chose every household without a code, and each gave it
    // one: two initial letters per household. Now each run is one BEGIN IMMEDIATE transaction:
    // the others wait for it (up to 10 s) and then find nothing to issue.
    func testConcurrentCodeIssuesNeverGiveAHouseholdTwoCodes() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["frame", "generate", "--households", "20000", "--out", "fr"], in: dir).status, 0)
        let runs = try (1...3).map { try start(["frame", "codes", "issue", "--dir", "fr", "--letters", "l\($0).csv", "--dev-secret"], in: dir) }
        var lettersLines = 0
        for (i, (p, err)) in runs.enumerated() {
            p.waitUntilExit()
            let message = try String(contentsOf: err, encoding: .utf8).split(separator: "\n").filter { !isWarning($0) }
            let letters = dir.appendingPathComponent("l\(i + 1).csv")
            if p.terminationStatus == 0 {
                if let text = try? String(contentsOf: letters, encoding: .utf8) { lettersLines += text.split(separator: "\n").count - 1 }
            } else {
                XCTAssertEqual(message.count, 1, "\(message)")
                XCTAssertTrue(message.first?.contains("another process kept it locked for longer than 10 s") == true, "\(message)")
                XCTAssertFalse(FileManager.default.fileExists(atPath: letters.path))
            }
        }
        let frame = try AddressFrame.open(at: dir.appendingPathComponent("fr/frame.sqlite"), readOnly: true)
        defer { try? frame.close() }
        let counts = try frame.codeCounts()
        XCTAssertEqual(counts.issued, 20000)
        XCTAssertEqual(counts.householdsWithActiveCode, 20000)
        XCTAssertEqual(lettersLines, 20000)
    }

    func testConcurrentStoreInitsMakeOneStore() throws {
        let dir = try makeTempDirectory(self)
        let runs = try (0..<4).map { _ in try start(["store", "init", "--dir", "st", "--shards", "64"], in: dir) }
        var created = 0
        for (p, err) in runs {
            p.waitUntilExit()
            if p.terminationStatus == 0 { created += 1; continue }
            let message = try String(contentsOf: err, encoding: .utf8)
            XCTAssertTrue(message.hasPrefix("census store init: a store already exists at "), message)
        }
        XCTAssertEqual(created, 1)
        let check = try census(["store", "check", "--dir", "st"], in: dir)
        XCTAssertEqual(check.status, 0, check.stdout)
        XCTAssertEqual(check.stdout.split(separator: "\n").count, 64)
    }

    func testConcurrentSubmitsToOneStoreAreAllStored() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--dir", "st", "--shards", "2"], in: dir).status, 0)
        try importFixtureFrame(into: dir)
        try writeResponse(dir)
        let runs = try (0..<12).map { i in
            try start(["store", "submit", "--dir", "st", "--household", "H00000000\(i % 3 + 1)", "--schema", fixtureSchema, "--body", "b.json"], in: dir)
        }
        for (p, err) in runs {
            p.waitUntilExit()
            let message = try String(contentsOf: err, encoding: .utf8)
            XCTAssertEqual(p.terminationStatus, 0, message)
        }
        let store = try ResponseStore.openForReading(at: dir.appendingPathComponent("st"))
        defer { store.close() }
        XCTAssertEqual(try (1...3).map { try store.versions(of: "H00000000\($0)").count }, [4, 4, 4])
        XCTAssertTrue(ResponseStore.check(at: dir.appendingPathComponent("st")).isHealthy)
    }

    // A writer that cannot get a shard's lock used to fail with "SQLITE_BUSY: database is locked".
    func testASubmitThatCannotGetTheLockSaysWhy() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--dir", "st", "--shards", "1"], in: dir).status, 0)
        try importFixtureFrame(into: dir)
        try writeResponse(dir)
        let path = dir.appendingPathComponent("st/shards/shard-000.sqlite").path
        let holder = try DatabaseQueue(path: path)
        defer { try? holder.close() }
        try holder.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN EXCLUSIVE")
            defer { try? db.execute(sql: "ROLLBACK") }
            let r = try census(["store", "submit", "--dir", "st", "--household", "H000000001", "--schema", fixtureSchema, "--body", "b.json"], in: dir)
            XCTAssertEqual(r.status, 2)
            XCTAssertTrue(r.stderr.hasPrefix("census store submit: shard 0 at \(path) failed: another process kept it locked for longer than 10 s"), r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
        XCTAssertEqual(try census(["store", "submit", "--dir", "st", "--household", "H000000001", "--schema", fixtureSchema, "--body", "b.json"], in: dir).status, 0)
    }

    // MARK: - A full disk (a 2 MB tmpfs; skipped where it cannot be mounted)

    private func tinyDisk(_ name: String = #function) throws -> URL { try mountTemporaryDisk(self, options: "size=2m", name) }

    // `frame import` used to print "SQLite error 13: database or disk is full - while executing
    // `COMMIT TRANSACTION`", `codes issue` "cannot be used: SQLite: disk I/O error. Restore it
    // from backup" (a frame that was fine), and `store init` "Retry, then run census store check"
    // (there was no store to check).
    func testAFullDiskGivesOneClearLineAndLeavesNothingHalfWritten() throws {
        let disk = try tinyDisk()
        let work = try makeTempDirectory(self, "work")  // the runner's own files must not fill the disk
        let schema = packageRoot.appendingPathComponent("fixtures/households/census-household.schema.json").path
        func on(_ name: String) -> String { disk.appendingPathComponent(name).path }
        func onDisk() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: disk.path).sorted() }
        @discardableResult
        func refused(_ arguments: [String]) throws -> String {
            let r = try census(arguments, in: work)
            XCTAssertEqual(r.status, 2, "\(arguments): \(r.stderr)")
            XCTAssertEqual(r.messageLines.count, 1, r.stderr)
            XCTAssertTrue(["No space left on device", "the disk is full", "is the disk full?"].contains { r.stderr.contains($0) }, r.stderr)
            for dump in ["SQLite error", "DatabaseError", "Restore it from backup", "census store check"] {
                XCTAssertFalse(r.stderr.contains(dump), r.stderr)
            }
            return r.stderr
        }
        try refused(["generate", "--schema", schema, "--households", "5000", "-o", on("g.ndjson")])
        try refused(["frame", "generate", "--households", "100000", "--out", on("big")])
        XCTAssertEqual(try onDisk(), [])
        XCTAssertEqual(try census(["frame", "generate", "--households", "12000", "--out", on("fr"), "--csv-only"], in: work).status, 0)
        let message = try refused(["frame", "import", on("fr/frame.csv"), "--out", on("fr2")])
        XCTAssertTrue(message.contains("the disk is full"), message)
        XCTAssertEqual(try onDisk(), ["fr"])
        try FileManager.default.removeItem(atPath: on("fr"))

        XCTAssertEqual(try census(["frame", "generate", "--households", "1000", "--out", on("fr3")], in: work).status, 0)
        // Fill the disk to the last byte.
        let filler = try FileHandle(forWritingTo: { _ = FileManager.default.createFile(atPath: on("filler"), contents: nil); return URL(fileURLWithPath: on("filler")) }())
        while (try? filler.write(contentsOf: Data(count: 16_384))) != nil {}
        try? filler.close()
        try refused(["frame", "codes", "issue", "--dir", on("fr3"), "--letters", on("l.csv"), "--dev-secret"])
        try refused(["store", "init", "--dir", on("st"), "--shards", "8"])
        XCTAssertEqual(try onDisk(), ["filler", "fr3"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: on("fr3")).filter { !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }.sorted(),
                       ["frame.csv", "frame.sqlite"])
    }
}
