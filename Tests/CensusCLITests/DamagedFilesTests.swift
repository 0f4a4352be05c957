import CensusTestSupport
import Foundation
import XCTest
@testable import AddressFrame
@testable import ResponseStore

/// Files that are damaged or in the wrong place (issue 13): said for what they are, and left
/// exactly as they were. An empty file is a damaged file, never an empty database.
final class DamagedFilesTests: XCTestCase {
    private func size(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int) ?? -1
    }

    func testAnEmptyFrameFileIsDamagedAndUnchanged() throws {
        let dir = try makeTempDirectory(self)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("fr"), withIntermediateDirectories: true)
        let frame = dir.appendingPathComponent("fr/frame.sqlite")
        _ = FileManager.default.createFile(atPath: frame.path, contents: nil)
        let small = packageRoot.appendingPathComponent("fixtures/frame-small.csv").path
        for command in [["frame", "codes", "issue", "--dir", "fr", "--letters", "l.csv", "--dev-secret"],
                        ["frame", "stats", "--dir", "fr"],
                        ["frame", "import", small, "--out", "fr"]] {
            let r = try census(command, in: dir)
            XCTAssertEqual(r.status, 2, "\(command): \(r.stdout)")
            XCTAssertEqual(r.messageLines.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("frame.sqlite cannot be used: it is empty (0 bytes)"), "\(command): \(r.stderr)")
            XCTAssertEqual(size(frame), 0, "\(command) changed the file")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("l.csv").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: frame.path + "-wal"))
    }

    func testAnEmptyShardIsDamagedAndUnchanged() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--dir", "st", "--shards", "2"], in: dir).status, 0)
        let shard = dir.appendingPathComponent("st/shards/shard-001.sqlite")
        try Data().write(to: shard)
        try? FileManager.default.removeItem(atPath: shard.path + "-wal")
        try? FileManager.default.removeItem(atPath: shard.path + "-shm")
        let r = try census(["store", "check", "--dir", "st"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("shard 1: FAILED — shard 1 at \(shard.path) is corrupt or not a shard database (it is empty (0 bytes)"), r.stdout)
        XCTAssertFalse(r.stdout.contains("do not copy shard files"), r.stdout)
        XCTAssertEqual(size(shard), 0)
        let store = try ResponseStore.open(at: dir.appendingPathComponent("st"))
        store.close()
        XCTAssertEqual(size(shard), 0, "opening the store rewrote the empty shard")
        XCTAssertFalse(FileManager.default.fileExists(atPath: shard.path + "-wal"))
    }

    // A frame that is a symbolic link to a shard was "written by a newer census build".
    func testAFrameThatIsAShardIsNamedForWhatItIs() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--dir", "st", "--shards", "1"], in: dir).status, 0)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("fr"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("fr/frame.sqlite").path,
                                                   withDestinationPath: dir.appendingPathComponent("st/shards/shard-000.sqlite").path)
        let shardBefore = try Data(contentsOf: dir.appendingPathComponent("st/shards/shard-000.sqlite"))
        for command in [["frame", "stats", "--dir", "fr"], ["frame", "codes", "issue", "--dir", "fr", "--letters", "l.csv", "--dev-secret"]] {
            let r = try census(command, in: dir)
            XCTAssertEqual(r.status, 2)
            XCTAssertTrue(r.stderr.contains("it is a shard of a response store (responses), not an address frame"), r.stderr)
            XCTAssertFalse(r.stderr.contains("newer"), r.stderr)
        }
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("st/shards/shard-000.sqlite")), shardBefore)
    }

    func testAShardThatIsAFrameIsNamedForWhatItIs() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--dir", "st", "--shards", "2"], in: dir).status, 0)
        try importFixtureFrame(into: dir)
        let shard = dir.appendingPathComponent("st/shards/shard-001.sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: shard.path + suffix) }
        try FileManager.default.copyItem(at: dir.appendingPathComponent("st/frame.sqlite"), to: shard)
        let r = try census(["store", "check", "--dir", "st"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("(it is an address frame (households and access codes), not a shard of a response store)"), r.stdout)
    }

    // `manifest.json` as a directory printed "NSCocoaErrorDomain error 256".
    func testAManifestThatIsADirectoryOrEmptySaysSo() throws {
        let dir = try makeTempDirectory(self)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("st/manifest.json"), withIntermediateDirectories: true)
        var r = try census(["store", "check", "--dir", "st"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("manifest.json is unreadable: it is a directory, not a file"), r.stderr)
        XCTAssertFalse(r.stderr.contains("NSCocoaErrorDomain"), r.stderr)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("st/manifest.json"))
        try Data().write(to: dir.appendingPathComponent("st/manifest.json"))
        r = try census(["store", "show", "--dir", "st", "H1"], in: dir)
        XCTAssertTrue(r.stderr.contains("manifest.json is unreadable: it is empty (0 bytes)"), r.stderr)
    }

    // An edited shard count said "shard 5 is missing ... restore from backup".
    func testAnEditedShardCountIsTheManifestsFault() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--dir", "st", "--shards", "4"], in: dir).status, 0)
        let url = dir.appendingPathComponent("st/manifest.json")
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        json["shardCount"] = 8
        json["shardFiles"] = (0..<8).map(StoreManifest.shardFile)
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        for command in [["store", "check", "--dir", "st"], ["store", "show", "--dir", "st", "H1"], ["store", "backup", "--dir", "st", "--to", "bk"]] {
            let r = try census(command, in: dir)
            XCTAssertEqual(r.status, 2, "\(command)")
            XCTAssertEqual(r.messageLines.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("it says the store has 8 shards, but its shards were created as a store of 4"), r.stderr)
            XCTAssertFalse(r.stderr.contains("missing"), r.stderr)
        }
    }
}
