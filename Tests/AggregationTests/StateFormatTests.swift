import Foundation
import XCTest
@testable import Aggregation

/// The progress tallies in `.state.json`: a day's counts packed in one string (format `/2`),
/// and the arrays of format `/1` still read.
final class StateFormatTests: XCTestCase {
    func testPackedRowsRoundTripAndRefuseWhatIsNotCounts() {
        for row in [[], [0], [3, 0, 12], [-1, 0, 9_876_543_210, -42]] {
            XCTAssertEqual(ProgressTallies.unpack(ProgressTallies.pack(row)), row)
        }
        XCTAssertEqual(ProgressTallies.pack([3, 0, -1]), "3,0,-1")
        for bad in ["1,,2", "1,", ",1", "1 2", "--1", "1-", "-", "1.5", "x"] {
            XCTAssertNil(ProgressTallies.unpack(bad), bad)
        }
    }

    func testTalliesRoundTripThroughJSONAndFormatOneIsStillRead() throws {
        var tallies = ProgressTallies()
        tallies.addReturn(lsoa: 1, day: 18_700, online: true, sign: 1, lsoaCount: 3)
        tallies.addReturn(lsoa: 2, day: 18_701, online: false, sign: 1, lsoaCount: 3)
        tallies.addInProgress(lsoa: 0, sign: 1, lsoaCount: 3)
        tallies.seen(Date(timeIntervalSince1970: 1_616_000_000))
        let data = try JSONEncoder().encode(tallies)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("\"0,0,1,0,0,0\""))
        XCTAssertEqual(try JSONDecoder().decode(ProgressTallies.self, from: data), tallies)

        let formatOne = #"{"returns":{"18700":[0,0,1,0,0,0],"18701":[0,0,0,0,0,1]},"inProgress":[1,0,0],"latestReceived":1616000000}"#
        XCTAssertEqual(try JSONDecoder().decode(ProgressTallies.self, from: Data(formatOne.utf8)), tallies)
        let broken = #"{"returns":{"18700":"0,0,x"},"inProgress":[]}"#
        XCTAssertThrowsError(try JSONDecoder().decode(ProgressTallies.self, from: Data(broken.utf8)))
    }
}
