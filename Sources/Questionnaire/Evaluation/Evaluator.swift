/// Decides, for any response, which questions apply and what is wrong with it.
///
/// Build one per schema (it resolves every name to an index once) and call ``evaluate(_:options:)``
/// for each response; it is immutable and safe to share between threads. No I/O.
///
/// Semantics (see docs/language.md and docs/response-format.md):
/// - a question applies when its `when` and the `when` of every enclosing container are known
///   true, each container evaluated in its own scope (household, the member, or the pair);
/// - an answer to a question that does not apply, or an answer that is not a valid value, reads
///   as "not answered" in every expression;
/// - comparisons with an unanswered question are unknown (Kleene logic); `is answered` never is.
///
/// ```swift
/// let evaluator = try Evaluator(schema: try Schema(jsonBytes: compiledBytes))
/// let result = evaluator.evaluate(bytes: responseBytes)       // the response's JSON, UTF-8
/// if !result.isValid {
///     for finding in result.findings { print(finding) }       // error required at $.residents[0].dob: …
/// }
/// print(result.completeness)                                   // 0...1: answered / applicable
/// ```
/// Evaluating never throws: a response that is not JSON, or not an object, is one finding at
/// `$`. Creating one throws ``EvaluatorError`` when the schema is not self-consistent (a name
/// that refers to nothing, an id listed twice); a schema the compiler wrote never is.
public final class Evaluator: @unchecked Sendable {
    /// The compiled form this evaluator checks responses against.
    public let schema: Schema

    /// Top-level response keys that are not answers.
    public static let reservedKeys: Set<String> = Set(reservedOrder)
    /// The same, in the order the fast reader numbers them.
    static let reservedOrder = [
        "schema", "channel", "startedAt", "submittedAt", "language", "confirmations", "id", "accessCode", "variant",
    ]

    package var scopes: [ScopeInfo] = []
    package var rosters: [RosterInfo] = []
    var rosterIndex: [String: Int] = [:]
    package var questions: [QuestionInfo] = []
    package var containers: [ContainerInfo] = []
    var containerIndex: [String: Int] = [:]
    package var derived: [(scope: Int, local: Int, expr: CExpr)] = []
    package var checks: [CheckInfo] = []
    var checkIndex: [String: Int] = [:]
    package var endings: [EndingInfo] = []
    var endingIndex: [String: Int] = [:]
    var topKeys: [String: TopKey] = [:]
    var choices: [String: ChoiceInfo] = [:]
    /// Flat, immutable copies of what the hot path reads (no struct copies, no access checks).
    var plan: Plan!

    /// Resolves every name of `schema` to an index, once.
    ///
    /// - throws: ``EvaluatorError`` naming the part of the schema that is inconsistent.
    public init(schema: Schema) throws(EvaluatorError) {
        self.schema = schema
        for list in schema.choiceLists { choices[list.id] = ChoiceInfo(list) }

        // Scopes: the household, then a member scope per roster and a pair scope per relationship block.
        scopes.append(ScopeInfo(scope: .household, kind: .household, roster: -1))
        for (i, c) in schema.containers.enumerated() where c.kind == .roster {
            guard rosterIndex[c.id] == nil else { throw EvaluatorError("roster \(c.id) is listed twice") }
            let r = rosters.count
            rosterIndex[c.id] = r
            scopes.append(ScopeInfo(scope: .member(roster: c.id), kind: .member, roster: r))
            rosters.append(
                RosterInfo(
                    id: c.id, container: i, memberScope: scopes.count - 1, minMembers: c.minMembers ?? 0,
                    maxMembers: c.maxMembers ?? 30))
        }
        for (i, c) in schema.containers.enumerated() where c.kind == .relationships {
            guard let rid = c.roster, let r = rosterIndex[rid] else {
                throw EvaluatorError("relationship block \(c.id) names no known roster")
            }
            if rosters[r].pairScope < 0 {
                scopes.append(ScopeInfo(scope: .pair(roster: rid), kind: .pair, roster: r))
                rosters[r].pairScope = scopes.count - 1
                rosters[r].pairBlock = c.id
                rosters[r].pairContainer = i
            }
        }
        func scopeIndex(_ s: Scope) throws(EvaluatorError) -> Int {
            switch s {
            case .household: return 0
            case .member(let r):
                guard let ri = rosterIndex[r] else { throw EvaluatorError("scope \(s) names no known roster") }
                return rosters[ri].memberScope
            case .pair(let r):
                guard let ri = rosterIndex[r], rosters[ri].pairScope >= 0 else {
                    throw EvaluatorError("scope \(s) names no relationship block")
                }
                return rosters[ri].pairScope
            }
        }

        // Index every name before compiling expressions (derived values may refer forward).
        for (i, c) in schema.containers.enumerated() {
            let s = try scopeIndex(c.scope)
            guard containerIndex[c.id] == nil else { throw EvaluatorError("container \(c.id) is listed twice") }
            containerIndex[c.id] = i
            containers.append(ContainerInfo(scope: s, local: scopes[s].containers.count, parent: -1))
            scopes[s].containers.append(i)
        }
        for (i, c) in schema.containers.enumerated() {
            if let p = c.parent {
                // Parents come before their children in a schema, which also rules out cycles.
                guard let pi = containerIndex[p], pi < i else {
                    throw EvaluatorError("container \(c.id): parent \(p) is not an earlier container")
                }
                containers[i].parent = pi
            }
        }
        for (i, q) in schema.questions.enumerated() {
            let s = try scopeIndex(q.scope)
            scopes[s].questionIndex[q.id] = scopes[s].questions.count
            scopes[s].questions.append(i)
        }
        for (i, d) in schema.derived.enumerated() {
            let s = try scopeIndex(d.scope)
            scopes[s].derivedIndex[d.id] = scopes[s].derived.count
            scopes[s].derived.append(i)
        }
        for (i, e) in schema.endings.enumerated() {
            let s = try scopeIndex(e.scope)
            guard endingIndex[e.id] == nil else { throw EvaluatorError("ending \(e.id) is listed twice") }
            endingIndex[e.id] = i
            var container = -1
            if let c = e.container {
                guard let ci = containerIndex[c] else { throw EvaluatorError("ending \(e.id): unknown container \(c)") }
                container = ci
            }
            endings.append(EndingInfo(scope: s, local: scopes[s].endings, container: container, when: nil))
            scopes[s].endings += 1
        }
        for (i, e) in schema.endings.enumerated() {
            if let w = e.when { endings[i].when = try compile(w, in: endings[i].scope) }
        }
        /// Endings that skip an item must be of its scope: they fire per instance.
        func endedBy(_ ids: [String], scope s: Int, _ what: String) throws(EvaluatorError) -> [Int] {
            var out: [Int] = []
            for id in ids {
                guard let e = endingIndex[id], endings[e].scope == s else { throw EvaluatorError("\(what): unknown ending \(id) for its scope") }
                out.append(e)
            }
            return out
        }

        for c in schema.containers.indices {
            let s = containers[c].scope
            let container = schema.containers[c]
            if let w = container.when { containers[c].when = try compile(w, in: s) }
            // A per-member section's self condition is about that member.
            if let w = container.selfWhen { containers[c].selfWhen = try compile(w, in: s) }
            containers[c].endedBy = try endedBy(container.endedBy, scope: s, "container \(container.id)")
            if let ir = container.individualResponse, let w = ir.when { containers[c].individualResponse = try compile(w, in: s) }
            if container.kind == .roster, let w = container.respondentFirst, let r = rosterIndex[container.id] {
                rosters[r].respondentFirst = try compile(w, in: s)
            }
        }
        for q in schema.questions {
            let s = try scopeIndex(q.scope)
            var info = QuestionInfo(
                scope: s, local: scopes[s].questionIndex[q.id]!, when: nil, container: -1, kind: .integer)
            if let w = q.when { info.when = try compile(w, in: s) }
            if let c = q.container {
                guard let ci = containerIndex[c] else { throw EvaluatorError("question \(q.id): unknown container \(c)") }
                info.container = ci
            }
            info.endedBy = try endedBy(q.endedBy, scope: s, "question \(q.id)")
            for h in q.hints { info.hintWhen.append(try h.when.map { (w) throws(EvaluatorError) in try compile(w, in: s) }) }
            if let list = q.type.choiceList, let choice = schema.choiceLists.first(where: { $0.id == list }), choice.options.contains(where: { $0.when != nil }) {
                var whens: [CExpr?] = []
                for o in choice.options { whens.append(try o.when.map { (w) throws(EvaluatorError) in try compile(w, in: s) }) }
                info.optionWhen = whens
            }
            switch q.type {
            case .text(let maxLength, let pattern, let textOptions):
                info.noneOption = textOptions.noneOption?.id
                info.multiline = textOptions.multiline
                var regex: Regex<AnyRegexOutput>?
                if let pattern {
                    do { regex = try Regex(pattern) } catch {
                        throw EvaluatorError("question \(q.id): invalid pattern \(pattern): \(error)")
                    }
                }
                info.kind = .text(maxLength: maxLength, pattern: pattern, regex: regex)
            case .integer(let lo, let hi), .decimal(let lo, let hi), .date(let lo, let hi), .monthYear(let lo, let hi):
                switch q.type {
                case .integer: info.kind = .integer
                case .decimal: info.kind = .decimal
                case .date: info.kind = .date
                default: info.kind = .monthYear
                }
                if let lo { info.min = try compile(lo, in: s) }
                if let hi { info.max = try compile(hi, in: s) }
            case .oneOf(let list), .anyOf(let list):
                guard let ci = choices[list] else { throw EvaluatorError("question \(q.id): unknown choice list \(list)") }
                if case .oneOf = q.type { info.kind = .oneOf(ci) } else { info.kind = .anyOf(ci) }
            case .address(let uk): info.kind = .address(ukOnly: uk)
            }
            questions.append(info)
        }
        for d in schema.derived {
            let s = try scopeIndex(d.scope)
            derived.append((s, scopes[s].derivedIndex[d.id]!, try compile(d.expression, in: s)))
        }
        for (i, k) in schema.checks.enumerated() {
            let s = try scopeIndex(k.scope)
            var target = -1
            if let t = scopes[s].questionIndex[k.target] {
                target = scopes[s].questions[t]
            } else if let t = scopes[0].questionIndex[k.target] {
                target = scopes[0].questions[t]
            } else if s != 0, case .pair = scopes[s].kind, let t = scopes[rosters[scopes[s].roster].memberScope].questionIndex[k.target] {
                target = scopes[rosters[scopes[s].roster].memberScope].questions[t]
            }
            var container = -1
            if let c = k.container { container = containerIndex[c] ?? -1 }
            var info = CheckInfo(scope: s, container: container, when: try compile(k.when, in: s), target: target)
            info.endedBy = try endedBy(k.endedBy, scope: s, "check \(k.id)")
            if target < 0, s == 0, let r = rosters.firstIndex(where: { $0.id == k.target }) { info.targetRoster = r }
            checks.append(info)
            checkIndex[k.id] = i
            scopes[s].checks.append(i)
        }

        // Keys of the response's top-level object.
        for k in Evaluator.reservedKeys { topKeys[k] = .reserved }
        for (q, gi) in scopes[0].questions.enumerated() {
            if topKeys[schema.questions[gi].id] != nil {
                throw EvaluatorError("question id \(schema.questions[gi].id) clashes with a reserved response key")
            }
            topKeys[schema.questions[gi].id] = .household(q)
        }
        for (r, roster) in rosters.enumerated() {
            topKeys[roster.id] = .roster(r)
            if let b = roster.pairBlock { topKeys[b] = .pairs(r) }
        }
        plan = Plan(self)
    }
}
