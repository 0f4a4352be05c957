import AddressFrame
import CollectionServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Questionnaire
import ResponseStore
import XCTest

/// The JSON API: household tokens, submissions with idempotency keys, status, machine
/// tokens and their roles, and every refusal, each response checked against the OpenAPI document.
final class APITests: ServerTestCase {
    var checker: OpenAPIChecker!

    override func setUp() async throws {
        try await super.setUp()
        checker = try OpenAPIChecker()
    }

    func testHouseholdSignsInSubmitsOnceAndSeesItsStatus() async throws {
        let fixture = self.fixture!, checker = self.checker!
        let (household, code) = fixture.codes[0]
        let body = try fixture.validResponse(0)
        try await fixture.withServer { client, server in
            let api = APIClient(client: client, checker: checker)
            // Typed loosely, as on the sign-in page.
            let auth = try await api.call(.post, "/api/v1/auth", body: #"{"accessCode": " \#(code.lowercased().replacingOccurrences(of: "-", with: " ")) "}"#)
            XCTAssertEqual(auth.status, .ok, auth.text)
            XCTAssertEqual(auth.json?["householdId"]?.stringValue, household)
            let token = try XCTUnwrap(auth.json?["token"]?.stringValue)
            XCTAssertEqual(auth.headers[.cacheControl], "no-store")

            let before = try await api.status(household, token: token)
            XCTAssertEqual(before.json?["hasReturn"], .bool(false))
            XCTAssertEqual(before.json?["channel"], .null)

            let key = "first-try-\(UUID().uuidString)"
            let stored = try await api.submit(body, token: token, key: key)
            XCTAssertEqual(stored.status, .created, stored.text)
            let receipt = try XCTUnwrap(stored.json?["receiptId"]?.stringValue)
            XCTAssertEqual(stored.json?["kind"], "submitted")
            XCTAssertEqual(stored.json?["channel"], "online")
            XCTAssertEqual(stored.json?["replay"], .bool(false))
            XCTAssertNotNil(stored.headers[HTTPField.Name("X-Request-Id")!])

            // A retry (same key, same body): the same receipt, 200, nothing new stored.
            let retry = try await api.submit(body, token: token, key: key)
            XCTAssertEqual(retry.status, .ok, retry.text)
            XCTAssertEqual(retry.json?["receiptId"]?.stringValue, receipt)
            XCTAssertEqual(retry.json?["replay"], .bool(true))
            XCTAssertEqual(retry.json?["receivedAt"], stored.json?["receivedAt"])

            // The same key with another body: 409, naming the stored receipt.
            let other = try fixture.validResponse(1)
            let reused = try await api.submit(other, token: token, key: key)
            XCTAssertEqual(reused.status, .conflict, reused.text)
            XCTAssertEqual(reused.code, "idempotency_key_reused")
            XCTAssertEqual(reused.json?["receiptId"]?.stringValue, receipt)

            // A new submission after the household has submitted: 409, as on the web pages.
            let again = try await api.submit(other, token: token)
            XCTAssertEqual(again.status, .conflict, again.text)
            XCTAssertEqual(again.code, "already_submitted")

            let after = try await api.status(household, token: token)
            XCTAssertEqual(after.status, .ok)
            XCTAssertEqual(after.json?["hasReturn"], .bool(true))
            XCTAssertEqual(after.json?["channel"], "online")
            XCTAssertEqual(after.json?["receiptId"]?.stringValue, receipt)

            let versions = try server.collector.store.versions(of: household, includeBodies: true)
            XCTAssertEqual(versions.count, 1)
            XCTAssertEqual(versions.first?.kind, .submitted)
            XCTAssertEqual(versions.first?.body, Data(body.utf8), "the stored bytes are the ones sent")
        }
    }

    func testResponseWithErrorsIs422WithFindingsAndNothingIsStored() async throws {
        let fixture = self.fixture!, checker = self.checker!
        let (household, code) = fixture.codes[2]
        var response = try XCTUnwrap(try JSONParser.parse(fixture.validResponse(2)).objectValue)
        var residents = try XCTUnwrap(response["residents"]?.arrayValue)
        var first = try XCTUnwrap(residents[0].objectValue)
        first["dob"] = "21/03/1980"
        residents[0] = .object(first)
        response["residents"] = .array(residents)
        let body = JSONWriter().string(.object(response))
        try await fixture.withServer { client, server in
            let api = APIClient(client: client, checker: checker)
            let token = try await api.signIn(code)
            let key = UUID().uuidString
            let refused = try await api.submit(body, token: token, key: key)
            XCTAssertEqual(refused.status, .unprocessableContent, refused.text)
            XCTAssertEqual(refused.code, "invalid_response")
            // Its counts say what they count without "(s)": "errors to correct: 1".
            let detail = refused.json?["detail"]?.stringValue ?? ""
            XCTAssertTrue(detail.hasPrefix("the response cannot be submitted as it is (errors to correct: "), detail)
            XCTAssertFalse(detail.contains("(s)"), detail)
            let findings = refused.json?["findings"]?.arrayValue ?? []
            XCTAssertTrue(findings.contains { $0["path"]?.stringValue == "$.residents[0].dob" && $0["severity"] == "error" }, refused.text)
            XCTAssertEqual(try server.collector.store.versions(of: household).count, 0, "nothing stored for a refused response")
            // The same key with the corrected response is a first submission, not a conflict.
            let fixed = try await api.submit(try fixture.validResponse(2), token: token, key: key)
            XCTAssertEqual(fixed.status, .created, fixed.text)
        }
    }

    /// A name with a control character (sent escaped, `\u0001`) or a right-to-left override
    /// (sent as raw UTF-8, which the evaluator's byte-level reader meets first) is refused with
    /// the evaluator's own finding, and nothing is stored.
    func testAHiddenControlCharacterInAnAnswerIs422NamingIt() async throws {
        let fixture = self.fixture!, checker = self.checker!
        let (household, code) = fixture.codes[4]
        func withFirstName(_ name: String) throws -> String {
            var response = try XCTUnwrap(try JSONParser.parse(fixture.validResponse(4)).objectValue)
            var residents = try XCTUnwrap(response["residents"]?.arrayValue)
            var first = try XCTUnwrap(residents[0].objectValue)
            first["first_name"] = .string(name)
            residents[0] = .object(first)
            response["residents"] = .array(residents)
            return JSONWriter().string(.object(response))
        }
        let bodies = try [("Ann\u{0001}e", "U+0001"), ("Ann\u{202E}e", "U+202E"), ("Ann\ne", "U+000A")].map { (try withFirstName($0.0), $0.1) }
        try await fixture.withServer { client, server in
            let api = APIClient(client: client, checker: checker)
            let token = try await api.signIn(code)
            for (body, character) in bodies {
                XCTAssertEqual(body.contains("\u{202E}"), character == "U+202E", "the override goes as raw bytes")
                let refused = try await api.submit(body, token: token)
                XCTAssertEqual(refused.status, .unprocessableContent, refused.text)
                XCTAssertEqual(refused.code, "invalid_response")
                let findings = (refused.json?["findings"]?.arrayValue ?? []).filter { $0["severity"] == "error" }
                XCTAssertEqual(findings.map { "\($0["code"]?.stringValue ?? "") \($0["path"]?.stringValue ?? ""): \($0["message"]?.stringValue ?? "")" },
                               ["control_character $.residents[0].first_name: The answer contains a hidden character that is not allowed (\(character)): type the answer again without it"],
                               refused.text)
            }
            XCTAssertEqual(try server.collector.store.versions(of: household).count, 0, "nothing stored for a refused response")
        }
    }

    func testMalformedRequestsSayWhatIsWrong() async throws {
        let fixture = self.fixture!, checker = self.checker!
        let code = fixture.codes[3].code
        try await fixture.withServer { client, server in
            let api = APIClient(client: client, checker: checker)
            let token = try await api.signIn(code)
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: UUID().uuidString]
            let wrongType = try await api.call(.post, "/api/v1/responses", token: token, body: "a=b", contentType: "application/x-www-form-urlencoded", headers: key)
            XCTAssertEqual(wrongType.status, .unsupportedMediaType)
            XCTAssertEqual(wrongType.contentType, "application/problem+json")
            let noKey = try await api.call(.post, "/api/v1/responses", token: token, body: try fixture.validResponse(3))
            XCTAssertEqual(noKey.status, .badRequest)
            XCTAssertEqual(noKey.code, "missing_idempotency_key")
            let badKey = try await api.call(.post, "/api/v1/responses", token: token, body: "{}", headers: [HTTPField.Name("Idempotency-Key")!: String(repeating: "k", count: 300)])
            XCTAssertEqual(badKey.code, "invalid_idempotency_key")
            let broken = try await api.submit("{\"schema\": {\"id\": \"x\",\n \"hash\": }", token: token)
            XCTAssertEqual(broken.status, .badRequest)
            XCTAssertEqual(broken.code, "malformed_json")
            XCTAssertTrue(broken.json?["detail"]?.stringValue?.contains("line 2") == true, broken.text)
            let array = try await api.submit("[1, 2]", token: token)
            XCTAssertEqual(array.code, "not_an_object")
            let empty = try await api.call(.post, "/api/v1/responses", token: token, body: "", headers: key)
            XCTAssertEqual(empty.code, "empty_body")
            let huge = try await api.submit("{\"comments\": \"" + String(repeating: "x", count: 70 * 1024) + "\"}", token: token)
            XCTAssertEqual(huge.status, .contentTooLarge)
            let idNumber = try await api.submit(#"{"id": 7}"#, token: token)
            XCTAssertEqual(idNumber.code, "invalid_field")
            let nothing = try await api.submit(#"{"schema": {"id": "\#(fixture.schema.id)", "hash": "\#(fixture.schema.hash)"}, "channel": "online"}"#, token: token)
            XCTAssertEqual(nothing.status, .unprocessableContent)
            XCTAssertEqual(nothing.code, "nothing_answered")
            let otherForm = try await api.submit(#"{"schema": {"id": "other", "hash": "sha256:\#(String(repeating: "0", count: 64))"}, "channel": "online", "tenure": "owns"}"#, token: token)
            XCTAssertEqual(otherForm.status, .unprocessableContent, otherForm.text)

            // Authentication.
            let none = try await api.call(.post, "/api/v1/responses", body: "{}", headers: key)
            XCTAssertEqual(none.status, .unauthorized)
            XCTAssertEqual(none.headers[.wwwAuthenticate], "Bearer realm=\"census\"")
            let forged = try await api.submit("{}", token: token.dropLast(2) + "AA")
            XCTAssertEqual(forged.status, .unauthorized)
            XCTAssertEqual(forged.code, "invalid_token")
            let basic = try await api.call(.get, "/api/v1/households/\(fixture.codes[3].household)/status", template: "/api/v1/households/{id}/status",
                                           headers: [.authorization: "Basic dXNlcjpwYXNz"])
            XCTAssertEqual(basic.status, .unauthorized)

            // Auth bodies.
            let noCode = try await api.call(.post, "/api/v1/auth", body: "{}")
            XCTAssertEqual(noCode.code, "missing_field")
            let extra = try await api.call(.post, "/api/v1/auth", body: #"{"accessCode": "x", "remember": true}"#)
            XCTAssertEqual(extra.code, "unknown_field")
            let number = try await api.call(.post, "/api/v1/auth", body: #"{"accessCode": 12}"#)
            XCTAssertEqual(number.code, "invalid_field")
            let form = try await api.call(.post, "/api/v1/auth", body: "accessCode=x", contentType: "application/x-www-form-urlencoded")
            XCTAssertEqual(form.status, .unsupportedMediaType)
            let bigAuth = try await api.call(.post, "/api/v1/auth", body: "{\"accessCode\": \"" + String(repeating: "x", count: 65 * 1024) + "\"}")
            XCTAssertEqual(bigAuth.status, .contentTooLarge)

            // Paths and methods.
            let unknown = try await api.call(.get, "/api/v1/nothing/here")
            XCTAssertEqual(unknown.status, .notFound)
            XCTAssertEqual(unknown.contentType, "application/problem+json")
            let delete = try await api.call(.delete, "/api/v1/responses")
            XCTAssertEqual(delete.status, .methodNotAllowed)
            XCTAssertEqual(delete.headers[.allow], "POST")
            XCTAssertEqual(try server.collector.store.versions(of: fixture.codes[3].household).count, 0)
        }
    }

    func testExpiredHouseholdTokenIsRefused() async throws {
        fixture.configuration.householdTokenLifetime = .seconds(0)
        let fixture = self.fixture!, checker = self.checker!
        try await fixture.withServer { client, _ in
            let api = APIClient(client: client, checker: checker)
            let token = try await api.signIn(fixture.codes[0].code)
            let refused = try await api.status(fixture.codes[0].household, token: token)
            XCTAssertEqual(refused.status, .unauthorized)
            XCTAssertTrue(refused.json?["detail"]?.stringValue?.contains("expired") == true, refused.text)
        }
    }

    func testAHouseholdTokenReachesOnlyItsOwnHousehold() async throws {
        let fixture = self.fixture!, checker = self.checker!
        let mine = fixture.codes[4], theirs = fixture.codes[5]
        try await fixture.withServer { client, server in
            let api = APIClient(client: client, checker: checker)
            let token = try await api.signIn(mine.code)
            let status = try await api.status(theirs.household, token: token)
            XCTAssertEqual(status.status, .forbidden)
            XCTAssertEqual(status.code, "wrong_household")
            let unknown = try await api.status("NO-SUCH-HOUSEHOLD", token: token)
            XCTAssertEqual(unknown.status, .forbidden, "a household token learns nothing about other ids")
            let forOther = try await api.submit(try fixture.validResponse(4, extra: ["id": .string(theirs.household)]), token: token)
            XCTAssertEqual(forOther.status, .forbidden)
            XCTAssertEqual(forOther.code, "wrong_household")
            let paper = try await api.submit(try fixture.validResponse(4, channel: "paper"), token: token)
            XCTAssertEqual(paper.status, .forbidden)
            XCTAssertEqual(paper.code, "channel_not_allowed")
            let ownID = try await api.submit(try fixture.validResponse(4, extra: ["id": .string(mine.household)]), token: token)
            XCTAssertEqual(ownID.status, .created, ownID.text)
            XCTAssertEqual(try server.collector.store.versions(of: theirs.household).count, 0)
        }
    }

    func testMachineTokensByRole() async throws {
        let fixture = self.fixture!, checker = self.checker!
        let ingest = try fixture.machineToken("paper-capture", role: .ingest)
        let status = try fixture.machineToken("field-ops", role: .status)
        let household = fixture.codes[6].household
        try await fixture.withServer { client, server in
            let api = APIClient(client: client, checker: checker)
            let paper = try await api.submit(try fixture.validResponse(6, channel: "paper", extra: ["id": .string(household)]), token: ingest)
            XCTAssertEqual(paper.status, .created, paper.text)
            XCTAssertEqual(paper.json?["kind"], "paper")
            XCTAssertEqual(paper.json?["channel"], "paper")
            XCTAssertEqual(try server.collector.store.versions(of: household).map(\.channel), [.paper])

            let noID = try await api.submit(try fixture.validResponse(6, channel: "paper"), token: ingest)
            XCTAssertEqual(noID.code, "missing_household_id")
            let unknown = try await api.submit(try fixture.validResponse(6, channel: "paper", extra: ["id": "H-NOT-IN-FRAME"]), token: ingest)
            XCTAssertEqual(unknown.status, .unprocessableContent)
            XCTAssertEqual(unknown.code, "unknown_household")
            let online = try await api.submit(try fixture.validResponse(6, channel: "online", extra: ["id": .string(household)]), token: ingest)
            XCTAssertEqual(online.code, "channel_not_allowed")

            let readOnly = try await api.submit(try fixture.validResponse(7, channel: "paper", extra: ["id": .string(fixture.codes[7].household)]), token: status)
            XCTAssertEqual(readOnly.status, .forbidden)
            XCTAssertEqual(readOnly.code, "insufficient_scope")
            let seen = try await api.status(household, token: status)
            XCTAssertEqual(seen.json?["hasReturn"], .bool(true))
            XCTAssertEqual(seen.json?["channel"], "paper")
            let missing = try await api.status("H-NOT-IN-FRAME", token: status)
            XCTAssertEqual(missing.status, .notFound)

            // Revoked while the server runs: refused at once.
            let tokens = try MachineTokens.open(at: fixture.directory.appendingPathComponent(MachineTokens.fileName))
            _ = try tokens.revoke("field-ops")
            let revoked = try await api.status(household, token: status)
            XCTAssertEqual(revoked.status, .unauthorized)
            let used = try tokens.list().first { $0.name == "paper-capture" }
            XCTAssertNotNil(used?.lastUsedAt, "last use is recorded")
        }
    }

    func testWrongCodesThroughTheAPIShareTheWebLockout() async throws {
        fixture.configuration.loginLimits = LoginLimits(failuresPerClient: 3, signInsPerHousehold: 20, window: .seconds(900))
        let fixture = self.fixture!, checker = self.checker!
        try await fixture.withServer { client, _ in
            let api = APIClient(client: client, checker: checker)
            for _ in 0..<3 {
                let wrong = try await api.call(.post, "/api/v1/auth", body: #"{"accessCode": "BBBB-BBBB-BBBB-BBBB"}"#)
                XCTAssertEqual(wrong.status, .unauthorized)
                XCTAssertEqual(wrong.code, "invalid_access_code")
            }
            let locked = try await api.call(.post, "/api/v1/auth", body: #"{"accessCode": "\#(fixture.codes[0].code)"}"#)
            XCTAssertEqual(locked.status, .tooManyRequests, "even the right code waits out the lockout")
            XCTAssertNotNil(locked.headers[.retryAfter])
            // The web page counts the same failures: the same client is locked there too.
            var browser = Browser(client)
            _ = try await browser.get("/sign-in")
            let page = try await browser.post("/sign-in", [("accessCode", fixture.codes[0].code)])
            XCTAssertEqual(page.status, .tooManyRequests)
        }
    }

    func testHouseholdSignInsThroughTheWebCountForTheAPI() async throws {
        fixture.configuration.loginLimits = LoginLimits(failuresPerClient: 10, signInsPerHousehold: 2, window: .seconds(900))
        let fixture = self.fixture!, checker = self.checker!
        try await fixture.withServer { client, _ in
            var browser = Browser(client)
            _ = try await browser.signIn(fixture.codes[1].code)
            let api = APIClient(client: client, checker: checker)
            _ = try await api.signIn(fixture.codes[1].code)
            let locked = try await api.call(.post, "/api/v1/auth", body: #"{"accessCode": "\#(fixture.codes[1].code)"}"#)
            XCTAssertEqual(locked.status, .tooManyRequests)
            XCTAssertEqual(locked.code, "too_many_attempts")
        }
    }
}
