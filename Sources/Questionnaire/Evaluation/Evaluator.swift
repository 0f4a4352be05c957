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
public final class Evaluator: @unchecked Sendable {
    public let schema: Schema

    enum ScopeKind { case household, member, pair }

    struct ScopeInfo {
        var scope: Scope
        var kind: ScopeKind
        var roster: Int
        var questions: [Int] = []
        var questionIndex: [String: Int] = [:]
        var derived: [Int] = []
        var derivedIndex: [String: Int] = [:]
        var containers: [Int] = []
        var checks: [Int] = []
    }

    struct RosterInfo {
        var id: String
        var container: Int
        var memberScope: Int
        var pairScope: Int = -1
        var pairBlock: String?
        var pairContainer: Int = -1
        var minMembers: Int
        var maxMembers: Int
    }

    final class ChoiceInfo: @unchecked Sendable {
        let id: String
        let order: [String]
        let index: [String: (exclusive: Bool, specifyMax: Int?)]
        /// For the byte-level reader: option position by id bytes, and each option's flags.
        let table: ByteTable
        let exclusive: [Bool]
        let specifyMax: [Int]
        init(_ list: ChoiceList) {
            id = list.id
            order = list.options.map(\.id)
            table = ByteTable(list.options.enumerated().map { ($0.element.id, $0.offset) })
            exclusive = list.options.map(\.exclusive)
            specifyMax = list.options.map { $0.specify?.maxLength ?? -1 }
            var index: [String: (exclusive: Bool, specifyMax: Int?)] = [:]
            for o in list.options { index[o.id] = (o.exclusive, o.specify?.maxLength) }
            self.index = index
        }
    }

    enum AnswerKind {
        case text(maxLength: Int, pattern: String?, regex: Regex<AnyRegexOutput>?)
        case integer, decimal, date, monthYear
        case oneOf(ChoiceInfo)
        case anyOf(ChoiceInfo)
        case address(ukOnly: Bool)
    }

    struct QuestionInfo {
        var scope: Int
        var local: Int
        var when: CExpr?
        var container: Int
        var kind: AnswerKind
        var min: CExpr?
        var max: CExpr?
    }

    struct ContainerInfo {
        var scope: Int
        var local: Int
        var parent: Int
        var when: CExpr?
        var selfWhen: CExpr?
    }

    struct CheckInfo {
        var scope: Int
        var container: Int
        var when: CExpr
        var target: Int
        /// A household check about a roster's size points at the roster (`$.people`).
        var targetRoster: Int = -1
    }

    enum TopKey {
        case reserved
        case household(Int)
        case roster(Int)
        case pairs(Int)
    }

    /// Top-level response keys that are not answers.
    public static let reservedKeys: Set<String> = [
        "schema", "channel", "startedAt", "submittedAt", "language", "confirmations", "id", "accessCode",
    ]

    var scopes: [ScopeInfo] = []
    var rosters: [RosterInfo] = []
    var rosterIndex: [String: Int] = [:]
    var questions: [QuestionInfo] = []
    var containers: [ContainerInfo] = []
    var containerIndex: [String: Int] = [:]
    var derived: [(scope: Int, local: Int, expr: CExpr)] = []
    var checks: [CheckInfo] = []
    var checkIndex: [String: Int] = [:]
    var topKeys: [String: TopKey] = [:]
    var choices: [String: ChoiceInfo] = [:]
    /// Flat, immutable copies of what the hot path reads (no struct copies, no access checks).
    var plan: Plan!

    final class Plan {
        let scopeKind: [ScopeKind]
        let scopeRoster: [Int]
        let scopeQuestions: [[Int]]
        let scopeDerived: [[Int]]
        let scopeChecks: [[Int]]
        let qWhen: [CExpr?]
        let qContainer: [Int]
        let qKind: [AnswerKind]
        let qRequired: [Bool]
        let qHasRange: [Bool]
        let cWhen: [CExpr?]
        let cParent: [Int]
        let cScope: [Int]
        let cLocal: [Int]
        let dExpr: [CExpr]
        let rosterContainer: [Int]
        /// Byte-level key tables for the fast reader.
        let topTable: ByteTable
        let scopeTables: [ByteTable]
        let checkTable: ByteTable
        let reservedOrder: [String]
        let textRegex: [Bool]
        /// The answer kind split into plain arrays (switching on `AnswerKind` copies its payloads).
        /// Tags: 0 text, 1 integer, 2 decimal, 3 date, 4 month_year, 5 one_of, 6 any_of, 7 address.
        let qTag: [UInt8]
        let qChoice: [ChoiceInfo?]
        let qMaxLength: [Int]
        let qUKOnly: [Bool]

        init(_ ev: Evaluator) {
            reservedOrder = ["schema", "channel", "startedAt", "submittedAt", "language", "confirmations", "id", "accessCode"]
            var top: [(String, Int)] = []
            for (k, v) in ev.topKeys {
                switch v {
                case .household(let q): top.append((k, q))
                case .roster(let r): top.append((k, 100_000 + r))
                case .pairs(let r): top.append((k, 200_000 + r))
                case .reserved: top.append((k, 300_000 + (reservedOrder.firstIndex(of: k) ?? 99)))
                }
            }
            topTable = ByteTable(top)
            scopeTables = ev.scopes.map { ByteTable($0.questionIndex.map { ($0.key, $0.value) }) }
            checkTable = ByteTable(ev.schema.checks.enumerated().map { ($0.element.id, $0.offset) })
            textRegex = ev.questions.map { if case .text(_, let p, _) = $0.kind { return p != nil } else { return false } }
            qTag = ev.questions.map {
                switch $0.kind {
                case .text: return 0
                case .integer: return 1
                case .decimal: return 2
                case .date: return 3
                case .monthYear: return 4
                case .oneOf: return 5
                case .anyOf: return 6
                case .address: return 7
                }
            }
            qChoice = ev.questions.map {
                switch $0.kind {
                case .oneOf(let c), .anyOf(let c): return c
                default: return nil
                }
            }
            qMaxLength = ev.questions.map { if case .text(let m, _, _) = $0.kind { return m } else { return 0 } }
            qUKOnly = ev.questions.map { if case .address(let uk) = $0.kind { return uk } else { return false } }
            scopeKind = ev.scopes.map(\.kind)
            scopeRoster = ev.scopes.map(\.roster)
            scopeQuestions = ev.scopes.map(\.questions)
            scopeDerived = ev.scopes.map(\.derived)
            scopeChecks = ev.scopes.map(\.checks)
            qWhen = ev.questions.map(\.when)
            qContainer = ev.questions.map(\.container)
            qKind = ev.questions.map(\.kind)
            qRequired = ev.schema.questions.map(\.required)
            qHasRange = ev.questions.map { $0.min != nil || $0.max != nil }
            cWhen = ev.containers.map(\.when)
            cParent = ev.containers.map(\.parent)
            cScope = ev.containers.map(\.scope)
            cLocal = ev.containers.map(\.local)
            dExpr = ev.derived.map(\.expr)
            rosterContainer = ev.rosters.map(\.container)
        }
    }

    public init(schema: Schema) throws(EvaluatorError) {
        self.schema = schema
        for list in schema.choiceLists { choices[list.id] = ChoiceInfo(list) }

        // Scopes: the household, then a member scope per roster and a pair scope per relationship block.
        scopes.append(ScopeInfo(scope: .household, kind: .household, roster: -1))
        for (i, c) in schema.containers.enumerated() where c.kind == .roster {
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

        for c in schema.containers.indices {
            let s = containers[c].scope
            let container = schema.containers[c]
            if let w = container.when { containers[c].when = try compile(w, in: s) }
            // A per-member section's self condition is about that member.
            if let w = container.selfWhen { containers[c].selfWhen = try compile(w, in: s) }
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
            switch q.type {
            case .text(let maxLength, let pattern):
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

    // MARK: Compiling expressions

    func resolve(_ id: String, _ subject: Expression.Subject, in s: Int, derived: Bool) throws(EvaluatorError) -> (Int, Int, Slot) {
        func lookup(_ scope: Int) -> Int? {
            derived ? scopes[scope].derivedIndex[id] : scopes[scope].questionIndex[id]
        }
        let info = scopes[s]
        var candidates: [(Int, Slot)] = []
        switch subject {
        case .household: candidates = [(0, .household)]
        case .member:
            switch info.kind {
            case .household: candidates = [(0, .household)]
            case .member: candidates = [(s, .member), (0, .household)]
            case .pair: candidates = [(s, .pair), (0, .household)]
            }
        case .person, .other:
            guard info.kind == .pair else { throw EvaluatorError("\(subject).\(id) used outside a relationship block") }
            let ms = rosters[info.roster].memberScope
            candidates = [(ms, subject == .person ? .person : .other), (s, .pair)]
        }
        for (scope, slot) in candidates {
            if let i = lookup(scope) { return (scope, i, slot) }
        }
        throw EvaluatorError("\(derived ? "derived value" : "question") \(id) (of \(subject.rawValue)) is not defined in scope \(info.scope)")
    }

    func compile(_ e: Expression, in s: Int) throws(EvaluatorError) -> CExpr {
        switch e {
        case .literal(let l):
            switch l {
            case .bool(let b): return .literal(.bool(b))
            case .integer(let i): return .literal(.int(i))
            case .decimal(let d): return .literal(.dec(d))
            case .text(let t): return .literal(.text(t))
            case .date(let d): return .literal(.date(d))
            case .monthYear(let m): return .literal(.month(m))
            case .duration(let d): return .literal(.duration(d))
            case .option(let o): return .literal(.option(o))
            }
        case .answer(let id, let subject):
            let (scope, index, slot) = try resolve(id, subject, in: s, derived: false)
            return .answer(scope: scope, index: index, slot: slot)
        case .derived(let id, let subject):
            let (scope, index, slot) = try resolve(id, subject, in: s, derived: true)
            return .derived(scope: scope, index: index, slot: slot)
        case .position(let subject):
            switch subject {
            case .household: return .literal(.unknown)
            case .member: return .position(.member)
            case .person: return .position(.person)
            case .other: return .position(.other)
            }
        case .count(let roster):
            guard let r = rosterIndex[roster] else { throw EvaluatorError("count: unknown roster \(roster)") }
            return .count(roster: r)
        case .any(let roster, let inner):
            guard let r = rosterIndex[roster] else { throw EvaluatorError("any: unknown roster \(roster)") }
            return .any(roster: r, try compile(inner, in: rosters[r].memberScope))
        case .countWhere(let roster, let inner):
            guard let r = rosterIndex[roster] else { throw EvaluatorError("count: unknown roster \(roster)") }
            return .countWhere(roster: r, try compile(inner, in: rosters[r].memberScope))
        case .unary(let op, let a):
            return op == .not ? .not(try compile(a, in: s)) : .negate(try compile(a, in: s))
        case .binary(let op, let a, let b):
            let ca = try compile(a, in: s)
            let cb = try compile(b, in: s)
            switch op {
            case .and: return .and(ca, cb)
            case .or: return .or(ca, cb)
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return .compare(op, ca, cb)
            case .add, .subtract, .multiply, .divide: return .arithmetic(op, ca, cb)
            case .contains: return .contains(ca, cb)
            }
        case .member(let x, let items, let negated):
            var compiled: [CExpr] = []
            for item in items { compiled.append(try compile(item, in: s)) }
            return .member(try compile(x, in: s), compiled, negated: negated)
        case .answered(let x, let negated): return .answered(try compile(x, in: s), negated: negated)
        case .call(let f, let args):
            var compiled: [CExpr] = []
            for a in args { compiled.append(try compile(a, in: s)) }
            switch f {
            case .yearsBetween:
                guard compiled.count == 2 else { throw EvaluatorError("years_between takes 2 arguments") }
                return .yearsBetween(compiled[0], compiled[1])
            case .join: return .join(compiled)
            }
        }
    }

    // MARK: Public entry points

    /// Evaluates a parsed response.
    public func evaluate(_ response: JSONValue, options: EvaluationOptions = EvaluationOptions()) -> Evaluation {
        let run = Run(self, options: options)
        return run.evaluate(response)
    }

    /// Parses and evaluates one response; invalid JSON gives a single `json` finding.
    ///
    /// Clean responses are decoded straight from the bytes (no `JSONValue` tree); anything the
    /// fast reader does not accept is re-read on the general path, with the same result.
    public func evaluate(bytes: some Collection<UInt8>, options: EvaluationOptions = EvaluationOptions()) -> Evaluation {
        let fast: Evaluation? = bytes.withContiguousStorageIfAvailable { buffer in
            let run = Run(self, options: options)
            return run.readFast(buffer) ? run.finish() : nil
        } ?? nil
        if let fast { return fast }
        return evaluateGeneral(bytes: bytes, options: options)
    }

    /// A reusable evaluation context for one thread: evaluating many responses through one
    /// session reuses its working storage (no allocation per response on the fast path).
    public func makeSession(options: EvaluationOptions = EvaluationOptions()) -> EvaluationSession {
        EvaluationSession(self, options: options)
    }

    /// The general path only: strict parse, then evaluation of the tree.
    public func evaluateGeneral(bytes: some Collection<UInt8>, options: EvaluationOptions = EvaluationOptions()) -> Evaluation {
        do {
            let value = try JSONParser.parse(bytes)
            return evaluate(value, options: options)
        } catch {
            let f = Finding(code: "json", severity: .error, path: "$", message: "not valid JSON: \(error)")
            return Evaluation(findings: [f], applicable: [], derived: [], applicableCount: 0, answeredCount: 0)
        }
    }

    /// The ids of the questions, for did-you-mean suggestions.
    func suggestion(for key: String, among candidates: some Sequence<String>) -> String? {
        var best: (String, Int)?
        for c in candidates {
            let d = editDistance(key, c, limit: 3)
            if d <= max(1, min(3, key.count / 3)), best == nil || d < best!.1 || (d == best!.1 && c < best!.0) { best = (c, d) }
        }
        return best?.0
    }
}

/// See ``Evaluator/makeSession(options:)``. Not thread-safe: one per thread.
public final class EvaluationSession {
    public let evaluator: Evaluator
    let options: EvaluationOptions
    let run: Run

    init(_ evaluator: Evaluator, options: EvaluationOptions) {
        self.evaluator = evaluator
        self.options = options
        run = Run(evaluator, options: options)
    }

    public func evaluate(bytes: some Collection<UInt8>) -> Evaluation {
        let fast: Evaluation? = bytes.withContiguousStorageIfAvailable { buffer in
            run.reset()
            return run.readFast(buffer) ? run.finish() : nil
        } ?? nil
        if let fast { return fast }
        return evaluator.evaluateGeneral(bytes: bytes, options: options)
    }

    /// Benchmark hook: only the fast reader (bytes into frames), no routing or findings.
    /// `false` when the response would need the general path.
    public func readOnly(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        run.reset()
        return run.readFast(bytes)
    }
}

/// Levenshtein distance, giving up (returning `limit + 1`) when it exceeds `limit`.
func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
    let x = Array(a.utf8), y = Array(b.utf8)
    if abs(x.count - y.count) > limit { return limit + 1 }
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    var current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        current[0] = i
        var rowMin = current[0]
        for j in 1...y.count {
            current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            rowMin = Swift.min(rowMin, current[j])
        }
        if rowMin > limit { return limit + 1 }
        swap(&previous, &current)
    }
    return previous[y.count]
}
