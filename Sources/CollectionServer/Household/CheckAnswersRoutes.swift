import CensusCollection
import Foundation
import HTTPTypes
import Hummingbird
import Questionnaire
import ResponseStore

/// Check your answers, submit, and the confirmation with the receipt.
///
/// Check your answers lists every question that applies, screen by screen, with its answer
/// and a change link back to its page; the evaluator's errors and the confirmations still
/// to give are summarised at the top (they block submission), warnings are shown beside the
/// answers (they do not). Submitting stores the whole response once, durably, as the
/// household's online return; afterwards its answers cannot be seen or changed online.
struct CheckAnswersRoutes {
    let site: HouseholdSite

    func register(on router: Router<CensusRequestContext>) {
        router.get("/form/check-answers") { request, context in try checkAnswers(request, context) }
        router.post("/form/submit") { request, context in try await submit(request, context) }
        router.get("/form/done") { request, context in try done(request, context) }
    }

    func checkAnswers(_ request: Request, _ context: CensusRequestContext) throws -> Response {
        let visit = try HouseholdVisit.open(site, context)
        return try render(request, context, visit, status: .ok)
    }

    /// The errors and confirmations that stop submission, each linked to where to fix it.
    func blockers(_ visit: HouseholdVisit) -> [Problem] {
        var problems: [Problem] = []
        var covered = Set<String>()
        let checks = PageChecks(visit: visit)
        for screen in visit.journey.screens {
            for p in checks.errors(at: screen, inputProblems: []) where covered.insert(p.message).inserted {
                problems.append(Problem(anchor: p.anchor.hasPrefix("/") ? p.anchor : screen.path + "?change=1", message: p.message))
            }
            let homed = checks.checks(at: screen)
            for (check, instances) in homed where check.severity == .confirm {
                for instance in instances where visit.live.checkFires(check.id, at: instance) && !visit.live.isConfirmed(check.id, at: instance) {
                    let message = visit.live.message(ofCheck: check.id, at: instance)
                    guard covered.insert(message).inserted else { continue }
                    let key = visit.instanceKey(instance)
                    problems.append(Problem(anchor: "/form/confirm/\(check.id)/\(key.isEmpty ? "household" : key.replacingOccurrences(of: "/", with: "-"))?from=\(screen.key)&change=1",
                                            message: UIText.confirmationNeeded.text(visit.language, message)))
                }
            }
        }
        // Anything else the evaluator finds blocking (checks not tied to one page).
        for f in visit.live.evaluation.findings where (f.severity == .error || f.severity == .confirm) && covered.insert(f.message).inserted {
            problems.append(Problem(anchor: "main-content", message: f.message))
        }
        return problems
    }

    private func render(_ request: Request, _ context: CensusRequestContext, _ visit: HouseholdVisit, problems: [Problem]? = nil,
                        status: HTTPResponse.Status) throws -> Response {
        let lang = visit.language
        let heading = UIText.checkAnswersHeading.text(lang)
        let blocking = problems ?? blockers(visit)
        var view = site.chrome(request, context, title: heading, back: visit.journey.screens.last?.path, hasErrors: problems != nil && !blocking.isEmpty)
        view["heading"] = heading
        view["intro"] = UIText.checkAnswersIntro.text(lang)
        view["groups"] = groups(visit)
        view["errorSummary"] = Problem.summary(blocking, lang)
        view["submitHeading"] = UIText.submitHeading.text(lang)
        view["submitBody"] = UIText.submitBody.text(lang)
        view["submitButton"] = UIText.submitButton.text(lang)
        view["csrf"] = site.sessions.codec.csrfToken(for: context.session!)
        return try site.html("check-answers", view, status: status)
    }

    /// The answers, grouped as the household met them: each household section, each list,
    /// each person's relationships and questions.
    private func groups(_ visit: HouseholdVisit) -> [[String: Any]] {
        let lang = visit.language
        let checks = PageChecks(visit: visit)
        var groups: [(title: String, rows: [[String: Any]])] = []
        func add(_ title: String, _ rows: [[String: Any]]) {
            if let last = groups.last, last.title == title { groups[groups.count - 1].rows += rows } else { groups.append((title, rows)) }
        }
        for screen in visit.journey.screens {
            let warnings = checks.checks(at: screen).filter { $0.0.severity == .warning }
            switch screen {
            case .list(_, let roster):
                let title = visit.text(site.containersByID[roster]?.title, at: .household, container: roster)
                let rows = (visit.state.members[roster] ?? []).map { m -> [String: Any] in
                    let name = visit.memberName(roster: roster, id: m.id)
                    return ["key": name, "value": name, "href": "/form/list/\(roster)/\(m.id)/change", "change": UIText.change.text(lang)]
                }
                var all = rows
                let notes = notes(visit, warnings)
                if all.isEmpty {
                    all = [["key": title, "notAnswered": UIText.listNobody.text(lang), "href": screen.path + "?change=1", "change": UIText.change.text(lang)]]
                }
                if !notes.isEmpty { all[all.count - 1]["notes"] = notes; all[all.count - 1]["warningTitle"] = UIText.warningTitle.text(lang) }
                add(title, all)
            default:
                let page = PageView(visit: visit, screen: screen)
                let title = page.caption ?? UIText.householdSection.text(lang)
                var rows: [[String: Any]] = []
                for a in page.asked {
                    var key = page.label(a)
                    if case .relationships = screen { key = page.label(a) }
                    rows.append(["key": key, "value": visit.fields.display(a.question, visit.answer(a), optionLabel: { visit.text($0, at: a.instance, container: a.question.container) }) as Any,
                                 "notAnswered": UIText.notAnswered.text(lang), "href": screen.path + "?change=1", "change": UIText.change.text(lang)])
                }
                let notes = notes(visit, warnings)
                if !notes.isEmpty, !rows.isEmpty { rows[rows.count - 1]["notes"] = notes; rows[rows.count - 1]["warningTitle"] = UIText.warningTitle.text(lang) }
                add(title, rows)
            }
        }
        // The members who answer separately: their section is theirs, not the household's.
        if let roster = site.individualSection?.roster {
            for member in visit.state.members[roster] ?? [] where visit.membersAnsweringSeparately.contains(member.id) {
                let name = visit.memberName(roster: roster, id: member.id)
                add(name, [["key": name, "value": UIText.separatelyRow.text(lang), "fixed": true]])
            }
        }
        return groups.map { ["title": $0.title, "rows": $0.rows] }
    }

    private func notes(_ visit: HouseholdVisit, _ checks: [(Check, [ScopeInstance])]) -> [String] {
        checks.flatMap { check, instances in
            instances.filter { visit.live.checkFires(check.id, at: $0) }.map { visit.live.message(ofCheck: check.id, at: $0) }
        }
    }

    // MARK: Submit

    func submit(_ request: Request, _ context: CensusRequestContext) async throws -> Response {
        var request = request
        _ = try await site.checkedForm(&request, context)
        // One online submission of a household at a time, the API's included: the visit's check
        // that it has not submitted and the store are one step (OnlineSubmissionGate).
        guard let key = context.session?.householdID else { throw PageError.signedOut }
        guard site.collector.onlineSubmissions.begin(key) else {
            // Another press (or device) is storing it: that one counts.
            context.logger.info("submission already in flight")
            return HouseholdSite.redirect("/form/done")
        }
        defer { site.collector.onlineSubmissions.end(key) }
        let visit = try HouseholdVisit.open(site, context)
        let problems = blockers(visit)
        if !problems.isEmpty {
            return try render(request, context, visit, problems: problems, status: .unprocessableContent)
        }
        let response = visit.submittedResponse()
        // Through the collection path: the same frame check, evaluation and kind rule as every
        // other response; the evaluator decides on exactly the bytes stored.
        let outcome: CollectionOutcome
        do {
            outcome = try await site.online.submit(visit.householdID, response: response, state: visit.state)
        } catch .idempotencyConflict {
            // A second press while the first was being stored: the first one counts.
            context.logger.info("submission already stored")
            return HouseholdSite.redirect("/form/done")
        } catch {
            context.logger.error("submission failed", metadata: ["error": "\(error)"])
            throw PageError.unavailable
        }
        guard outcome.disposition == .submitted else {
            context.logger.error("submission kept as a save by the collection path after check your answers passed",
                                 metadata: ["findings": "\(outcome.evaluation.findings.filter { $0.severity == .error }.map(\.code))"])
            return try render(request, context, visit, problems: outcome.evaluation.findings.filter { $0.severity == .error || $0.severity == .confirm }
                                .map { Problem(anchor: "main-content", message: $0.message) }, status: .unprocessableContent)
        }
        // The page saves are now history: kept compressed (one more commit before the receipt).
        await site.online.archivePageSaves(of: visit.householdID)
        return HouseholdSite.redirect("/form/done")
    }

    func done(_ request: Request, _ context: CensusRequestContext) throws -> Response {
        let visit = try HouseholdVisit.open(site, context, allowSubmitted: true)
        guard let submission = visit.record.submission else { return HouseholdSite.redirect("/form") }
        let lang = visit.language
        var view = site.chrome(request, context, title: UIText.doneHeading.text(lang))
        view["heading"] = UIText.doneHeading.text(lang)
        view["referenceLabel"] = UIText.doneReference.text(lang)
        view["reference"] = submission.receiptID
        view["when"] = UIText.doneWhen.text(lang, Self.when(submission.receivedAt, lang))
        view["body"] = UIText.doneBody.text(lang)
        return try site.html("done", view)
    }

    static func when(_ date: Date, _ lang: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London") ?? .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let months = UIText.monthNames.text(lang).split(separator: " ")
        let month = (1...12).contains(c.month ?? 0) ? String(months[(c.month ?? 1) - 1]) : ""
        return "\(c.day ?? 0) \(month) \(c.year ?? 0), \(String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0))"
    }
}
