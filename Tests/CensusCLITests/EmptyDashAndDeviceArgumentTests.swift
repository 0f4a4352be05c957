import CensusTestSupport
import Foundation
import XCTest
@testable import AddressFrame
@testable import ResponseStore

/// A hostile new user of `census store`, `census frame`, `validate` and `generate`: empty
/// strings, "-", devices, the same file twice, and two writers at once. Each case failed (or
/// did something silly) before its fix; each now gets one clear line, or works.
final class EmptyDashAndDeviceArgumentTests: XCTestCase {
    let hash = "sha256:" + String(repeating: "a", count: 64)
    let schema = packageRoot.appendingPathComponent("fixtures/households/census-household.schema.json").path
    let small = packageRoot.appendingPathComponent("fixtures/frame-small.csv").path

    @discardableResult
    private func assertRefused(_ arguments: [String], in dir: URL, expecting expected: String, status: Int32? = nil, lines: Int = 1,
                               file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        let r = try census(arguments, in: dir)
        let shown = "census \(arguments.joined(separator: " ")) -> \(r.status)\n\(r.stderr)"
        XCTAssertNotEqual(r.status, 0, shown, file: file, line: line)
        if let status { XCTAssertEqual(r.status, status, shown, file: file, line: line) }
        XCTAssertEqual(r.messageLines.count, lines, shown, file: file, line: line)
        XCTAssertTrue(r.stderr.contains(expected), shown, file: file, line: line)
        return r
    }

    /// What the commands left in `dir` (not the runner's own output files).
    private func left(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".out-") && !$0.hasPrefix(".err-") }.sorted()
    }

    // An empty --dir used to mean the current directory (a store or frame was made right
    // there), and "-" a directory named "-".
    func testEmptyAndDashDirectoriesAreRefused() throws {
        let dir = try makeTempDirectory(self)
        let commands: [(String) -> [String]] = [
            { ["store", "init", "--dir", $0] }, { ["store", "check", "--dir", $0] }, { ["store", "show", "--dir", $0, "H1"] },
            { ["store", "where", "--dir", $0, "H1"] }, { ["store", "accept-schema", "--dir", $0, self.hash] },
            { ["store", "submit", "--dir", $0, "--household", "H1", "--schema", self.schema, "--body", "b.json"] },
            { ["frame", "generate", "--households", "5", "--out", $0] }, { ["frame", "import", self.small, "--out", $0] },
            { ["frame", "stats", "--dir", $0] }, { ["frame", "lookup", "--dir", $0, "BCDF-GHJK-LMNP-QRST"] },
            { ["frame", "codes", "issue", "--dir", $0, "--letters", "l.csv"] },
            { ["frame", "codes", "revoke", "--dir", $0, "--household", "H1"] },
        ]
        for command in commands {
            try assertRefused(command(""), in: dir, expecting: "is empty: give a directory", status: 64)
            try assertRefused(command("-"), in: dir, expecting: "this needs a directory, not standard input or output", status: 64)
        }
        XCTAssertEqual(try left(dir), [])
    }

    func testEmptyFileNamesAreRefused() throws {
        let dir = try makeTempDirectory(self)
        let household = packageRoot.appendingPathComponent("fixtures/households/edge-newborn.json").path
        try assertRefused(["validate", "--schema", "", household], in: dir, expecting: "census validate: the schema file is named by an empty string; give a file name")
        try assertRefused(["validate", "--schema", schema, ""], in: dir, expecting: "census validate: the responses file is named by an empty string")
        try assertRefused(["generate", "--schema", schema, "--households", "2", "-o", ""], in: dir, expecting: "an output file name is empty: give a file name, or - for standard output")
        try assertRefused(["generate", "--schema", schema, "--households", "2", "--mistakes", ""], in: dir, expecting: "an output file name is empty")
        XCTAssertEqual(try census(["store", "init", "--dir", "st", "--shards", "1"], in: dir).status, 0)
        try assertRefused(["store", "submit", "--dir", "st", "--household", "H1", "--schema", schema, "--body", ""], in: dir,
                          expecting: "the response body file is named by an empty string")
        try assertRefused(["frame", "import", "", "--out", "fr"], in: dir, expecting: "the frame CSV file name is empty")
        XCTAssertEqual(try census(["frame", "import", small, "--out", "fr"], in: dir).status, 0)
        // A letters file holds the only copy of the codes: not "", not standard output.
        try assertRefused(["frame", "codes", "issue", "--dir", "fr", "--letters", "", "--dev-secret"], in: dir, expecting: "--letters is empty: give the name of a new file")
        try assertRefused(["frame", "codes", "issue", "--dir", "fr", "--letters", "-", "--dev-secret"], in: dir, expecting: "letters go to a new file, not standard output")
        XCTAssertEqual(try left(dir), ["fr", "st"])
    }

    // The households and the mistakes went to the same temporary file: the output was
    // published half-written, then "cannot write g.ndjson: No such file or directory".
    func testGenerateRefusesOneFileForBothOutputs() throws {
        let dir = try makeTempDirectory(self)
        try assertRefused(["generate", "--schema", schema, "--households", "20", "--invalid-rate", "1", "--mistakes", "g.ndjson", "-o", "g.ndjson"],
                          in: dir, expecting: "--mistakes and -o name the same file g.ndjson; give two different files", status: 64)
        try assertRefused(["generate", "--schema", schema, "--households", "2", "--mistakes", "-"], in: dir,
                          expecting: "would both go to standard output", status: 64)
        XCTAssertEqual(try left(dir), [])
        let ok = try census(["generate", "--schema", schema, "--households", "20", "--invalid-rate", "1", "--mistakes", "m.ndjson", "-o", "g.ndjson"], in: dir)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(try left(dir), ["g.ndjson", "m.ndjson"])
    }

    func testSubmitRefusesAnEmptyKeyAndABodyForAnotherForm() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--dir", "st", "--shards", "2"], in: dir).status, 0)
        try importFixtureFrame(into: dir)
        try writeResponse(dir)
        let submit = ["store", "submit", "--dir", "st", "--household", "H000000001"]
        // A response whose schema is not the form's used to be stored by a store that accepts
        // any schema (with "" or "x" as its schema hash).
        let other = try String(contentsOf: dir.appendingPathComponent("b.json"), encoding: .utf8)
            .replacingOccurrences(of: fixtureSchemaHash, with: "x")
        try Data(other.utf8).write(to: dir.appendingPathComponent("other.json"))
        try assertRefused(submit + ["--schema", schema, "--body", "other.json"], in: dir,
                          expecting: "the response answers form x, not the one in \(schema)", status: 2)
        // It used to say only "invalid submission: empty idempotency key for household H1".
        try assertRefused(submit + ["--schema", schema, "--body", "b.json", "--key", ""], in: dir,
                          expecting: "--key is empty: give the request's idempotency key, or leave --key out for a new one", status: 64)
        XCTAssertEqual(try census(["store", "show", "--dir", "st", "H000000001"], in: dir).stdout, "no responses for H000000001\n")
    }

    func testFrameImportReadsStandardInputAndDevices() throws {
        let dir = try makeTempDirectory(self)
        // /dev/null used to be "permission denied or read error".
        try assertRefused(["frame", "import", "/dev/null", "--out", "fr"], in: dir,
                          expecting: "line 1: empty file: expected the header household_id,address_line_1", status: 2, lines: 2)
        let p = Process()
        p.executableURL = try censusExecutable()
        p.arguments = ["frame", "import", "-", "--out", "fr"]
        p.currentDirectoryURL = dir
        p.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: small))
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertTrue(text.hasPrefix("imported 250 households in "), text)
        XCTAssertEqual(try left(dir), ["fr"])
    }

    func testCodesCommandsCheckHouseholdIdsAndIssueNothingQuietly() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["frame", "import", small, "--out", "fr"], in: dir).status, 0)
        let reissue = ["frame", "codes", "reissue", "--dir", "fr", "--dev-secret", "--letters", "r.csv"]
        // "household  is not in the address frame." (two spaces) for an empty id.
        try assertRefused(reissue + ["--household", ""], in: dir, expecting: "give a household id (as in the address frame), not an empty string", status: 64)
        try assertRefused(["frame", "codes", "revoke", "--dir", "fr", "--household", "H 1"], in: dir, expecting: "'H 1' is not a household id", status: 64)
        try Data("H000000001\nnot an id\n".utf8).write(to: dir.appendingPathComponent("ids.txt"))
        try assertRefused(reissue + ["--households-file", "ids.txt"], in: dir, expecting: "the households file ids.txt holds 'not an id', which is not a household id")
        // A household named twice got two reminder codes.
        let twice = try census(reissue + ["--household", "H000000001", "--household", "H000000001"], in: dir)
        XCTAssertEqual(twice.status, 0, twice.stderr)
        XCTAssertTrue(twice.stdout.hasPrefix("issued 1 reminder code ("), twice.stdout)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("r.csv"), encoding: .utf8).split(separator: "\n").count, 2)

        XCTAssertEqual(try census(["frame", "codes", "issue", "--dir", "fr", "--letters", "l.csv", "--dev-secret"], in: dir).status, 0)
        // Nothing to issue used to write a letters file with only its header.
        let again = try census(["frame", "codes", "issue", "--dir", "fr", "--letters", "l2.csv", "--dev-secret"], in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stdout, "every household already has an active code: nothing issued, no letters file written\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("l2.csv").path))
    }
}
