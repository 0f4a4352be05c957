import Foundation
import HTTPTypes
import Hummingbird
import Questionnaire

/// A roster's list screen ("People who usually live here") with add, change and remove.
///
/// The add/change form asks the roster's own questions (its pages in the outline) about one
/// member; members have stable ids, so removing one keeps everyone else's answers,
/// relationships and confirmations with them. The list is saved as visited when the
/// household continues from it, after the roster's checks (its size, and household checks
/// that count its members) pass.
struct RosterRoutes {
    let site: HouseholdSite

    func register(on router: Router<CensusRequestContext>) {
        router.get("/form/list/:roster") { request, context in try showList(request, context) }
        router.post("/form/list/:roster") { request, context in try await continueFromList(request, context) }
        router.get("/form/list/:roster/add") { request, context in try showMemberForm(request, context, member: nil) }
        router.post("/form/list/:roster/add") { request, context in try await postMemberForm(request, context, member: nil) }
        router.get("/form/list/:roster/:member/change") { request, context in
            try showMemberForm(request, context, member: try context.parameters.require("member"))
        }
        router.post("/form/list/:roster/:member/change") { request, context in
            try await postMemberForm(request, context, member: try context.parameters.require("member"))
        }
        router.get("/form/list/:roster/:member/remove") { request, context in try showRemove(request, context) }
        router.post("/form/list/:roster/:member/remove") { request, context in try await postRemove(request, context) }
    }

    /// The roster part and list screen a URL names (the list must apply now).
    private func roster(_ visit: HouseholdVisit, _ context: CensusRequestContext) throws -> (id: String, part: Int, form: [FormOutline.Page], screen: Screen) {
        let id = try context.parameters.require("roster")
        guard let part = site.outline.parts.firstIndex(where: { if case .roster(let r, _) = $0 { return r == id } else { return false } }),
              case .roster(_, let form) = site.outline.parts[part]
        else { throw PageError.notFound }
        guard let screen = visit.journey.screen("list/\(id)") else { throw PageError.notFound }
        return (id, part, form, screen)
    }

    private func maxMembers(_ roster: String) -> Int { site.containersByID[roster]?.maxMembers ?? 30 }

    // MARK: The list

    func showList(_ request: Request, _ context: CensusRequestContext) throws -> Response {
        let visit = try HouseholdVisit.open(site, context)
        let r = try roster(visit, context)
        var notices: [[String: Any]] = []
        if let from = request.uri.queryParameters["from"].map(String.init), let previous = visit.journey.screen(from) {
            notices = PageChecks(visit: visit).warnings(at: previous)
        }
        let response = try renderList(request, context, visit, r.id, r.screen, problems: [], notices: notices, status: .ok)
        visit.keepEvaluation()
        return response
    }

    private func renderList(_ request: Request, _ context: CensusRequestContext, _ visit: HouseholdVisit, _ roster: String, _ screen: Screen,
                            problems: [Problem], notices: [[String: Any]], status: HTTPResponse.Status) throws -> Response {
        let lang = visit.language
        let wording = visit.live.presented(list: roster)
        let title = wording?.title ?? visit.text(site.containersByID[roster]?.title, at: .household, container: roster)
        let change = request.uri.queryParameters["change"] != nil
        var view = site.chrome(request, context, title: title, back: change ? "/form/check-answers" : (visit.journey.previous(before: screen)?.path ?? "/language"),
                               hasErrors: !problems.isEmpty)
        let members = visit.state.members[roster] ?? []
        // The list's own summary heading once someone is listed ("You said 2 people are living here").
        view["heading"] = (members.isEmpty ? nil : wording?.summary.flatMap { $0.isEmpty ? nil : $0 }) ?? title
        if let parent = site.containersByID[roster]?.parent, let caption = site.containersByID[parent]?.title {
            view["caption"] = visit.text(caption, at: .household, container: parent)
        }
        view["hasMembers"] = !members.isEmpty
        view["members"] = members.enumerated().map { k, m -> [String: Any] in
            let item = k < (wording?.members.count ?? 0) ? wording?.members[k].item : nil
            return ["name": item ?? visit.memberName(roster: roster, id: m.id), "change": UIText.change.text(lang), "remove": UIText.remove.text(lang),
                    "changeHref": "/form/list/\(roster)/\(m.id)/change", "removeHref": "/form/list/\(roster)/\(m.id)/remove"]
        }
        view["nobody"] = UIText.listNobody.text(lang)
        if members.count < maxMembers(roster) {
            if let more = wording?.more, !members.isEmpty {
                // The form's own question: "Does anyone else live here?"
                let field = visit.fields.yesNo(name: "more", label: more, yes: UIText.yes.text(lang), no: UIText.no.text(lang),
                                               error: problems.first { $0.field == "more" }?.message, asHeading: false)
                view["more"] = [field]
            } else {
                view["addHref"] = "/form/list/\(roster)/add"
                view["addText"] = members.isEmpty ? UIText.addPerson.text(lang) : UIText.addAnotherPerson.text(lang)
            }
        } else {
            view["atMax"] = UIText.maxMembersReached.text(lang, String(maxMembers(roster)))
        }
        view["csrf"] = site.sessions.codec.csrfToken(for: context.session!)
        view["action"] = "/form/list/\(roster)" + (change ? "?change=1" : "")
        view["button"] = UIText.saveAndContinue.text(lang)
        view["errorSummary"] = Problem.summary(problems, lang)
        view["notices"] = notices
        return try site.html("roster-list", view, status: status)
    }

    func continueFromList(_ request: Request, _ context: CensusRequestContext) async throws -> Response {
        var request = request
        let fields = try await site.checkedForm(&request, context)
        let visit = try HouseholdVisit.open(site, context)
        let r = try roster(visit, context)
        let members = visit.state.members[r.id]?.count ?? 0
        if let more = visit.live.presented(list: r.id)?.more, members > 0, members < maxMembers(r.id) {
            switch fields.first("more") {
            case "yes": return HouseholdSite.redirect("/form/list/\(r.id)/add")
            case "no": break
            default:
                let problem = Problem(field: "more", anchor: "more", message: UIText.chooseYesOrNo.text(visit.language, more))
                return try renderList(request, context, visit, r.id, r.screen, problems: [problem], notices: [], status: .unprocessableContent)
            }
        }
        let problems = PageChecks(visit: visit).errors(at: r.screen, inputProblems: [])
        if !problems.isEmpty {
            return try renderList(request, context, visit, r.id, r.screen, problems: problems,
                                  notices: PageChecks(visit: visit).warnings(at: r.screen), status: .unprocessableContent)
        }
        let saved = try await visit.saving(["v": .string(r.screen.key)], candidate: visit)
        let response = FormRoutes(site: site).next(after: r.screen, in: saved, change: request.uri.queryParameters["change"] != nil)
        saved.keepEvaluation()
        return response
    }

    // MARK: Add and change

    /// The household with the member the form is about: an existing one, or a new, empty one
    /// (only in memory until the form is saved).
    private func memberVisit(_ visit: HouseholdVisit, roster: String, member: String?) throws -> (HouseholdVisit, String) {
        if let member {
            guard visit.state.position(of: member, in: roster) != nil else { throw PageError.refused(UIText.memberNotFound.text(visit.language)) }
            return (visit, member)
        }
        guard (visit.state.members[roster]?.count ?? 0) < maxMembers(roster) else {
            throw PageError.refused(UIText.tooManyMembers.text(visit.language, String(maxMembers(roster))))
        }
        let id = visit.state.newMemberID(roster: roster)
        var state = visit.state
        state.apply(.object(["m": .object(["\(roster)/\(id)": .object([:])])]), sequence: state.lastSequence, savedAt: Int64(Date().timeIntervalSince1970))
        return (visit.with(state), id)
    }

    private func asked(_ visit: HouseholdVisit, roster: String, form: [FormOutline.Page], member: String) -> [AskedQuestion] {
        let instance = ScopeInstance.member(roster: roster, position: visit.state.position(of: member, in: roster) ?? 0)
        return form.flatMap(\.questions).compactMap { q in
            guard visit.live.applies(question: q, at: instance), let question = visit.question(q) else { return nil }
            return AskedQuestion(question: question, instance: instance, name: q)
        }
    }

    func showMemberForm(_ request: Request, _ context: CensusRequestContext, member: String?) throws -> Response {
        let visit = try HouseholdVisit.open(site, context)
        let r = try roster(visit, context)
        let (formVisit, id) = try memberVisit(visit, roster: r.id, member: member)
        let response = try renderMemberForm(request, context, formVisit, r.id, r.form, id, isNew: member == nil, posted: nil, problems: [], status: .ok)
        visit.keepEvaluation()
        return response
    }

    private func renderMemberForm(_ request: Request, _ context: CensusRequestContext, _ visit: HouseholdVisit, _ roster: String,
                                  _ form: [FormOutline.Page], _ member: String, isNew: Bool, posted: FormFields?, problems: [Problem],
                                  status: HTTPResponse.Status) throws -> Response {
        let lang = visit.language
        let asked = asked(visit, roster: roster, form: form, member: member)
        let instance = ScopeInstance.member(roster: roster, position: visit.state.position(of: member, in: roster) ?? 0)
        let pageTitle = form.first?.container.flatMap { site.containersByID[$0]?.title }.map { visit.text($0, at: instance, container: form.first?.container) }
        let wording = visit.live.presented(list: roster)
        let position = visit.state.position(of: member, in: roster) ?? 0
        let memberWording = position >= 1 && position <= (wording?.members.count ?? 0) ? wording?.members[position - 1] : nil
        // The add page's wording is read for the member being added (here in the answers, empty).
        let add = site.containersByID[roster]?.listWording?.add.map { visit.text($0, at: instance, container: roster) }
        let heading = (isNew ? add : memberWording?.change) ?? (isNew ? UIText.addPerson.text(lang) : visit.memberName(roster: roster, id: member))
        var view = site.chrome(request, context, title: heading, back: "/form/list/\(roster)", hasErrors: !problems.isEmpty)
        view["caption"] = visit.text(site.containersByID[roster]?.title, at: .household, container: roster)
        // Adding: the list's own question ("What is your name?", "Who else lives at …?") is the
        // heading; the page's title run on after it read "What is your name?: Name".
        view["heading"] = asked.count == 1 ? nil : (isNew ? heading : pageTitle ?? heading)
        view["csrf"] = site.sessions.codec.csrfToken(for: context.session!)
        view["action"] = isNew ? "/form/list/\(roster)/add" : "/form/list/\(roster)/\(member)/change"
        view["button"] = UIText.saveAndContinue.text(lang)
        let fields = visit.fields
        view["fields"] = asked.compactMap { a -> [String: Any]? in
            guard let shown = visit.live.presented(question: a.question.id, at: a.instance) else { return nil }
            return fields.view(a.question, shown, name: a.name, answer: visit.answer(a), posted: posted,
                               error: problems.first { $0.field == a.name }?.message, asHeading: asked.count == 1)
        }
        view["errorSummary"] = Problem.summary(problems, lang)
        return try site.html("page", view, status: status)
    }

    func postMemberForm(_ request: Request, _ context: CensusRequestContext, member: String?) async throws -> Response {
        var request = request
        let fields = try await site.checkedForm(&request, context)
        let visit = try HouseholdVisit.open(site, context)
        let r = try roster(visit, context)
        let (formVisit, id) = try memberVisit(visit, roster: r.id, member: member)
        let asked = asked(formVisit, roster: r.id, form: r.form, member: id)

        var answers: [String: JSONValue] = [:]
        var inputProblems: [Problem] = []
        for a in asked {
            switch formVisit.fields.read(a.question, name: a.name, from: fields) {
            case .answer(let v): answers[a.question.id] = v ?? .null
            case .invalid(let message): inputProblems.append(Problem(field: a.name, anchor: formVisit.fields.firstInputID(a.question, name: a.name), message: message))
            }
        }
        var delta: [String: JSONValue] = ["m": .object(["\(r.id)/\(id)": .object(answers)])]
        // A new member: if another device added one under the same id meanwhile, the fold
        // gives this one the next id instead of overwriting the other's answers.
        if member == nil { delta["a"] = .string("\(r.id)/\(id)") }
        // Folded onto the saved state, not the form's (which holds the new member as a blank
        // placeholder that the 'a' rule would take for another device's member).
        var state = visit.state
        state.apply(.object(delta), sequence: state.lastSequence, savedAt: Int64(Date().timeIntervalSince1970))
        let candidate = visit.with(state)
        let instance = ScopeInstance.member(roster: r.id, position: candidate.state.position(of: id, in: r.id) ?? 0)
        let checks = PageChecks(visit: candidate)
        let formChecks = checks.formChecks(roster: r.part, member: instance)
        let problems = inputProblems + checks.errors(asked: asked, inputProblems: inputProblems) + checks.checkErrors(formChecks, asked: asked)
        if !problems.isEmpty {
            return try renderMemberForm(request, context, candidate, r.id, r.form, id, isNew: member == nil, posted: fields, problems: problems,
                                        status: .unprocessableContent)
        }
        let saved = try await visit.saving(delta, candidate: candidate)
        defer { saved.keepEvaluation() }
        if let (check, at) = PageChecks(visit: saved).pendingConfirmation(in: PageChecks(visit: saved).formChecks(roster: r.part, member: at(saved, r.id, id))) {
            return HouseholdSite.redirect("/form/confirm/\(check)/\(saved.instanceKey(at).replacingOccurrences(of: "/", with: "-"))?from=\(r.screen.key)")
        }
        return HouseholdSite.redirect("/form/list/\(r.id)")
    }

    private func at(_ visit: HouseholdVisit, _ roster: String, _ member: String) -> ScopeInstance {
        .member(roster: roster, position: visit.state.position(of: member, in: roster) ?? 0)
    }

    // MARK: Remove

    func showRemove(_ request: Request, _ context: CensusRequestContext) throws -> Response {
        let visit = try HouseholdVisit.open(site, context)
        let r = try roster(visit, context)
        let member = try context.parameters.require("member")
        guard visit.state.position(of: member, in: r.id) != nil else { throw PageError.refused(UIText.memberNotFound.text(visit.language)) }
        return try renderRemove(request, context, visit, r.id, member, error: nil, status: .ok)
    }

    private func renderRemove(_ request: Request, _ context: CensusRequestContext, _ visit: HouseholdVisit, _ roster: String, _ member: String,
                              error: String?, status: HTTPResponse.Status) throws -> Response {
        let lang = visit.language
        let name = visit.memberName(roster: roster, id: member)
        let position = visit.state.position(of: member, in: roster) ?? 0
        let wording = visit.live.presented(list: roster)
        let heading = (position >= 1 && position <= (wording?.members.count ?? 0) ? wording?.members[position - 1].remove : nil)
            ?? UIText.removeHeading.text(lang, name)
        var view = site.chrome(request, context, title: heading, back: "/form/list/\(roster)", hasErrors: error != nil)
        view["csrf"] = site.sessions.codec.csrfToken(for: context.session!)
        view["action"] = "/form/list/\(roster)/\(member)/remove"
        view["button"] = UIText.continueButton.text(lang)
        view["fields"] = [visit.fields.yesNo(name: "remove", label: heading, yes: UIText.removeYes.text(lang, name), no: UIText.removeNo.text(lang, name),
                                             error: error, asHeading: true)]
        return try site.html("page", view, status: status)
    }

    func postRemove(_ request: Request, _ context: CensusRequestContext) async throws -> Response {
        var request = request
        let fields = try await site.checkedForm(&request, context)
        let visit = try HouseholdVisit.open(site, context)
        let r = try roster(visit, context)
        let member = try context.parameters.require("member")
        guard visit.state.position(of: member, in: r.id) != nil else { throw PageError.refused(UIText.memberNotFound.text(visit.language)) }
        switch fields.first("remove") {
        case "yes":
            let delta: [String: JSONValue] = ["x": .string("\(r.id)/\(member)")]
            var state = visit.state
            state.apply(.object(delta), sequence: state.lastSequence, savedAt: Int64(Date().timeIntervalSince1970))
            _ = try await visit.saving(delta, candidate: visit.with(state))
            return HouseholdSite.redirect("/form/list/\(r.id)")
        case "no":
            return HouseholdSite.redirect("/form/list/\(r.id)")
        default:
            return try renderRemove(request, context, visit, r.id, member, error: UIText.confirmChooseOne.text(visit.language), status: .unprocessableContent)
        }
    }
}
