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

        // The responses line says how many households answered; the store holds exactly
        // that many versions (the replayed retry stored nothing).
        let answered = try XCTUnwrap(number(after: "responses   ", in: out))
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
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("exists and was not made by the demo; choose another --dir"), run.stderr)
        XCTAssertEqual(try String(contentsOf: mine.appendingPathComponent("notes.txt"), encoding: .utf8), "keep me")
    }

    private func number(after label: String, in text: String) -> Int? {
        guard let range = text.range(of: label) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}
