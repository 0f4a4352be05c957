import Foundation
import Questionnaire
import XCTest
@testable import Aggregation

/// How the row encoder writes texts and numbers, checked against plain definitions.
///
/// `RowEncoder.isPlain`, which decides that a text is written as it is in both formats, reads
/// eight bytes at a time: it must say exactly what a byte-by-byte reading says, wherever in the
/// text the byte that needs escaping stands, and whatever the bytes around it (UTF-8 included).
final class CellTextTests: XCTestCase {
    /// The rule read one byte at a time (the definition).
    private func plainByBytes(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, !CSVCell.startsFormula(first) else { return false }
        return !bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x2C }
    }

    private func isPlain(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { RowEncoder.isPlain($0) }
    }

    func testEveryByteAtEveryPositionOfTextsUpToThreeWordsLong() {
        // Every byte value at every position of texts of 1 to 24 bytes, around letters and
        // around a UTF-8 letter (é: 0xC3 0xA9), which a word test must not take for a match.
        let fillers: [[UInt8]] = [Array("abcdefghijklmnopqrstuvwx".utf8), Array(String(repeating: "é", count: 12).utf8)]
        var plain = 0, notPlain = 0
        for filler in fillers {
            for length in 1...24 {
                for position in 0..<length {
                    for byte in 0...255 {
                        var text = Array(filler.prefix(length))
                        text[position] = UInt8(byte)
                        let expected = plainByBytes(text)
                        XCTAssertEqual(isPlain(text), expected, "byte \(byte) at \(position) of \(length)")
                        if expected { plain += 1 } else { notPlain += 1 }
                    }
                }
            }
        }
        // Both answers were asked for many times (the test can tell a check that always says one).
        XCTAssertGreaterThan(plain, 10_000)
        XCTAssertGreaterThan(notPlain, 1_000)
    }

    func testTextsOfTheExportAndTheEdges() {
        XCTAssertFalse(isPlain([]))
        XCTAssertTrue(isPlain(Array("Flat 3, 12 High Street".utf8).filter { $0 != 0x2C }))
        XCTAssertFalse(isPlain(Array("Flat 3, 12 High Street".utf8)))
        XCTAssertFalse(isPlain(Array("=HYPERLINK(\"x\")".utf8)))
        XCTAssertFalse(isPlain(Array("-3".utf8)))
        XCTAssertTrue(isPlain(Array("Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch".utf8)))
        XCTAssertFalse(isPlain(Array("Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch\\".utf8)))
        XCTAssertFalse(isPlain(Array("two\nlines of text!".utf8)))
        XCTAssertTrue(isPlain(Array("Zoë Ó Súilleabháin".utf8)))
    }

    func testRandomTexts() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("abcXYZ 09é\"\\,\t\n=+-@~".utf8) + [0x7F, 0x80, 0xFF, 0x1F, 0x20, 0x00]
        for _ in 0..<20_000 {
            let length = Int.random(in: 1...40, using: &generator)
            // Mostly letters, now and then one byte of the alphabet above.
            let text = (0..<length).map { _ in
                Int.random(in: 0..<10, using: &generator) == 0 ? alphabet.randomElement(using: &generator)! : UInt8.random(in: 0x61...0x7A, using: &generator)
            }
            XCTAssertEqual(isPlain(text), plainByBytes(text), "\(text)")
        }
    }

    /// Numbers padded with zeros (dates, times): as `String(format: "%0*d")` writes them, for
    /// numbers shorter than, as long as and longer than the width, and negative ones.
    func testPaddedNumbers() {
        for width in 1...4 {
            for n in [0, 5, 9, 10, 42, 99, 100, 999, 1_000, 2_021, 12_345, 9_876_543_210, -1, -42, -12_345] {
                var out: [UInt8] = [UInt8(ascii: "x")]
                appendPadded(n, width, to: &out)
                let expected = "x" + (n < 0 ? "-" : "") + String(format: "%0\(width)ld", abs(n))
                XCTAssertEqual(String(decoding: out, as: UTF8.self), expected, "\(n) in \(width)")
            }
        }
    }

    func testTimestampsAndDates() {
        XCTAssertEqual(Timestamps.iso(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00Z")
        XCTAssertEqual(Timestamps.iso(Date(timeIntervalSince1970: 1_616_321_100.75)), "2021-03-21T10:05:00Z")
        XCTAssertEqual(Timestamps.iso(Date(timeIntervalSince1970: -1)), "1969-12-31T23:59:59Z")
        XCTAssertEqual(Timestamps.iso(Date(timeIntervalSince1970: 253_402_300_799)), "9999-12-31T23:59:59Z")
        // Outside the calendar's years (1...9999): nothing.
        XCTAssertEqual(Timestamps.iso(Date(timeIntervalSince1970: 253_402_300_800)), "")
        XCTAssertEqual(isoDate(CalendarDate(year: 7, month: 3, day: 1)!), "0007-03-01")
        XCTAssertEqual(isoMonth(MonthYear(year: 2021, month: 3)!), "2021-03")
    }

    /// The block buffer's short copies (two words that may overlap) against the bytes given,
    /// for every length around the word sizes, into a buffer that grows on the way.
    func testAppendedBytesAreTheBytesGiven() {
        let buffer = UncompressedBytes(capacity: 16)
        var expected: [UInt8] = []
        for n in 0...40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ n) }
            bytes.withUnsafeBufferPointer { buffer.append($0) }
            expected += bytes
            XCTAssertEqual(Array(buffer.bytes), expected, "after \(n) bytes")
        }
    }
}
