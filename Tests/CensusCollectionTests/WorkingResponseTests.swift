import CensusCollection
import Questionnaire
import XCTest

/// Folding a household's page saves into its answers so far.
final class WorkingResponseTests: XCTestCase {
    func testDeltasSetClearAddAndRemove() {
        var state = WorkingResponse()
        state.apply(["v": "page/tenure", "h": ["tenure": "rents", "cars": "one"]], sequence: 1, savedAt: 100)
        state.apply(["h": ["cars": nil]], sequence: 2, savedAt: 101)
        XCTAssertEqual(state.household, ["tenure": "rents"], "null clears an answer")
        state.apply(["m": ["residents/m1": ["first_name": "Ann"]], "a": "residents/m1"], sequence: 3, savedAt: 102)
        state.apply(["m": ["residents/m2": ["first_name": "Bob"]], "a": "residents/m2"], sequence: 4, savedAt: 103)
        state.apply(["r": ["residents/m2/m1": ["relationship": "partner"]]], sequence: 5, savedAt: 104)
        state.apply(["c": ["confirm_age@m2"]], sequence: 6, savedAt: 105)
        XCTAssertEqual(state.position(of: "m2", in: "residents"), 2)
        state.apply(["x": "residents/m1"], sequence: 7, savedAt: 106)
        XCTAssertEqual(state.members["residents"]?.map(\.id), ["m2"])
        XCTAssertEqual(state.pairs["residents"], [:], "the removed member's relationships go with them")
        XCTAssertEqual(state.confirmations["confirm_age"], ["m2"], "others' confirmations stay")
        XCTAssertEqual(state.newMemberID(roster: "residents"), "m3", "ids are never reused")
        XCTAssertEqual(state.lastSequence, 7)
        XCTAssertEqual(state.startedAt, 100)
        XCTAssertTrue(state.visited.contains("page/tenure"))
    }

    func testTwoDevicesAddingAMemberAtOnceKeepBoth() {
        // Both devices read the household with one member and chose the id m2 for the new one.
        var state = WorkingResponse()
        state.apply(["m": ["residents/m1": ["first_name": "Ann"]], "a": "residents/m1"], sequence: 1, savedAt: 1)
        state.apply(["m": ["residents/m2": ["first_name": "Bob"]], "a": "residents/m2"], sequence: 2, savedAt: 2)
        state.apply(["m": ["residents/m2": ["first_name": "Cy"]], "a": "residents/m2"], sequence: 3, savedAt: 3)
        XCTAssertEqual(state.members["residents"]?.map(\.id), ["m1", "m2", "m3"])
        XCTAssertEqual(state.members["residents"]?.map { $0.answers["first_name"] }, ["Ann", "Bob", "Cy"])
        // Changing a member (no "a") still updates it in place.
        state.apply(["m": ["residents/m2": ["first_name": "Robert"]]], sequence: 4, savedAt: 4)
        XCTAssertEqual(state.members["residents"]?[1].answers["first_name"], "Robert")
    }
}
