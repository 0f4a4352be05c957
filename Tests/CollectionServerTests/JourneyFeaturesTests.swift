import AddressFrame
import CensusCollection
import CollectionServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Questionnaire
import ResponseStore
import XCTest

/// The parts of the household journey one at a time: the list of people, relationships,
/// checks (errors, warnings, confirmations), routing after a change, resuming, restarts,
/// timeouts, submission, Welsh, and bad posts.
final class JourneyFeaturesTests: ServerTestCase {
    override func makeFixture() throws -> ServerFixture { try ServerFixture(form: "census-household-2021-1") }

    /// Answers the first household pages: lives here, who else, how many.
    static func household(_ b: inout Browser, size: Int) async throws -> Page {
        let first = try await b.post("/form/page/lives_here", [("lives_here", "yes")])
        XCTAssertEqual(first.location, "/form/page/who_else")
        _ = try await b.submit("/form/page/who_else", [("who_else", size > 1 ? "family" : "none")])
        return try await b.submit("/form/page/household_size", [("household_size", String(size))])
    }

    static func add(_ b: inout Browser, _ first: String, _ last: String) async throws -> Page {
        try await b.submit("/form/list/residents/add", [("first_name", first), ("last_name", last)])
    }

    func testTheListOfPeopleAddsChangesAndRemovesKeepingEveryoneElsesAnswers() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            var b = Browser(client)
            _ = try await b.signIn(fixture.codes[0].code)
            let afterSize = try await Self.household(&b, size: 3)
            XCTAssertEqual(afterSize.location, "/form/list/residents")
            let empty = try await b.get("/form/list/residents")
            XCTAssertTrue(empty.contains("Nobody has been added yet"))
            // Continuing with nobody listed: the form's error, linked to the answer it is about.
            let refused = try await b.post("/form/list/residents", [("action", "continue")])
            XCTAssertEqual(refused.status, .unprocessableContent)
            XCTAssertTrue(refused.body.contains(#"href="/form/page/lives_here?change=1""#), refused.body)
            // The add page's heading is the list's own wording (here the default, "Add a
            // person"; the census form's "What is your name?"), without the page's title run on
            // after it: it read "What is your name?: Name".
            let addPage = try await b.get("/form/list/residents/add")
            let heading = Page.capture(#"<h1[^>]*>([^<]*)</h1>"#, in: addPage.body)
            XCTAssertEqual(heading, "Add a person", addPage.mainText)
            for (f, l) in [("Ann", "Jones"), ("Bob", "Jones"), ("Cy", "Jones")] {
                let added = try await Self.add(&b, f, l)
                XCTAssertEqual(added.location, "/form/list/residents")
            }
            var list = try await b.get("/form/list/residents")
            XCTAssertTrue(list.contains("Ann Jones") && list.contains("Bob Jones") && list.contains("Cy Jones"))
            XCTAssertTrue(list.contains("Add another person"))
            // Change person 2.
            let changed = try await b.submit("/form/list/residents/m2/change", [("first_name", "Robert"), ("last_name", "Jones")])
            XCTAssertEqual(changed.location, "/form/list/residents")
            // A required name left out: 422 with the field's message and a summary link to it.
            let missing = try await b.submit("/form/list/residents/m2/change", [("first_name", ""), ("last_name", "Jones")])
            XCTAssertEqual(missing.status, .unprocessableContent)
            XCTAssertTrue(missing.body.contains(##"href="#first_name""##), missing.body)
            XCTAssertTrue(missing.body.contains(##"id="first_name-error""##))
            // Continue, answer Cy's relationships, then remove Robert.
            _ = try await b.post("/form/list/residents", [("action", "continue")])
            let relationships = try await b.get("/form/relationships/residents/m3")
            XCTAssertEqual(relationships.status, .ok)
            XCTAssertTrue(relationships.contains("Cy Jones is Ann Jones's"), relationships.mainText)
            XCTAssertTrue(relationships.contains("Cy Jones is Robert Jones's"), relationships.mainText)
            _ = try await b.post("/form/relationships/residents/m3", [("relationship--m1", "son_daughter"), ("relationship--m2", "brother_sister")])
            let ask = try await b.get("/form/list/residents/m2/remove")
            XCTAssertTrue(ask.contains("Are you sure you want to remove Robert Jones?"))
            let kept = try await b.post("/form/list/residents/m2/remove", [("remove", "no")])
            XCTAssertEqual(kept.location, "/form/list/residents")
            let removed = try await b.post("/form/list/residents/m2/remove", [("remove", "yes")])
            XCTAssertEqual(removed.location, "/form/list/residents")
            list = try await b.get("/form/list/residents")
            XCTAssertFalse(list.contains("Robert"))
            // Cy is now person 2; the relationship with Ann is kept, the one with Robert is gone.
            let after = try await b.get("/form/relationships/residents/m3")
            XCTAssertTrue(after.body.contains(#"value="son_daughter" checked"#), after.body)
            XCTAssertFalse(after.contains("Robert"))
            let gone = try await b.get("/form/list/residents/m2/change")
            XCTAssertEqual(gone.status, .unprocessableContent)
        }
    }

    func testARosterCannotGrowBeyondItsMaximum() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            var b = Browser(client)
            _ = try await b.signIn(fixture.codes[0].code)
            _ = try await Self.household(&b, size: 30)
            _ = try await b.get("/form/list/residents/add")
            for k in 1...30 {
                let added = try await b.post("/form/list/residents/add", [("first_name", "P\(k)"), ("last_name", "X")])
                XCTAssertEqual(added.location, "/form/list/residents", "member \(k)")
            }
            let list = try await b.get("/form/list/residents")
            XCTAssertFalse(list.contains("Add another person"))
            XCTAssertTrue(list.contains("the most people this list can hold (30)"))
            let refused = try await b.post("/form/list/residents/add", [("first_name", "One"), ("last_name", "More")])
            XCTAssertEqual(refused.status, .unprocessableContent)
            XCTAssertTrue(refused.contains("at most 30 people"), refused.mainText)
        }
    }

    func testTheUnrelatedShortcutFillsEveryPairOfThePerson() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, server in
            var b = Browser(client)
            _ = try await b.signIn(fixture.codes[0].code)
            _ = try await Self.household(&b, size: 3)
            for name in ["Ann", "Bob", "Cy"] { _ = try await Self.add(&b, name, "Lee") }
            _ = try await b.post("/form/list/residents", [("action", "continue")])
            let page = try await b.get("/form/relationships/residents/m3")
            XCTAssertTrue(page.contains("Cy Lee is not related to any of these people"))
            let saved = try await b.post("/form/relationships/residents/m3", [("action", "unrelated")])
            XCTAssertEqual(saved.status, .seeOther)
            let again = try await b.get("/form/relationships/residents/m3")
            XCTAssertEqual(again.body.components(separatedBy: #"value="unrelated" checked"#).count - 1, 2)
            _ = server
        }
    }

    func testConfirmationsAreAskedOnceAndRecordedWarningsNeverBlock() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            var b = Browser(client)
            _ = try await b.signIn(fixture.codes[0].code)
            _ = try await Self.household(&b, size: 2)
            _ = try await Self.add(&b, "Edith", "Rees")
            // One person listed for a household of two: a warning, on the next page; it does not block.
            let next = try await b.post("/form/list/residents", [("action", "continue")])
            XCTAssertEqual(next.status, .seeOther)
            XCTAssertTrue(next.location?.contains("from=list/residents") == true, next.location ?? "")
            let warned = try await b.get(next.location!)
            XCTAssertTrue(warned.contains("Check this answer"), warned.mainText)
            XCTAssertTrue(warned.contains("You said 2 people usually live here"), warned.mainText)
            // Skip to the person's questions.
            _ = try await b.submit("/form/member/residents/m1/is_you", [("is_you", "yes")])
            let dob = try await b.submit("/form/member/residents/m1/dob", [("dob-day", "1"), ("dob-month", "12"), ("dob-year", "1916")])
            XCTAssertTrue(dob.location?.hasPrefix("/form/confirm/confirm_age/m1") == true, dob.location ?? "")
            let confirm = try await b.get(dob.location!)
            XCTAssertTrue(confirm.contains("Edith Rees is 104 years old. Is this correct?"), confirm.mainText)
            let unanswered = try await b.post(dob.location!, [])
            XCTAssertEqual(unanswered.status, .unprocessableContent)
            let yes = try await b.post(dob.location!, [("confirm", "yes")])
            XCTAssertEqual(yes.status, .seeOther)
            XCTAssertFalse(yes.location?.contains("confirm") == true)
            // Asked once: saving the date again does not ask again.
            let again = try await b.submit("/form/member/residents/m1/dob", [("dob-day", "1"), ("dob-month", "12"), ("dob-year", "1916")])
            XCTAssertFalse(again.location?.contains("confirm") == true, again.location ?? "")
            let answers = try await b.get("/form/check-answers")
            XCTAssertTrue(answers.contains("Edith Rees is recorded as 104 years old"), "the warning beside the answer")
            XCTAssertFalse(answers.contains("Confirm this answer"))
        }
    }

    func testErrorsBlockTheirPageWithASummaryAndNothingIsSaved() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, server in
            var b = Browser(client)
            _ = try await b.signIn(fixture.codes[0].code)
            _ = try await Self.household(&b, size: 1)
            _ = try await Self.add(&b, "Ann", "Lee")
            _ = try await b.post("/form/list/residents", [("action", "continue")])
            // Required: "Are you Ann Lee?" left unanswered.
            let required = try await b.submit("/form/member/residents/m1/is_you", [])
            XCTAssertEqual(required.status, .unprocessableContent)
            XCTAssertTrue(required.contains("There is a problem"))
            XCTAssertTrue(required.body.contains(##"<a href="#is_you">"##), required.body)
            XCTAssertTrue(required.body.contains("<title>Error: "))
            _ = try await b.submit("/form/member/residents/m1/is_you", [("is_you", "yes")])
            // Not a date; then a date that does not exist; then one after census day.
            for (fields, message) in [
                ([("dob-day", "31"), ("dob-month", "2"), ("dob-year", "")], "Enter the day, the month and the year"),
                ([("dob-day", "aa"), ("dob-month", "2"), ("dob-year", "1980")], "Enter a real date"),
                ([("dob-day", "31"), ("dob-month", "2"), ("dob-year", "1980")], "1980-02-31 is not a real date"),
                ([("dob-day", "1"), ("dob-month", "1"), ("dob-year", "2030")], "outside the allowed range"),
            ] {
                let page = try await b.submit("/form/member/residents/m1/dob", fields)
                XCTAssertEqual(page.status, .unprocessableContent, message)
                XCTAssertTrue(page.contains(message), "\(message): \(page.mainText)")
                XCTAssertTrue(page.body.contains(##"href="#dob-day""##))
                // What was typed is shown back.
                XCTAssertTrue(page.body.contains(#"name="dob-day" type="text" inputmode="numeric" value="\#(fields[0].1)""#), page.body)
            }
            let record = try server.withOnlineAnswers { try $0.load(fixture.codes[0].household) }
            XCTAssertNil(record.state.members["residents"]?.first?.answers["dob"], "nothing of a refused page is saved")
        }
    }

    /// A pasted name holding a right-to-left override (or a control character) is the
    /// evaluator's `control_character` error, shown beside the name's own box and linked from
    /// the summary, in the household's language; nothing is added to the list.
    func testAHiddenCharacterInANameIsShownBesideItsField() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, server in
            var b = Browser(client)
            _ = try await b.signIn(fixture.codes[0].code)
            _ = try await Self.household(&b, size: 1)
            for (name, character) in [("Ann\u{202E}", "U+202E"), ("An\u{0007}n", "U+0007")] {
                let page = try await Self.add(&b, name, "Lee")
                XCTAssertEqual(page.status, .unprocessableContent, page.mainText)
                XCTAssertEqual(Page.capture(#"id="first_name-error" class="error-message"><span class="visually-hidden">Error: </span>([^<]*)<"#, in: page.body),
                               "The answer contains a hidden character that is not allowed (\(character)): type the answer again without it", page.body)
                XCTAssertTrue(page.body.contains(##"<a href="#first_name">"##), page.body)
                XCTAssertNil(Page.capture(#"id="last_name-error" class="error-message">"#, in: page.body))
            }
            let record = try server.withOnlineAnswers { try $0.load(fixture.codes[0].household) }
            XCTAssertEqual(record.state.members["residents"]?.count ?? 0, 0, "nobody added")
            // In Welsh.
            _ = try await b.get("/language?to=cy&return=/form/list/residents/add")
            let welsh = try await Self.add(&b, "Ann\u{202E}", "Lee")
            XCTAssertEqual(Page.capture(#"id="first_name-error" class="error-message"><span class="visually-hidden">[^<]*</span>([^<]*)<"#, in: welsh.body),
                           "Mae nod cudd nad yw&#39;n cael ei ganiatáu yn yr ateb (U+202E): teipiwch yr ateb eto hebddo", welsh.body)
        }
    }

    func testAChangeFromCheckYourAnswersThatReroutesAsksTheNewQuestions() async throws {
        let fixture = self.fixture!
        let target = try JourneyTests.households(fixture.schema, residents: 1)[0]
        try await fixture.withServer { client, _ in
            var b = Browser(client)
            // Make the person 10 years old, answer everything, reach check your answers.
            var child = target
            if case .object(var o) = child, case .array(var people)? = o["residents"], case .object(var p) = people[0] {
                p = p.filter { ["first_name", "middle_names", "last_name", "is_you"].contains($0.key) }
                p["dob"] = "2010-05-05"
                people[0] = .object(p)
                o["residents"] = .array(people)
                child = .object(o)
            }
            var driver = JourneyDriver(schema: fixture.schema, target: child, browser: b)
            let first = try await b.signIn(fixture.codes[0].code)
            driver.browser = b
            let summary = try await driver.run(from: first, stop: { $0 == "/form/check-answers" })
            b = driver.browser
            XCTAssertTrue(summary.contains("Check your answers"), summary.mainText)
            XCTAssertFalse(summary.contains("legal marital"), "not asked of a child")
            // Change the date of birth to an adult's: marital status now applies, and is asked next.
            let change = try await b.submit("/form/member/residents/m1/dob?change=1", [("dob-day", "5"), ("dob-month", "5"), ("dob-year", "1980")])
            XCTAssertEqual(change.status, .seeOther)
            XCTAssertTrue(change.location?.hasPrefix("/form/member/residents/m1/marital") == true, change.location ?? "")
            // A change that routes in nothing new goes straight back.
            let same = try await b.submit("/form/member/residents/m1/dob?change=1", [("dob-day", "6"), ("dob-month", "5"), ("dob-year", "1980")])
            XCTAssertTrue(same.location?.hasPrefix("/form/member/residents/m1/marital") == true, "marital is still not answered")
            // The new question is asked as part of the change: answering it goes on to the next
            // new one (or back to check your answers), not on through pages already answered.
            XCTAssertTrue(change.location?.contains("change=1") == true, change.location ?? "")
            let marital = try await b.submit(change.location ?? "", [("marital", "never_married")])
            XCTAssertTrue(marital.location?.contains("change=1") == true || marital.location?.hasPrefix("/form/check-answers") == true,
                          marital.location ?? "")
        }
    }

    func testAHouseholdResumesOnAnotherDeviceAndAcrossARestart() async throws {
        let fixture = self.fixture!
        let key = fixture.sessionKey
        // First server: answer three pages, keep the browser's cookies.
        let cookies: [String: String] = try await fixture.withServer { client, _ in
            var b = Browser(client)
            _ = try await b.signIn(fixture.codes[1].code)
            _ = try await Self.household(&b, size: 1)
            return b.cookies
        }
        // The server is gone (closed like a crash would leave the shard: every save committed).
        // A new one with the same key: the same browser carries on without signing in.
        fixture.configuration.sessionKey = key
        try await fixture.withServer { client, _ in
            var same = Browser(client)
            same.cookies = cookies
            let resume = try await same.get("/form")
            XCTAssertEqual(resume.location, "/form/list/residents", "the first screen not yet saved")
            let sizePage = try await same.get("/form/page/household_size")
            XCTAssertTrue(sizePage.body.contains(#"value="1""#), "the saved answer is shown")
            // Another device signs in with the same code and lands on the same screen.
            var phone = Browser(client)
            let landed = try await phone.signIn(fixture.codes[1].code)
            XCTAssertTrue(landed.contains("People who usually live here"), landed.mainText)
        }
    }

    func testASessionEndsAfterInactivityWithoutLosingAnswers() async throws {
        let fixture = self.fixture!
        fixture.configuration.sessionTimeout = .seconds(1)
        try await fixture.withServer { client, _ in
            var b = Browser(client)
            _ = try await b.signIn(fixture.codes[2].code)
            _ = try await b.post("/form/page/lives_here", [("lives_here", "no")])
            try await Task.sleep(for: .milliseconds(2200))
            let ended = try await b.get("/form/page/who_else")
            XCTAssertEqual(ended.status, .unauthorized)
            XCTAssertTrue(ended.contains("Your session has ended"), ended.mainText)
            XCTAssertTrue(ended.contains("Your answers have been saved"))
            let post = try await b.post("/form/page/who_else", [("who_else", "none")])
            XCTAssertEqual(post.status, .forbidden, "an old page's token is no longer valid")
            let back = try await b.signIn(fixture.codes[2].code)
            XCTAssertTrue(back.body.contains(#"<form method="post" action="/form/"#), back.mainText)
            XCTAssertFalse(back.body.contains(#"action="/form/page/lives_here""#), "resumes after the saved page")
        }
    }

    /// The commonest way a session ends: the household leaves a page open, comes back after the
    /// timeout and presses Continue. They are told the session ended and that this page's
    /// answers were not saved (not "This page has expired ... allow cookies").
    func testAPagePostedAfterTheSessionTimedOutSaysSoAndThatItsAnswersWereNotSaved() async throws {
        let fixture = self.fixture!
        fixture.configuration.sessionTimeout = .seconds(1)
        try await fixture.withServer { client, _ in
            var b = Browser(client)
            _ = try await b.signIn(fixture.codes[2].code)
            _ = try await b.post("/form/page/lives_here", [("lives_here", "no")])
            _ = try await b.get("/form/page/who_else")
            try await Task.sleep(for: .milliseconds(2200))
            let late = try await b.post("/form/page/who_else", [("who_else", "none")])
            XCTAssertEqual(late.status, .unauthorized, late.mainText)
            XCTAssertTrue(late.contains("Your session has ended"), late.mainText)
            XCTAssertTrue(late.contains("the answers on the page you sent were not saved"), late.mainText)
            XCTAssertFalse(late.contains("cookies"), late.mainText)
            XCTAssertNil(b.cookies["census_session"], "the ended session's cookie is cleared")
        }
    }

    func testAfterSubmissionAnswersCannotBeViewedOrChangedOnline() async throws {
        let fixture = self.fixture!
        let target = try JourneyTests.households(fixture.schema, residents: 1, seed: 5)[0]
        try await fixture.withServer { client, _ in
            var b = Browser(client)
            let first = try await b.signIn(fixture.codes[3].code)
            var driver = JourneyDriver(schema: fixture.schema, target: target, browser: b)
            let done = try await driver.run(from: first)
            b = driver.browser
            XCTAssertTrue(done.contains("Census submitted"))
            for path in ["/form", "/form/check-answers", "/form/page/lives_here", "/form/list/residents", "/form/member/residents/m1/dob"] {
                let page = try await b.get(path)
                XCTAssertEqual(page.status, .seeOther, path)
                XCTAssertEqual(page.location, "/form/done", path)
            }
            _ = try await b.get("/form/done")
            let post = try await b.post("/form/page/lives_here", [("lives_here", "no")])
            XCTAssertEqual(post.status, .conflict)
            XCTAssertTrue(post.contains("cannot be viewed or changed online"))
            let resubmit = try await b.post("/form/submit", [])
            XCTAssertEqual(resubmit.status, .conflict)
            // Signing in again (another device): the confirmation, not the answers.
            var other = Browser(client)
            let again = try await other.signIn(fixture.codes[3].code)
            XCTAssertTrue(again.contains("Census submitted"), again.mainText)
            XCTAssertFalse(again.contains(target["residents"]?.arrayValue?.first?["first_name"]?.stringValue ?? "?"))
        }
    }

    func testAHouseholdAnswersInWelsh() async throws {
        let fixture = self.fixture!
        let target = try JourneyTests.households(fixture.schema, residents: 1, seed: 9)[0]
        try await fixture.withServer { client, _ in
            var b = Browser(client)
            let first = try await b.signIn(fixture.codes[4].code, language: "cy")
            XCTAssertTrue(first.body.contains(#"<html lang="cy">"#))
            XCTAssertTrue(first.contains("Ydych chi'n byw yn y cyfeiriad hwn fel arfer?"), first.mainText)
            XCTAssertTrue(first.contains("Cadw a pharhau"))
            var driver = JourneyDriver(schema: fixture.schema, target: target, browser: b)
            let done = try await driver.run(from: first)
            XCTAssertTrue(done.contains("Cyfrifiad wedi'i gyflwyno"), done.mainText)
            let store = try ResponseStore.openForReading(at: fixture.directory)
            defer { store.close() }
            let body = try XCTUnwrap(store.versions(of: fixture.codes[4].household, includeBodies: true).first?.body)
            XCTAssertEqual(try JSONParser.parse(body)["language"], "cy")
        }
    }

    func testBadPostsAndUnknownPagesSayWhatIsWrong() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            var b = Browser(client)
            _ = try await b.signIn(fixture.codes[5].code)
            // A button the page does not have.
            let button = try await b.post("/form/page/lives_here", [("action", "delete-everything"), ("lives_here", "yes")])
            XCTAssertEqual(button.status, .badRequest)
            XCTAssertTrue(button.contains("not one this page has"))
            // An option that is not in the list: the evaluator's message, beside the field.
            let option = try await b.post("/form/page/lives_here", [("lives_here", "perhaps")])
            XCTAssertEqual(option.status, .unprocessableContent)
            XCTAssertTrue(option.contains("'perhaps' is not one of the options"), option.mainText)
            // Two options of one radio group (no browser sends that) were read as the first.
            let both = try await b.post("/form/page/lives_here", [("lives_here", "yes"), ("lives_here", "no")])
            XCTAssertEqual(both.status, .unprocessableContent)
            XCTAssertTrue(both.contains("Select one option only"), both.mainText)
            let twice = try await b.post("/form/page/lives_here", [("lives_here", "yes"), ("lives_here", "yes")])
            XCTAssertEqual(twice.status, .seeOther, "the same option twice is still one answer")
            // Too many fields.
            let many = Array(repeating: ("x", "y"), count: 2100)
            let flood = try await b.post("/form/page/lives_here", many)
            XCTAssertEqual(flood.status, .badRequest)
            // Screens that are not in the form.
            for path in ["/form/page/no_such_page", "/form/member/residents/m9/dob", "/form/confirm/no_such_check/household", "/form/list/nobody"] {
                let page = try await b.get(path)
                XCTAssertTrue(page.status == .notFound || page.status == .seeOther, "\(path): \(page.status)")
                XCTAssertFalse(page.body.contains("Fatal") || page.body.contains("Error("))
            }
            let noSuch = try await b.get("/form/page/no_such_page")
            XCTAssertEqual(noSuch.status, .notFound)
            // A page that exists but is not reached yet by routing sends the household on.
            let notYet = try await b.get("/form/page/visitor_count")
            XCTAssertEqual(notYet.status, .seeOther)
        }
    }
}

final class SessionAndShardTests: ServerTestCase {
    func testSigningOutEndsTheHouseholdsSessionsOnEveryDevice() async throws {
        let fixture = self.fixture!
        try await fixture.withServer { client, _ in
            var laptop = Browser(client)
            _ = try await laptop.signIn(fixture.codes[0].code)
            // The two content pages before the first question, then the first answer.
            _ = try await laptop.submit("/form/page/coronavirus", [])
            _ = try await laptop.submit("/form/page/people_intro", [])
            _ = try await laptop.post("/form/page/lives_here", [("lives_here", "yes")])
            var phone = Browser(client)
            _ = try await phone.signIn(fixture.codes[0].code)
            let stolen = phone.cookies
            _ = try await phone.get("/form/page/who_else")
            let out = try await phone.post("/sign-out", [])
            XCTAssertEqual(out.status, .ok)
            XCTAssertTrue(out.contains("You have signed out"))
            XCTAssertTrue(out.contains("Your answers have been saved"))
            // The other device, and a copy of the signed-out cookie, are signed out too.
            let elsewhere = try await laptop.get("/form/page/who_else")
            XCTAssertEqual(elsewhere.status, .unauthorized)
            var thief = Browser(client)
            thief.cookies = stolen
            let replay = try await thief.get("/form/page/who_else")
            XCTAssertEqual(replay.status, .unauthorized)
            // Signing in again carries on with the answers kept.
            var back = Browser(client)
            let resumed = try await back.signIn(fixture.codes[0].code)
            XCTAssertTrue(resumed.body.contains(#"action="/form/page/who_else""#), resumed.mainText)
        }
    }

    func testAHouseholdWhoseShardIsUnavailableIsToldSoAndOthersAreServed() async throws {
        let fixture = self.fixture!
        let manifest = try StoreManifest.read(from: fixture.directory)
        // Make one household's shard read-only: writers refuse it.
        let store = try ResponseStore.openForReading(at: fixture.directory)
        let (victim, other) = (fixture.codes[0], fixture.codes.first { store.shard(for: $0.household) != store.shard(for: fixture.codes[0].household) }!)
        let shardFile = fixture.directory.appendingPathComponent(manifest.shardFiles[store.shard(for: victim.household)]).path
        store.close()
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: shardFile)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: shardFile) }
        try await fixture.withServer { client, server in
            XCTAssertEqual(server.unavailableShards.count, 1)
            var b = Browser(client)
            _ = try await b.get("/sign-in")
            _ = try await b.post("/sign-in", [("accessCode", victim.code)])
            _ = try await b.get("/language")
            _ = try await b.post("/language", [("language", "en")])
            let page = try await b.get("/form")
            XCTAssertEqual(page.status, .serviceUnavailable)
            XCTAssertTrue(page.contains("Nothing you have already saved is lost"), page.mainText)
            var fine = Browser(client)
            let first = try await fine.signIn(other.code)
            XCTAssertEqual(first.status, .ok)
        }
    }

    func testCheckYourAnswersListsEveryAnswerWithAChangeLink() async throws {
        let fixture = self.fixture!
        let target = try JourneyTests.households(fixture.schema, residents: 2, seed: 3)[0]
        try await fixture.withServer { client, _ in
            var b = Browser(client)
            let first = try await b.signIn(fixture.codes[6].code)
            var driver = JourneyDriver(schema: fixture.schema, target: target, browser: b)
            let summary = try await driver.run(from: first, stop: { $0 == "/form/check-answers" })
            XCTAssertTrue(summary.contains("Check your answers"))
            // Every screen visited that asks something has a change link back to it (a content
            // page has no answers to change).
            var contentPages: Set<String> = []
            for part in FormOutline(schema: fixture.schema).parts {
                switch part {
                case .page(let page): if page.questions.isEmpty { contentPages.insert(page.id) }
                case .memberSection(_, _, let pages): for page in pages where page.questions.isEmpty { contentPages.insert(page.id) }
                default: break
                }
            }
            for path in Set(driver.visited) where path.hasPrefix("/form/page/") || path.hasPrefix("/form/member/") || path.hasPrefix("/form/relationships/") {
                if let last = path.split(separator: "/").last, contentPages.contains(String(last)) { continue }
                XCTAssertTrue(summary.body.contains(#"href="\#(path)?change=1""#), "no change link to \(path)")
            }
            let name = target["residents"]?.arrayValue?[1]["first_name"]?.stringValue ?? "?"
            XCTAssertTrue(summary.contains(name))
            XCTAssertTrue(summary.body.contains(#"action="/form/submit""#))
        }
    }
}

final class RosterFormChecksTests: XCTestCase {
    /// example.census asks a date of birth on the roster's own form, with a confirmation for
    /// an age of 100 or more: asked after the person is added, then back to the list.
    func testAConfirmationOnTheAddFormReturnsToTheList() async throws {
        let fixture = try ServerFixture(form: "example")
        defer { fixture.remove() }
        try await fixture.withServer { client, _ in
            var b = Browser(client)
            _ = try await b.signIn(fixture.codes[0].code)
            _ = try await b.get("/form/list/people/add")
            let added = try await b.post("/form/list/people/add", [("first_name", "Ada"), ("last_name", "Old"),
                                                                    ("dob-day", "1"), ("dob-month", "1"), ("dob-year", "1910")])
            XCTAssertTrue(added.location?.hasPrefix("/form/confirm/confirm_age/m1?from=list/people") == true, added.location ?? "")
            let ask = try await b.get(added.location!)
            XCTAssertTrue(ask.contains("Ada Old is 111 years old. Is this correct?"), ask.mainText)
            let no = try await b.post(added.location!, [("confirm", "no")])
            XCTAssertEqual(no.location, "/form/list/people/m1/change")
            _ = try await b.get(added.location!)
            let yes = try await b.post(added.location!, [("confirm", "yes")])
            XCTAssertEqual(yes.location, "/form/list/people")
            // Asked once: changing the name does not ask again.
            let changed = try await b.submit("/form/list/people/m1/change", [("first_name", "Ada"), ("last_name", "Older"),
                                                                              ("dob-day", "1"), ("dob-month", "1"), ("dob-year", "1910")])
            XCTAssertEqual(changed.location, "/form/list/people")
        }
    }
}

extension CollectionServer {
    /// The server's online answers, for tests that look at what was saved.
    func withOnlineAnswers<T>(_ body: (OnlineAnswers) throws -> T) throws -> T {
        try body(onlineAnswers)
    }
}

/// Many devices of one household saving at the same moment: every save goes through, none is
/// answered "unavailable" (found trying it: 24 adds at once left 4 answered 503 on a healthy store).
final class ConcurrentPageSaveTests: XCTestCase {
    func testManySavesOfOneHouseholdAtOnceAllGoThrough() async throws {
        let fixture = try ServerFixture(households: 2)
        defer { fixture.remove() }
        let server = try await fixture.open()
        defer { server.close() }
        let household = fixture.codes[0].household
        let online = server.onlineAnswers
        let start = try online.load(household).state
        let saved = try await withThrowingTaskGroup(of: Int64.self) { group in
            for n in 0..<32 {
                group.addTask {
                    try await online.save(household, delta: ["note_\(n)": .string("device \(n)")], after: start, completeness: 0.1).lastSequence
                }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        XCTAssertEqual(saved.count, 32)
        XCTAssertEqual(Set(saved).count, 32, "each save has its own sequence")
        XCTAssertEqual(try online.load(household).state.lastSequence, start.lastSequence + 32)
    }
}
