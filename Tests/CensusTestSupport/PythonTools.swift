import Foundation

/// python3 and its packages, for the tests that check outputs and pages with real tools
/// (DuckDB and pandas read the exports; selenium and axe-core drive Chromium). `.ci/run`
/// installs them; a test skips without them unless its `CENSUS_REQUIRE_*` variable is set.
public enum PythonTools {
    /// Whether `python3` on the PATH imports every module of `modules`.
    public static func available(_ modules: [String]) -> Bool {
        (try? run(["-c", "import " + modules.joined(separator: ", ")])) != nil
    }

    /// Whether headless Chromium can be driven: chromium-driver and selenium (plus `modules`).
    public static func browserAvailable(_ modules: [String] = []) -> Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") && available(["selenium"] + modules)
    }

    /// Runs python3 with `arguments`; returns standard output, throws on a non-zero exit
    /// (with standard error and standard output in the message).
    @discardableResult
    public static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        // Standard error goes to a file: a long report there must not block the script while
        // standard output is read.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("python-\(UUID().uuidString).stderr")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errorFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw Failed(description: "python3 \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(errors)\n\(String(decoding: data, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A python3 run that failed.
    public struct Failed: Error, CustomStringConvertible {
        public var description: String
    }
}
