import Foundation
import GRDB
import XCTest
@testable import ResponseStore

/// A fresh temporary directory, removed at the end of the test.
func makeTempDirectory(_ test: XCTestCase, _ name: String = #function) throws -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("census-store-tests-\(safe)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// The package root, from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func submission(_ household: String, kind: ResponseKind = .submitted, channel: Channel? = nil,
                at seconds: Double = 1_700_000_000, key: String? = nil, completeness: Double = 0.1,
                schema: String = "sha256:test", body: String = "{}") -> Submission {
    Submission(householdID: household, kind: kind, channel: channel ?? (kind == .paper ? .paper : .online),
               receivedAt: Date(timeIntervalSince1970: seconds), schemaHash: schema,
               idempotencyKey: key ?? UUID().uuidString, completeness: completeness, body: Data(body.utf8))
}

/// Synchronous SQL helpers (GRDB picks async overloads inside async tests).
func executeSQL(_ path: String, _ sql: String) throws {
    let db = try DatabaseQueue(path: path)
    defer { try? db.close() }
    try db.write { try $0.execute(sql: sql) }
}

func fetchInt(_ path: String, _ sql: String) throws -> Int? {
    let db = try DatabaseQueue(path: path)
    defer { try? db.close() }
    return try db.read { try Int.fetchOne($0, sql: sql) }
}

/// The `census` executable built next to the test bundle.
func censusExecutable() throws -> URL { try builtExecutable("census") }

/// The `census-bench` executable built next to the test bundle.
func benchExecutable() throws -> URL { try builtExecutable("census-bench") }

/// An executable product built next to the test bundle.
func builtExecutable(_ name: String) throws -> URL {
    var candidates: [URL] = []
    // On macOS the runner is inside the .xctest bundle; walk up a few levels.
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<4 {
        candidates.append(dir.appendingPathComponent(name))
        dir = dir.deletingLastPathComponent()
    }
    for c in candidates where FileManager.default.isExecutableFile(atPath: c.path) { return c }
    struct NotBuilt: Error, CustomStringConvertible { var description: String }
    throw NotBuilt(description: "\(name) is not built next to the tests (looked in \(candidates.map(\.path))); run `swift build` first (swift test builds it)")
}

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Standard error without warnings and ArgumentParser's usage lines.
    var messageLines: [String] {
        stderr.split(separator: "\n").map(String.init).filter {
            !$0.hasPrefix("warning:") && !$0.hasPrefix("Usage:") && !$0.hasPrefix("  See '")
        }
    }
}

/// Runs the `census` executable in `dir`, without any configured code secret.
func census(_ arguments: [String], in dir: URL, environment: [String: String] = [:]) throws -> Run {
    let p = Process()
    p.executableURL = try censusExecutable()
    p.arguments = arguments
    p.currentDirectoryURL = dir
    var env = ProcessInfo.processInfo.environment
    env["CENSUS_CODE_SECRET"] = nil
    env["CENSUS_CODE_SECRET_FILE"] = nil
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let out = dir.appendingPathComponent(".out-\(UUID().uuidString)")
    let err = dir.appendingPathComponent(".err-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
    }
    p.standardOutput = try FileHandle(forWritingTo: out)
    p.standardError = try FileHandle(forWritingTo: err)
    p.standardInput = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return Run(status: p.terminationStatus,
               stdout: try String(contentsOf: out, encoding: .utf8),
               stderr: try String(contentsOf: err, encoding: .utf8))
}

/// The compiled census form of the fixtures (`--schema` of `store submit`).
let fixtureSchema = packageRoot.appendingPathComponent("fixtures/households/census-household.schema.json").path
/// Its schema hash.
let fixtureSchemaHash = "sha256:13f5acdbc0575d9e05beaa479babd5b931dea19e8f4bd1efae4476ffd83cbce4"

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

/// A strong test secret: 48 pseudo-random bytes from `seed` (xorshift64*), as text (base64), as a
/// deployment would configure it.
func testSecretText(seed: UInt64 = 1) -> String {
    var x = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    var bytes: [UInt8] = []
    for _ in 0..<48 {
        x ^= x >> 12; x ^= x << 25; x ^= x >> 27
        bytes.append(UInt8(truncatingIfNeeded: (x &* 0x2545_F491_4F6C_DD1D) >> 56))
    }
    return Data(bytes).base64EncodedString()
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
