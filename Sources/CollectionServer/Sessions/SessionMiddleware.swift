import Foundation
import HTTPTypes
import Hummingbird

/// Reads the session cookie into the context, and keeps a signed-in session alive: every
/// response to a signed-in browser carries the cookie again with the time of this request,
/// so the session ends ``ServerConfiguration/sessionTimeout`` after the *last* request.
///
/// Runs after ``ConnectionMiddleware`` (the client address, HTTPS), for the household pages
/// only: the API authenticates with bearer tokens, never cookies.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = CensusRequestContext
    let sessions: SessionCookies
    /// Counts sessions that timed out (``ServerMetrics``).
    var metrics: ServerMetrics?
    /// The form's languages, for a visitor's `Accept-Language` (the first is the form's primary).
    var languages: [String] = []

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        switch sessions.read(request) {
        case .none: break
        case .valid(let token): context.session = token
        case .expired(let token):
            context.sessionExpired = true
            metrics?.sessionExpired()
            // The language outlives the session: the "session ended" page is in it.
            context.session = SessionToken(id: SessionToken.newID(), householdID: nil, signedInAt: 0, lastSeen: sessions.now(), language: token.language)
        }
        // Before a language is chosen (no session, so no language in it), the browser's.
        if context.session == nil, let header = request.headers[.acceptLanguage] {
            context.browserLanguage = AcceptLanguage.preferred(header, among: languages)
        }
        var response = try await next(request, context)
        // Handlers that change the session set the cookie themselves; otherwise a signed-in
        // session is renewed with this request's time.
        let setsSession = response.headers[values: .setCookie].contains { $0.hasPrefix(SessionCookies.name + "=") }
        if !setsSession, let token = context.session, token.householdID != nil {
            var renewed = token
            renewed.lastSeen = sessions.now()
            // In the same second the browser's cookie already says this (times are whole
            // seconds): sending it again would change nothing.
            if renewed.lastSeen != token.lastSeen {
                sessions.set(renewed, on: &response, secure: context.isSecure)
            }
        } else if !setsSession, context.sessionExpired {
            sessions.clear(on: &response, secure: context.isSecure)
        }
        return response
    }
}

/// The session cookie: name, attributes, reading and writing.
struct SessionCookies: Sendable {
    static let name = "census_session"
    let codec: SessionCodec
    let timeout: Int64
    let now: @Sendable () -> Int64

    init(key: SessionKey, timeout: Duration, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        codec = SessionCodec(key)
        self.timeout = timeout.components.seconds
        self.now = now
    }

    enum ReadResult {
        case none
        case valid(SessionToken)
        case expired(SessionToken)
    }

    func read(_ request: Request) -> ReadResult {
        guard let value = CookieHeader.value(named: Self.name, in: request), let token = codec.decode(value) else { return .none }
        let t = now()
        // A signed-in session ends after the timeout without a request; one from the future
        // (a clock set back) is not trusted either.
        if token.householdID != nil, t - token.lastSeen > timeout || token.lastSeen - t > 300 { return .expired(token) }
        return .valid(token)
    }

    /// Sets the session cookie: HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS; it lives as
    /// long as the session may (the server enforces the timeout regardless).
    func set(_ token: SessionToken, on response: inout Response, secure: Bool) {
        let cookie = Cookie(name: Self.name, value: codec.encode(token), maxAge: Int(timeout), path: "/", secure: secure, httpOnly: true, sameSite: .lax)
        response.headers[values: .setCookie].append(cookie.description)
    }

    func clear(on response: inout Response, secure: Bool) {
        let cookie = Cookie(name: Self.name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
        response.headers[values: .setCookie].append(cookie.description)
    }
}
