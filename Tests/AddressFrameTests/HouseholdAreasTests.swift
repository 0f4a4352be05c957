import CensusTestSupport
import Foundation
import GRDB
import XCTest
@testable import AddressFrame

/// `areas(of:)` gives, at each id's position, what a search of that id gives, whatever the order
/// of the ids and the gaps between them, and `nil` for ids not in the frame.
final class HouseholdAreasTests: XCTestCase {
    /// A frame of `count` households `H0000`, `H0002`, … (even numbers only, so odd ids lie
    /// between two rows), each in an area named after its number.
    private func makeFrame(count: Int) throws -> AddressFrame {
        let dir = try makeTempDirectory(self, name)
        let frame = try AddressFrame.open(at: dir.appendingPathComponent(AddressFrame.fileName), create: true)
        addTeardownBlock { try? frame.close() }
        var csv = "household_id,address_line_1,address_line_2,address_line_3,postcode,output_area,lsoa,local_authority\n"
        for n in stride(from: 0, to: count * 2, by: 2) {
            csv += "\(Self.id(n)),1 High St,,Leeds,LS1 4BN,E00\(100_000 + n),E01\(100_000 + n / 10),E08\(100_000 + n / 100)\n"
        }
        try frame.importCSV(Data(csv.utf8))
        return frame
    }

    private static func id(_ n: Int) -> String { String(format: "H%04d", n) }

    /// What one search per id gives (SQL, not the code under test).
    private func searched(_ frame: AddressFrame, _ ids: [String]) throws -> [HouseholdArea?] {
        try frame.queue.read { db in
            try ids.map { id in
                try Row.fetchOne(db, sql: "SELECT output_area, lsoa, local_authority FROM household WHERE household_id = ?", arguments: [id])
                    .map { HouseholdArea(outputArea: $0[0], lsoa: $0[1], localAuthority: $0[2]) }
            }
        }
    }

    func testIncreasingIdsWithShortAndLongGapsAndIdsNotInTheFrame() throws {
        let frame = try makeFrame(count: 600)
        // Neighbours, short and long gaps, odd ids (between rows), one before the first row, and
        // ids past the last row. (The long gaps are those of the row walk this once tested,
        // 48 rows before a search.)
        var numbers = [-1, 0, 2, 3, 4, 10, 11, 30]
        numbers += [30 + 2 * (48 - 1), 30 + 4 * 48 + 1]
        numbers += [700, 702, 900, 1001, 1198, 1199, 1200, 1500]
        let ids = numbers.sorted().map { $0 < 0 ? "A" : Self.id($0) }
        let found = try frame.areas(of: ids)
        XCTAssertEqual(found, try searched(frame, ids))
        XCTAssertEqual(found.compactMap { $0 }.count, 10)
        XCTAssertEqual(found[1], HouseholdArea(outputArea: "E00100000", lsoa: "E01100000", localAuthority: "E08100000"))
        XCTAssertNil(found.last!)
    }

    func testEveryRowEveryThirdAndUnorderedIdsGiveWhatASearchGives() throws {
        let frame = try makeFrame(count: 400)
        let every = (0..<800).map(Self.id)
        XCTAssertEqual(try frame.areas(of: every), try searched(frame, every))
        let third = stride(from: 1, to: 800, by: 3).map(Self.id)
        XCTAssertEqual(try frame.areas(of: third), try searched(frame, third))
        // Not in increasing order, or with a repeat: searched one by one, in the order given.
        let unordered = ["H0010", "H0004", "H0999", "H0004", "H0002"]
        XCTAssertEqual(try frame.areas(of: unordered), try searched(frame, unordered))
        XCTAssertEqual(try frame.areas(of: []), [])
    }
}
