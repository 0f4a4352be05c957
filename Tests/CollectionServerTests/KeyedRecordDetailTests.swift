@testable import CollectionServer
import Foundation
import XCTest

/// The `keyed` audit record's completeness is written with three decimals by a small formatter
/// of the keying page's own (Foundation's `String(format:)` was about 1% of a keyed save's CPU,
/// paid only for the record): it must write what `String(format: "%.3f")` wrote for every
/// fraction a completeness can be, so the records read as before.
final class KeyedRecordDetailTests: XCTestCase {
    func testThousandthsWriteWhatTheFormatterWrote() {
        // Completeness is answered questions over applicable ones: fractions k/n of small n, every
        // thousandth, and the two ends.
        var shares: [Double] = [0, 1, 0.5, 0.0004, 0.0006, 0.9994, 0.9996, 0.125, 0.875]
        for n in 1...300 { for k in 0...n { shares.append(Double(k) / Double(n)) } }
        for k in 0...1000 { shares.append(Double(k) / 1000) }
        for share in shares {
            XCTAssertEqual(KeyingRoutes.thousandths(share), String(format: "%.3f", share), "\(share)")
        }
    }

    func testOutsideAFractionItStillWritesANumber() {
        XCTAssertEqual(KeyingRoutes.thousandths(12.3456), "12.346")
        XCTAssertEqual(KeyingRoutes.thousandths(-0.25), "-0.250")
        XCTAssertEqual(KeyingRoutes.thousandths(.nan), String(format: "%.3f", Double.nan))
        XCTAssertEqual(KeyingRoutes.thousandths(.infinity), String(format: "%.3f", Double.infinity))
    }
}
