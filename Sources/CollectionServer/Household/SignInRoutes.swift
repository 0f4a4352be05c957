import CensusCollection
import Foundation
import HTTPTypes
import Hummingbird
import AddressFrame
import Questionnaire
import ResponseStore

/// The way in: the start page, the access code, the language, signing out.
struct SignInRoutes {
    let site: HouseholdSite
    /// The access-code check shared with the API (one throttle for both).
    let codeCheck: AccessCodeCheck

    func register(on router: Router<CensusRequestContext>) {
        router.get("/") { request, context in try start(request, context) }
        router.get("/sign-in") { request, context in try signInPage(request, context) }
        router.post("/sign-in") { request, context in try await signIn(request, context) }
        router.get("/language") { request, context in try await languagePage(request, context) }
        router.post("/language") { request, context in try await chooseLanguage(request, context) }
        router.post("/sign-out") { request, context in try await signOut(request, context) }
    }

    func start(_ request: Request, _ context: CensusRequestContext) throws -> Response {
        let lang = site.language(context)
        var view = site.chrome(request, context, title: UIText.startHeading.text(lang))
        view["heading"] = UIText.startHeading.text(lang)
        view["formTitle"] = site.schema.title[lang] ?? site.schema.title.values.first ?? ""
        view["body"] = UIText.startBody.text(lang)
        view["time"] = UIText.startTime.text(lang)
        view["startNow"] = UIText.startNow.text(lang)
        return try site.html("start", view)
    }

    // MARK: The access code

    func signInPage(_ request: Request, _ context: CensusRequestContext) throws -> Response {
        if context.session?.householdID != nil { return HouseholdSite.redirect("/form") }
        var context = context
        var response = try renderSignIn(request, &context, value: "", error: nil, status: .ok)
        if context.sessionExpired { site.sessions.set(context.session!, on: &response, secure: context.isSecure) }
        return response
    }

    /// The sign-in form; makes a (not signed-in) session first when there is none, for its CSRF token.
    private func renderSignIn(_ request: Request, _ context: inout CensusRequestContext, value: String, error: String?, status: HTTPResponse.Status) throws -> Response {
        var newSession = false
        if context.session == nil || context.session?.householdID != nil {
            context.session = SessionToken(id: SessionToken.newID(), householdID: nil, signedInAt: 0, lastSeen: site.sessions.now(),
                                           language: site.language(context))
            newSession = true
        }
        let lang = site.language(context)
        var view = site.chrome(request, context, title: UIText.signInHeading.text(lang), back: "/", hasErrors: error != nil)
        view["heading"] = UIText.signInHeading.text(lang)
        view["hint"] = UIText.accessCodeHint.text(lang)
        view["button"] = UIText.signInButton.text(lang)
        view["csrf"] = site.sessions.codec.csrfToken(for: context.session!)
        view["value"] = value
        if let error {
            view["error"] = error
            view["errorSummary"] = ["title": UIText.errorSummaryTitle.text(lang), "items": [["href": "#access-code", "text": error]]]
        }
        var response = try site.html("sign-in", view, status: status)
        if newSession { site.sessions.set(context.session!, on: &response, secure: context.isSecure) }
        return response
    }

    func signIn(_ request: Request, _ context: CensusRequestContext) async throws -> Response {
        var request = request
        var context = context
        let fields = try await site.checkedForm(&request, context)
        let lang = site.language(context)
        let typed = String((fields.first("accessCode") ?? "").prefix(200))

        let householdID: String
        switch codeCheck.check(typed, client: context.clientAddress, face: "web", individual: true) {
        case .signedIn(let id):
            householdID = id
        case .clientLocked(let seconds):
            return try lockedOut(request, &context, UIText.lockedOutClient.text(lang, Self.wait(seconds, lang)), seconds)
        case .householdLocked(let seconds):
            return try lockedOut(request, &context, UIText.lockedOutHousehold.text(lang, Self.wait(seconds, lang)), seconds)
        case .empty:
            return try renderSignIn(request, &context, value: "", error: UIText.accessCodeMissing.text(lang), status: .unprocessableContent)
        case .wrongCode:
            // One message for a code that is unknown, revoked or mistyped: the page must
            // not tell a guesser which codes exist.
            context.logger.info("sign-in refused", metadata: ["client": "\(context.clientAddress)"])
            return try renderSignIn(request, &context, value: typed, error: UIText.accessCodeWrong.text(lang), status: .unprocessableContent)
        case .unavailable(let reason):
            context.logger.error("address frame unavailable", metadata: ["error": "\(reason)"])
            throw PageError.unavailable
        }
        // A person on an individual code: in their roster, named, before their first page.
        do { try await IndividualResponseRoutes.seed(site, key: householdID) } catch {
            context.logger.error("individual respondent not seeded", metadata: ["error": "\(error)"])
            throw PageError.unavailable
        }
        // A new session id at sign-in: a session id planted before it is worth nothing after.
        let now = site.sessions.now()
        let token = SessionToken(id: SessionToken.newID(), householdID: householdID,
                                 signedInAt: Int64(Date().timeIntervalSince1970 * 1000), lastSeen: now, language: lang)
        var response = HouseholdSite.redirect("/language")
        site.sessions.set(token, on: &response, secure: context.isSecure)
        return response
    }

    private func lockedOut(_ request: Request, _ context: inout CensusRequestContext, _ message: String, _ seconds: Int) throws -> Response {
        var response = try renderSignIn(request, &context, value: "", error: message, status: .tooManyRequests)
        response.headers[.retryAfter] = String(seconds)
        return response
    }

    /// How long a locked-out sign-in waits, in words: "1 second", "89 seconds", from 90 s on
    /// whole minutes rounded up ("2 minutes"); `lang` "cy" in Welsh. The sign-in page and the
    /// API's `too_many_attempts` message both say it.
    static func wait(_ seconds: Int, _ lang: String) -> String {
        seconds >= 90 ? UIText.minutes.text(lang, String((seconds + 59) / 60)) : (seconds == 1 ? UIText.second : UIText.seconds).text(lang, String(seconds))
    }

    // MARK: Language

    /// `GET /language`: the language question after sign-in; with `?to=cy&return=/path`, the
    /// switch in every page's header (changes the language and goes back to the page).
    func languagePage(_ request: Request, _ context: CensusRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        if let to = query["to"].map(String.init) {
            guard site.schema.languages.contains(to) else { throw PageError.notFound }
            var token = context.session ?? SessionToken(id: SessionToken.newID(), householdID: nil, signedInAt: 0, lastSeen: site.sessions.now(), language: to)
            token.language = to
            token.lastSeen = site.sessions.now()
            var response = HouseholdSite.redirect(HouseholdSite.pathOnThisSite(query["return"].map(String.init)))
            site.sessions.set(token, on: &response, secure: context.isSecure)
            return response
        }
        guard context.session?.householdID != nil else { throw PageError.signedOut }
        let lang = site.language(context)
        var view = site.chrome(request, context, title: UIText.languageHeading.text(lang))
        view["heading"] = UIText.languageHeading.text(lang)
        view["hint"] = UIText.languageChoose.text(lang)
        view["button"] = UIText.continueButton.text(lang)
        view["csrf"] = site.sessions.codec.csrfToken(for: context.session!)
        view["options"] = site.schema.languages.map { code -> [String: Any] in
            ["value": code, "label": code == "cy" ? "Cymraeg" : code == "en" ? "English" : code, "checked": code == lang]
        }
        return try site.html("language", view)
    }

    func chooseLanguage(_ request: Request, _ context: CensusRequestContext) async throws -> Response {
        var request = request
        let fields = try await site.checkedForm(&request, context)
        guard var token = context.session, let household = token.householdID else { throw PageError.signedOut }
        let chosen = fields.first("language") ?? token.language
        guard site.schema.languages.contains(chosen) else {
            throw PageError.badForm(UIText.badLanguage.text(site.language(context), site.schema.languages.joined(separator: ", ")))
        }
        token.language = chosen
        token.lastSeen = site.sessions.now()
        let record = try site.online.load(household)
        if record.submission == nil, record.state.language != chosen {
            _ = try await site.online.save(household, delta: ["l": .string(chosen)], after: record.state,
                                             completeness: record.state.completeness)
        }
        var response = HouseholdSite.redirect("/form")
        site.sessions.set(token, on: &response, secure: context.isSecure)
        return response
    }

    // MARK: Signing out

    func signOut(_ request: Request, _ context: CensusRequestContext) async throws -> Response {
        var request = request
        _ = try await site.checkedForm(&request, context)
        var context = context
        let lang = site.language(context)
        // Recorded with the household's answers: every session signed in before now ends,
        // on this device and any other (a copied cookie is worth nothing after sign-out).
        if let household = context.session?.householdID, let record = try? site.online.load(household), record.submission == nil {
            _ = try? await site.online.save(household, delta: ["o": .integer(Int(Date().timeIntervalSince1970 * 1000))],
                                            after: record.state, completeness: record.state.completeness)
        }
        context.session = SessionToken(id: SessionToken.newID(), householdID: nil, signedInAt: 0, lastSeen: site.sessions.now(), language: lang)
        var response = try site.message(request, context, status: .ok, heading: UIText.signedOutHeading.text(lang),
                                        paragraphs: [UIText.signedOutBody.text(lang)], action: ("/sign-in", UIText.signInAgain.text(lang)))
        site.sessions.set(context.session!, on: &response, secure: context.isSecure)
        return response
    }
}
