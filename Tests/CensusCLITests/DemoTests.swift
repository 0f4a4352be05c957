import CensusTestSupport
import Foundation
import XCTest
@testable import AddressFrame
@testable import ResponseStore

/// `census demo --simulate` runs the demo census offline, end to end; these check that what
/// it reports is what it wrote. (`census` alone serves it: see `DemoServerTests`.)
final class DemoTests: XCTestCase {
    func testDemoWritesWhatItReports() throws {
        let dir = try makeTempDirectory(self)
        // Run from outside the checkout: the form is found beside the sources.
        let run = try census(["demo", "--simulate", "--dir", "demo", "--households", "300", "--seed", "5"], in: dir)
        XCTAssertEqual(run.status, 0, run.stderr)
        let out = run.stdout
        XCTAssertTrue(out.contains("questions       102"), out)
        XCTAssertTrue(out.contains("frame       300 households"), out)
        XCTAssertTrue(out.contains("Store check: all 8 shards pass PRAGMA integrity_check"), out)

        // The answered line says how many households answered; the store holds exactly
        // that many versions (the replayed retry stored nothing).
        let answered = try XCTUnwrap(number(after: "answered    ", in: out))
        XCTAssertGreaterThan(answered, 150)
        let demo = dir.appendingPathComponent("demo")
        let store = try ResponseStore.open(at: demo)
        XCTAssertEqual(store.versionCounts().compactMap { $0 }.reduce(0, +), answered)

        // The "all" row counts the authoritative returns that were submitted or on paper.
        let frame = try AddressFrame.open(at: demo.appendingPathComponent(AddressFrame.fileName))
        let ids = try frame.householdIDs()
        XCTAssertEqual(ids.count, 300)
        var returned = 0, online = 0
        for id in ids {
            guard let best = try store.authoritativeReturn(for: id, includeBody: false), best.kind != .partial else { continue }
            returned += 1
            if best.channel == .online { online += 1 }
        }
        store.close()
        try frame.close()
        let all = try XCTUnwrap(out.split(separator: "\n").first { $0.hasPrefix("  all ") }).split(separator: " ")
        XCTAssertEqual(all.dropFirst().prefix(2).map(String.init), ["300", "\(returned)"], out)

        // The figures add up, in the words the report uses (issue 14: 1,591 answered, 1,554
        // valid, 1,567 returned, unexplained).
        let answeredLine = try XCTUnwrap(line("  answered", in: out))
        let neverSubmitted = try XCTUnwrap(number(after: "on paper, ", in: answeredLine))
        let checked = try XCTUnwrap(line("  checked", in: out))
        let sent = try XCTUnwrap(number(after: "of the ", in: checked))
        let noErrors = try XCTUnwrap(number(after: "returns, ", in: checked))
        let onlineErrors = try XCTUnwrap(number(after: "with errors: ", in: checked))
        let paperErrors = try XCTUnwrap(number(after: "cannot be submitted), ", in: checked))
        XCTAssertEqual(noErrors + onlineErrors + paperErrors, sent, checked)
        XCTAssertEqual(sent + neverSubmitted, answered, answeredLine)
        let returnedLine = try XCTUnwrap(line("  returned", in: out))
        XCTAssertEqual(number(after: "returned    ", in: out), returned, returnedLine)
        XCTAssertTrue(returnedLine.contains("that is the \(answered) answered less \(neverSubmitted) never submitted and \(onlineErrors) refused for errors"), returnedLine)
        XCTAssertEqual(returned, answered - neverSubmitted - onlineErrors)
        XCTAssertEqual(all.last.map(String.init), String(format: "%.1f%%", 100 * Double(online) / Double(returned)))

        // The commands it suggests name a binary that runs from where the demo ran (after
        // `swift run census`, `census` is not on the PATH).
        let explore = out.split(separator: "\n").drop { !$0.hasPrefix("Explore it:") }.dropFirst()
        XCTAssertEqual(explore.count, 3, out)
        for line in explore {
            let binary = String(line.split(separator: " ")[0])
            let resolved = binary.hasPrefix("/") ? binary : dir.appendingPathComponent(binary).path
            XCTAssertTrue(FileManager.default.isExecutableFile(atPath: resolved), "\(binary) in: \(line)")
        }

        // One letter per household.
        let letters = try String(contentsOf: demo.appendingPathComponent("letters.csv"), encoding: .utf8)
        XCTAssertEqual(letters.split(separator: "\n").count, 301)

        // A second run replaces the demo directory; a directory it did not make is refused.
        XCTAssertEqual(try census(["demo", "--simulate", "--dir", "demo", "--households", "20"], in: dir).status, 0)
        let frameAgain = try AddressFrame.open(at: demo.appendingPathComponent(AddressFrame.fileName))
        XCTAssertEqual(try frameAgain.householdCount(), 20)
        try frameAgain.close()
    }

    func testDemoRefusesADirectoryItDidNotMake() throws {
        let dir = try makeTempDirectory(self)
        let mine = dir.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: mine.appendingPathComponent("notes.txt"))
        let run = try census(["--dir", "mine", "--households", "20"], in: dir)
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("exists and was not made by the demo; choose another --dir"), run.stderr)
        XCTAssertEqual(try String(contentsOf: mine.appendingPathComponent("notes.txt"), encoding: .utf8), "keep me")
    }

    /// Issue 14: `census | head` left a half-built demo directory. A reader that stops early
    /// stops the demo, and what it had built is removed; the status is a shell's for SIGPIPE.
    /// Both demos: the served one (`census`), whose reader stops after the form's summary,
    /// while the demo is still being built, and the offline one (`--simulate`), whose reader
    /// stops once households start answering.
    func testAReaderThatStopsEarlyLeavesNoHalfBuiltDemo() throws {
        for (arguments, until) in [(["--dir", "demo", "--households", "20000"], "to compile and check"),
                                   (["demo", "--simulate", "--dir", "demo", "--households", "3000"], "Demo census in")] {
            let dir = try makeTempDirectory(self)
            let p = Process()
            p.executableURL = try censusExecutable()
            p.arguments = arguments
            p.currentDirectoryURL = dir
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = FileHandle.nullDevice
            try p.run()
            // Read until the demo has started building, then stop reading, as `head` does.
            var seen = ""
            while !seen.contains(until), case let chunk = pipe.fileHandleForReading.availableData, !chunk.isEmpty {
                seen += String(decoding: chunk, as: UTF8.self)
            }
            try pipe.fileHandleForReading.close()
            // Never left serving to nobody: stopped by its next write.
            let deadline = Date().addingTimeInterval(120)
            while p.isRunning && Date() < deadline { usleep(10_000) }
            if p.isRunning { p.terminate() }
            p.waitUntilExit()
            XCTAssertEqual(p.terminationReason, .exit, "\(arguments)")
            XCTAssertEqual(p.terminationStatus, 141, "\(arguments)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("demo").path), "\(arguments)")
        }
    }

    private func line(_ prefix: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init)
    }

    private func number(after label: String, in text: String) -> Int? {
        guard let range = text.range(of: label) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}
