import CensusTestSupport
import Foundation
import SyntheticCensus
import XCTest
@testable import AddressFrame

final class AddressFrameTests: XCTestCase {
    let fixtures = packageRoot.appendingPathComponent("fixtures")

    private func makeFrame() throws -> (AddressFrame, URL) {
        let dir = try makeTempDirectory(self, name)
        let frame = try AddressFrame.open(at: dir.appendingPathComponent(AddressFrame.fileName), create: true)
        addTeardownBlock { try? frame.close() }
        return (frame, dir)
    }

    func testImportSmallFixture() throws {
        let (frame, _) = try makeFrame()
        let summary = try frame.importCSV(at: fixtures.appendingPathComponent("frame-small.csv"))
        XCTAssertEqual(summary.households, 250)
        XCTAssertGreaterThan(summary.localAuthorities, 3)
        XCTAssertEqual(try frame.householdCount(), 250)
        let h = try XCTUnwrap(frame.household("H000000004"))
        XCTAssertFalse(h.postcode.isEmpty)
        XCTAssertTrue(FrameValidation.isGSSCode(h.outputArea))
        // Importing the same file again is refused as a whole: every id is already there.
        XCTAssertThrowsError(try frame.importCSV(at: fixtures.appendingPathComponent("frame-small.csv"))) {
            let e = $0 as! FrameImportError
            XCTAssertEqual(e.totalErrors, 250)
            XCTAssertTrue(e.errors[0].message.contains("already in the frame"))
        }
        XCTAssertEqual(try frame.householdCount(), 250)
    }

    func testBadRowsAreReportedWithLineNumbersAndNothingIsImported() throws {
        let (frame, _) = try makeFrame()
        XCTAssertThrowsError(try frame.importCSV(at: fixtures.appendingPathComponent("frame-bad-rows.csv"))) { error in
            guard let e = error as? FrameImportError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.errors.map(\.line), [5, 6, 7, 8, 9], e.description)
            XCTAssertTrue(e.errors[0].message.contains("postcode"), e.errors[0].message)
            XCTAssertTrue(e.errors[1].message.contains("repeats line 2"), e.errors[1].message)
            XCTAssertTrue(e.errors[2].message.contains("address_line_1"), e.errors[2].message)
            XCTAssertTrue(e.errors[3].message.contains("6 fields, expected 8"), e.errors[3].message)
            XCTAssertTrue(e.errors[4].message.contains("output_area"), e.errors[4].message)
            XCTAssertTrue(e.description.contains("nothing was imported"))
        }
        XCTAssertEqual(try frame.householdCount(), 0)
    }

    func testQuotedFieldsAndPostcodeNormalisation() throws {
        let (frame, _) = try makeFrame()
        let csv = """
            household_id,address_line_1,address_line_2,address_line_3,postcode,output_area,lsoa,local_authority
            Q1,"Flat 2, Rose Court","2 ""Old"" Mill Lane
            (rear)",Leeds,ls15nf,E00000001,E01000001,E08000035\r
            Q2,1 High St,,Leeds,sw1a1aa,E00000001,E01000001,E08000035

            """
        try frame.importCSV(Data(csv.utf8))
        let q1 = try XCTUnwrap(frame.household("Q1"))
        XCTAssertEqual(q1.addressLine1, "Flat 2, Rose Court")
        XCTAssertEqual(q1.addressLine2, "2 \"Old\" Mill Lane\n(rear)")
        XCTAssertEqual(q1.postcode, "LS1 5NF")
        XCTAssertEqual(try frame.household("Q2")?.postcode, "SW1A 1AA")
    }

    func testBadHeaderAndSyntaxErrors() throws {
        let (frame, _) = try makeFrame()
        XCTAssertThrowsError(try frame.importCSV(Data("household_id,postcode\nH1,LS1 5NF\n".utf8))) {
            let e = $0 as! FrameImportError
            XCTAssertEqual(e.errors.first?.line, 1)
            XCTAssertTrue(e.errors[0].message.contains("missing column"))
        }
        let unterminated = Household.csvHeader.joined(separator: ",") + "\nH1,\"1 High St,,Leeds,LS1 5NF,E00000001,E01000001,E08000035\n"
        XCTAssertThrowsError(try frame.importCSV(Data(unterminated.utf8))) {
            let e = $0 as! FrameImportError
            XCTAssertEqual(e.errors.first?.line, 2)
            XCTAssertTrue(e.errors[0].message.contains("unterminated"))
        }
        XCTAssertEqual(try frame.householdCount(), 0)
    }

    func testGeneratorIsDeterministicAndValid() throws {
        let a = FrameGenerator(households: 3000, seed: 5).generate()
        let b = FrameGenerator(households: 3000, seed: 5).generate()
        let c = FrameGenerator(households: 3000, seed: 6).generate()
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        XCTAssertEqual(a.count, 3000)
        XCTAssertEqual(Set(a.map(\.householdID)).count, 3000)
        XCTAssertEqual(Set(a.map(\.localAuthority)).count, FrameGenerator.authorities.count)
        // The generated CSV passes the import checks.
        let (frame, _) = try makeFrame()
        XCTAssertEqual(try frame.importCSV(FrameGenerator.csv(a)).households, 3000)
    }

    // MARK: - Access codes

    func testIssueLookupReissueRevoke() throws {
        let (frame, dir) = try makeFrame()
        try frame.importCSV(at: fixtures.appendingPathComponent("frame-small.csv"))
        let hasher = AccessCodeHasher(secret: .development)
        let letters = dir.appendingPathComponent("letters-initial.csv")
        let summary = try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: hasher, lettersFile: letters)
        XCTAssertEqual(summary.issued, 250)
        let rows = CSV.parse(try Data(contentsOf: letters)).records
        XCTAssertEqual(rows.count, 251)
        XCTAssertEqual(rows[0].fields[2], "access_code")
        var codes: [String: String] = [:]
        for r in rows.dropFirst() { codes[r.fields[0]] = r.fields[2] }
        XCTAssertEqual(Set(codes.values).count, 250)
        // Only hashes are stored: no code appears in the frame file.
        let frameBytes = try Data(contentsOf: URL(fileURLWithPath: frame.path))
            + ((try? Data(contentsOf: URL(fileURLWithPath: frame.path + "-wal"))) ?? Data())
        for code in codes.values.prefix(20) {
            XCTAssertNil(frameBytes.range(of: Data(code.utf8)))
            XCTAssertNil(frameBytes.range(of: Data(code.replacingOccurrences(of: "-", with: "").utf8)))
        }
        // Every code finds its household, typed sloppily.
        for (id, code) in codes {
            let typed = code.lowercased().replacingOccurrences(of: "-", with: " ")
            XCTAssertEqual(try frame.lookup(code: typed, hasher: hasher).householdID, id)
        }
        // Issuing again touches nobody: all have an active code.
        XCTAssertEqual(try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: hasher,
                                            lettersFile: dir.appendingPathComponent("none.csv")).issued, 0)
        // The letters file is written once.
        XCTAssertThrowsError(try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: hasher, lettersFile: letters)) {
            guard case .lettersFileExists? = $0 as? FrameError else { return XCTFail("\($0)") }
        }

        // Reissue: the new code works and the old one keeps working.
        let id = "H000000010"
        let reminder = dir.appendingPathComponent("letters-reminder.csv")
        try frame.issueCodes(.households([id]), letter: .reminder, hasher: hasher, lettersFile: reminder)
        let newCode = CSV.parse(try Data(contentsOf: reminder)).records[1].fields[2]
        XCTAssertNotEqual(newCode, codes[id])
        XCTAssertEqual(try frame.lookup(code: newCode, hasher: hasher).householdID, id)
        XCTAssertEqual(try frame.lookup(code: codes[id]!, hasher: hasher).householdID, id)

        // Reissue with revocation: earlier codes stop working.
        let lost = dir.appendingPathComponent("letters-lost.csv")
        let s = try frame.issueCodes(.households([id]), letter: .reminder, hasher: hasher, lettersFile: lost, revokePrevious: true)
        XCTAssertEqual(s.revoked, 2)
        let latest = CSV.parse(try Data(contentsOf: lost)).records[1].fields[2]
        XCTAssertEqual(try frame.lookup(code: latest, hasher: hasher).householdID, id)
        for old in [codes[id]!, newCode] {
            XCTAssertThrowsError(try frame.lookup(code: old, hasher: hasher)) {
                guard case .revoked(id, _)? = $0 as? CodeLookupError else { return XCTFail("\($0)") }
            }
        }
        // Revoke a single code.
        let other = codes["H000000020"]!
        XCTAssertTrue(try frame.revoke(code: other, hasher: hasher))
        XCTAssertFalse(try frame.revoke(code: other, hasher: hasher))
        XCTAssertThrowsError(try frame.lookup(code: other, hasher: hasher))

        // Unknown and malformed codes.
        XCTAssertThrowsError(try frame.lookup(code: AccessCode.random().formatted, hasher: hasher)) {
            XCTAssertEqual($0 as? CodeLookupError, .notFound)
        }
        XCTAssertThrowsError(try frame.lookup(code: "BCDF-GHJK", hasher: hasher)) {
            XCTAssertEqual($0 as? CodeLookupError, .malformed(.wrongLength(8)))
        }
        // Unknown household for reissue.
        XCTAssertThrowsError(try frame.issueCodes(.households(["NOPE"]), letter: .reminder, hasher: hasher,
                                                  lettersFile: dir.appendingPathComponent("x.csv")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.csv").path))
    }

    func testWrongSecretIsReportedAsSuch() throws {
        let (frame, dir) = try makeFrame()
        try frame.importCSV(at: fixtures.appendingPathComponent("frame-small.csv"))
        let right = AccessCodeHasher(secret: .development)
        let letters = dir.appendingPathComponent("letters.csv")
        try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: right, lettersFile: letters)
        let code = CSV.parse(try Data(contentsOf: letters)).records[1].fields[2]
        let wrong = AccessCodeHasher(secret: try DeploymentSecret(bytes: Array(testSecretText(seed: 2).utf8), source: "test"))
        XCTAssertThrowsError(try frame.lookup(code: code, hasher: wrong)) {
            guard case .secretMismatch(.mismatch)? = $0 as? CodeLookupError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try frame.issueCodes(.households(["H000000001"]), letter: .reminder, hasher: wrong,
                                                  lettersFile: dir.appendingPathComponent("r.csv")))
    }

    func testMissingFrameIsAClearError() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertThrowsError(try AddressFrame.open(at: dir.appendingPathComponent("frame.sqlite"))) {
            XCTAssertTrue("\($0)".contains("frame.sqlite"))
            XCTAssertTrue("\($0)".contains("census frame import"))
        }
    }

    // MARK: - Import into a frame file: nothing half-created

    func testFailedImportIntoNewDirectoryLeavesNothing() throws {
        let root = try makeTempDirectory(self)
        let out = root.appendingPathComponent("new/frame-dir")
        let frameURL = out.appendingPathComponent(AddressFrame.fileName)
        XCTAssertThrowsError(try AddressFrame.importCSV(at: fixtures.appendingPathComponent("frame-bad-rows.csv"), intoFrameAt: frameURL)) {
            XCTAssertTrue($0 is FrameImportError, "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: frameURL.path))
        // Not even the directories it made.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), [])

        // An existing, empty directory stays empty.
        XCTAssertThrowsError(try AddressFrame.importCSV(at: fixtures.appendingPathComponent("frame-bad-rows.csv"),
                                                        intoFrameAt: root.appendingPathComponent(AddressFrame.fileName)))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), [])

        // A missing CSV is its own error, and creates nothing either.
        XCTAssertThrowsError(try AddressFrame.importCSV(at: root.appendingPathComponent("nope.csv"), intoFrameAt: frameURL)) {
            guard case .unreadableCSV(let p, _)? = $0 as? FrameError else { return XCTFail("\($0)") }
            XCTAssertTrue(p.hasSuffix("nope.csv"))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), [])
    }

    func testImportIntoNewFrameThenFailedImportKeepsItUnchanged() throws {
        let out = try makeTempDirectory(self)
        let frameURL = out.appendingPathComponent(AddressFrame.fileName)
        let summary = try AddressFrame.importCSV(at: fixtures.appendingPathComponent("frame-small.csv"), intoFrameAt: frameURL)
        XCTAssertEqual(summary.households, 250)
        // Only the frame file: no temporary file, WAL or shm left.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [AddressFrame.fileName])
        // (Not byte-compared: GRDB's WAL set-up writes to the header on every open.)
        func contents() throws -> [Household] {
            let f = try AddressFrame.open(at: frameURL)
            defer { try? f.close() }
            return try f.householdIDs().map { try f.household($0)! }
        }
        let before = try contents()

        // Bad rows, a repeat of the same file (every id already present), a missing file.
        for csv in ["frame-bad-rows.csv", "frame-small.csv", "missing.csv"] {
            XCTAssertThrowsError(try AddressFrame.importCSV(at: fixtures.appendingPathComponent(csv), intoFrameAt: frameURL), csv)
        }
        XCTAssertEqual(try contents(), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [AddressFrame.fileName])
    }
}
