import CensusTestSupport
import Foundation
import XCTest

/// The `census` executable built next to the test bundle.
func censusExecutable() throws -> URL { try builtExecutable("census") }

/// The `census-bench` executable built next to the test bundle.
func benchExecutable() throws -> URL { try builtExecutable("census-bench") }

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Standard error without warnings (`census COMMAND: warning: …`) and the usage lines of a
    /// usage error.
    var messageLines: [String] {
        stderr.split(separator: "\n").map(String.init).filter {
            !isWarning($0) && !$0.hasPrefix("Usage:") && !$0.hasPrefix("  See '")
        }
    }
}

/// `census frame codes issue: warning: …`: a warning line of the census convention.
func isWarning(_ line: some StringProtocol) -> Bool {
    line.hasPrefix("census") && line.contains(": warning: ")
}

/// Runs the `census` executable in `dir`, without any configured code secret; standard input
/// is empty unless `input` is given.
func census(_ arguments: [String], in dir: URL, environment: [String: String] = [:], input: String? = nil) throws -> Run {
    let outcome = try runChild(try censusExecutable(), arguments, in: dir, environment: environment, input: input)
    return Run(status: outcome.status, stdout: outcome.stdout, stderr: outcome.stderr)
}

/// The compiled census form of the fixtures (`--schema` of `store submit`).
let fixtureSchema = packageRoot.appendingPathComponent("fixtures/households/census-household.schema.json").path
/// Its schema hash, read from the file (it changes whenever the form does).
let fixtureSchemaHash: String = {
    let text = (try? String(contentsOfFile: fixtureSchema, encoding: .utf8)) ?? ""
    return text.firstMatch(of: /"hash": "(sha256:[0-9a-f]{64})"/).map { String($0.1) } ?? "sha256:missing"
}()

/// Writes line `line` (from 0) of the valid fixture households, one response to the census
/// form, to `dir/name`.
func writeResponse(_ dir: URL, _ name: String = "b.json", line: Int = 0) throws {
    let text = try String(contentsOf: packageRoot.appendingPathComponent("fixtures/households/valid.ndjson"), encoding: .utf8)
    try Data(text.split(separator: "\n")[line].utf8).write(to: dir.appendingPathComponent(name))
}

/// Puts the 250 fixture households (H000000001…) into `dir/st/frame.sqlite`, beside a store,
/// so that `census store submit --dir st` finds them.
func importFixtureFrame(into dir: URL, _ name: String = "st") throws {
    let small = packageRoot.appendingPathComponent("fixtures/frame-small.csv").path
    let r = try census(["frame", "import", small, "--out", name], in: dir)
    guard r.status == 0 else { throw NSError(domain: "frame import: \(r.stderr)", code: Int(r.status)) }
}

/// Runs `census` and samples its peak RSS (VmHWM in /proc) until it exits. (wait4's
/// ru_maxrss would not do: Linux charges a spawned child with its parent's high-water mark.)
func spawnMeasuringPeakRSS(_ arguments: [String], in dir: URL? = nil) throws -> (status: Int32, peakKB: Int) {
    guard FileManager.default.fileExists(atPath: "/proc/self/status") else { throw XCTSkip("needs /proc") }
    let p = Process()
    p.executableURL = try censusExecutable()
    p.arguments = arguments
    if let dir { p.currentDirectoryURL = dir }
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    var peak = 0
    let status = "/proc/\(p.processIdentifier)/status"
    while p.isRunning {
        if let text = try? String(contentsOfFile: status, encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
            peak = max(peak, kb)
        }
        usleep(5_000)
    }
    p.waitUntilExit()
    return (p.terminationStatus, peak)
}
