import CensusTestSupport
import Foundation
import GRDB
import XCTest
@testable import AddressFrame

/// `codes issue` after an interruption (issue 13): killed after its commit, the codes were live
/// and the only copy of their letters a hidden `.letters.csv.partial-*` file, and a re-run said
/// "every household already has an active code: nothing issued". Now the next run finishes
/// publishing the letters, or revokes the codes, and says which.
final class CodeIssueRecoveryTests: XCTestCase {
    private let hasher = AccessCodeHasher(secret: .development)

    private func makeFrame() throws -> (AddressFrame, URL) {
        let dir = try makeTempDirectory(self)
        let frame = try AddressFrame.open(at: dir.appendingPathComponent(AddressFrame.fileName), create: true)
        addTeardownBlock { try? frame.close() }
        try frame.importCSV(at: packageRoot.appendingPathComponent("fixtures/frame-small.csv"))
        return (frame, dir)
    }

    /// The state a kill between the commit and the link leaves: the run recorded as not
    /// published, its letters only under the temporary name.
    private func unpublish(_ frame: AddressFrame, letters: URL) throws -> String {
        try frame.queue.write { db in
            let partial = try String.fetchOne(db, sql: "SELECT partial_file FROM code_issue ORDER BY id DESC LIMIT 1") ?? ""
            try db.execute(sql: "UPDATE code_issue SET published_at = NULL WHERE partial_file = ?", arguments: [partial])
            XCTAssertEqual(rename(letters.path, partial), 0)
            return partial
        }
    }

    private func partialFiles(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".partial-") }
    }

    func testTheNextRunPublishesTheLettersOfAnInterruptedOne() throws {
        let (frame, dir) = try makeFrame()
        let letters = dir.appendingPathComponent("letters.csv")
        try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: hasher, lettersFile: letters)
        let original = try Data(contentsOf: letters)
        _ = try unpublish(frame, letters: letters)
        XCTAssertEqual(try frame.interruptedIssues().map(\.codes), [250])

        let again = try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: hasher, lettersFile: dir.appendingPathComponent("again.csv"))
        XCTAssertEqual(again.recovered, [InterruptedIssue(lettersFile: letters.path, codes: 250, outcome: .published)])
        XCTAssertEqual(again.issued, 0)
        XCTAssertEqual(try Data(contentsOf: letters), original)
        XCTAssertEqual(try partialFiles(dir), [])
        XCTAssertEqual(try frame.interruptedIssues().count, 0)
        XCTAssertEqual(try frame.codeCounts().active, 250)
    }

    func testCodesWhoseLettersAreLostAreRevokedAndIssuedAgain() throws {
        let (frame, dir) = try makeFrame()
        let letters = dir.appendingPathComponent("letters.csv")
        try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: hasher, lettersFile: letters)
        let firstCode = try XCTUnwrap(CSV.parse(try Data(contentsOf: letters)).records.dropFirst().first?.fields[2])
        let partial = try unpublish(frame, letters: letters)
        unlink(partial)

        let again = try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: hasher, lettersFile: dir.appendingPathComponent("again.csv"))
        XCTAssertEqual(again.recovered.count, 1)
        guard case .revoked(let reason) = again.recovered.first?.outcome else { return XCTFail("\(again.recovered)") }
        XCTAssertTrue(reason.hasPrefix("its temporary letters file \(partial) is gone"), reason)
        XCTAssertEqual(again.issued, 250, "their households get new codes in the same run")
        XCTAssertThrowsError(try frame.lookup(code: firstCode, hasher: hasher)) {
            guard case .revoked = $0 as? CodeLookupError else { return XCTFail("\($0)") }
        }
        let counts = try frame.codeCounts()
        XCTAssertEqual([counts.issued, counts.active, counts.householdsWithActiveCode], [500, 250, 250])
    }

    func testDamagedOrBlockedLettersAreNotPublished() throws {
        let (frame, dir) = try makeFrame()
        let letters = dir.appendingPathComponent("letters.csv")
        try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: hasher, lettersFile: letters)
        let partial = try unpublish(frame, letters: letters)
        // Damaged: one byte changed.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: partial))
        bytes[bytes.count - 2] ^= 1
        try bytes.write(to: URL(fileURLWithPath: partial))
        var again = try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: hasher, lettersFile: dir.appendingPathComponent("a.csv"))
        XCTAssertEqual(again.recovered.first?.outcome, .revoked(reason: "its temporary letters file \(partial) is damaged (not the content committed with the codes)"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: letters.path))

        // Blocked: something took the name meanwhile.
        let partial2 = try unpublish(frame, letters: dir.appendingPathComponent("a.csv"))
        try Data("not letters".utf8).write(to: dir.appendingPathComponent("a.csv"))
        again = try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: hasher, lettersFile: dir.appendingPathComponent("b.csv"))
        XCTAssertEqual(again.recovered.first?.outcome, .revoked(reason: "\(dir.appendingPathComponent("a.csv").path) exists already"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: partial2))
        XCTAssertEqual(try frame.codeCounts().householdsWithActiveCode, 250)
    }

    // A --letters path that is a dangling symbolic link got codes committed and then failed to
    // link, every time.
    func testADanglingSymbolicLinkAsLettersFileIsRefusedBeforeAnythingIsIssued() throws {
        let (frame, dir) = try makeFrame()
        let letters = dir.appendingPathComponent("letters.csv")
        try FileManager.default.createSymbolicLink(atPath: letters.path, withDestinationPath: dir.appendingPathComponent("nowhere/x.csv").path)
        XCTAssertThrowsError(try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: hasher, lettersFile: letters)) {
            XCTAssertEqual("\($0)", "the letters file \(letters.path) (a symbolic link to a file that does not exist) already exists. Letters files are written once and never overwritten; choose a new file name. Nothing was issued.")
        }
        XCTAssertEqual(try frame.codeCounts().issued, 0)
        XCTAssertEqual(try partialFiles(dir), [])
    }

    func testStaleTemporaryLettersOfARunKilledBeforeItsCommitAreRemoved() throws {
        let (frame, dir) = try makeFrame()
        let stale = dir.appendingPathComponent(".letters.csv.partial-\(UUID().uuidString)")
        try Data("household_id,letter,access_code\nH1,initial,BCDF-GHJK-LMNP-QRST\n".utf8).write(to: stale)
        let other = dir.appendingPathComponent(".notes.partial-draft")
        try Data().write(to: other)
        try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: hasher, lettersFile: dir.appendingPathComponent("l.csv"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: other.path), "not a name the issuer gives")
    }


    // MARK: The random source

    struct StalledSource: RandomByteSource {
        mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(AccessCodeRandomnessError) -> Bool { false }
    }

    struct ConstantSource: RandomByteSource {
        var byte: UInt8
        mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(AccessCodeRandomnessError) -> Bool {
            for i in buffer.indices { buffer[i] = byte }
            return true
        }
    }

    private func assertNothingIssued<S: RandomByteSource>(_ source: S, _ expected: AccessCodeRandomnessError,
                                                          file: StaticString = #filePath, line: UInt = #line) throws {
        let (frame, dir) = try makeFrame()
        var drawing = AccessCodeDrawing(source: source, readinessTimeout: 0.3, pause: 0.01)
        let started = Date()
        XCTAssertThrowsError(try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: hasher,
                                                  lettersFile: dir.appendingPathComponent("l.csv"), drawing: &drawing),
                             file: file, line: line) {
            XCTAssertEqual($0 as? AccessCodeRandomnessError, expected, file: file, line: line)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, file: file, line: line)
        XCTAssertEqual(try frame.codeCounts().issued, 0, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("l.csv").path), file: file, line: line)
        XCTAssertEqual(try partialFiles(dir), [], file: file, line: line)
    }

    // A stalled random source hung `codes issue`; more than 100 collisions in a row crashed it.
    func testAStalledRandomSourceFailsClearlyAndIssuesNothing() throws {
        try assertNothingIssued(StalledSource(), .notReady(seconds: 0.3))
    }

    func testARepeatingRandomSourceFailsClearlyAndIssuesNothing() throws {
        try assertNothingIssued(ConstantSource(byte: 7), .repeating(attempts: AccessCodeDrawing<ConstantSource>.maximumCollisions))
        try assertNothingIssued(ConstantSource(byte: 255), .biased(bytes: 256))
        XCTAssertTrue(AccessCodeRandomnessError.repeating(attempts: 16).description.hasSuffix("it is not random; nothing was issued"))
    }

    func testTheSystemSourceDrawsDistinctUnbiasedCodes() throws {
        var drawing = AccessCodeDrawing(source: SystemRandomSource())
        var counts: [Character: Int] = [:]
        var seen = Set<String>()
        for _ in 0..<2000 {
            let code = try drawing.next()
            XCTAssertTrue(seen.insert(code.value).inserted)
            for ch in code.value { counts[ch, default: 0] += 1 }
        }
        // 32,000 characters over 27 symbols: ~1,185 each.
        XCTAssertEqual(counts.count, 27)
        XCTAssertTrue(counts.values.allSatisfy { (1_000...1_400).contains($0) }, "\(counts)")
    }
}
