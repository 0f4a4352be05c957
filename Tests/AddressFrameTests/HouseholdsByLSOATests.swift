import CensusTestSupport
import Foundation
import GRDB
import XCTest
@testable import AddressFrame

/// `householdsByLSOA()` counts runs of neighbouring households in one scan; these check it
/// against SQLite's `GROUP BY` on frames whose areas are not neighbours in id order.
final class HouseholdsByLSOATests: XCTestCase {
    private func makeFrame(_ rows: [(id: String, lsoa: String, authority: String)]) throws -> AddressFrame {
        let dir = try makeTempDirectory(self, name)
        let frame = try AddressFrame.open(at: dir.appendingPathComponent(AddressFrame.fileName), create: true)
        addTeardownBlock { try? frame.close() }
        var csv = "household_id,address_line_1,address_line_2,address_line_3,postcode,output_area,lsoa,local_authority\n"
        for r in rows { csv += "\(r.id),1 High St,,Leeds,LS1 4BN,E00000001,\(r.lsoa),\(r.authority)\n" }
        if !rows.isEmpty { try frame.importCSV(Data(csv.utf8)) }
        return frame
    }

    private func groupBy(_ frame: AddressFrame) throws -> [LSOAHouseholds] {
        try frame.queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT lsoa, local_authority, count(*) FROM household
                GROUP BY local_authority, lsoa ORDER BY local_authority, lsoa
                """).map { LSOAHouseholds(lsoa: $0[0], localAuthority: $0[1], households: $0[2]) }
        }
    }

    func testInterleavedAreasAndAnLSOAInTwoAuthoritiesCountAsGroupByDoes() throws {
        // Id order interleaves the areas: runs break and start again; E01000002 lies in two
        // authorities (two rows, as GROUP BY gives); the authorities sort before the LSOAs.
        let frame = try makeFrame([
            ("H01", "E01000003", "E08000035"), ("H02", "E01000001", "E08000036"), ("H03", "E01000003", "E08000035"),
            ("H04", "E01000003", "E08000035"), ("H05", "E01000002", "E08000036"), ("H06", "E01000001", "E08000036"),
            ("H07", "E01000002", "E08000035"), ("H08", "E01000003", "E08000035"), ("H09", "E01000001", "E08000036"),
        ])
        let counted = try frame.householdsByLSOA()
        XCTAssertEqual(counted, [
            LSOAHouseholds(lsoa: "E01000002", localAuthority: "E08000035", households: 1),
            LSOAHouseholds(lsoa: "E01000003", localAuthority: "E08000035", households: 4),
            LSOAHouseholds(lsoa: "E01000001", localAuthority: "E08000036", households: 3),
            LSOAHouseholds(lsoa: "E01000002", localAuthority: "E08000036", households: 1),
        ])
        XCTAssertEqual(counted, try groupBy(frame))
    }

    func testTheSmallFixtureAndAnEmptyFrameCountAsGroupByDoes() throws {
        let frame = try makeFrame([])
        XCTAssertEqual(try frame.householdsByLSOA(), [])
        try frame.importCSV(at: packageRoot.appendingPathComponent("fixtures/frame-small.csv"))
        let counted = try frame.householdsByLSOA()
        XCTAssertGreaterThan(counted.count, 3)
        XCTAssertEqual(counted.reduce(0) { $0 + $1.households }, 250)
        XCTAssertEqual(counted, try groupBy(frame))
    }
}
