import CensusTestSupport
import Foundation
import XCTest
@testable import AddressFrame

/// `census frame codes issue` killed with SIGKILL (issue 13); the settling of interrupted runs
/// is tested in AddressFrameTests/CodeIssueRecoveryTests.
final class CodeIssueKillTests: XCTestCase {
    private let hasher = AccessCodeHasher(secret: .development)

    private func partialFiles(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".partial-") }
    }

    /// The real thing: `codes issue` killed with SIGKILL at random moments, then run to the end.
    /// Whatever the moment, every household ends with exactly one active code, every active code
    /// is in a published letters file, and no temporary file is left.
    func testCodesIssueKilledAtRandomMomentsEndsConsistent() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["frame", "generate", "--households", "20000", "--out", "fr"], in: dir).status, 0)
        var rng = SystemRandomNumberGenerator()
        let deadline = Date().addingTimeInterval(60)
        for round in 0..<8 where Date() < deadline {
            let p = Process()
            p.executableURL = try censusExecutable()
            p.arguments = ["frame", "codes", "issue", "--dir", "fr", "--letters", "l\(round).csv", "--dev-secret"]
            p.currentDirectoryURL = dir
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32.random(in: 20_000...2_500_000, using: &rng))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        let last = try census(["frame", "codes", "issue", "--dir", "fr", "--letters", "final.csv", "--dev-secret"], in: dir)
        XCTAssertEqual(last.status, 0, last.stderr)

        let frame = try AddressFrame.open(at: dir.appendingPathComponent("fr/frame.sqlite"), readOnly: true)
        defer { try? frame.close() }
        let counts = try frame.codeCounts()
        XCTAssertEqual(counts.active, 20000)
        XCTAssertEqual(counts.householdsWithActiveCode, 20000)
        var live = Set<String>()
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".csv") {
            for r in CSV.parse(try Data(contentsOf: dir.appendingPathComponent(name))).records.dropFirst() {
                if let h = try? frame.lookup(code: r.fields[2], hasher: hasher) {
                    XCTAssertEqual(h.householdID, r.fields[0])
                    live.insert(r.fields[0])
                }
            }
        }
        XCTAssertEqual(live.count, 20000, "a live code without a published letter")
        XCTAssertEqual(try partialFiles(dir), [])
        XCTAssertEqual(try frame.interruptedIssues().count, 0)
    }
}
