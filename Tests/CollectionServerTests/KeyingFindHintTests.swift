@testable import CollectionServer
import Foundation
import XCTest

/// The keying find page's hint gives an example household id in the frame's own form (its
/// letters, separators and number of digits), so a keyer copying the paper form's id is shown
/// what one looks like: it said H00000123 (8 digits) where the frame's ids are H000000005 (9).
final class KeyingFindHintTests: XCTestCase {
    func testTheExampleHasTheShapeOfTheFramesIDs() {
        XCTAssertEqual(HouseholdIDExample.shaped(like: "H000000005"), "H000000123")
        XCTAssertEqual(HouseholdIDExample.shaped(like: "H987654321"), "H000000123")
        XCTAssertEqual(HouseholdIDExample.shaped(like: "W-2021-00042"), "W-2021-00123", "the last run of digits is the number")
        XCTAssertEqual(HouseholdIDExample.shaped(like: "100234567890"), "000000000123")
        XCTAssertEqual(HouseholdIDExample.shaped(like: "hh_07"), "hh_23", "a short number keeps its width")
        XCTAssertEqual(HouseholdIDExample.shaped(like: "A1B"), "A3B")
        XCTAssertNil(HouseholdIDExample.shaped(like: "ROSE-COTTAGE"), "no number to vary: no example rather than a real id")
        XCTAssertNil(HouseholdIDExample.shaped(like: ""))
    }

    func testTheFindPageShowsAnExampleInTheFramesForm() async throws {
        let fixture = try ServerFixture(households: 3)
        defer { fixture.remove() }
        let staff = try StaffFixture(fixture)
        let real = fixture.households[0].householdID
        try await fixture.withServer(signedIn: staff.field) { keyer, _ in
            let page = try await keyer.get("/staff/keying")
            let hint = Page.capture(#"<div id="household-id-hint" class="hint">([^<]*)</div>"#, in: page.body)
            XCTAssertEqual(hint, "The household id printed on the paper form, for example \(HouseholdIDExample.shaped(like: real) ?? "?").", page.body)
            XCTAssertEqual(hint, "The household id printed on the paper form, for example H000000123.", "the fixture's frame: \(real)")
        }
    }
}
