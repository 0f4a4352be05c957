import Foundation
import HTTPTypes
import Hummingbird
import Questionnaire

/// The form's pages: resume, one page of questions (household or per member), the
/// relationship screen of one person, and the confirmation a `confirm` check asks for.
///
/// Every post is evaluated with the page's answers applied before anything is saved: errors
/// (the input, the evaluator's findings about the page's questions, `error` checks whose
/// answers are complete on this page) show the page again with an error summary (422) and
/// save nothing; otherwise the page's delta is saved, durably, and the household is sent on
/// to the next screen the routing gives (or the confirmation a check asks for).
struct FormRoutes {
    let site: HouseholdSite

    func register(on router: Router<CensusRequestContext>) {
        router.get("/form") { request, context in try resume(request, context) }
        router.get("/form/page/:page") { request, context in try showPage(request, context, key: "page/" + context.parameters.require("page")) }
        router.post("/form/page/:page") { request, context in try await postPage(request, context, key: "page/" + context.parameters.require("page")) }
        router.get("/form/member/:roster/:member/:page") { request, context in
            try showPage(request, context, key: "member/\(try context.parameters.require("roster"))/\(try context.parameters.require("member"))/\(try context.parameters.require("page"))")
        }
        router.post("/form/member/:roster/:member/:page") { request, context in
            try await postPage(request, context, key: "member/\(try context.parameters.require("roster"))/\(try context.parameters.require("member"))/\(try context.parameters.require("page"))")
        }
        router.get("/form/relationships/:roster/:member") { request, context in
            try showPage(request, context, key: "relationships/\(try context.parameters.require("roster"))/\(try context.parameters.require("member"))")
        }
        router.post("/form/relationships/:roster/:member") { request, context in
            try await postPage(request, context, key: "relationships/\(try context.parameters.require("roster"))/\(try context.parameters.require("member"))")
        }
        router.get("/form/confirm/:check/:instance") { request, context in try showConfirm(request, context) }
        router.post("/form/confirm/:check/:instance") { request, context in try await postConfirm(request, context) }
    }

    /// `GET /form`: where the household left off (the first screen it has not saved), or
    /// check your answers when every screen is done; the confirmation page once submitted.
    func resume(_ request: Request, _ context: CensusRequestContext) throws -> Response {
        let visit = try HouseholdVisit.open(site, context)
        return HouseholdSite.redirect(visit.journey.firstUnvisited()?.path ?? "/form/check-answers")
    }

    // MARK: Showing a page

    func showPage(_ request: Request, _ context: CensusRequestContext, key: String) throws -> Response {
        let visit = try HouseholdVisit.open(site, context)
        guard let screen = visit.journey.screen(key) else { return try notApplicable(visit, key) }
        if case .list = screen { throw PageError.notFound }
        var notices: [[String: Any]] = []
        if let from = request.uri.queryParameters["from"].map(String.init), let previous = visit.journey.screen(from) {
            notices = PageChecks(visit: visit).warnings(at: previous)
        }
        let response = try render(request, context, visit, screen, posted: nil, problems: [], notices: notices,
                                  change: request.uri.queryParameters["change"] != nil, status: .ok)
        visit.keepEvaluation()
        return response
    }

    /// A screen that does not apply (an old link, or routing changed): back to where the
    /// household is, or 404 for a name that is no screen of the form.
    private func notApplicable(_ visit: HouseholdVisit, _ key: String) throws -> Response {
        let parts = key.split(separator: "/")
        let known: Bool
        switch parts.first {
        case "page": known = parts.count == 2 && visit.site.outline.parts.contains { if case .page(let p) = $0 { return p.id == parts[1] } else { return false } }
        case "member": known = parts.count == 4 && visit.state.members[String(parts[1])] != nil
        case "relationships": known = parts.count == 3 && visit.state.members[String(parts[1])] != nil
        default: known = false
        }
        guard known else { throw PageError.notFound }
        return HouseholdSite.redirect(visit.journey.firstUnvisited()?.path ?? "/form/check-answers")
    }

    func render(_ request: Request, _ context: CensusRequestContext, _ visit: HouseholdVisit, _ screen: Screen,
                posted: FormFields?, problems: [Problem], notices: [[String: Any]], change: Bool, status: HTTPResponse.Status) throws -> Response {
        let lang = visit.language
        let back = change ? "/form/check-answers" : (visit.journey.previous(before: screen)?.path ?? "/language")
        let page = PageView(visit: visit, screen: screen)
        let top = page.headings()
        var view = site.chrome(request, context, title: top.title, back: back, hasErrors: !problems.isEmpty)
        view["action"] = screen.path + (change ? "?change=1" : "")
        view["button"] = page.asked.isEmpty && top.presentedPage != nil ? UIText.continueButton.text(lang) : UIText.saveAndContinue.text(lang)
        if let caption = top.caption { view["caption"] = caption }
        if let heading = top.heading { view["heading"] = heading }
        if let shown = top.presentedPage {
            view["body"] = shown.body
            view["definitions"] = shown.definitions.map { ["title": $0.title, "body": $0.body] }
        }
        view["fields"] = page.fields(posted: posted, problems: problems, headings: top)
        if case .relationships(_, let roster, let member) = screen, page.unrelatedOption != nil {
            view["secondary"] = ["value": "unrelated", "text": UIText.relationshipsUnrelated.text(lang, visit.memberName(roster: roster, id: member))]
        }
        view["errorSummary"] = Problem.summary(problems, lang)
        view["notices"] = notices
        if let link = separatelyLink(visit, screen) { view["separately"] = link }
        return try site.html("page", view, status: status)
    }

    /// On the first page of a member's individual section (in the household's form): the link
    /// to ask for a private individual access code for them, when the form allows it for them.
    private func separatelyLink(_ visit: HouseholdVisit, _ screen: Screen) -> [String: String]? {
        guard visit.individual == nil, let section = site.individualSection,
              case .memberPage(let part, let roster, let member, _) = screen, roster == section.roster,
              case .memberSection(let id, _, _) = site.outline.parts[part], section.sections.contains(id),
              let position = visit.state.position(of: member, in: roster),
              visit.live.evaluation.individualResponses.contains(where: { $0.path == "$.\(roster)[\(position - 1)]" }),
              let first = visit.journey.screens.first(where: {
                  if case .memberPage(part, roster, member, _) = $0 { return true } else { return false }
              }), first == screen,
              let answers = visit.state.member(at: position, in: roster)?.answers,
              IndividualResponseRoutes.names(answers, section) != nil else { return nil }
        return ["href": "/form/individual/\(roster)/\(member)",
                "text": UIText.separatelyLink.text(visit.language, visit.memberName(roster: roster, id: member))]
    }

    // MARK: Saving a page

    func postPage(_ request: Request, _ context: CensusRequestContext, key: String) async throws -> Response {
        var request = request
        let fields = try await site.checkedForm(&request, context)
        let visit = try HouseholdVisit.open(site, context)
        guard let screen = visit.journey.screen(key) else { return try notApplicable(visit, key) }
        let change = request.uri.queryParameters["change"] != nil
        let page = PageView(visit: visit, screen: screen)
        let action = fields.first("action") ?? "continue"
        guard action == "continue" || (action == "unrelated" && page.unrelatedOption != nil) else {
            throw PageError.badForm(UIText.badAction.text(visit.language))
        }

        // The page's answers, then the whole household evaluated with them.
        let (delta, inputProblems) = action == "unrelated" ? page.unrelatedDelta() : page.delta(from: fields)
        var candidateState = visit.state
        candidateState.apply(.object(delta), sequence: visit.state.lastSequence, savedAt: Int64(Date().timeIntervalSince1970))
        let candidate = visit.with(candidateState)
        let problems = inputProblems + PageChecks(visit: candidate).errors(at: screen, inputProblems: inputProblems)
        if !problems.isEmpty {
            context.logger.debug("page refused", metadata: ["screen": "\(key)", "problems": "\(problems.count)"])
            let response = try render(request, context, candidate, screen, posted: action == "unrelated" ? nil : fields, problems: problems,
                                      notices: PageChecks(visit: candidate).warnings(at: screen), change: change, status: .unprocessableContent)
            visit.keepEvaluation()
            return response
        }
        var saving = delta
        saving["v"] = .string(screen.key)
        let saved = try await visit.saving(saving, candidate: candidate)
        let response = next(after: screen, in: saved, change: change)
        saved.keepEvaluation()
        return response
    }

    /// Where to go after saving `screen`: a confirmation a check asks for, else the next
    /// screen (after a change from check your answers: the next one not yet saved), else
    /// check your answers. Warnings of the saved page are shown on the next one (`from`).
    func next(after screen: Screen, in visit: HouseholdVisit, change: Bool) -> Response {
        let checks = PageChecks(visit: visit)
        let suffix = change ? "&change=1" : ""
        if let (check, instance) = checks.pendingConfirmation(at: screen) {
            let key = visit.instanceKey(instance)
            return HouseholdSite.redirect("/form/confirm/\(check)/\(key.isEmpty ? "household" : key.replacingOccurrences(of: "/", with: "-"))?from=\(screen.key)\(suffix)")
        }
        let target = change ? visit.journey.firstUnvisited(after: screen) : visit.journey.next(after: screen)
        var query: [String] = []
        // A change goes on as a change: the page after a rerouting answer returns to check your answers too.
        if change, target != nil { query.append("change=1") }
        if !checks.warnings(at: screen).isEmpty { query.append("from=\(screen.key)") }
        return HouseholdSite.redirect((target?.path ?? "/form/check-answers") + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
    }

    // MARK: Confirmations

    /// The check and instance a confirmation URL names, if that check still fires there.
    private func confirmation(_ visit: HouseholdVisit, _ context: CensusRequestContext) throws -> (Check, ScopeInstance) {
        let checkID = try context.parameters.require("check")
        let raw = try context.parameters.require("instance")
        guard let check = site.schema.checks.first(where: { $0.id == checkID && $0.severity == .confirm }),
              let instance = visit.instance(forKey: raw == "household" ? "" : raw.replacingOccurrences(of: "-", with: "/"), scope: check.scope)
        else { throw PageError.notFound }
        return (check, instance)
    }

    func showConfirm(_ request: Request, _ context: CensusRequestContext) throws -> Response {
        let visit = try HouseholdVisit.open(site, context)
        let (check, instance) = try confirmation(visit, context)
        guard visit.live.checkFires(check.id, at: instance) else { return HouseholdSite.redirect("/form") }
        return try renderConfirm(request, context, visit, check, instance, error: nil, status: .ok)
    }

    private func renderConfirm(_ request: Request, _ context: CensusRequestContext, _ visit: HouseholdVisit, _ check: Check,
                               _ instance: ScopeInstance, error: String?, status: HTTPResponse.Status) throws -> Response {
        let lang = visit.language
        let message = visit.live.message(ofCheck: check.id, at: instance)
        let from = request.uri.queryParameters["from"].map(String.init) ?? ""
        let change = request.uri.queryParameters["change"] != nil
        var view = site.chrome(request, context, title: message, back: visit.journey.screen(from)?.path ?? "/form", hasErrors: error != nil)
        view["action"] = request.uri.path + "?from=\(from)" + (change ? "&change=1" : "")
        view["button"] = UIText.continueButton.text(lang)
        view["fields"] = [visit.fields.yesNo(name: "confirm", label: message, yes: UIText.confirmYes.text(lang), no: UIText.confirmNo.text(lang),
                                             error: error, asHeading: true)]
        return try site.html("page", view, status: status)
    }

    func postConfirm(_ request: Request, _ context: CensusRequestContext) async throws -> Response {
        var request = request
        let fields = try await site.checkedForm(&request, context)
        let visit = try HouseholdVisit.open(site, context)
        let (check, instance) = try confirmation(visit, context)
        let from = visit.journey.screen(request.uri.queryParameters["from"].map(String.init) ?? "")
        let change = request.uri.queryParameters["change"] != nil
        switch fields.first("confirm") {
        case "yes":
            var state = visit.state
            let delta: [String: JSONValue] = ["c": .array([.string("\(check.id)@\(visit.instanceKey(instance))")])]
            state.apply(.object(delta), sequence: state.lastSequence, savedAt: Int64(Date().timeIntervalSince1970))
            let saved = try await visit.saving(delta, candidate: visit.with(state))
            // Confirmed on a roster's add/change form: back to the list; otherwise on.
            if let from, case .list = from { return HouseholdSite.redirect(from.path) }
            if let from { return next(after: from, in: saved, change: change) }
            return HouseholdSite.redirect("/form")
        case "no":
            // Back to the answer to change it; the confirmation is asked again if it still fires.
            if let from, case .list(_, let roster) = from, case .member(_, let position) = instance,
               let member = visit.state.member(at: position, in: roster) {
                return HouseholdSite.redirect("/form/list/\(roster)/\(member.id)/change")
            }
            return HouseholdSite.redirect((from?.path ?? "/form") + "?change=1")
        default:
            return try renderConfirm(request, context, visit, check, instance, error: UIText.confirmChooseOne.text(visit.language), status: .unprocessableContent)
        }
    }
}
