import CensusTestSupport
import Foundation
import XCTest

/// An output that cannot be created (issue 10, a newcomer's `census-compile FORM -o /proc/x.json`)
/// was reported with the system's bare reason, "No such file or directory", although /proc
/// exists. Each command that creates a file or directory now names the path, the failing call
/// with the system's reason, what that means there, and what to do.
final class UnwritableOutputTests: XCTestCase {
    private let form = packageRoot.appendingPathComponent("questionnaires/example.census").path

    /// Runs `census-compile` (when `arguments` start with it) or `census`, and checks for one
    /// message line, exit 2, naming the path and containing each of `expected`.
    @discardableResult
    private func refused(_ arguments: [String], in dir: URL, naming path: String, _ expected: [String],
                         file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r: Run
        if arguments.first == "census-compile" {
            let outcome = try runChild(try builtExecutable("census-compile"), Array(arguments.dropFirst()), in: dir)
            r = Run(status: outcome.status, stdout: outcome.stdout, stderr: outcome.stderr)
        } else {
            r = try census(arguments, in: dir)
        }
        let shown = "\(arguments.joined(separator: " ")) -> \(r.status)\n\(r.stderr)"
        XCTAssertEqual(r.status, 2, shown, file: file, line: line)
        XCTAssertEqual(r.messageLines.count, 1, shown, file: file, line: line)
        XCTAssertTrue(r.stderr.contains(path), shown, file: file, line: line)
        for text in expected { XCTAssertTrue(r.stderr.contains(text), "'\(text)' in: " + shown, file: file, line: line) }
        return r.stderr
    }

    func testAnOutputInProcSaysItIsTheKernelsFileSystemNotThatNothingIsThere() throws {
        #if os(Linux)
        let dir = try makeTempDirectory(self)
        let said = ["/proc is a proc file system", "which takes no new files", "No such file or directory", "write to a directory on a disk instead"]
        let message = try refused(["census-compile", form, "-o", "/proc/census-test.json"], in: dir, naming: "cannot write /proc/census-test.json: ", said)
        XCTAssertTrue(message.contains("(creating /proc/census-test.json.tmp-"), message)
        try refused(["compile", form, "-o", "/proc/census-test.json"], in: dir, naming: "cannot write /proc/census-test.json: ", said)
        try refused(["generate", "--schema", fixtureSchema, "--households", "2", "-o", "/proc/census-test.ndjson"], in: dir,
                    naming: "cannot write /proc/census-test.ndjson: ", said)
        try refused(["store", "init", "--dir", "/proc/census-test/st"], in: dir, naming: "cannot create the store directory /proc/census-test/st: ",
                    said + ["creating the directory /proc/census-test"])
        try refused(["frame", "generate", "--households", "5", "--out", "/proc/census-test"], in: dir, naming: "/proc/census-test", said)
        #else
        throw XCTSkip("/proc: Linux only")
        #endif
    }

    func testAFileWhereADirectoryShouldBeIsNamed() throws {
        let dir = try makeTempDirectory(self)
        try Data("a file".utf8).write(to: dir.appendingPathComponent("notes"))
        let said = ["notes is a file, not a directory", "Not a directory", "give a path whose directories exist"]
        try refused(["census-compile", form, "-o", "notes/form.json"], in: dir, naming: "cannot write notes/form.json: ", said)
        try refused(["generate", "--schema", fixtureSchema, "--households", "2", "-o", "notes/h.ndjson"], in: dir, naming: "cannot write notes/h.ndjson: ", said)
        try refused(["store", "init", "--dir", "notes/st"], in: dir, naming: "notes/st", said)
    }

    func testAMissingDirectorySaysToCreateIt() throws {
        let dir = try makeTempDirectory(self)
        let said = ["the directory no/such does not exist", "No such file or directory", "create it first (mkdir -p no/such)"]
        try refused(["census-compile", form, "-o", "no/such/form.json"], in: dir, naming: "cannot write no/such/form.json: ", said)
        try refused(["compile", form, "-o", "no/such/form.json"], in: dir, naming: "cannot write no/such/form.json: ", said)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("no").path))
    }

    /// A read-only disk (a read-only tmpfs; skipped where one cannot be mounted).
    func testAReadOnlyDiskSaysSo() throws {
        let disk = try mountTemporaryDisk(self, options: "ro,size=1m")
        let work = try makeTempDirectory(self, "work")
        let said = ["\(disk.path) is on a read-only file system", "Read-only file system", "write to a directory on a writable disk"]
        let out = disk.appendingPathComponent("form.json").path
        try refused(["census-compile", form, "-o", out], in: work, naming: "cannot write \(out): ", said)
        try refused(["generate", "--schema", fixtureSchema, "--households", "2", "-o", out], in: work, naming: "cannot write \(out): ", said)
        try refused(["store", "init", "--dir", disk.appendingPathComponent("st").path], in: work, naming: disk.appendingPathComponent("st").path, said)
    }
}
