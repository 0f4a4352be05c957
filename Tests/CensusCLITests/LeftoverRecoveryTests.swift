import CensusTestSupport
import Foundation
import XCTest
@testable import AddressFrame
@testable import ResponseStore

/// Each command recognises and cleans what a killed run of it left (issue 13): `store init`
/// killed before its manifest, `frame import` and `frame generate` killed before publishing.
final class LeftoverRecoveryTests: XCTestCase {
    private func start(_ arguments: [String], in dir: URL) throws -> Process {
        let p = Process()
        p.executableURL = try censusExecutable()
        p.arguments = arguments
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    // 3 of 10 random kills left shards/ without a manifest: "a store already exists", and
    // `store check` said there was none.
    func testStoreInitKilledAtRandomMomentsCanAlwaysBeRunAgain() throws {
        let dir = try makeTempDirectory(self)
        var rng = SystemRandomNumberGenerator()
        var leftovers = 0
        for round in 0..<6 {
            let st = "st\(round)"
            let p = try start(["store", "init", "--dir", st, "--shards", "32"], in: dir)
            usleep(UInt32.random(in: 5_000...250_000, using: &rng))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let manifest = dir.appendingPathComponent("\(st)/manifest.json")
            let hasShards = !((try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("\(st)/shards").path)) ?? []).isEmpty
            if !FileManager.default.fileExists(atPath: manifest.path) && hasShards {
                leftovers += 1
                let check = try census(["store", "check", "--dir", st], in: dir)
                XCTAssertEqual(check.status, 2)
                XCTAssertTrue(check.stderr.contains("was never finished") && check.stderr.contains("Run `census store init` again"), check.stderr)
            }
            let again = try census(["store", "init", "--dir", st, "--shards", "32"], in: dir)
            if FileManager.default.fileExists(atPath: manifest.path) && again.status != 0 {
                XCTAssertTrue(again.stderr.contains("a store already exists"), again.stderr)  // the kill came after the manifest
            } else {
                XCTAssertEqual(again.status, 0, again.stderr)
            }
            let check = try census(["store", "check", "--dir", st], in: dir)
            XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
            XCTAssertEqual(check.stdout.split(separator: "\n").count, 32)
        }
        print("store init killed 6 times: \(leftovers) left shards without a manifest")
    }

    func testAStoreWhoseManifestIsLostIsNeverRemoved() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--dir", "st", "--shards", "2"], in: dir).status, 0)
        try importFixtureFrame(into: dir)
        try writeResponse(dir)
        XCTAssertEqual(try census(["store", "submit", "--dir", "st", "--household", "H000000001", "--schema", fixtureSchema, "--body", "b.json"], in: dir).status, 0)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("st/manifest.json"))
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("st/shards").path).sorted()
        for command in [["store", "init", "--dir", "st", "--shards", "2"], ["store", "check", "--dir", "st"]] {
            let r = try census(command, in: dir)
            XCTAssertEqual(r.status, 2)
            XCTAssertTrue(r.stderr.contains("which holds 1 response versions: a store whose manifest was lost, not an unfinished one. Restore manifest.json from backup; nothing was changed."), r.stderr)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("st/shards").path).sorted(), before)
    }

    // Killed imports left `.frame.sqlite.importing-*` files that survived the next good run.
    func testKilledImportsLeaveNothingAfterTheNextRun() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["frame", "generate", "--households", "60000", "--csv-only", "--out", "g"], in: dir).status, 0)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<4 {
            let p = try start(["frame", "import", "g/frame.csv", "--out", "fr"], in: dir)
            usleep(UInt32.random(in: 100_000...600_000, using: &rng))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("fr/frame.sqlite").path) {
                try FileManager.default.removeItem(at: dir.appendingPathComponent("fr/frame.sqlite"))
            }
        }
        // Left by the kills (at least the ones made by hand here, in case every kill came late).
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("fr"), withIntermediateDirectories: true)
        let stale = dir.appendingPathComponent("fr/.frame.sqlite.importing-\(UUID().uuidString)")
        try Data("SQLite format 3\0".utf8).write(to: stale)
        try Data().write(to: URL(fileURLWithPath: stale.path + "-wal"))
        try Data().write(to: dir.appendingPathComponent("g/.frame.csv.tmp-\(UUID().uuidString)"))
        let r = try census(["frame", "import", "g/frame.csv", "--out", "fr"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("fr").path).sorted(), ["frame.sqlite"])
        XCTAssertEqual(try census(["frame", "generate", "--households", "10", "--csv-only", "--out", "g"], in: dir).status, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("g").path).sorted(), ["frame.csv"])
    }
}
