import DurableFiles
import Foundation
import UnfinishedOutput
import XCTest

/// Temporary files beside an output, recognised by name and lock, so that the next run removes
/// what a killed run left and never what a live one is writing.
final class TemporaryFileTests: XCTestCase {
    func testOnlyAFileNobodyHoldsIsRemovedWithItsSQLiteCompanions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("temporary-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("frame.sqlite")

        let live = try TemporaryFile(beside: target, tag: "importing")
        defer { Interruption.unregister(live.path) }
        XCTAssertTrue(TemporaryFile.isInUse(live.path))
        let stale = TemporaryFile.path(beside: target, tag: "importing")
        for suffix in ["", "-wal", "-shm"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: stale + suffix, contents: Data()))
        }
        XCTAssertFalse(TemporaryFile.isInUse(stale))
        // Another tag, and a name that is not a temporary name, are not this target's.
        let other = TemporaryFile.path(beside: target, tag: "tmp")
        XCTAssertTrue(FileManager.default.createFile(atPath: other, contents: Data()))
        XCTAssertTrue(FileManager.default.createFile(atPath: target.path, contents: Data()))

        XCTAssertEqual(TemporaryFile.removeStale(beside: target, tag: "importing"), 1)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
        XCTAssertEqual(left, ["frame.sqlite", URL(fileURLWithPath: live.path).lastPathComponent, URL(fileURLWithPath: other).lastPathComponent])

        // Once its process lets go (a kill does the same), it is stale too.
        live.close()
        XCTAssertEqual(TemporaryFile.removeStale(beside: target, tag: "importing"), 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: live.path))
    }

    func testTemporaryNamesAreTheTargetsTagAndAUUID() {
        let uuid = UUID().uuidString
        XCTAssertTrue(TemporaryFile.isTemporaryName(".frame.sqlite.tmp-\(uuid)", of: "frame.sqlite", tag: "tmp"))
        XCTAssertFalse(TemporaryFile.isTemporaryName(".frame.sqlite.tmp-\(uuid)", of: "frame.sqlite", tag: "importing"))
        XCTAssertFalse(TemporaryFile.isTemporaryName(".frame.sqlite.tmp-not-a-uuid", of: "frame.sqlite", tag: "tmp"))
        XCTAssertFalse(TemporaryFile.isTemporaryName("frame.sqlite", of: "frame.sqlite", tag: "tmp"))
        XCTAssertFalse(TemporaryFile.isTemporaryName(".letters.csv.tmp-\(uuid)", of: "frame.sqlite", tag: "tmp"))
    }

    func testRegistrationsNest() {
        let path = "/nonexistent/\(UUID().uuidString)"
        Interruption.register(path, .directory)
        Interruption.register(path)
        Interruption.unregister(path)
        XCTAssertTrue(Interruption.registered.contains(path), "the caller's registration was dropped by the inner step's")
        Interruption.unregister(path)
        XCTAssertFalse(Interruption.registered.contains(path))
    }
}
