import DurableFiles
import Foundation
import XCTest

/// Input echoed in messages, and what is at a database file's path before SQLite opens it.
final class EchoAndFileCheckTests: XCTestCase {
    func testEchoedInputIsQuotedCappedAndHasNoControlCharacters() {
        XCTAssertEqual(Echo.quoted("H000000001"), "'H000000001'")
        XCTAssertEqual(Echo.quoted("a\nb\u{1B}[2J\u{7F}"), "'a\\u{a}b\\u{1b}[2J\\u{7f}'")
        let long = String(repeating: "w", count: 800_000)
        XCTAssertEqual(Echo.quoted(long), "'" + String(repeating: "w", count: Echo.defaultLimit) + "…' (800000 characters)")
        XCTAssertEqual(Echo.quoted("abcdef", limit: 3), "'abc…' (6 characters)")
        XCTAssertEqual(Echo.quoted(""), "''")
    }

    func testAnEmptyFileIsDamagedNotAnEmptyDatabase() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("file-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("frame.sqlite")
        XCTAssertTrue(FileManager.default.createFile(atPath: empty.path, contents: Data()))
        let full = dir.appendingPathComponent("shard-000.sqlite")
        XCTAssertTrue(FileManager.default.createFile(atPath: full.path, contents: Data("SQLite format 3\u{0}".utf8)))
        let link = dir.appendingPathComponent("link.sqlite")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: full)

        XCTAssertEqual(SQLiteFileCheck.inspect(empty.path), .empty)
        XCTAssertEqual(SQLiteFileCheck.inspect(full.path), .file)
        XCTAssertEqual(SQLiteFileCheck.inspect(link.path), .file, "links are followed, as SQLite does")
        XCTAssertEqual(SQLiteFileCheck.inspect(dir.path), .directory)
        XCTAssertEqual(SQLiteFileCheck.inspect(dir.appendingPathComponent("missing.sqlite").path), .missing)
        XCTAssertEqual(SQLiteFileCheck.inspect("/dev/null"), .notRegularFile)
        XCTAssertTrue(SQLiteFileCheck.emptyReason.hasPrefix("it is empty (0 bytes)"))
    }
}
