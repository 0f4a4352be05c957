import CollectionServer
import FieldOperations
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// The follow-up list: households of the keyer's area without a return by a date, the
/// lowest-responding LSOAs first, no answers.
final class FollowUpTests: XCTestCase {
    func testHouseholdsWithoutAReturnAreListedLowestRespondingLSOAFirst() async throws {
        let fixture = try ServerFixture(households: 40)
        defer { fixture.remove() }
        let staff = try StaffFixture(fixture)
        let area = fixture.households[0].localAuthority
        let inArea = fixture.households.filter { $0.localAuthority == area }
        try await fixture.withServer(signedIn: staff.field) { keyer, server in
            let before = try await keyer.get("/staff/follow-up?area=\(area)&by=2099-01-01")
            XCTAssertEqual(before.status, .ok, before.mainText)
            XCTAssertTrue(before.contains("\(inArea.count) of \(inArea.count) households in \(area) had no return"), before.mainText)
            // Key a paper return for one household: it leaves the list.
            let returned = inArea[0].householdID
            let saved = try await keyer.keyReturn("/staff/keying/\(returned)/form?residents=1", [("residents.0.first_name", "Ann"), ("residents.0.last_name", "Jones")])
            XCTAssertEqual(saved.status, .ok, saved.mainText)
            let after = try await keyer.get("/staff/follow-up?area=\(area)&by=2099-01-01")
            XCTAssertFalse(after.body.contains(">\(returned)<"), "a household with a return is not visited")
            XCTAssertTrue(after.body.contains(">\(inArea[1].householdID)<"))
            XCTAssertFalse(after.contains("Jones"), "no answers on the list")
            // Its LSOA, now the best-responding, comes last.
            let lsoa = inArea[0].lsoa
            if Set(inArea.map(\.lsoa)).count > 1, let at = after.body.range(of: "LSOA \(lsoa):") {
                XCTAssertNil(after.body[at.upperBound...].range(of: "<caption>LSOA "), "the LSOA with a return is listed last")
            }
            // By a day before the return was received, it is still to visit.
            let earlier = try await keyer.get("/staff/follow-up?area=\(area)&by=2000-01-01")
            XCTAssertTrue(earlier.body.contains(">\(returned)<"))
            let bad = try await keyer.get("/staff/follow-up?area=\(area)&by=tomorrow")
            XCTAssertEqual(bad.status, .unprocessableContent)
            _ = server
        }
    }

    func testAKeyerSeesOnlyTheirAreas() async throws {
        let fixture = try ServerFixture(households: 40)
        defer { fixture.remove() }
        let staff = try StaffFixture(fixture)
        let mine = fixture.households[0].localAuthority
        guard let other = fixture.households.map(\.localAuthority).first(where: { $0 != mine }) else { return }
        try await fixture.withServer(signedIn: staff.field) { keyer, _ in
            let page = try await keyer.get("/staff/follow-up?area=\(other)&by=2099-01-01")
            XCTAssertEqual(page.status, .unprocessableContent)
            XCTAssertTrue(page.contains("is not one of your areas"), page.mainText)
        }
    }
}
