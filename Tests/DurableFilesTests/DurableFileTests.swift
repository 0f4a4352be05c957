import DurableFiles
import Foundation
import UnfinishedOutput
import XCTest

/// The crash-safe writes the frame, the store and the CLI share (`DurableFile`).
final class DurableFileTests: XCTestCase {
    private func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("durable-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func testAnAtomicWriteReplacesTheWholeFileAndLeavesNoTemporaryFile() throws {
        let dir = try scratch()
        let target = dir.appendingPathComponent("manifest.json")
        try DurableFile.writeAtomically(Data("old".utf8), to: target)
        try DurableFile.writeAtomically(Data("the new content".utf8), to: target)
        XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), "the new content")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["manifest.json"])
        XCTAssertFalse(Interruption.registered.contains { $0.hasPrefix(dir.path) }, "a finished write stays registered for removal")
    }

    func testAnAtomicWriteRemovesWhatAKilledWriterLeftBesideIt() throws {
        let dir = try scratch()
        let target = dir.appendingPathComponent("manifest.json")
        // A killed writer's file: the temporary name, nobody holding its lock.
        let stale = TemporaryFile.path(beside: target, tag: "tmp")
        XCTAssertTrue(FileManager.default.createFile(atPath: stale, contents: Data("half".utf8)))
        try DurableFile.writeAtomically(Data("whole".utf8), to: target)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["manifest.json"])
    }

    func testANewFileIsNeverWrittenOverAndIsPrivate() throws {
        let dir = try scratch()
        let letters = dir.appendingPathComponent("letters.csv")
        try DurableFile.writeNew(Data("codes".utf8), to: letters)
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: letters.path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode & 0o777, 0o600)
        XCTAssertThrowsError(try DurableFile.writeNew(Data("other codes".utf8), to: letters)) { error in
            XCTAssertTrue("\(error)".contains("cannot create \(letters.path)"), "\(error)")
            XCTAssertEqual((error as? FileSystemError)?.code, EEXIST)
        }
        XCTAssertEqual(try String(contentsOf: letters, encoding: .utf8), "codes")
    }

    func testAWriteToAClosedPipeFailsWithEPIPEInsteadOfHanging() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        close(fds[0])
        defer { close(fds[1]) }
        // As `census` does (a closed pipe is an error on the write, not a signal).
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        XCTAssertThrowsError(try DurableFile.writeAll(Data("x".utf8), to: fds[1], path: "standard output")) { error in
            XCTAssertEqual((error as? FileSystemError)?.code, EPIPE, "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("cannot write standard output"), "\(error)")
        }
    }
}
