import Questionnaire

/// The evaluator's findings that belong to a screen: the problems that stop a page from
/// being saved, the warnings shown after it, the confirmation it asks for.
///
/// A check belongs to the page its answers are complete on (``FormOutline/checkHomes``):
/// a check comparing the number of people with the roster is asked on the roster's list,
/// not on the first page, where it would judge a list not yet made.
struct PageChecks {
    let visit: HouseholdVisit

    /// The checks at home on a screen, with the instances they are evaluated at there.
    func checks(at screen: Screen) -> [(Check, [ScopeInstance])] {
        let outline = visit.site.outline
        var out: [(Check, [ScopeInstance])] = []
        for check in visit.site.schema.checks {
            guard let home = outline.checkHomes[check.id], home.part == screen.part else { continue }
            switch screen {
            case .page, .list:
                if home.page == nil { out.append((check, [.household])) }
            case .memberPage(_, _, _, let page):
                if home.page == page { out.append((check, [visit.journey.instance(of: screen)])) }
            case .relationships(_, let roster, let member):
                guard home.page == nil, let person = visit.state.position(of: member, in: roster) else { continue }
                out.append((check, (1..<max(person, 1)).map { .pair(roster: roster, person: person, other: $0) }))
            }
        }
        return out
    }

    /// The checks at home on a roster's add/change form, for one member.
    func formChecks(roster part: Int, member: ScopeInstance) -> [(Check, [ScopeInstance])] {
        visit.site.schema.checks.compactMap { check in
            guard let home = visit.site.outline.checkHomes[check.id], home.part == part, home.page != nil else { return nil }
            return (check, [member])
        }
    }

    /// What stops the page being saved: the evaluator's errors about the questions asked
    /// (skipping those whose input could not even be read) and the `error` checks at home
    /// here that fire.
    func errors(at screen: Screen, inputProblems: [Problem]) -> [Problem] {
        let view = PageView(visit: visit, screen: screen)
        var problems = errors(asked: view.asked, inputProblems: inputProblems)
        problems += checkErrors(checks(at: screen), asked: view.asked)
        if case .list(_, let roster) = screen {
            for f in visit.live.findings(roster: roster) where f.severity == .error {
                problems.append(Problem(anchor: "people", message: f.message))
            }
        }
        return problems
    }

    func errors(asked: [AskedQuestion], inputProblems: [Problem]) -> [Problem] {
        var problems: [Problem] = []
        let fields = visit.fields
        for a in asked where !inputProblems.contains(where: { $0.field == a.name }) {
            // Only what still applies with the page's answers (a follow-up question on the
            // same page may no longer be asked).
            guard visit.live.applies(question: a.question.id, at: a.instance) else { continue }
            if let f = visit.live.findings(question: a.question.id, at: a.instance).first(where: { $0.severity == .error }) {
                problems.append(Problem(field: a.name, anchor: fields.firstInputID(a.question, name: a.name), message: f.message))
            }
        }
        return problems
    }

    func checkErrors(_ checks: [(Check, [ScopeInstance])], asked: [AskedQuestion]) -> [Problem] {
        var problems: [Problem] = []
        for (check, instances) in checks where check.severity == .error {
            for instance in instances where visit.live.checkFires(check.id, at: instance) {
                let message = visit.live.message(ofCheck: check.id, at: instance)
                let field = asked.first { $0.question.id == check.target && ($0.instance == instance || instances.count == 1) }
                    ?? asked.first { $0.question.id == check.target }
                let anchor = field.map { visit.fields.firstInputID($0.question, name: $0.name) }
                    ?? visit.householdPagePath(of: check.target).map { $0 + "?change=1" }
                    ?? asked.first.map { visit.fields.firstInputID($0.question, name: $0.name) } ?? "main-content"
                problems.append(Problem(field: field?.name, anchor: anchor, message: message))
            }
        }
        return problems
    }

    /// The warnings at home on a screen that fire, as notices for the next page.
    func warnings(at screen: Screen) -> [[String: Any]] {
        notices(checks(at: screen), linkTo: screen.path + "?change=1")
    }

    func notices(_ checks: [(Check, [ScopeInstance])], linkTo: String?) -> [[String: Any]] {
        var out: [[String: Any]] = []
        for (check, instances) in checks where check.severity == .warning {
            for instance in instances where visit.live.checkFires(check.id, at: instance) {
                var notice: [String: Any] = ["index": out.count + 1, "title": UIText.warningTitle.text(visit.language),
                                             "text": visit.live.message(ofCheck: check.id, at: instance)]
                if let linkTo { notice["href"] = linkTo; notice["linkText"] = UIText.change.text(visit.language) }
                out.append(notice)
            }
        }
        return out
    }

    /// The first `confirm` check at home on a screen that fires and has not been confirmed.
    func pendingConfirmation(at screen: Screen) -> (String, ScopeInstance)? {
        pendingConfirmation(in: checks(at: screen))
    }

    func pendingConfirmation(in checks: [(Check, [ScopeInstance])]) -> (String, ScopeInstance)? {
        for (check, instances) in checks where check.severity == .confirm {
            for instance in instances where visit.live.checkFires(check.id, at: instance) && !visit.live.isConfirmed(check.id, at: instance) {
                return (check.id, instance)
            }
        }
        return nil
    }
}
