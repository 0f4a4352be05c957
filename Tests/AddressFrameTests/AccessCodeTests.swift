import CensusTestSupport
import Foundation
import XCTest
@testable import AddressFrame

final class AccessCodeTests: XCTestCase {
    func testAlphabetHasNoVowelsOrLookAlikes() {
        XCTAssertEqual(AccessCode.alphabet.count, 27)
        XCTAssertEqual(Set(AccessCode.alphabet).count, 27)
        for ch in "AEIOUY01W" { XCTAssertFalse(AccessCode.alphabet.contains(ch), "\(ch)") }
        XCTAssertEqual(AccessCode.entropyBits, 76.08, accuracy: 0.01)
    }

    func testRandomCodesAreWellFormedAndDistinct() throws {
        var seen = Set<String>()
        for _ in 0..<2000 {
            let code = AccessCode.random()
            XCTAssertEqual(code.value.count, 16)
            XCTAssertTrue(code.value.allSatisfy(AccessCode.alphabet.contains))
            XCTAssertEqual(code.formatted.count, 19)
            XCTAssertEqual(code.formatted.split(separator: "-").count, 4)
            XCTAssertEqual(try AccessCode(typed: code.formatted), code)
            seen.insert(code.value)
        }
        XCTAssertEqual(seen.count, 2000)
    }

    func testTypingIsForgiving() throws {
        let code = try AccessCode(typed: "K7QZ-3XBM-PT9D-HC2R")
        XCTAssertEqual(try AccessCode(typed: " k7qz 3xbm-pt9d hc2r "), code)
        XCTAssertEqual(try AccessCode(typed: "k7qz3xbmpt9dhc2r"), code)
        XCTAssertEqual(try AccessCode(typed: "K7QZ – 3XBM – PT9D – HC2R"), code) // en dashes
        XCTAssertEqual(code.formatted, "K7QZ-3XBM-PT9D-HC2R")
    }

    func testMalformedCodesHaveClearErrors() {
        XCTAssertThrowsError(try AccessCode(typed: "")) { XCTAssertEqual($0 as? AccessCodeError, .empty) }
        XCTAssertThrowsError(try AccessCode(typed: "K7QZ-3XBM-PT9D")) {
            XCTAssertEqual($0 as? AccessCodeError, .wrongLength(12))
            XCTAssertTrue("\($0)".contains("16 characters"))
        }
        XCTAssertThrowsError(try AccessCode(typed: "K7QZ-3XBM-PT9D-HC2O")) {
            guard case .invalidCharacter("O", let hint)? = $0 as? AccessCodeError else { return XCTFail("\($0)") }
            XCTAssertNotNil(hint)
        }
        XCTAssertThrowsError(try AccessCode(typed: "K7QZ-3XBM-PT9D-HC2A")) {
            XCTAssertTrue("\($0)".contains("no vowels"), "\($0)")
        }
    }

    func testHasherIsKeyed() throws {
        let code = try AccessCode(typed: "K7QZ-3XBM-PT9D-HC2R")
        let a = AccessCodeHasher(secret: .development)
        let b = AccessCodeHasher(secret: try DeploymentSecret(bytes: Array(testSecretText().utf8), source: "test"))
        XCTAssertEqual(a.hash(code).count, 32)
        XCTAssertNotEqual(a.hash(code), b.hash(code))
        XCTAssertNotEqual(a.fingerprint, b.fingerprint)
        XCTAssertFalse(a.hash(code).contains(Data(code.value.utf8)))
    }

    func testSecretLoading() throws {
        XCTAssertThrowsError(try DeploymentSecret.load(environment: [:], allowDevelopment: false)) {
            XCTAssertEqual($0 as? SecretError, .notConfigured)
        }
        XCTAssertTrue(try DeploymentSecret.load(environment: [:], allowDevelopment: true).isDevelopment)
        XCTAssertThrowsError(try DeploymentSecret.load(environment: ["CENSUS_CODE_SECRET": "short"], allowDevelopment: true)) {
            guard case .tooShort? = $0 as? SecretError else { return XCTFail("\($0)") }
        }
        let dir = try makeTempDirectory(self)
        let file = dir.appendingPathComponent("secret")
        try Data((testSecretText() + "\n").utf8).write(to: file)
        let s = try DeploymentSecret.load(environment: ["CENSUS_CODE_SECRET_FILE": file.path], allowDevelopment: false)
        XCTAssertEqual(s.bytes.count, 64)
        XCTAssertThrowsError(try DeploymentSecret.load(environment: ["CENSUS_CODE_SECRET_FILE": dir.appendingPathComponent("nope").path], allowDevelopment: true)) {
            XCTAssertTrue("\($0)".contains("nope"))
        }
    }
}
