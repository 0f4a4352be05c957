import CensusTestSupport
import Foundation
import XCTest

/// One convention for every command (stated in `census help`): messages on standard error
/// start with the command as typed, and the exit status says whether the work was done (0),
/// done with a "no" (1), not done (2) or asked for wrongly (64).
final class MessageConventionTests: XCTestCase {
    /// Every command, with arguments it cannot act on (a missing file, store or frame).
    private let notDone: [(command: String, arguments: [String])] = [
        ("census demo", ["demo", "--form", "missing.census", "--dir", "d"]),
        ("census serve", ["serve", "--dir", "nost", "--schema", "missing.json", "--dev-secret"]),
        ("census check", ["check", "missing.census"]),
        ("census compile", ["compile", "missing.census"]),
        ("census validate", ["validate", "--schema", "missing.json", "r.json"]),
        ("census generate", ["generate", "--schema", "missing.json"]),
        ("census frame generate", ["frame", "generate", "--households", "5", "--out", "file/fr"]),
        ("census frame import", ["frame", "import", "missing.csv", "--out", "fr"]),
        ("census frame codes issue", ["frame", "codes", "issue", "--dir", "nofr", "--letters", "l.csv", "--dev-secret"]),
        ("census frame codes reissue", ["frame", "codes", "reissue", "--dir", "nofr", "--household", "H1", "--letters", "r.csv", "--dev-secret"]),
        ("census frame codes revoke", ["frame", "codes", "revoke", "--dir", "nofr", "--household", "H1"]),
        ("census frame lookup", ["frame", "lookup", "--dir", "nofr", "--dev-secret", "BCDF-GHJK-LMNP-QRST"]),
        ("census frame stats", ["frame", "stats", "--dir", "nofr"]),
        ("census store init", ["store", "init", "--dir", "file/st"]),
        ("census store check", ["store", "check", "--dir", "nost"]),
        ("census store accept-schema", ["store", "accept-schema", "--dir", "nost", "sha256:" + String(repeating: "a", count: 64)]),
        ("census store where", ["store", "where", "--dir", "nost", "H1"]),
        ("census store show", ["store", "show", "--dir", "nost", "H1"]),
        ("census store upgrade", ["store", "upgrade", "--dir", "nost"]),
        ("census store fill", ["store", "fill", "--dir", "file/st", "--households", "5"]),
        ("census store backup", ["store", "backup", "--dir", "nost", "--to", "bk"]),
        ("census staff add", ["staff", "add", "--dir", "file/st", "--name", "ann", "--role", "field"]),
        ("census staff list", ["staff", "list", "--dir", "nost"]),
        ("census staff disable", ["staff", "disable", "--dir", "nost", "--name", "ann"]),
        ("census staff reset-password", ["staff", "reset-password", "--dir", "nost", "--name", "ann"]),
        ("census staff reenrol", ["staff", "reenrol", "--dir", "nost", "--name", "ann"]),
        ("census audit verify", ["audit", "verify", "--dir", "nost"]),
        ("census audit show", ["audit", "show", "--dir", "nost"]),
        ("census audit reconcile", ["audit", "reconcile", "--dir", "nost"]),
        ("census token create", ["token", "create", "--dir", "nost", "--name", "paper-capture", "--role", "ingest"]),
        ("census token list", ["token", "list", "--dir", "nost"]),
        ("census token revoke", ["token", "revoke", "--dir", "nost", "paper-capture"]),
        ("census aggregate", ["aggregate", "--dir", "nost", "--out", "outputs"]),
        ("census verify-export", ["verify-export", "nooutputs"]),
        ("census store submit", ["store", "submit", "--dir", "nost", "--schema", "missing.json", "--household", "H1", "--body", "b.json"]),
    ]

    func testEveryCommandIsCovered() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(Set(notDone.map(\.command)), try leafCommands(["census"], in: dir))
    }

    /// Every command's help reads as prose above its usage: `census serve --help` had runs of
    /// 13 spaces inside sentences (a line break in the source without its `\\`) and a table
    /// too wide for 80 columns. Example lines (`  census …  # comment`) are aligned on purpose.
    func testEveryCommandsHelpHasNoGapsInItsProse() throws {
        let dir = try makeTempDirectory(self)
        for command in notDone.map(\.command) {
            let r = try census(Array(command.split(separator: " ").dropFirst().map(String.init)) + ["--help"], in: dir)
            XCTAssertEqual(r.status, 0, "\(command): \(r.stderr)")
            let prose = r.stdout.components(separatedBy: "\nUSAGE:").first ?? ""
            for line in prose.split(separator: "\n") where !line.hasPrefix("  census") {
                XCTAssertNil(line.firstMatch(of: /\S {6,}\S/), "\(command) --help: \(line)")
            }
        }
    }

    func testACommandThatCannotBeDoneSaysSoWithItsNameAndExitsTwo() throws {
        let dir = try makeTempDirectory(self)
        try Data("not a directory".utf8).write(to: dir.appendingPathComponent("file"))
        for (command, arguments) in notDone {
            let r = try census(arguments, in: dir)
            // A command may say what it is about to do first (store fill: "making …").
            let lines = r.stderr.split(separator: "\n").filter { !isWarning($0) && $0.hasPrefix("census") }
            XCTAssertEqual(r.status, 2, "\(command): \(r.stderr)")
            XCTAssertEqual(lines.count, 1, "\(command): \(r.stderr)")
            XCTAssertTrue(lines.first?.hasPrefix(command + ": ") == true, "\(command): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Error:") || r.stderr.contains("error:"), "\(command): \(r.stderr)")
            // The system's reason, not Foundation's on Linux ("verify-export nooutputs" said "The
            // operation could not be completed. The file doesn’t exist.").
            XCTAssertFalse(r.stderr.contains("could not be completed"), "\(command): \(r.stderr)")
        }
        let missing = try census(["verify-export", "nooutputs"], in: dir)
        XCTAssertTrue(missing.stderr.contains("nooutputs/manifest.json: no manifest: No such file or directory"), missing.stderr)
    }

    func testAUsageErrorNamesTheCommandShowsItsUsageAndExitsSixtyFour() throws {
        let dir = try makeTempDirectory(self)
        for (command, arguments) in notDone {
            let r = try census(arguments + ["--no-such-option"], in: dir)
            XCTAssertEqual(r.status, 64, "\(command): \(r.stderr)")
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.first.map(String.init), "\(command): Unknown option '--no-such-option'", "\(command): \(r.stderr)")
            XCTAssertTrue(lines.contains { $0.hasPrefix("Usage: \(command)") }, "\(command): \(r.stderr)")
        }
    }

    /// A group run without one of its commands (`census store`) printed the group's whole help
    /// and exited 0, so a script that left the command out went on as if it had worked. It is a
    /// usage error now, said as a missing argument is; `--help` and `census help` still help.
    func testAGroupWithoutItsCommandSaysWhatIsMissingAndExitsSixtyFour() throws {
        let dir = try makeTempDirectory(self)
        for group in [["store"], ["frame"], ["frame", "codes"], ["staff"], ["audit"], ["token"]] {
            let command = (["census"] + group).joined(separator: " ")
            let r = try census(group, in: dir)
            XCTAssertEqual(r.status, 64, "\(command): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", command)
            let lines = r.stderr.split(separator: "\n").map(String.init)
            XCTAssertTrue(lines.first?.hasPrefix("\(command): Missing expected subcommand (") == true, r.stderr)
            XCTAssertEqual(Array(lines.dropFirst()), ["Usage: \(command) <subcommand>", "  See '\(command) --help' for more information."], r.stderr)
            let help = try census(group + ["--help"], in: dir)
            XCTAssertEqual(help.status, 0, help.stderr)
            XCTAssertTrue(help.stdout.contains("SUBCOMMANDS:"), help.stdout)
            XCTAssertEqual(try census(["help"] + group, in: dir).status, 0)
        }
        XCTAssertTrue(try census(["store"], in: dir).stderr.contains("(init, check, upgrade, accept-schema, where, show, submit, fill, backup)"))
    }

    /// `census-bench` with no benchmark printed its whole help and exited 0; it says what is
    /// missing as `census store` does.
    func testCensusBenchWithoutABenchmarkSaysWhatIsMissing() throws {
        let dir = try makeTempDirectory(self)
        let r = try runChild(try benchExecutable(), [], in: dir, environment: [:])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertEqual(r.stdout, "")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.first?.hasPrefix("census-bench: Missing expected subcommand (compile, store, ") == true, r.stderr)
        XCTAssertEqual(Array(lines.dropFirst()), ["Usage: census-bench <subcommand>", "  See 'census-bench --help' for more information."], r.stderr)
        let help = try runChild(try benchExecutable(), ["--help"], in: dir, environment: [:])
        XCTAssertEqual(help.status, 0, help.stderr)
        XCTAssertTrue(help.stdout.contains("SUBCOMMANDS:"), help.stdout)
    }

    func testAMistypedCommandGetsADidYouMean() throws {
        let dir = try makeTempDirectory(self)
        let top = try census(["valdiate", "--schema", "census.json"], in: dir)
        XCTAssertEqual(top.status, 64)
        XCTAssertTrue(top.stderr.hasPrefix("census: 'valdiate' is not a command; did you mean 'validate'?"), top.stderr)
        let nested = try census(["store", "sumbit"], in: dir)
        XCTAssertEqual(nested.status, 64)
        XCTAssertTrue(nested.stderr.hasPrefix("census store: 'sumbit' is not a command; did you mean 'submit'?"), nested.stderr)
        let help = try census(["help", "nonexistent"], in: dir)
        XCTAssertEqual(help.status, 64)
        XCTAssertTrue(help.stderr.hasPrefix("census help: 'nonexistent' is not a command (commands: demo, serve, check, "), help.stderr)
        XCTAssertEqual(try census(["help", "store", "submit"], in: dir).status, 0)
    }

    func testVersionAndHelpStateTheConvention() throws {
        let dir = try makeTempDirectory(self)
        let version = try census(["--version"], in: dir)
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.stdout.hasPrefix("census "), version.stdout)
        let help = try census(["help"], in: dir)
        XCTAssertEqual(help.status, 0)
        for text in ["Exit status:", "64   usage", "not done", "census store submit: …"] {
            XCTAssertTrue(help.stdout.contains(text), "\(text) in:\n\(help.stdout)")
        }
    }

    /// The commands `census help` lists, down to those without subcommands.
    private func leafCommands(_ path: [String], in dir: URL) throws -> Set<String> {
        let help = try census(["help"] + path.dropFirst(), in: dir).stdout
        guard let section = help.components(separatedBy: "SUBCOMMANDS:").dropFirst().first else {
            return [path.joined(separator: " ")]
        }
        var leaves = Set<String>()
        for line in section.split(separator: "\n") where line.hasPrefix("  ") && !line.hasPrefix("   ") {
            guard let name = line.split(separator: " ").first, !line.contains("See '") else { continue }
            leaves.formUnion(try leafCommands(path + [String(name)], in: dir))
        }
        return leaves
    }
}
