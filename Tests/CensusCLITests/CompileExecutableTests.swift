import CensusTestSupport
import Foundation
import XCTest

/// `census-compile` is `census compile` in an executable of its own (it starts faster): the
/// same schema bytes, diagnostics, messages and exit statuses, and none of the server's or the
/// store's libraries.
final class CompileExecutableTests: XCTestCase {
    private func compileExecutable() throws -> URL { try builtExecutable("census-compile") }

    private func run(_ executable: URL, _ arguments: [String], in dir: URL) throws -> Run {
        let outcome = try runChild(executable, arguments, in: dir)
        return Run(status: outcome.status, stdout: outcome.stdout, stderr: outcome.stderr)
    }

    func testTheCensusFormCompilesToTheSameBytesAsCensusCompile() throws {
        let dir = try makeTempDirectory(self)
        let form = packageRoot.appendingPathComponent("questionnaires/census-household.census").path
        let lean = try run(try compileExecutable(), [form, "-o", "lean.json"], in: dir)
        let full = try census(["compile", form, "-o", "full.json"], in: dir)
        XCTAssertEqual(lean.status, 0, lean.stderr)
        XCTAssertEqual(full.status, 0, full.stderr)
        let leanBytes = try Data(contentsOf: dir.appendingPathComponent("lean.json"))
        XCTAssertGreaterThan(leanBytes.count, 100_000)
        XCTAssertEqual(leanBytes, try Data(contentsOf: dir.appendingPathComponent("full.json")))
        // The same note, under its own name.
        XCTAssertTrue(lean.stderr.hasPrefix("census-compile: wrote lean.json (sha256:"), lean.stderr)
        XCTAssertEqual(lean.stderr, full.stderr.replacingOccurrences(of: "census compile: wrote full.json", with: "census-compile: wrote lean.json"))
        // To standard output with `-o -` (the default).
        let out = try run(try compileExecutable(), [form], in: dir)
        XCTAssertEqual(out.status, 0)
        XCTAssertEqual(Data(out.stdout.utf8), leanBytes)
        XCTAssertEqual(out.stderr, "")
    }

    func testAFormWithAnErrorGetsTheSameDiagnosticsExitsOneAndWritesNothing() throws {
        let dir = try makeTempDirectory(self)
        let broken = """
            questionnaire broken {
              version "1"
              title "Broken"
              languages en
              census_date 2021-03-21
              section s "S" {
                question q: number min 0 max 10 when missing_name == 1
              }
            }

            """
        try Data(broken.utf8).write(to: dir.appendingPathComponent("broken.census"))
        for format in ["human", "json"] {
            let lean = try run(try compileExecutable(), ["broken.census", "-o", "lean.json", "--format", format], in: dir)
            let full = try census(["compile", "broken.census", "-o", "full.json", "--format", format], in: dir)
            XCTAssertEqual(lean.status, 1, lean.stderr)
            XCTAssertEqual(full.status, 1, full.stderr)
            XCTAssertEqual(lean.stdout, full.stdout, format)
            XCTAssertEqual(lean.stderr, full.stderr, format)
            XCTAssertTrue((format == "json" ? lean.stdout : lean.stderr).contains("missing_name"), lean.stderr + lean.stdout)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("lean.json").path))
        }
    }

    func testAMissingFileIsNotDoneAndAnUnknownOptionIsAUsageError() throws {
        let dir = try makeTempDirectory(self)
        let missing = try run(try compileExecutable(), ["missing.census", "-o", "out.json"], in: dir)
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr, "census-compile: cannot read missing.census: No such file or directory\n")
        let usage = try run(try compileExecutable(), ["missing.census", "--no-such-option"], in: dir)
        XCTAssertEqual(usage.status, 64)
        let lines = usage.stderr.split(separator: "\n")
        XCTAssertEqual(lines.first.map(String.init), "census-compile: Unknown option '--no-such-option'")
        XCTAssertTrue(lines.contains { $0.hasPrefix("Usage: census-compile") }, usage.stderr)
        let help = try run(try compileExecutable(), ["--help"], in: dir)
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("USAGE: census-compile <file>"), help.stdout)
    }

    /// Issue 10 (newcomer): with no arguments at all it printed its whole 45-line help, where
    /// `census compile` says what is missing in three lines. Both say it the same way now.
    func testNoArgumentsSaysWhatIsMissingAsCensusCompileDoes() throws {
        let dir = try makeTempDirectory(self)
        let lean = try run(try compileExecutable(), [], in: dir)
        let full = try census(["compile"], in: dir)
        XCTAssertEqual(lean.status, 64, lean.stderr)
        XCTAssertEqual(full.status, 64, full.stderr)
        XCTAssertEqual(lean.stdout, "")
        XCTAssertTrue(lean.stderr.hasPrefix("census-compile: Missing expected argument '<file>'\n"), lean.stderr)
        XCTAssertTrue(lean.stderr.contains("Usage: census-compile <file>"), lean.stderr)
        XCTAssertTrue(lean.stderr.hasSuffix("  See 'census-compile --help' for more information.\n"), lean.stderr)
        XCTAssertFalse(lean.stderr.contains("OVERVIEW"), lean.stderr)
        XCTAssertEqual(lean.stderr, full.stderr.replacingOccurrences(of: "census compile", with: "census-compile"))
    }

    /// What makes it start faster: no SQLite (GRDB), no server. Linux: the loader's list.
    func testItLoadsNoSQLite() throws {
        #if os(Linux)
        let dir = try makeTempDirectory(self)
        let ldd = try runChild(URL(fileURLWithPath: "/usr/bin/ldd"), [try compileExecutable().path], in: dir)
        XCTAssertEqual(ldd.status, 0, ldd.stderr)
        XCTAssertFalse(ldd.stdout.contains("libsqlite3"), ldd.stdout)
        // The census executable does load it: the check can fail.
        let full = try runChild(URL(fileURLWithPath: "/usr/bin/ldd"), [try censusExecutable().path], in: dir)
        XCTAssertTrue(full.stdout.contains("libsqlite3"), full.stdout)
        #else
        throw XCTSkip("ldd: Linux only")
        #endif
    }
}
