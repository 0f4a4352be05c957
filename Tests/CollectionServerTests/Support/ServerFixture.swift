import AddressFrame
import CollectionServer
import SyntheticCensus
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Questionnaire
import QuestionnaireLanguage
import ResponseStore
import XCTest

/// A store directory ready to serve: a compiled form, an address frame with letters issued
/// with the development secret, an empty store, and a session key. Removed by ``remove()``.
final class ServerFixture: @unchecked Sendable {
    let directory: URL
    let schemaFile: URL
    let schema: Schema
    /// Access codes by household, as printed on the letters.
    let codes: [(household: String, code: String)]
    /// The frame's households, in frame order.
    let households: [Household]
    let sessionKey: SessionKey
    var configuration: ServerConfiguration

    /// The repository's forms, compiled once per test run.
    nonisolated(unsafe) static var compiled: [String: Schema] = [:]

    static func form(_ name: String) throws -> Schema {
        if let s = compiled[name] { return s }
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }
        // A form of the repository, or one of these tests' own (Forms/NAME.census).
        var url = root.appendingPathComponent("questionnaires/\(name).census")
        if !FileManager.default.fileExists(atPath: url.path) {
            url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Forms/\(name).census")
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        let result = Compiler.compile(SourceFile(name: url.lastPathComponent, text: text), loadFile: Compiler.files(besides: url.path))
        guard let schema = result.schema else { throw FixtureError("\(name) does not compile: \(result.render())") }
        compiled[name] = schema
        return schema
    }

    init(form: String = "census-household", households: Int = 12, configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("census-server-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        schema = try Self.form(form)
        schemaFile = directory.appendingPathComponent("schema.json")
        try Data(schema.canonicalBytes()).write(to: schemaFile)
        let frame = try AddressFrame.open(at: directory.appendingPathComponent(AddressFrame.fileName), create: true)
        let homes = FrameGenerator(households: households, seed: 7).generate()
        self.households = homes
        try frame.insertGenerated(homes)
        let letters = directory.appendingPathComponent("letters.csv")
        _ = try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: AccessCodeHasher(secret: .development), lettersFile: letters)
        try frame.close()
        let (records, _) = CSV.parse(try Data(contentsOf: letters))
        let header = records[0].fields
        let h = header.firstIndex(of: "household_id")!, c = header.firstIndex(of: "access_code")!
        codes = records.dropFirst().map { ($0.fields[h], $0.fields[c]) }
        try ResponseStore.create(at: directory, shardCount: 4, questionnaireSchemas: [schema.hash]).close()
        sessionKey = SessionKey.random()
        configuration = ServerConfiguration(storeDirectory: directory, schemaFile: schemaFile, codeSecret: .development, sessionKey: sessionKey)
        configure(&configuration)
    }

    func open() async throws -> CollectionServer {
        try await CollectionServer.open(configuration)
    }

    /// Runs `body` against a freshly opened server (router-level: no sockets), then closes
    /// its store, as a graceful shutdown would.
    func withServer<T: Sendable>(_ body: @escaping @Sendable (any TestClientProtocol, CollectionServer) async throws -> T) async throws -> T {
        let server = try await open()
        defer { server.close() }
        let app = Application(router: server.makeRouter())
        return try await app.test(.router) { client in try await body(client, server) }
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A page as a browser received it.
struct Page {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: String

    var location: String? { headers[.location] }

    /// The CSRF token of the page's (first) form.
    var csrf: String? { Page.capture(#"name="csrf" value="([^"]*)""#, in: body) }

    /// The text of the `<main>` element, without tags (for assertions about what a page says).
    var mainText: String {
        let main = body.range(of: "<main").flatMap { start in body.range(of: "</main>", range: start.upperBound..<body.endIndex).map { body[start.lowerBound..<$0.upperBound] } } ?? Substring(body)
        return String(main).replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
    }

    static func capture(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), m.numberOfRanges > 1,
              let r = Range(m.range(at: 1), in: text) else { return nil }
        return String(text[r])
    }

    func contains(_ text: String) -> Bool { body.contains(text) || mainText.contains(text) }
}

/// A browser without script: keeps cookies, reads CSRF tokens from forms, follows redirects
/// when asked.
struct Browser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var headers: HTTPFields = [:]
    /// The last page's CSRF token.
    var csrf: String?

    init(_ client: any TestClientProtocol) { self.client = client }

    mutating func request(_ method: HTTPRequest.Method, _ path: String, body: String? = nil, contentType: String = "application/x-www-form-urlencoded") async throws -> Page {
        var h = headers
        if !cookies.isEmpty { h[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        var buffer: ByteBuffer?
        if let body {
            h[.contentType] = contentType
            buffer = ByteBuffer(string: body)
        }
        let response = try await client.execute(uri: path, method: method, headers: h, body: buffer)
        for setCookie in response.headers[values: .setCookie] {
            let first = setCookie.split(separator: ";")[0]
            // Not omitting the empty value: `census_session=; Max-Age=0` is how a cookie is cleared.
            let parts = first.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { continue }
            if setCookie.contains("Max-Age=0") || parts[1].isEmpty { cookies[parts[0]] = nil } else { cookies[parts[0]] = parts[1] }
        }
        let page = Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        if let token = page.csrf { csrf = token }
        return page
    }

    mutating func get(_ path: String) async throws -> Page { try await request(.get, path) }

    /// Posts form fields with the last page's CSRF token.
    mutating func post(_ path: String, _ fields: [(String, String)], csrf: Bool = true) async throws -> Page {
        var all = fields
        if csrf, let token = self.csrf { all.insert(("csrf", token), at: 0) }
        return try await request(.post, path, body: Self.encode(all))
    }

    /// GETs `path` (for its CSRF token), then posts `fields` to it.
    mutating func submit(_ path: String, _ fields: [(String, String)]) async throws -> Page {
        _ = try await get(path)
        return try await post(path, fields)
    }

    /// Keys one paper return: GETs the keying page `form` (for its CSRF token and the page's
    /// save key, the hidden `key` field), then posts `fields` and that key to it.
    mutating func keyReturn(_ form: String, _ fields: [(String, String)]) async throws -> Page {
        let page = try await get(form)
        let key = Page.capture(#"name="key" value="([^"]*)""#, in: page.body) ?? ""
        return try await post(form, fields + [("key", key)])
    }

    /// Follows 303 redirects from `page` (at most 10).
    mutating func follow(_ page: Page) async throws -> Page {
        var page = page
        var hops = 0
        while page.status == .seeOther || page.status == .found, let location = page.location, hops < 10 {
            page = try await get(location)
            hops += 1
        }
        return page
    }

    static func encode(_ fields: [(String, String)]) -> String { HouseholdPageAnswers.urlEncoded(fields) }

    /// Signs in with `code` and chooses `language`; returns the first form page.
    mutating func signIn(_ code: String, language: String = "en") async throws -> Page {
        _ = try await get("/sign-in")
        let signedIn = try await post("/sign-in", [("accessCode", code)])
        guard signedIn.status == .seeOther, signedIn.location == "/language" else {
            throw FixtureError("sign-in failed: \(signedIn.status) \(signedIn.mainText)")
        }
        _ = try await get("/language")
        return try await follow(try await post("/language", [("language", language)]))
    }
}
