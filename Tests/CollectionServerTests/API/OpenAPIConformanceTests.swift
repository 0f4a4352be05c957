@testable import CollectionServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Questionnaire
import XCTest

/// The OpenAPI document is true to the server: the same operations as the router, and every
/// status it declares is one the handlers really send, with bodies that match its schemas
/// (and the handlers send no status it does not declare: ``OpenAPIChecker`` fails on one).
final class OpenAPIConformanceTests: XCTestCase {
    func testDocumentDeclaresExactlyTheRoutedOperations() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let checker = try OpenAPIChecker()
        XCTAssertEqual(checker.document["openapi"], "3.1.0")
        var declared: Set<String> = []
        for (path, item) in checker.document["paths"]?.objectValue ?? [:] {
            for method in (item.objectValue ?? [:]).keys { declared.insert("\(method.uppercased()) \(path)") }
        }
        var implemented: Set<String> = ["GET /healthz", "GET /readyz", "GET /metrics"]
        for (path, methods) in APIFace.operations {
            for method in methods { implemented.insert("\(method.rawValue) \(path.replacingOccurrences(of: ":id", with: "{id}"))") }
        }
        XCTAssertEqual(declared, implemented)
        let server = try await fixture.open()
        defer { server.close() }
        let routed = Set(server.makeRouter().routes.map { "\($0.method.rawValue) \($0.path)" })
        for operation in implemented {
            XCTAssertTrue(routed.contains(operation), "\(operation) is not routed; routes: \(routed.sorted())")
        }
        // The document the server serves is the file.
        let app = Application(router: server.makeRouter())
        try await app.test(.router) { client in
            let served = try await APIClient(client: client).call(.get, "/api/v1/openapi.json")
            XCTAssertEqual(served.json, checker.document)
        }
    }

    func testEveryDeclaredResponseIsSentAndMatchesItsSchema() async throws {
        let fixture = try ServerFixture { $0.loginLimits = LoginLimits(failuresPerClient: 2, signInsPerHousehold: 20, window: .seconds(900)) }
        defer { fixture.remove() }
        let checker = try OpenAPIChecker()
        let ingest = try fixture.machineToken("capture", role: .ingest)
        let statusOnly = try fixture.machineToken("field", role: .status)
        let (household, code) = fixture.codes[0]
        let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "k-1"]
        let statusPath = "/api/v1/households/{id}/status"
        try await fixture.withServer { client, server in
            let api = APIClient(client: client, checker: checker)
            _ = try await api.call(.get, "/api/v1/openapi.json")
            _ = try await api.call(.get, "/healthz")
            _ = try await api.call(.get, "/readyz")
            _ = try await api.call(.get, "/metrics")

            let token = try await api.signIn(code)                                                           // auth 200
            _ = try await api.call(.post, "/api/v1/auth", body: "{")                                          // 400
            _ = try await api.call(.post, "/api/v1/auth", body: "x", contentType: "text/plain")               // 415
            _ = try await api.call(.post, "/api/v1/auth", body: String(repeating: " ", count: 70_000))        // 413

            _ = try await api.status(household, token: token)                                                 // status 200
            _ = try await api.call(.get, "/api/v1/households/\(household)/status", template: statusPath)      // 401
            _ = try await api.status(fixture.codes[1].household, token: token)                                // 403
            _ = try await api.status("H-NOT-IN-FRAME", token: statusOnly)                                     // 404

            let body = try fixture.validResponse(0)
            _ = try await api.call(.post, "/api/v1/responses", token: token, body: body, headers: key)        // 201
            _ = try await api.call(.post, "/api/v1/responses", token: token, body: body, headers: key)        // 200
            _ = try await api.call(.post, "/api/v1/responses", token: token, body: "{", headers: key)         // 400
            _ = try await api.call(.post, "/api/v1/responses", body: body, headers: key)                      // 401
            _ = try await api.call(.post, "/api/v1/responses", token: statusOnly, body: body, headers: key)   // 403
            _ = try await api.call(.post, "/api/v1/responses", token: token, body: try fixture.validResponse(1), headers: key) // 409
            _ = try await api.call(.post, "/api/v1/responses", token: token, body: String(repeating: " ", count: 70_000), headers: key) // 413
            _ = try await api.call(.post, "/api/v1/responses", token: token, body: body, contentType: "text/json", headers: key) // 415
            let paper = try fixture.validResponse(2, channel: "paper", extra: ["id": "H-NOT-IN-FRAME"])
            _ = try await api.call(.post, "/api/v1/responses", token: ingest, body: paper, headers: key)      // 422

            for _ in 0..<2 { _ = try await api.call(.post, "/api/v1/auth", body: #"{"accessCode": "BBBB-BBBB-BBBB-BBBB"}"#) } // 401
            _ = try await api.call(.post, "/api/v1/auth", body: #"{"accessCode": "BBBB-BBBB-BBBB-BBBB"}"#)  // 429

            // With the store closed: 503s, and not ready.
            server.collector.store.close()
            _ = try await api.call(.get, "/readyz")
            _ = try await api.call(.post, "/api/v1/responses", token: token, body: body, headers: [HTTPField.Name("Idempotency-Key")!: "k-2"])
            _ = try await api.status(household, token: statusOnly)
        }
        // An address frame that cannot be read (emptied under the server): sign-in is unavailable.
        // (A new server: the lockout above would answer first.)
        try await fixture.withServer { client, _ in
            let frame = fixture.directory.appendingPathComponent("frame.sqlite").path
            XCTAssertEqual(truncate(frame, 0), 0)
            _ = try await APIClient(client: client, checker: checker).call(.post, "/api/v1/auth", body: #"{"accessCode": "\#(code)"}"#)
        }
        let missing = checker.documented.subtracting(checker.observed)
        XCTAssertEqual(missing.sorted(), [], "declared in the OpenAPI document but never sent by the handlers")
    }
}
