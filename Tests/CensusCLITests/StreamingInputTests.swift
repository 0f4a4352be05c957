import CensusTestSupport
import Foundation
import XCTest
@testable import AddressFrame

/// Inputs read as streams with bounded memory (issue 13): `frame import` of `/dev/zero` grew to
/// 24 GB, a million households took 535 MB to import and 772 MB to give codes, and an 8 MB file
/// with CR-only line ends was echoed whole in the error.
final class StreamingInputTests: XCTestCase {
    func testImportingDevZeroStopsAtOnceAndCreatesNothing() throws {
        let dir = try makeTempDirectory(self)
        let started = Date()
        let (status, peakKB) = try spawnMeasuringPeakRSS(["frame", "import", "/dev/zero", "--out", "fr"], in: dir)
        XCTAssertEqual(status, 2)
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        XCTAssertLessThan(peakKB, 100_000, "peak RSS \(peakKB) KB")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("fr").path))
        let r = try census(["frame", "import", "/dev/zero", "--out", "fr"], in: dir)
        XCTAssertEqual(r.stderr, "census frame import: /dev/zero: 1 bad row; nothing was imported. Fix the rows and import the whole file again.\n  line 1: the file contains NUL bytes: it is not a CSV text file (a binary file, or UTF-16 text: save it as CSV UTF-8)\n")
    }

    func testCarriageReturnLineEndsAreLineEnds() throws {
        let dir = try makeTempDirectory(self)
        let lf = try String(contentsOf: packageRoot.appendingPathComponent("fixtures/frame-small.csv"), encoding: .utf8)
        try Data(lf.replacingOccurrences(of: "\n", with: "\r").utf8).write(to: dir.appendingPathComponent("cr.csv"))
        let r = try census(["frame", "import", "cr.csv", "--out", "fr"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("imported 250 households"), r.stdout)
        // And a bad row is reported on its own line number.
        let bad = lf.split(separator: "\n").enumerated().map { $0.offset == 3 ? "H1,,,,x,y,z,w" : String($0.element) }.joined(separator: "\r")
        try Data(bad.utf8).write(to: dir.appendingPathComponent("bad.csv"))
        let b = try census(["frame", "import", "bad.csv", "--out", "fr2"], in: dir)
        XCTAssertEqual(b.status, 2)
        XCTAssertTrue(b.stderr.contains("\n  line 4: "), b.stderr)
    }

    func testEchoedInputIsCapped() throws {
        let dir = try makeTempDirectory(self)
        // One 800 KB line: an unknown column name, and a row whose fields are all wrong.
        let header = "household_id,address_line_1,address_line_2,address_line_3,postcode,output_area,lsoa," + String(repeating: "w", count: 800_000)
        try Data((header + "\n").utf8).write(to: dir.appendingPathComponent("h.csv"))
        let h = try census(["frame", "import", "h.csv", "--out", "fr"], in: dir)
        XCTAssertEqual(h.status, 2)
        XCTAssertLessThan(h.stderr.utf8.count, 1_000, String(h.stderr.prefix(300)))
        XCTAssertTrue(h.stderr.contains("(800000 characters)"), String(h.stderr.prefix(500)))
        let csv = try String(contentsOf: packageRoot.appendingPathComponent("fixtures/frame-small.csv"), encoding: .utf8)
        let row = ["H1", "1 Road", "", "", String(repeating: "P", count: 150_000), String(repeating: "O", count: 150_000), "E0", "E0"]
        try Data((csv.split(separator: "\n")[0] + "\n" + row.joined(separator: ",") + "\n").utf8).write(to: dir.appendingPathComponent("r.csv"))
        let r = try census(["frame", "import", "r.csv", "--out", "fr"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertLessThan(r.stderr.utf8.count, 1_500, String(r.stderr.prefix(300)))
    }

    func testAStrayQuoteOrAnEndlessLineStopsTheReadingWithBoundedMemory() throws {
        let dir = try makeTempDirectory(self)
        let csv = try String(contentsOf: packageRoot.appendingPathComponent("fixtures/frame-small.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n").map(String.init)
        // A stray quote in line 3 swallows the rest of a long file.
        var text = lines[0] + "\n" + lines[1] + "\n" + "H9,\"1 Road,,,LS1 5NF,E00000001,E01000001,E08000035\n"
        while text.utf8.count < 3 << 20 { text += lines[2] + "\n" }
        try Data(text.utf8).write(to: dir.appendingPathComponent("q.csv"))
        let q = try census(["frame", "import", "q.csv", "--out", "fr"], in: dir)
        XCTAssertEqual(q.status, 2)
        XCTAssertTrue(q.stderr.contains("line 3: a quoted field runs on for more than 1 MiB (a stray quote?); nothing after it was read"), q.stderr)
    }

    func testImportAndCodesForManyHouseholdsStayBoundedInMemory() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["frame", "generate", "--households", "150000", "--csv-only", "--out", "g"], in: dir).status, 0)
        let imported = try spawnMeasuringPeakRSS(["frame", "import", "g/frame.csv", "--out", "fr"], in: dir)
        XCTAssertEqual(imported.status, 0)
        // The process's baseline (~32 MB) plus a record and SQLite's cache; the old import held
        // the whole file, then every row (535 MB for 1,000,000 households: ~80 MB more here).
        XCTAssertLessThan(imported.peakKB, 64_000, "import: peak RSS \(imported.peakKB) KB")
        let issued = try spawnMeasuringPeakRSS(["frame", "codes", "issue", "--dir", "fr", "--letters", "l.csv", "--dev-secret"], in: dir)
        XCTAssertEqual(issued.status, 0)
        XCTAssertLessThan(issued.peakKB, 64_000, "codes issue: peak RSS \(issued.peakKB) KB")
        let frame = try AddressFrame.open(at: dir.appendingPathComponent("fr/frame.sqlite"), readOnly: true)
        defer { try? frame.close() }
        XCTAssertEqual(try frame.householdCount(), 150_000)
        XCTAssertEqual(try frame.codeCounts().householdsWithActiveCode, 150_000)
        let letters = try Data(contentsOf: dir.appendingPathComponent("l.csv"))
        XCTAssertEqual(letters.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }, 150_001)
    }

    func testStoreSubmitRefusesAnEndlessOrOversizedBodyFile() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--dir", "st", "--shards", "1"], in: dir).status, 0)
        try importFixtureFrame(into: dir)
        try Data(count: 3 << 20).write(to: dir.appendingPathComponent("big.json"))
        for body in ["/dev/zero", "big.json"] {
            let started = Date()
            let r = try census(["store", "submit", "--dir", "st", "--household", "H000000001", "--schema", fixtureSchema, "--body", body], in: dir)
            XCTAssertEqual(r.status, 2)
            XCTAssertEqual(r.messageLines, ["census store submit: cannot read the response body file \(body): it is larger than 1048576 bytes, the most it can be"])
            XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        }
        XCTAssertEqual(try census(["store", "check", "--dir", "st"], in: dir).stdout.contains("(0 versions)"), true)
    }
}
