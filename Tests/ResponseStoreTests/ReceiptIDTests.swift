import XCTest
@testable import ResponseStore

/// Receipt ids (`R03-000001234`) are printed on paper receipts and written into every export
/// row: `Receipt.makeID` must give exactly the form it always has.
final class ReceiptIDTests: XCTestCase {
    /// The form as it is defined: `R`, the shard in at least two digits, `-`, the version in at
    /// least nine, zeros in front.
    private func defined(_ shard: Int, _ version: Int64) -> String {
        let s = String(shard), v = String(version)
        return "R" + String(repeating: "0", count: max(0, 2 - s.count)) + s
            + "-" + String(repeating: "0", count: max(0, 9 - v.count)) + v
    }

    func testTheFormOfEveryWidth() {
        XCTAssertEqual(Receipt.makeID(shard: 3, version: 1234), "R03-000001234")
        XCTAssertEqual(Receipt.makeID(shard: 0, version: 0), "R00-000000000")
        XCTAssertEqual(Receipt.makeID(shard: 127, version: 1_234_567_890), "R127-1234567890")
        var versions: [Int64] = [0, 1, Int64.max, Int64.max - 1]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            versions += [power - 1, power, power + 7]
        }
        for shard in [0, 1, 7, 9, 10, 42, 99, 100, 999, 1_000, Int.max] {
            for version in versions {
                XCTAssertEqual(Receipt.makeID(shard: shard, version: version), defined(shard, version), "\(shard) \(version)")
            }
        }
        // Below zero (never made by the store): the same joined form.
        XCTAssertEqual(Receipt.makeID(shard: -1, version: -5), defined(-1, -5))
        XCTAssertEqual(Receipt.makeID(shard: 2, version: -5), defined(2, -5))
    }
}
