import Foundation
import XCTest
@testable import ResponseStore

/// Runs `census store …` and `census frame …` with bad input, as a new user
/// would, and checks that each fails with a short, clear message and a
/// non-zero exit status: never a Swift error dump or a crash.
final class CLIErrorTests: XCTestCase {
    /// Asserts a clean failure: non-zero exit (not a signal), a one-line
    /// message containing `expected`, and no dump of an internal error.
    @discardableResult
    private func assertCleanFailure(_ arguments: [String], in dir: URL, expecting expected: String,
                                    lines: Int = 1, environment: [String: String] = [:],
                                    file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        let r = try census(arguments, in: dir, environment: environment)
        let shown = "census \(arguments.joined(separator: " ")) -> \(r.status)\n\(r.stderr)"
        XCTAssertNotEqual(r.status, 0, shown, file: file, line: line)
        XCTAssertLessThan(r.status, 128, "killed by a signal: " + shown, file: file, line: line)
        XCTAssertEqual(r.messageLines.count, lines, shown, file: file, line: line)
        XCTAssertTrue(r.stderr.contains(expected), shown, file: file, line: line)
        for dump in ["Error Domain=", "NSCocoaErrorDomain", "Fatal error", "SQLite error", "UserInfo=", "DatabaseError"] {
            XCTAssertFalse(r.stderr.contains(dump), shown, file: file, line: line)
        }
        return r
    }

    func testStoreCommandsFailCleanly() throws {
        let dir = try makeTempDirectory(self)
        let a = "sha256:" + String(repeating: "a", count: 64)
        try assertCleanFailure(["store", "check", "--dir", "nope"], in: dir, expecting: "census store init")
        try assertCleanFailure(["store", "show", "--dir", "nope", "H1"], in: dir, expecting: "no store manifest")
        try assertCleanFailure(["store", "where", "--dir", "nope", "H1"], in: dir, expecting: "no store manifest")
        try assertCleanFailure(["store", "accept-schema", "--dir", "nope", a], in: dir, expecting: "no store manifest")
        XCTAssertEqual(try census(["store", "init", "--shards", "2", "--dir", "st", "--schema-hash", a], in: dir).status, 0)
        try assertCleanFailure(["store", "init", "--shards", "2", "--dir", "st"], in: dir, expecting: "already exists")
        try Data("garbage".utf8).write(to: dir.appendingPathComponent("file"))
        try assertCleanFailure(["store", "init", "--dir", "file/st"], in: dir, expecting: "cannot create the store directory")
        try assertCleanFailure(["store", "submit", "--dir", "st", "--household", "H1", "--schema-hash", a, "--body", "missing.json"],
                               in: dir, expecting: "cannot read the response body file missing.json: No such file")
        try assertCleanFailure(["store", "submit", "--dir", "st", "--household", "H1", "--schema-hash", a, "--body", "."],
                               in: dir, expecting: "Is a directory")
        try assertCleanFailure(["store", "submit", "--dir", "st", "--household", "H1", "--kind", "bogus", "--schema-hash", a, "--body", "-"],
                               in: dir, expecting: "--kind must be partial, submitted or paper")
        try Data("{}".utf8).write(to: dir.appendingPathComponent("b.json"))
        try assertCleanFailure(["store", "submit", "--dir", "st", "--household", "H1", "--schema-hash", "sha256:other", "--body", "b.json"],
                               in: dir, expecting: "census store accept-schema --dir")
        try assertCleanFailure(["store", "accept-schema", "--dir", "st", "sha256:short"], in: dir, expecting: "not a questionnaire schema hash")
        XCTAssertEqual(try census(["store", "submit", "--dir", "st", "--household", "H1", "--schema-hash", a, "--body", "b.json", "--key", "k1"], in: dir).status, 0)
        try Data("{\"x\":1}".utf8).write(to: dir.appendingPathComponent("b2.json"))
        try assertCleanFailure(["store", "submit", "--dir", "st", "--household", "H1", "--schema-hash", a, "--body", "b2.json", "--key", "k1"],
                               in: dir, expecting: "already used for a different save")
        let replay = try census(["store", "submit", "--dir", "st", "--household", "H1", "--schema-hash", a, "--body", "b.json", "--key", "k1"], in: dir)
        XCTAssertEqual(replay.status, 0)
        XCTAssertTrue(replay.stdout.contains("retry: already stored"), replay.stdout)
    }

    func testFrameCommandsFailCleanly() throws {
        let dir = try makeTempDirectory(self)
        let fixtures = packageRoot.appendingPathComponent("fixtures")
        try assertCleanFailure(["frame", "stats", "--dir", "nope"], in: dir, expecting: "census frame import")
        try assertCleanFailure(["frame", "lookup", "--dir", "nope", "BCDF-GHJK-LMNP-QRST"], in: dir, expecting: "no address frame")

        // A bad CSV into a new directory: every bad row reported, nothing left behind.
        try assertCleanFailure(["frame", "import", fixtures.appendingPathComponent("frame-bad-rows.csv").path, "--out", "fr"],
                               in: dir, expecting: "line 5:", lines: 6)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("fr").path))
        try assertCleanFailure(["frame", "import", "missing.csv", "--out", "fr"], in: dir, expecting: "cannot read the frame CSV")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("fr").path))

        let small = fixtures.appendingPathComponent("frame-small.csv").path
        XCTAssertEqual(try census(["frame", "import", small, "--out", "fr"], in: dir).status, 0)
        // The same file again: one cause, a few lines, not 250.
        try assertCleanFailure(["frame", "import", small, "--out", "fr"], in: dir, expecting: "imported before?", lines: 5)
        try assertCleanFailure(["frame", "generate", "--households", "10", "--out", "fr"], in: dir, expecting: "already exists")

        // Secrets.
        try assertCleanFailure(["frame", "codes", "issue", "--dir", "fr", "--letters", "l.csv"], in: dir, expecting: "--dev-secret")
        try assertCleanFailure(["frame", "lookup", "--dir", "fr", "BCDF-GHJK-LMNP-QRST"], in: dir, expecting: "at least 32",
                               environment: ["CENSUS_CODE_SECRET": "short"])
        let issue = try census(["frame", "codes", "issue", "--dir", "fr", "--letters", "l.csv", "--dev-secret"], in: dir)
        XCTAssertEqual(issue.status, 0, issue.stderr)
        try assertCleanFailure(["frame", "codes", "issue", "--dir", "fr", "--letters", "l.csv", "--dev-secret"], in: dir, expecting: "choose a new file name")
        try assertCleanFailure(["frame", "lookup", "--dir", "fr", "BCDF-GHJK-LMNP-QRST"], in: dir, expecting: "does not match",
                               environment: ["CENSUS_CODE_SECRET": String(repeating: "s", count: 40)])

        // Malformed and unknown codes.
        try assertCleanFailure(["frame", "lookup", "--dir", "fr", "--dev-secret", "BCDF-GHJK-LMNP-QRS0"], in: dir, expecting: "no letter O or zero")
        try assertCleanFailure(["frame", "lookup", "--dir", "fr", "--dev-secret", "BCDF-GHJK"], in: dir, expecting: "16 characters")
        try assertCleanFailure(["frame", "lookup", "--dir", "fr", "--dev-secret", "BCDF-GHJK-LMNP-QRST"], in: dir, expecting: "not recognised")
        try assertCleanFailure(["frame", "codes", "revoke", "--dir", "fr", "--dev-secret", "--code", "BCDF-GHJK-LMNP-QRST"], in: dir, expecting: "no code of this frame")

        // Unknown households and missing arguments.
        try assertCleanFailure(["frame", "codes", "reissue", "--dir", "fr", "--dev-secret", "--household", "NOPE", "--letters", "r.csv"],
                               in: dir, expecting: "household NOPE is not in the address frame")
        try assertCleanFailure(["frame", "codes", "revoke", "--dir", "fr", "--household", "NOPE"], in: dir, expecting: "household NOPE is not in the address frame")
        try assertCleanFailure(["frame", "codes", "reissue", "--dir", "fr", "--dev-secret", "--households-file", "nofile", "--letters", "r.csv"],
                               in: dir, expecting: "cannot read the households file nofile")
        try assertCleanFailure(["frame", "codes", "reissue", "--dir", "fr", "--dev-secret", "--letters", "r.csv"], in: dir, expecting: "--households-file")
        try assertCleanFailure(["frame", "codes", "revoke", "--dir", "fr"], in: dir, expecting: "give either --code C or --household H")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("r.csv").path))

        // A file that is not a frame.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("bad"), withIntermediateDirectories: true)
        try Data(repeating: 0x5A, count: 4096).write(to: dir.appendingPathComponent("bad/frame.sqlite"))
        try assertCleanFailure(["frame", "stats", "--dir", "bad"], in: dir, expecting: "not an address frame database")
    }
}
