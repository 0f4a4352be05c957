@testable import Questionnaire
import XCTest

/// The fast reader's two byte-level pieces, against plain definitions: the key table (keys up
/// to 16 bytes compared from a slot, longer ones by their middle bytes too) and the string
/// scan that skips eight bytes at a time.
final class FastReaderPiecesTests: XCTestCase {
    func testTheKeyTableFindsEveryKeyAndNothingElse() {
        // Lengths 1 to 40; keys that share their first and last 8 bytes and their length and
        // differ only in the middle; a key given twice keeps its first value.
        var keys: [String] = []
        for n in 1...40 { keys.append(String((0..<n).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })) }
        for middle in ["x", "y", "xy", "yx"] { keys.append("abcdefgh" + middle + "stuvwxyz") }
        keys.append("date_of_birth")
        keys.append("ŵyr_ŵyres")  // not ASCII
        var entries = keys.enumerated().map { ($0.element, $0.offset) }
        entries.append((keys[3], 999))
        let table = ByteTable(entries)
        func lookup(_ key: String) -> Int? {
            let bytes = Array(("{" + key + "}").utf8)
            return bytes.withUnsafeBufferPointer { table.lookup($0, 1..<(bytes.count - 1)) }
        }
        for (k, key) in keys.enumerated() { XCTAssertEqual(lookup(key), k, key) }
        for other in ["abcdefghzstuvwxyz", "abcdefghxxstuvwxyz", "date_of_birtH", "ba", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnoX", "ŵyr_ŵyreS"] {
            XCTAssertNil(lookup(other), other)
        }
    }

    func testAStringEndsAtItsQuoteAndIsRefusedAtABackslashOrAControlCharacterWhereverTheyStand() {
        for length in 0..<24 {
            let text = String(repeating: "ab·", count: 8).utf8.prefix(length)  // letters and UTF-8 bytes
            for (stop, plain) in [("\"", true), ("\\", false), ("\u{01}", false), ("\n", false), ("\u{1F}", false)] {
                let bytes = Array("  \"".utf8) + Array(text) + Array(stop.utf8) + Array("tail\" , 1".utf8)
                let (range, end): (Range<Int>?, Int) = bytes.withUnsafeBufferPointer { b in
                    var c = FastCursor(b)
                    return (c.plainString(), c.i)
                }
                if plain {
                    XCTAssertEqual(range, 3..<(3 + length), "\(length) \(stop.debugDescription)")
                    XCTAssertEqual(end, 3 + length + 1)
                } else {
                    XCTAssertNil(range, "\(length) \(stop.debugDescription)")
                }
            }
        }
        // Bytes just above the ones refused are plain: space, '#', ']', DEL, and UTF-8 bytes.
        for byte: UInt8 in [0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xFF] {
            let bytes = [UInt8(ascii: "\"")] + [UInt8](repeating: byte, count: 19) + [UInt8(ascii: "\"")]
            let range: Range<Int>? = bytes.withUnsafeBufferPointer { b in
                var c = FastCursor(b)
                return c.plainString()
            }
            XCTAssertEqual(range, 1..<20, "byte \(byte)")
        }
    }
}
