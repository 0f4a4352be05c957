@testable import CollectionServer
import XCTest

/// A locked-out sign-in says how long to wait with the noun agreeing with its number (the
/// API said "try again in 1 seconds"): one function serves the page and the API.
final class LockoutWaitTextTests: XCTestCase {
    func testTheWaitAgreesWithItsNumberAndTurnsToMinutesAtNinetySeconds() {
        XCTAssertEqual(SignInRoutes.wait(1, "en"), "1 second")
        XCTAssertEqual(SignInRoutes.wait(2, "en"), "2 seconds")
        XCTAssertEqual(SignInRoutes.wait(89, "en"), "89 seconds")
        XCTAssertEqual(SignInRoutes.wait(90, "en"), "2 minutes")
        XCTAssertEqual(SignInRoutes.wait(1, "cy"), "1 eiliad")
        XCTAssertEqual(SignInRoutes.wait(30, "cy"), "30 eiliad")
    }
}
