import CensusCollection
import CollectionServer
import FieldOperations
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Questionnaire
import ResponseStore
import XCTest

/// Keying a paper return: finding the household (its returns, never its answers), one page with
/// every question for every person and pair, option codes typed, hard errors inline and
/// summarised, warnings never blocking, the paper version stored through the collection path
/// and audited.
final class KeyingPagesTests: StaffServerTestCase {
    var household: String { fixture.households[1].householdID }

    /// A keyed paper form of three people (codes as on paper: yes_no 1 = yes).
    static func threePeople() -> [(String, String)] {
        [
            ("lives_here", "1"), ("household_size", "3"),
            ("residents.0.first_name", "Ann"), ("residents.0.last_name", "Jones"),
            ("residents.1.first_name", "Bob"), ("residents.1.last_name", "Jones"),
            ("residents.2.first_name", "Cat"), ("residents.2.last_name", "Jones"),
            ("household_relationships.0.relationship", "1"),   // Bob is Ann's husband
            ("household_relationships.1.relationship", "4"),   // Cat is Ann's daughter
            ("household_relationships.2.relationship", "4"),   // Cat is Bob's daughter
            ("residents.0.is_you", "1"), ("residents.0.dob-day", "1"), ("residents.0.dob-month", "2"), ("residents.0.dob-year", "1980"),
            ("residents.1.is_you", "2"), ("residents.1.dob-day", "3"), ("residents.1.dob-month", "4"), ("residents.1.dob-year", "1979"),
            ("residents.2.is_you", "2"), ("residents.2.dob-day", "5"), ("residents.2.dob-month", "6"), ("residents.2.dob-year", "2010"),
        ]
    }

    /// The household page names each return by its channel with the article its sound takes:
    /// "An online return", never "A online return".
    func testTheHouseholdPageNamesAnOnlineReturnWithItsArticle() async throws {
        let (fixture, staff, household) = (fixture!, staff!, household)
        let body = Data(try fixture.validResponse(1).utf8)
        try await fixture.withServer { client, server in
            _ = try await server.collector.submit(CollectionRequest(householdID: household, body: body, kind: .submitted,
                                                                    idempotencyKey: "online-1", ifNotValid: .refuse))
            var keyer = Browser(client)
            try await keyer.staffSignIn(staff.field)
            let found = try await keyer.get("/staff/keying/household?id=\(household)")
            XCTAssertEqual(found.status, .ok)
            XCTAssertTrue(found.contains("An online return, received"), found.mainText)
            XCTAssertFalse(found.contains("A online"), found.mainText)
        }
    }

    /// A person count the page does not offer (over the roster's maximum, negative, not a
    /// number) was clamped silently: 31 opened 30 blocks, "abc" none. The household page
    /// comes back with the count and what is wrong beside it; a save with one is refused.
    func testAPersonCountOutsideTheRosterIsSaidNotClamped() async throws {
        let (fixture, staff, household) = (fixture!, staff!, household)
        try await fixture.withServer(signedIn: staff.field) { keyer, server in
            for typed in ["31", "-1", "abc", "2.5", "99999999999999999999"] {
                let page = try await keyer.get("/staff/keying/\(household)/form?residents=\(typed)&visitors=0")
                XCTAssertEqual(page.status, .unprocessableContent, typed)
                XCTAssertTrue(page.contains("a whole number from 0 to 30"), "\(typed): \(page.mainText)")
                XCTAssertTrue(page.body.contains("value=\"\(typed)\""), typed)
                XCTAssertFalse(page.body.contains("name=\"residents.0.first_name\""), typed)
            }
            let page = try await keyer.get("/staff/keying/\(household)/form?residents=1&visitors=0")
            XCTAssertEqual(page.status, .ok)
            let key = Page.capture(#"name="key" value="([^"]*)""#, in: page.body) ?? ""
            let refused = try await keyer.post("/staff/keying/\(household)/form?residents=31&visitors=0", Self.threePeople() + [("key", key)])
            XCTAssertEqual(refused.status, .badRequest, refused.mainText)
            XCTAssertEqual(try server.collector.store.versions(of: household).count, 0)
        }
    }

    func testAKeyerFindsAHouseholdSeesItsReturnsAndKeysThreePeople() async throws {
        let (fixture, staff, household) = (fixture!, staff!, household)
        try await fixture.withServer(signedIn: staff.field) { keyer, server in
            let find = try await keyer.get("/staff/keying")
            XCTAssertEqual(find.status, .ok)
            let unknown = try await keyer.get("/staff/keying/household?id=H99999999")
            XCTAssertEqual(unknown.status, .notFound)
            XCTAssertTrue(unknown.contains("There is no household"), unknown.mainText)
            let found = try await keyer.get("/staff/keying/household?id=\(household.lowercased())")
            XCTAssertEqual(found.status, .ok)
            XCTAssertTrue(found.contains("No return yet."), found.mainText)

            let page = try await keyer.get("/staff/keying/\(household)/form?residents=3&visitors=0")
            XCTAssertEqual(page.status, .ok)
            // Every person block and pair, with no routing: "who_else" is shown although
            // lives_here is not answered.
            for name in ["lives_here", "who_else", "residents.2.first_name", "residents.2.dob-day", "household_relationships.2.relationship", "residents.0.sex"] {
                XCTAssertTrue(page.body.contains("name=\"\(name)\""), name)
            }
            XCTAssertFalse(page.body.contains("name=\"residents.3.first_name\""))
            XCTAssertTrue(page.contains("Person 3"))
            let saved = try await keyer.post("/staff/keying/\(household)/form?residents=3&visitors=0", Self.threePeople() + [("key", Page.capture(#"name="key" value="([^"]*)""#, in: page.body) ?? "")])
            XCTAssertEqual(saved.status, .ok, saved.mainText)
            XCTAssertTrue(saved.contains("Paper return of \(household) saved"), saved.mainText)
            let versions = try server.collector.store.versions(of: household, includeBodies: true)
            XCTAssertEqual(versions.count, 1)
            XCTAssertEqual(versions[0].kind, .paper)
            XCTAssertEqual(versions[0].channel, .paper)
            let body = try JSONParser.parse(versions[0].body!)
            XCTAssertEqual(body["residents"]?.arrayValue?.count, 3)
            XCTAssertEqual(body["residents"]?.arrayValue?[2]["dob"]?.stringValue, "2010-06-05")
            XCTAssertEqual(body["household_relationships"]?.arrayValue?.first { $0["person"]?.intValue == 3 && $0["other"]?.intValue == 1 }?["relationship"]?.stringValue, "son_daughter")
            XCTAssertEqual(body["lives_here"]?.stringValue, "yes")
            // The find page now shows the return's channel and time, not its answers.
            let again = try await keyer.get("/staff/keying/household?id=\(household)")
            XCTAssertTrue(again.contains("A paper return, received"), again.mainText)
            XCTAssertFalse(again.contains("Jones"))
        }
        let log = try fixture.auditLog()
        let keyed = try log.records(subject: household).filter { $0.action == "keyed" }
        XCTAssertEqual(keyed.count, 1)
        XCTAssertEqual(keyed.first?.actor, "field")
        XCTAssertFalse(keyed.first?.detail.contains("Jones") ?? true, "no answers in the audit log")
        // The record, begun before the save, names the stored version by its save key.
        let store = try ResponseStore.openForReading(at: fixture.directory)
        defer { store.close() }
        let stored = try store.versions(of: household)
        XCTAssertEqual(stored.count, 1)
        XCTAssertTrue(keyed.first?.detail.contains("save key \(stored[0].idempotencyKey);") ?? false, keyed.first?.detail ?? "")
        XCTAssertTrue(stored[0].idempotencyKey.hasPrefix("keying-"))
        XCTAssertEqual(try log.records(subject: household).filter { $0.action == "keyed_not_stored" }.count, 0)
    }

    /// The audit rule when the save stores nothing: the `keyed` record begun beside the save is
    /// followed by a `keyed_not_stored` record naming it, for a page posted twice (a refresh) and
    /// for a save key used for another return; the chain stays intact.
    func testASaveThatStoresNothingIsFollowedInTheAuditLog() async throws {
        let (fixture, staff, household) = (fixture!, staff!, household)
        let form = "/staff/keying/\(household)/form?residents=3&visitors=0"
        try await fixture.withServer(signedIn: staff.field) { keyer, server in
            let page = try await keyer.get(form)
            let key = Page.capture(#"name="key" value="([^"]*)""#, in: page.body) ?? ""
            let first = try await keyer.post(form, Self.threePeople() + [("key", key)])
            XCTAssertEqual(first.status, .ok, first.mainText)
            _ = try await keyer.get(form)
            let again = try await keyer.post(form, Self.threePeople() + [("key", key)])
            XCTAssertTrue(again.contains("already been saved"), again.mainText)
            // The same page key with other answers: the store refuses it.
            _ = try await keyer.get(form)
            let other = try await keyer.post(form, Self.threePeople().map { $0.0 == "residents.2.first_name" ? ($0.0, "Cathy") : $0 } + [("key", key)])
            // ...and the keyer is told, in their words, that the first save stands and how to correct it.
            XCTAssertEqual(other.status, .conflict, other.mainText)
            XCTAssertTrue(other.contains("This keying page was saved already"), other.mainText)
            XCTAssertTrue(other.contains("key it as a new paper return"), other.mainText)
            XCTAssertTrue(other.body.contains("/staff/keying/household?id=\(household)"), other.mainText)
            XCTAssertFalse(other.mainText.lowercased().contains("idempotency"), other.mainText)
            XCTAssertEqual(try server.collector.store.versions(of: household).count, 1)
        }
        let log = try fixture.auditLog()
        let records = try log.records(subject: household)
        XCTAssertEqual(records.map(\.action), ["keyed", "keyed", "keyed_not_stored", "keyed", "keyed_not_stored"])
        XCTAssertTrue(records[2].detail.hasPrefix("record \(records[1].sequence): the page was saved before, as receipt "), records[2].detail)
        XCTAssertTrue(records[4].detail.hasPrefix("record \(records[3].sequence): nothing was stored: the save key was used for another return"),
                      records[4].detail)
        XCTAssertFalse(records.contains { $0.detail.contains("Cathy") || $0.detail.contains("Jones") }, "no answers in the audit log")
        XCTAssertTrue(try log.verify().isIntact)
    }

    func testHardErrorsAreShownBesideTheirFieldsAndNothingIsStored() async throws {
        let (fixture, staff, household) = (fixture!, staff!, household)
        try await fixture.withServer(signedIn: staff.supervisor) { keyer, server in
            let bad = try await keyer.keyReturn("/staff/keying/\(household)/form?residents=1", [
                ("lives_here", "7"), ("residents.0.first_name", "Ann"), ("residents.0.last_name", "Jones"),
                ("residents.0.dob-day", "31"), ("residents.0.dob-month", "2"), ("residents.0.dob-year", "1980"),
                ("household_size", "99"),
            ])
            XCTAssertEqual(bad.status, .unprocessableContent)
            XCTAssertTrue(bad.contains("Correct these before the return can be saved"))
            XCTAssertTrue(bad.body.contains("id=\"lives_here-error\""), "the code error is beside its field")
            XCTAssertTrue(bad.body.contains("href=\"#lives_here\""), "and linked from the summary")
            XCTAssertTrue(bad.body.contains("value=\"Ann\""), "what was typed is kept")
            XCTAssertEqual(try server.collector.store.versions(of: household).count, 0)
        }
    }

    /// A name keyed with a hidden character (pasted from elsewhere: a right-to-left override)
    /// is the evaluator's control_character, a hard error beside its field; nothing is stored.
    func testAHiddenCharacterInAKeyedNameIsAHardError() async throws {
        let (fixture, staff, household) = (fixture!, staff!, household)
        try await fixture.withServer(signedIn: staff.field) { keyer, server in
            let bad = try await keyer.keyReturn("/staff/keying/\(household)/form?residents=1", [
                ("lives_here", "1"), ("household_size", "1"),
                ("residents.0.first_name", "An\u{202E}n"), ("residents.0.last_name", "Jones"),
            ])
            XCTAssertEqual(bad.status, .unprocessableContent, bad.mainText)
            XCTAssertEqual(Page.capture(#"id="residents\.0\.first_name-error" class="error-message"><span class="visually-hidden">[^<]*</span>([^<]*)<"#, in: bad.body),
                           "The answer contains a hidden character that is not allowed (U+202E): type the answer again without it", bad.body)
            XCTAssertTrue(bad.body.contains("href=\"#residents.0.first_name\""), "linked from the summary")
            XCTAssertEqual(try server.collector.store.versions(of: household).count, 0)
        }
    }

    func testWarningsNeverBlockAndAMissingAnswerIsRecorded() async throws {
        let (fixture, staff, household) = (fixture!, staff!, household)
        try await fixture.withServer(signedIn: staff.field) { keyer, server in
            let page = try await keyer.get("/staff/keying/\(household)/form?residents=2")
            let key = Page.capture(#"name="key" value="([^"]*)""#, in: page.body) ?? ""
            // Only names: dob and is_you (required) missing, household size mismatched.
            let saved = try await keyer.post("/staff/keying/\(household)/form?residents=2", [
                ("key", key), ("household_size", "5"),
                ("residents.0.first_name", "Ann"), ("residents.0.last_name", "Jones"),
                ("residents.1.first_name", "Bob"), ("residents.1.last_name", "Jones"),
            ])
            XCTAssertEqual(saved.status, .ok, saved.mainText)
            XCTAssertTrue(saved.contains("Recorded for checking"), saved.mainText)
            // Posting the same form again (a refresh) stores nothing new.
            let replay = try await keyer.post("/staff/keying/\(household)/form?residents=2", [
                ("key", key), ("household_size", "5"),
                ("residents.0.first_name", "Ann"), ("residents.0.last_name", "Jones"),
                ("residents.1.first_name", "Bob"), ("residents.1.last_name", "Jones"),
            ])
            XCTAssertTrue(replay.contains("already been saved"), replay.mainText)
            XCTAssertEqual(try server.collector.store.versions(of: household).count, 1)
        }
    }

    func testAdministratorsAndSignedOutVisitorsCannotKey() async throws {
        let (fixture, staff, household) = (fixture!, staff!, household)
        try await fixture.withServer { client, _ in
            var admin = Browser(client)
            try await admin.staffSignIn(staff.administrator)
            let find = try await admin.get("/staff/keying")
            XCTAssertEqual(find.status, .forbidden)
            let form = try await admin.get("/staff/keying/\(household)/form?residents=1")
            XCTAssertEqual(form.status, .forbidden)
            var nobody = Browser(client)
            let signedOut = try await nobody.get("/staff/keying")
            XCTAssertEqual(signedOut.location, "/staff/sign-in")
            let post = try await nobody.post("/staff/keying/\(household)/form", [("key", "12345678")], csrf: false)
            XCTAssertEqual(post.status, .unauthorized)
        }
    }
}
