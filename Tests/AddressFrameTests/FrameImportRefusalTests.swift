import CensusTestSupport
import Foundation
import XCTest
@testable import AddressFrame

/// Frame CSVs as they arrive from other systems: wrong encodings, separators, stray bytes.
/// Each must be refused with one clear line per cause, and nothing imported.
final class FrameImportRefusalTests: XCTestCase {
    let header = Household.csvHeader.joined(separator: ",") + "\n"
    let row = "H1,1 Acacia Road,,Leeds,LS1 5NF,E00000001,E01000001,E08000035\n"

    func rejections(_ bytes: [UInt8]) throws -> [String] {
        let dir = try makeTempDirectory(self)
        let frame = try AddressFrame.open(at: dir.appendingPathComponent(AddressFrame.fileName), create: true)
        defer { try? frame.close() }
        do {
            try frame.importCSV(Data(bytes))
        } catch let e as FrameImportError {
            XCTAssertEqual(try frame.householdCount(), 0)
            return e.errors.map(\.description)
        }
        return []
    }

    func testHeaderOnlyFileImportsNothing() throws {
        XCTAssertEqual(try rejections(Array(header.utf8)),
                       ["line 2: no households: the file has only the header line; expected one household per line after it"])
    }

    // Latin-1 text used to be imported with replacement characters in the addresses.
    func testTextThatIsNotUTF8IsRefused() throws {
        let latin1 = Array(header.utf8) + Array("H1,1 Caf".utf8) + [0xE9] + Array(" Road,,Leeds,LS1 5NF,E00000001,E01000001,E08000035\n".utf8)
        XCTAssertEqual(try rejections(latin1),
                       ["line 2: text that is not UTF-8 (save the file as UTF-8, e.g. \"CSV UTF-8\" in Excel)"])
        // UTF-16 (Excel's "Unicode text"): one line, not a garbled error per row.
        let utf16 = [UInt8]([0xFF, 0xFE]) + (header + row).utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        XCTAssertEqual(try rejections(utf16), ["line 1: the file is UTF-16 text; save it as UTF-8 (e.g. \"CSV UTF-8\" in Excel)"])
    }

    // A NUL byte and a 10 MB field used to be imported, to be printed on letters. A NUL byte
    // means the file is not text at all (`/dev/zero` grew the import to 24 GB): reading stops.
    func testControlCharactersAndHugeFieldsAreRefused() throws {
        let nul = header + "H1,1 Acacia\u{0} Road,,Leeds,LS1 5NF,E00000001,E01000001,E08000035\n"
        XCTAssertEqual(try rejections(Array(nul.utf8)), ["line 2: the file contains NUL bytes: it is not a CSV text file (a binary file, or UTF-16 text: save it as CSV UTF-8)"])
        let bell = header + "H1,1 Acacia\u{7} Road,,Leeds,LS1 5NF,E00000001,E01000001,E08000035\n"
        XCTAssertEqual(try rejections(Array(bell.utf8)), ["line 2: address_line_1 contains a control character"])
        let long = header + "H1,1 Acacia Road," + String(repeating: "x", count: 100_000) + ",Leeds,LS1 5NF,E00000001,E01000001,E08000035\n"
        XCTAssertEqual(try rejections(Array(long.utf8)), ["line 2: address_line_2 is 100000 characters long, at most 200 (a stray quote?)"])
    }

    // A last line ending in a lone CR used to fail as "local_authority 'E08000035' is not a GSS code".
    func testTrailingCarriageReturnIsNotPartOfTheValue() throws {
        XCTAssertEqual(try rejections(Array((header + row.dropLast() + "\r").utf8)), [])
    }

    func testOtherSeparatorsGetAHint() throws {
        let semicolons = header.replacingOccurrences(of: ",", with: ";") + row.replacingOccurrences(of: ",", with: ";")
        let message = try rejections(Array(semicolons.utf8)).first ?? ""
        XCTAssertTrue(message.hasSuffix("(the file separates columns with ';'; save it with commas)"), message)
    }

    /// Issue 14: a JSON file imported by mistake printed 2,549 error lines; it stops at the
    /// first line, with one message that says what the file is.
    func testAFileThatIsNotAFrameCSVStopsAtItsFirstLine() throws {
        let json = #"{"households": [{"id": "H1", "address": "1 Acacia Road"}]}"# + "\n" + String(repeating: #"{"id": "H2"}"# + "\n", count: 2000)
        XCTAssertEqual(try rejections(Array(json.utf8)).count, 1)
        let first = try rejections(Array(json.utf8))[0]
        XCTAssertTrue(first.hasPrefix("line 1: this is not a frame CSV (it looks like JSON): its first line should be the header household_id,"), first)
        XCTAssertTrue(first.hasSuffix("but it is '{\"households\": [{\"id\": \"H1\", \"address\": \"1 Acacia Road\"}]}'"), first)
        let other = "name,street,town\n" + String(repeating: "a,\"b,c\n", count: 500)
        XCTAssertEqual(try rejections(Array(other.utf8)).count, 1)
    }
}
