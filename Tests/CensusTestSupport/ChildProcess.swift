import Foundation

/// How a child process ended: its exit status and everything it wrote.
public struct ChildOutcome {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `executable` with `arguments` in `dir` and waits for it, as the tests run `census`:
/// standard input empty (or `input`), the code secret of the test process's environment removed (each test
/// configures its own), `environment` added. Output goes through files in `dir`, not pipes, so
/// a child that writes more than a pipe holds cannot block on a full pipe.
///
/// - Throws: when the executable cannot be started or its output cannot be read.
public func runChild(_ executable: URL, _ arguments: [String], in dir: URL,
                     environment: [String: String] = [:], input: String? = nil) throws -> ChildOutcome {
    let p = Process()
    p.executableURL = executable
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
    let inputFile = dir.appendingPathComponent(".in-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: inputFile) }
    if let input {
        try Data(input.utf8).write(to: inputFile)
        p.standardInput = try FileHandle(forReadingFrom: inputFile)
    } else {
        p.standardInput = FileHandle.nullDevice
    }
    try p.run()
    p.waitUntilExit()
    return ChildOutcome(status: p.terminationStatus,
                        stdout: try String(contentsOf: out, encoding: .utf8),
                        stderr: try String(contentsOf: err, encoding: .utf8))
}
