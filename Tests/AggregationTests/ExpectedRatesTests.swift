import Foundation
import XCTest
@testable import Aggregation

/// The expected return-rate curves (`census aggregate --expected FILE`).
final class ExpectedRatesTests: XCTestCase {
    func rates(_ csv: String) throws -> ExpectedRates {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("expected-\(UUID().uuidString).csv")
        try csv.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try ExpectedRates.read(url)
    }

    func testAnAreaUsesItsOwnCurveLinearBetweenDays() throws {
        let r = try rates("""
            area,days_from_census_day,expected_return_rate
            ,0,0.5
            ,10,0.9
            E06000001,0,0.2
            E06000001,10,0.4
            """)
        XCTAssertEqual(r.rate(day: 5), 0.7, accuracy: 1e-9)
        XCTAssertEqual(r.rate(day: 5, areas: ["E06000001"]), 0.3, accuracy: 1e-9)
        XCTAssertEqual(r.rate(day: 5, areas: ["E06000099"]), 0.7, accuracy: 1e-9, "an area without a curve uses the default")
    }

    /// Two files that differ only in an area's curve are different expectations (equality once
    /// compared only which areas had curves).
    func testEqualityComparesEachAreasCurve() throws {
        let a = try rates("area,days_from_census_day,expected_return_rate\n,0,0.5\nE06000001,0,0.2\n")
        let b = try rates("area,days_from_census_day,expected_return_rate\n,0,0.5\nE06000001,0,0.3\n")
        let c = try rates("area,days_from_census_day,expected_return_rate\n,0,0.5\nE06000001,0,0.2\n")
        XCTAssertEqual(a.source == b.source, false, "each read records its own path")
        var b2 = b; b2.source = a.source
        var c2 = c; c2.source = a.source
        XCTAssertNotEqual(a, b2)
        XCTAssertEqual(a, c2)
    }
}
