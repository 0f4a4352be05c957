/// One instance of a scope: the household, one member of a roster, or one pair of members.
/// Positions are 1-based, as in responses (`"person": 2`).
public enum ScopeInstance: Sendable, Hashable, CustomStringConvertible {
    /// The household: household-scope questions, asked once.
    case household
    /// The member at `position` (1-based) of `roster`.
    case member(roster: String, position: Int)
    /// The pair of `roster`'s relationship block: `person` described relative to `other`,
    /// `1 <= other < person`.
    case pair(roster: String, person: Int, other: Int)

    public var description: String {
        switch self {
        case .household: return "household"
        case .member(let r, let p): return "\(r)[\(p)]"
        case .pair(let r, let p, let o): return "\(r)[\(p)→\(o)]"
        }
    }
}

/// A response evaluated so that a front end can ask about it page by page: which questions
/// apply to which member, the form's texts with piping filled in for a member in a language,
/// the findings about one question, whether a check fires.
///
/// It runs the same evaluator as ``Evaluator/evaluate(_:options:)`` (the same routing, checks
/// and messages) and keeps the evaluation's state, so each question is answered from what
/// the evaluation computed. Not thread-safe; build one per request.
///
/// ```swift
/// let live = LiveEvaluation(evaluator: evaluator, response: response, language: "cy")
/// live.applies(question: "marital", at: .member(roster: "residents", position: 2))
/// live.text(question.label, at: .member(roster: "residents", position: 2), container: "personal")
/// // "Beth yw statws priodasol … Rhys Rees?"
/// live.evaluation.isValid
/// ```
public final class LiveEvaluation {
    /// The evaluator the response was evaluated with (its schema gives the questions asked about).
    public let evaluator: Evaluator
    /// The whole evaluation: findings in the chosen language, completeness.
    /// Settable: a front end may narrow it to what one respondent answers (an individual
    /// return judged on its own section, ``Evaluation/limited(to:position:)``).
    public var evaluation: Evaluation
    /// The language of messages and texts.
    public let language: String
    let run: Run

    /// Evaluates `response` (a response object, as in docs/response-format.md).
    ///
    /// - parameters:
    ///   - language: a language of the form; nil uses the response's `language`, else the
    ///     form's primary language.
    ///   - householdAddress: the household's address from the frame, for `{household_address}`.
    public init(evaluator: Evaluator, response: JSONValue, language: String? = nil, householdAddress: String? = nil) {
        self.evaluator = evaluator
        var options = EvaluationOptions(includeApplicable: true)
        if let language, evaluator.schema.languages.contains(language) { options.language = language }
        options.householdAddress = householdAddress
        run = Run(evaluator, options: options)
        evaluation = run.evaluate(response)
        self.language = run.language
    }

    // MARK: What a page shows

    /// A question as the evaluator presents it at `instance` (see ``Presentation``): its label,
    /// the hints whose conditions hold, the options offered to this person in their variant's
    /// order, suggestions, definitions; nil when it does not apply there.
    public func presented(question: String, at instance: ScopeInstance) -> PresentedQuestion? {
        guard let (s, q, i) = locate(question: question, instance), run.applies(s, q, i) else { return nil }
        return run.presentQuestion(evaluator.scopes[s].questions[q], s, i)
    }

    /// A page container as presented at `instance`: its title, body and definitions piped
    /// (no questions: ask for each with ``presented(question:at:)``); nil for a container that
    /// is not a page.
    public func presented(page container: String, at instance: ScopeInstance) -> PresentedPage? {
        guard let c = evaluator.containerIndex[container], evaluator.schema.containers[c].kind == .page,
              let (s, i) = scopeIndex(instance) else { return nil }
        return run.presentPage(c, s, i, questions: [])
    }

    /// A roster's list screens as presented: its title and the form's list wording, each
    /// member's name in the list.
    public func presented(list roster: String) -> PresentedList? {
        guard let r = evaluator.rosterIndex[roster] else { return nil }
        return run.presentList(r)
    }

    /// A container's title piped at `instance` (nil when it has none).
    public func title(of container: String, at instance: ScopeInstance) -> String? {
        guard let c = evaluator.containerIndex[container], let t = evaluator.schema.containers[c].title else { return nil }
        return text(t, at: instance, container: container)
    }

    /// The number of members of `roster` the response holds (0 for an unknown roster).
    public func memberCount(of roster: String) -> Int {
        guard let r = evaluator.rosterIndex[roster] else { return 0 }
        return run.memberCount[r]
    }

    /// Whether `question` applies at `instance`: its `when` and that of every enclosing
    /// container are known true. False for an unknown question, an instance outside the
    /// response, or a question of another scope.
    public func applies(question: String, at instance: ScopeInstance) -> Bool {
        guard let (s, q, i) = locate(question: question, instance) else { return false }
        return run.applies(s, q, i)
    }

    /// Whether a container (section, page, roster, relationship block) applies at `instance`:
    /// its `when` and its parents' hold. A roster's own `when` is in the scope holding it.
    public func applies(container: String, at instance: ScopeInstance) -> Bool {
        guard let c = evaluator.containerIndex[container], let ctx = context(instance) else { return false }
        return run.containerApplies(c, ctx)
    }

    /// The value of a derived value at `instance` (``Value/unknown`` when it cannot be known).
    public func derivedValue(_ id: String, at instance: ScopeInstance) -> Value {
        guard let (s, i) = scopeIndex(instance), let d = evaluator.scopes[s].derivedIndex[id] else { return .unknown }
        return run.derivedValue(s, d, i)
    }

    /// `text` in the evaluation's language with `{name}`-style piping and the `{self|proxy}`
    /// switch filled in for `instance`. The switch reads the `self` condition of `container`
    /// or its nearest enclosing per-member section; with no container, the proxy side.
    public func text(_ text: LocalizedText, at instance: ScopeInstance, container: String? = nil) -> String {
        let raw = run.localized(text)
        guard let (s, i) = scopeIndex(instance) else { return raw }
        let c = container.flatMap { evaluator.containerIndex[$0] } ?? -1
        return run.render(raw, scope: s, instance: i, container: c)
    }

    /// The findings about the answer to `question` at `instance`: its value (`type`,
    /// `out_of_range`, `required`, …, including paths below it such as `.detail`), not check
    /// findings (see ``checkFires(_:at:)``).
    public func findings(question: String, at instance: ScopeInstance) -> [Finding] {
        guard let (s, q, i) = locate(question: question, instance) else { return [] }
        let path = run.path(scope: s, instance: i, local: q)
        return evaluation.findings.filter { f in
            f.check == nil && f.question == question
                && (f.path == path || f.path.hasPrefix(path + ".") || f.path.hasPrefix(path + "["))
        }
    }

    /// The findings about a roster as a whole (`roster_size`, or answers given when it does
    /// not apply).
    public func findings(roster: String) -> [Finding] {
        evaluation.findings.filter { $0.check == nil && $0.path == "$." + roster }
    }

    /// Whether check `checkID` fires at `instance` (its container applies and its condition
    /// is known true), whatever its severity, and whether or not it was confirmed.
    public func checkFires(_ checkID: String, at instance: ScopeInstance) -> Bool {
        guard let k = evaluator.checkIndex[checkID], let (s, i) = scopeIndex(instance), evaluator.checks[k].scope == s else { return false }
        return run.checkFires(k, s, i)
    }

    /// Whether the response records a confirmation of `checkID` at `instance`.
    public func isConfirmed(_ checkID: String, at instance: ScopeInstance) -> Bool {
        guard let k = evaluator.checkIndex[checkID], let (s, i) = scopeIndex(instance), evaluator.checks[k].scope == s else { return false }
        return run.confirmed[k]?.contains(i) == true
    }

    /// The check's message at `instance`, piped, in the evaluation's language.
    public func message(ofCheck checkID: String, at instance: ScopeInstance) -> String {
        guard let k = evaluator.checkIndex[checkID], let (s, i) = scopeIndex(instance) else { return checkID }
        return run.render(run.localized(evaluator.schema.checks[k].message), scope: s, instance: i, container: evaluator.checks[k].container)
    }

    // MARK: Locating instances

    private func scopeIndex(_ instance: ScopeInstance) -> (scope: Int, instance: Int)? {
        switch instance {
        case .household: return (0, 0)
        case .member(let roster, let position):
            guard let r = evaluator.rosterIndex[roster], position >= 1, position <= run.memberCount[r] else { return nil }
            return (evaluator.rosters[r].memberScope, position - 1)
        case .pair(let roster, let person, let other):
            guard let r = evaluator.rosterIndex[roster], evaluator.rosters[r].pairScope >= 0,
                other >= 1, person > other, person <= run.memberCount[r]
            else { return nil }
            return (evaluator.rosters[r].pairScope, (person - 1) * (person - 2) / 2 + (other - 1))
        }
    }

    private func locate(question: String, _ instance: ScopeInstance) -> (Int, Int, Int)? {
        guard let (s, i) = scopeIndex(instance), let q = evaluator.scopes[s].questionIndex[question] else { return nil }
        return (s, q, i)
    }

    private func context(_ instance: ScopeInstance) -> Ctx? {
        guard let (s, i) = scopeIndex(instance) else { return nil }
        return run.ctx(scope: s, instance: i)
    }
}
