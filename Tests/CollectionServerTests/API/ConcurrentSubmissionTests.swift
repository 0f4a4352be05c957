import CollectionServer
import Foundation
import HTTPTypes
import Questionnaire
import XCTest

/// A household's online submissions sent at the same moment (two devices, an app retrying with
/// a new key): exactly one is stored and acknowledged. Found trying it: 10 at once through the
/// API stored and acknowledged up to 6, and the web page's Submit beside an API submission
/// stored both.
final class ConcurrentSubmissionTests: ServerTestCase {
    func testOneOfManySubmissionsAtOnceIsStoredAndTheOthersAreRefused() async throws {
        let fixture = self.fixture!
        let (household, code) = fixture.codes[0]
        let bodies = Array(repeating: try fixture.validResponse(0, extra: ["id": .string(household)]), count: 10)
        try await fixture.withServer { client, server in
            let api = APIClient(client: client, checker: nil)
            let token = try await api.signIn(code)
            let results = try await withThrowingTaskGroup(of: APIResult.self) { group in
                for (n, body) in bodies.enumerated() {
                    group.addTask { try await api.submit(body, token: token, key: "race-\(n)") }
                }
                return try await group.reduce(into: [APIResult]()) { $0.append($1) }
            }
            let stored = results.filter { $0.status == .created }
            XCTAssertEqual(stored.count, 1, results.map { "\($0.status) \($0.code ?? "")" }.joined(separator: ", "))
            XCTAssertTrue(results.filter { $0.status != .created }.allSatisfy {
                $0.status == .conflict && ["already_submitted", "submission_in_progress"].contains($0.code ?? "")
            }, results.map { "\($0.status) \($0.code ?? "")" }.joined(separator: ", "))
            let submitted = try server.collector.store.versions(of: household).filter { $0.kind == .submitted }
            XCTAssertEqual(submitted.count, 1, "one submitted version in the store")
        }
    }

    /// Both faces wait for one gate: while a submission of the household is in flight (begun
    /// here, as either face would), the API answers 409 `submission_in_progress` with
    /// Retry-After, and the page's Submit stores nothing (the one in flight counts).
    func testTheAPIAndThePagesShareOneGate() async throws {
        let fixture = self.fixture!
        let (household, code) = fixture.codes[1]
        let body = try fixture.validResponse(1, extra: ["id": .string(household)])
        try await fixture.withServer { client, server in
            let api = APIClient(client: client, checker: nil)
            let token = try await api.signIn(code)
            XCTAssertTrue(server.collector.onlineSubmissions.begin(household))
            let held = try await api.submit(body, token: token, key: "while-held")
            XCTAssertEqual(held.status, .conflict, held.text)
            XCTAssertEqual(held.code, "submission_in_progress")
            XCTAssertEqual(held.headers[.retryAfter], "1")
            var browser = Browser(client)
            _ = try await browser.signIn(code)
            _ = try await browser.get("/form/check-answers")
            let pressed = try await browser.post("/form/submit", [])
            XCTAssertEqual(pressed.status, .seeOther)
            XCTAssertEqual(pressed.location, "/form/done")
            XCTAssertTrue(try server.collector.store.versions(of: household).isEmpty, "nothing stored while another is in flight")
            server.collector.onlineSubmissions.end(household)
            let after = try await api.submit(body, token: token, key: "after")
            XCTAssertEqual(after.status, .created, after.text)
        }
    }

    /// A client's `submittedAt` is the "today" a date of birth is checked against: one in the
    /// future is refused (found trying it: 2099 let a date of birth in 2095 through, exported
    /// with age -73); today's is taken.
    func testAFutureSubmittedAtIsRefused() async throws {
        let fixture = self.fixture!
        let (household, code) = fixture.codes[2]
        try await fixture.withServer { client, server in
            let api = APIClient(client: client, checker: try OpenAPIChecker())
            let token = try await api.signIn(code)
            for field in ["submittedAt", "startedAt"] {
                let future = try fixture.validResponse(2, extra: ["id": .string(household), field: .string("2099-06-01T10:00:00Z")])
                let refused = try await api.submit(future, token: token)
                XCTAssertEqual(refused.status, .badRequest, refused.text)
                XCTAssertEqual(refused.code, "invalid_field")
                XCTAssertTrue(refused.json?["detail"]?.stringValue?.hasPrefix("\"\(field)\" (2099-06-01T10:00:00Z) is later than the day the server received") == true, refused.text)
            }
            XCTAssertTrue(try server.collector.store.versions(of: household).isEmpty)
        }
    }

    /// The variant is the household's country's, not the client's word (found trying it: a
    /// Leeds household's `"variant": "wales"` return was exported with `in_wales` true).
    func testAVariantOtherThanTheHouseholdsCountrysIsRefused() async throws {
        let fixture = self.fixture!
        let english = try XCTUnwrap(fixture.households.firstIndex { $0.localAuthority.hasPrefix("E") })
        let welsh = try XCTUnwrap(fixture.households.firstIndex { $0.localAuthority.hasPrefix("W") })
        try await fixture.withServer { client, server in
            let api = APIClient(client: client, checker: try OpenAPIChecker())
            for (index, wrongs) in [(english, [JSONValue.string("wales")]), (welsh, [.string("england"), .null])] {
                let household = fixture.households[index].householdID
                let token = try await api.signIn(try XCTUnwrap(fixture.codes.first { $0.household == household }).code)
                for wrong in wrongs {
                    var body = try XCTUnwrap(try JSONParser.parse(Array(fixture.validResponse(index).utf8)).objectValue)
                    if wrong == .null { body["variant"] = nil } else { body["variant"] = wrong }
                    let refused = try await api.submit(JSONWriter().string(.object(body)), token: token)
                    XCTAssertEqual(refused.status, .unprocessableContent, refused.text)
                    XCTAssertEqual(refused.code, "invalid_field")
                    XCTAssertTrue(refused.json?["detail"]?.stringValue?.contains("household \(household) is in local authority") == true, refused.text)
                }
                XCTAssertTrue(try server.collector.store.versions(of: household).isEmpty)
                let right = try await api.submit(try fixture.validResponse(index), token: token)
                XCTAssertEqual(right.status, .created, right.text)
            }
        }
    }
}
