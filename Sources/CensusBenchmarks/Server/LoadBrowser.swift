import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SyntheticCensus

/// One household's browser for the load client: no script, a cookie jar, the CSRF token of
/// the last page's form posted back with the next form, 303/302 redirects followed as a
/// browser does (a GET of the `Location`), every request timed.
///
/// Many of these share one ``HTTPClient`` (its connection pool); each keeps its own cookies,
/// so each is a separate session, as separate phones would be.
struct LoadBrowser {
    let client: HTTPClient
    /// `http://127.0.0.1:PORT`, no trailing slash.
    let base: String
    var cookies: [String: String] = [:]
    /// The CSRF token of the last page that had a form.
    var csrf: String?
    /// Every request's outcome, in order.
    var samples: [RequestSample] = []

    /// A page as received: status, `Location`, body.
    struct Page {
        var status: Int
        var location: String?
        var body: String
    }

    init(client: HTTPClient, base: String) {
        self.client = client
        self.base = base
    }

    mutating func get(_ path: String) async throws -> Page {
        try await request(.GET, path, body: nil)
    }

    /// Posts `fields` (url-encoded) with the last page's CSRF token first.
    mutating func post(_ path: String, _ fields: [(String, String)]) async throws -> Page {
        var all = fields
        if let csrf { all.insert(("csrf", csrf), at: 0) }
        return try await request(.POST, path, body: HouseholdPageAnswers.urlEncoded(all))
    }

    /// Follows redirects from `page` (at most 10), as a browser does after a form post.
    mutating func follow(_ page: Page) async throws -> Page {
        var page = page
        var hops = 0
        while page.status == 303 || page.status == 302, let location = page.location, hops < 10 {
            page = try await get(location)
            hops += 1
        }
        return page
    }

    private mutating func request(_ method: HTTPMethod, _ path: String, body: String?) async throws -> Page {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "User-Agent", value: "census-bench")
        if !cookies.isEmpty { request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        let elapsed = DispatchTime.now().uptimeNanoseconds - started
        for setCookie in response.headers["Set-Cookie"] {
            let first = setCookie.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            let parts = first.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if setCookie.contains("Max-Age=0") || parts[1].isEmpty { cookies[parts[0]] = nil } else { cookies[parts[0]] = parts[1] }
        }
        let page = Page(status: Int(response.status.code), location: response.headers.first(name: "Location"), body: String(buffer: bytes))
        if let token = Self.csrfToken(page.body) { csrf = token }
        samples.append(RequestSample(method: method == .POST ? .post : .get, status: page.status, nanoseconds: elapsed,
                                     finishedAt: DispatchTime.now().uptimeNanoseconds))
        return page
    }

    /// The value of the first `name="csrf"` input.
    static func csrfToken(_ html: String) -> String? {
        guard let value = PageScan.quoted(after: #"name="csrf" value=""#, in: html, limit: 1).first, !value.isEmpty else { return nil }
        return value
    }
}

/// One request as the load client saw it: method, status, latency (send to last body byte),
/// and when it finished (uptime nanoseconds, to count only what finished inside the window).
struct RequestSample: Sendable {
    enum Method: Sendable { case get, post }
    var method: Method
    var status: Int
    var nanoseconds: UInt64
    var finishedAt: UInt64
}
