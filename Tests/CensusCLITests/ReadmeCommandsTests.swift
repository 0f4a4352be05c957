import CensusTestSupport
import Foundation
import XCTest

/// Issue 14: the README's commands failed as written (`census` not on the PATH, a response
/// file that does not exist) and left files in the checkout. This runs its "Using it" block as
/// a user pastes it, in order, and checks that every line succeeds and the checkout is left as
/// it was.
final class ReadmeCommandsTests: XCTestCase {
    func testTheUsingItCommandsWorkWhenPastedAndWriteNothingIntoTheCheckout() throws {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try XCTUnwrap(readme.components(separatedBy: "## Using it").dropFirst().first)
        let block = try XCTUnwrap(section.components(separatedBy: "```sh\n").dropFirst().first?.components(separatedBy: "```").first)
        var lines = block.split(separator: "\n").map(String.init)
        // The release build and its PATH line stand for the build under test.
        XCTAssertTrue(lines.first?.hasPrefix("swift build -c release") == true, block)
        XCTAssertTrue(lines.dropFirst().first?.hasPrefix("export PATH=\"$PWD/.build/release:$PATH\"") == true, block)
        lines.removeFirst(2)
        let binaries = try censusExecutable().deletingLastPathComponent().path
        let script = "export PATH='\(binaries)':\"$PATH\"\n" + lines.joined(separator: "\n") + "\n"

        let scratch = try makeTempDirectory(self)
        let before = try checkout()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-euo", "pipefail", "-c", script]
        p.currentDirectoryURL = packageRoot
        var env = ProcessInfo.processInfo.environment
        env["TMPDIR"] = scratch.path  // mktemp -d makes its directory here, removed with the test's
        env["CENSUS_CODE_SECRET"] = nil
        env["CENSUS_CODE_SECRET_FILE"] = nil
        p.environment = env
        let out = scratch.appendingPathComponent("out.txt")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        p.waitUntilExit()
        try handle.close()
        let log = try String(contentsOf: out, encoding: .utf8)
        XCTAssertEqual(p.terminationStatus, 0, "a README command failed:\n\(log)")
        XCTAssertTrue(log.contains("no problems found"), log)
        XCTAssertTrue(log.contains("1000 responses: 1000 valid, 0 invalid"), log)
        // store show: the submitted paper return, under its column headers.
        XCTAssertNotNil(log.firstMatch(of: /\ \ receipt +kind +channel +received \(UTC\) +complete +form +idempotency key\n\* R\S+ +paper +paper\ /), log)
        XCTAssertEqual(try checkout(), before, "the README's commands left files in the checkout")
    }

    /// The README said the first builds take "a few minutes"; a newcomer's release build took
    /// 12 on the shared 2 cores. Each build line says how long, in minutes, on 2 cores.
    func testTheBuildLinesSayHowLongOnTwoCores() throws {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertFalse(readme.contains("a few minutes"), "say how long a build takes")
        let builds = readme.split(separator: "\n").filter { $0.hasPrefix("swift run census ") || $0.hasPrefix("swift build -c release ") }
        XCTAssertEqual(builds.count, 2, readme)
        for line in builds {
            XCTAssertNotNil(line.firstMatch(of: /about \d+ minutes on 2 cores/), String(line))
        }
    }

    /// The top level of the checkout (build folders aside).
    private func checkout() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: packageRoot.path)
            .filter { !$0.hasPrefix(".build") && $0 != ".swiftpm" && $0 != "Package.resolved" }.sorted()
    }
}
