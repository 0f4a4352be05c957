import AddressFrame
import CensusCollection
import CollectionServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Questionnaire
import SyntheticCensus
import XCTest

/// An API response as a client received it.
struct APIResult {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: [UInt8]

    var json: JSONValue? { try? JSONParser.parse(body) }
    var text: String { String(decoding: body, as: UTF8.self) }
    var code: String? { json?["code"]?.stringValue }
    var contentType: String? { headers[.contentType] }
}

/// A JSON API client over the router-level test client; every response it gets is checked
/// against the OpenAPI document (``OpenAPIChecker``) when one is given.
struct APIClient {
    let client: any TestClientProtocol
    var checker: OpenAPIChecker?

    /// `template` is the path as the document writes it (`/api/v1/households/{id}/status`),
    /// for the document check; nil when it is the path itself.
    func call(_ method: HTTPRequest.Method, _ path: String, template: String? = nil, token: String? = nil,
              body: String? = nil, contentType: String? = "application/json", headers extra: HTTPFields = [:],
              file: StaticString = #filePath, line: UInt = #line) async throws -> APIResult {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil, let contentType { headers[.contentType] = contentType }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let result = APIResult(status: response.status, headers: response.headers, body: Array(response.body.readableBytesView))
        checker?.check(method: method, path: template ?? path, result: result, file: file, line: line)
        return result
    }

    func signIn(_ code: String) async throws -> String {
        let result = try await call(.post, "/api/v1/auth", body: #"{"accessCode": "\#(code)"}"#)
        guard result.status == .ok, let token = result.json?["token"]?.stringValue else {
            throw FixtureError("API sign-in failed: \(result.status) \(result.text)")
        }
        return token
    }

    func submit(_ body: String, token: String, key: String = UUID().uuidString) async throws -> APIResult {
        try await call(.post, "/api/v1/responses", token: token, body: body, headers: [HTTPField.Name("Idempotency-Key")!: key])
    }

    func status(_ household: String, token: String) async throws -> APIResult {
        try await call(.get, "/api/v1/households/\(household)/status", template: "/api/v1/households/{id}/status", token: token)
    }
}

extension ServerFixture {
    /// A valid, complete response of the fixture's form for the `index`th synthetic household,
    /// on `channel`, with `extra` top-level members (`"id"`).
    /// The variant is the one the API requires: the household's country, of the household
    /// `"id"` names, else of the fixture's `index`th household.
    func validResponse(_ index: Int, channel: String = "online", extra: [String: JSONValue] = [:]) throws -> String {
        let generator = HouseholdGenerator(evaluator: try Evaluator(schema: schema), seed: 2021)
        let id = extra["id"]?.stringValue ?? (index < households.count ? households[index].householdID : nil)
        let variant = households.first { $0.householdID == id }.flatMap { OnlineAnswers.variant(for: $0, schema: schema) }
        var object = generator.household(index, variant: variant).response.objectValue ?? [:]
        object["channel"] = .string(channel)
        for (k, v) in extra { object[k] = v }
        return JSONWriter().string(.object(object))
    }

    /// Makes a machine token in the fixture's store.
    func machineToken(_ name: String, role: MachineRole) throws -> String {
        let tokens = try MachineTokens.open(at: directory.appendingPathComponent(MachineTokens.fileName), create: true)
        return try tokens.create(name: name, role: role).token
    }

    /// Runs `body` against a freshly opened server whose log lines go to `logs`.
    func withServer<T: Sendable>(logs: LogCapture, _ body: @escaping @Sendable (any TestClientProtocol, CollectionServer) async throws -> T) async throws -> T {
        let server = try await open()
        defer { server.close() }
        var logger = Logger(label: "census.server") { _ in LogCapture.Handler(sink: logs) }
        logger.logLevel = .info
        let app = Application(router: server.makeRouter(), logger: logger)
        return try await app.test(.router) { client in try await body(client, server) }
    }
}

/// Keeps every log line, rendered with all its metadata, for assertions.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }

    /// A handler (a value, as swift-log expects: each logger's metadata is its own) writing here.
    struct Handler: LogHandler {
        let sink: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var all = metadata
            if let extra = event.metadata { all.merge(extra) { $1 } }
            sink.append("\(event.level) \(event.message) " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
    }
}
