import Questionnaire
import XCTest

/// The one rounding rule for the percentages the platform prints (`percentText`): `store submit`
/// said 96% complete where `store show` said 95.5% for the same response.
final class PercentTextTests: XCTestCase {
    func testHalvesRoundAwayFromZeroAfterTheBinaryNoiseIsRemoved() {
        XCTAssertEqual(percentText(0.955), "96%", "store submit's figure, where store show said 95.5%")
        XCTAssertEqual(0.145 * 100, 14.499999999999998, "the noise this rule removes")
        XCTAssertEqual(percentText(0.145), "15%")
        XCTAssertEqual(percentText(0.575), "58%")
        XCTAssertEqual(percentText(191.0 / 200), "96%")
        XCTAssertEqual(percentText(0.954), "95%")
        XCTAssertEqual(percentText(0.5), "50%")
        XCTAssertEqual(percentText(0.125, decimals: 1), "12.5%")
        XCTAssertEqual(percentText(0.12345, decimals: 1), "12.3%")
        XCTAssertEqual(percentText(0.12355, decimals: 2), "12.36%")
        XCTAssertEqual(percentText(0.7, decimals: 1), "70.0%")
        XCTAssertEqual(percentText(0.75, decimals: 1), "75.0%")
    }

    func testOnlyAllIsAHundredAndOnlyNoneIsZero() {
        XCTAssertEqual(percentText(1), "100%")
        XCTAssertEqual(percentText(0), "0%")
        XCTAssertEqual(percentText(0.996), "99%", "an incomplete response is not 100% complete")
        XCTAssertEqual(percentText(0.9996, decimals: 1), "99.9%")
        XCTAssertEqual(percentText(0.001), "1%", "one answer is not 0% complete")
        XCTAssertEqual(percentText(0.00001, decimals: 1), "0.1%")
        XCTAssertEqual(percentText(1.25), "125%", "shares above 1 read as they are")
        XCTAssertEqual(percentText(-0.125, decimals: 1), "-12.5%")
        XCTAssertEqual(percentText(.nan), "–")
    }
}
