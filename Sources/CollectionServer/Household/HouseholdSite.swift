import AddressFrame
import CensusCollection
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Questionnaire
import ResponseStore

/// The household face of the server: the pages a household answers its census on.
///
/// Shared by the route groups of this face (sign-in, the form, rosters, check your answers):
/// the form (schema, evaluator, outline), the frame and store, sessions and rendering.
/// Immutable after start; every request rebuilds what it needs from the household's saves.
final class HouseholdSite: Sendable {
    let schema: Schema
    let evaluator: Evaluator
    let outline: FormOutline
    let frame: AddressFrame
    let store: ResponseStore
    let hasher: AccessCodeHasher
    let templates: Templates
    let sessions: SessionCookies
    let throttle: LoginThrottle
    let configuration: ServerConfiguration
    let collector: Collector
    let online: OnlineAnswers
    let questionsByID: [String: Question]
    let containersByID: [String: Container]
    /// Households' evaluations kept between their requests.
    let evaluations = EvaluationCache()
    /// The part of the form a person may answer separately, on an individual access code
    /// (nil for a form without `individual_response`).
    let individualSection: IndividualSection?

    init(schema: Schema, evaluator: Evaluator, collector: Collector, templates: Templates, configuration: ServerConfiguration) {
        let frame = collector.frame
        let store = collector.store
        self.schema = schema
        self.evaluator = evaluator
        outline = FormOutline(schema: schema)
        self.frame = frame
        self.store = store
        hasher = AccessCodeHasher(secret: configuration.codeSecret)
        self.templates = templates
        sessions = SessionCookies(key: configuration.sessionKey, timeout: configuration.sessionTimeout)
        throttle = LoginThrottle(limits: configuration.loginLimits)
        self.configuration = configuration
        self.collector = collector
        online = OnlineAnswers(collector: collector, form: evaluator)
        questionsByID = Dictionary(schema.questions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        containersByID = Dictionary(schema.containers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        individualSection = IndividualSection(schema: schema)
    }

    /// The language to show: the session's (chosen, or set when the session began), else for a
    /// visitor without one the form language their browser prefers (`Accept-Language`), else
    /// the form's primary language.
    func language(_ context: CensusRequestContext) -> String {
        if let l = context.session?.language, schema.languages.contains(l) { return l }
        if let l = context.browserLanguage { return l }
        return schema.languages.first ?? "en"
    }

    // MARK: Pages

    /// The parts of every page: language, titles, the language switch, sign-out and back link;
    /// for a signed-in household also `csrf`, the session's CSRF token for the page's forms.
    func chrome(_ request: Request, _ context: CensusRequestContext, title: String, back: String? = nil, hasErrors: Bool = false) -> [String: Any] {
        let lang = language(context)
        var view: [String: Any] = [
            "lang": lang,
            "title": title,
            "hasErrors": hasErrors,
            "serviceName": UIText.serviceName.text(lang),
            "skipToContent": UIText.skipToContent.text(lang),
            "errorTitlePrefix": UIText.errorTitlePrefix.text(lang),
            "errorPrefix": UIText.errorTitlePrefix.text(lang),
            "footer": UIText.answersSaved.text(lang),
        ]
        if let other = schema.languages.first(where: { $0 != lang }) {
            let here = request.uri.path + (request.method == .get ? (request.uri.query.map { "?" + $0 } ?? "") : "")
            view["languageSwitch"] = [
                "href": "/language?to=\(other)&return=\(Self.percentEncode(here))",
                "hreflang": other,
                "text": UIText.languageSwitch.text(lang),
                "label": UIText.languageSwitchLabel.text(lang),
            ]
        }
        if let token = context.session, token.householdID != nil {
            // A signed-in household's CSRF token, made once for the page (a keyed hash): its
            // sign-out form and the page's own form post it.
            let csrf = sessions.codec.csrfToken(for: token)
            view["csrf"] = csrf
            view["signOut"] = ["csrf": csrf, "text": UIText.signOut.text(lang), "href": "/sign-out"]
        }
        if let back { view["backLink"] = ["href": back, "text": UIText.back.text(lang)] }
        return view
    }

    /// An HTML response from a template.
    func html(_ template: String, _ view: [String: Any], status: HTTPResponse.Status = .ok) throws -> Response {
        try templates.page(template, view, status: status)
    }

    /// A page with a heading, paragraphs and an optional button link.
    func message(_ request: Request, _ context: CensusRequestContext, status: HTTPResponse.Status, heading: String,
                 paragraphs: [String], action: (href: String, text: String)? = nil) throws -> Response {
        var view = chrome(request, context, title: heading)
        view["heading"] = heading
        view["paragraphs"] = paragraphs
        if let action { view["action"] = ["href": action.href, "text": action.text] }
        return try html("message", view, status: status)
    }

    /// `requested` if it is a path on this site, else `/`: where a redirect may send a browser
    /// back to (the language switch's `return`), never to another site.
    ///
    /// A path here is `/` and then visible ASCII only (0x21-0x7E, as every page's own links are
    /// percent-encoded), not `//` (another host) and without `\`. Anything else is refused
    /// whole, not cleaned: browsers drop tabs and line breaks from a `Location` and read `\` as
    /// `/`, so `/<TAB>/evil.example` or `/\evil.example` would leave the site.
    static func pathOnThisSite(_ requested: String?) -> String {
        guard let path = requested, path.hasPrefix("/"), !path.hasPrefix("//"),
              path.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") })
        else { return "/" }
        return path
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// `s` percent-encoded for a query value: every UTF-8 byte but ASCII letters, digits and
    /// `-._~/` as `%XX` (RFC 3986). Every page's language link carries its own path this way.
    ///
    /// Byte by byte rather than Foundation's `addingPercentEncoding(withAllowedCharacters:)`,
    /// which gave the same text at about 0.7% of a page request's server CPU (perf,
    /// 2026-12-01); PercentEncodingTests compares the two.
    static func percentEncode(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for byte in s.utf8 {
            if isQueryValueByte(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3986's unreserved characters and `/`, ASCII only (Unicode letters are encoded).
    static func isQueryValueByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"): return true
        default: return false
        }
    }

    // MARK: Forms

    /// The fields of a form post whose CSRF token is the session's: every household page that
    /// takes a post reads it this way (``form(_:_:)`` then ``requireCSRF(_:_:)``).
    func checkedForm(_ request: inout Request, _ context: CensusRequestContext) async throws -> FormFields {
        let fields = try await form(&request, context)
        try requireCSRF(fields, context)
        return fields
    }

    /// Reads an `application/x-www-form-urlencoded` body (at most ``ServerConfiguration/maxBodyBytes``).
    private func form(_ request: inout Request, _ context: CensusRequestContext) async throws -> FormFields {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw PageError.badForm(UIText.badFormType.text(language(context)))
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(limit: configuration.maxBodyBytes)
        } catch {
            switch error {
            case .tooLarge: throw PageError.tooLarge
            case .unreadable: throw PageError.badForm(UIText.unreadableBody.text(language(context)))
            }
        }
        guard let fields = FormFields(urlEncoded: String(buffer: buffer)) else {
            throw PageError.badForm(UIText.badFormEncoding.text(language(context)))
        }
        return fields
    }

    /// Checks the form's CSRF token against the session's; throws ``PageError/signedOut`` for a
    /// form from a session that has timed out, ``PageError/expiredForm`` otherwise.
    private func requireCSRF(_ fields: FormFields, _ context: CensusRequestContext) throws {
        guard let token = context.session, sessions.codec.isValidCSRF(fields.first("csrf"), for: token) else {
            // A page left open until the session timed out: its token was that session's. Say
            // the session ended (the commonest case), not that cookies may be off.
            throw context.sessionExpired ? PageError.signedOut : PageError.expiredForm
        }
    }
}

/// What went wrong with a request, as the household pages word it (see ``PageErrorMiddleware``).
enum PageError: Error {
    /// The form post was not a readable form (status 400), with what is wrong.
    case badForm(String)
    /// The body was larger than the limit (413).
    case tooLarge
    /// No valid CSRF token: the page was old, or cookies are off (403).
    case expiredForm
    /// Not signed in, or the session timed out (redirect to sign in, or say it ended).
    case signedOut
    /// The household signed out since this session signed in (401, sign in again).
    case sessionEnded
    /// The household's shard cannot be written or read (503).
    case unavailable
    /// No such page (404).
    case notFound
    /// The household has submitted: its answers cannot be seen or changed online.
    case alreadySubmitted
    /// A request that breaks a rule the form states, e.g. more members than the roster's
    /// maximum (422, with the reason).
    case refused(String)
}
