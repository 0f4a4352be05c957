/// Reads stored responses into what a statistician tabulates: for every question of every
/// instance (the household, each roster member, each pair), whether it applied, whether it was
/// answered, and the value; and every derived value. The aggregator's records and its data
/// dictionary's universe counts are built from it, so they follow the form's routing exactly
/// as the collection path evaluated it.
///
/// ```swift
/// let reader = ResponseReader(evaluator: evaluator)
/// guard reader.read(bytes: body) else { ... }           // not a response to this form
/// for member in 0..<reader.memberCount(roster: 0) {
///     let q = 12                                          // index into schema.questions
///     switch reader.state(question: q, instance: member) {
///     case .answered: use(reader.value(question: q, instance: member))
///     case .notAnswered, .invalid, .skipped: ...
///     }
/// }
/// ```
///
/// Indices are the schema's: a question is its position in ``Schema/questions``, a derived value
/// its position in ``Schema/derived``, a roster its position among the schema's roster
/// containers (``rosterIDs``). An instance is 0 for a household question, the 0-based member for
/// a member question, and the pair number for a pair question (see ``pair(roster:_:)``).
///
/// Not thread-safe: one reader per thread (it reuses its working storage between responses).
public final class ResponseReader {
    /// Where a question stands in one instance of one response.
    public enum AnswerState: UInt8, Sendable {
        /// The routing did not ask it (its `when`, or an enclosing container's, is not known true).
        case skipped
        /// Asked and not answered (missing, `null`, `""` or `[]`).
        case notAnswered
        /// Asked, and answered with something that is not a value of its type (wrong JSON type,
        /// an unknown option, a text too long): it reads as not answered, as in the evaluator.
        case invalid
        /// Asked and answered with a value of its type (possibly out of range: a paper return
        /// keeps what the household wrote).
        case answered
    }

    /// The evaluator whose schema and decoding rules the reader uses.
    public let evaluator: Evaluator
    /// The ids of the schema's rosters, in schema order: roster index `r` is `rosterIDs[r]`.
    public let rosterIDs: [String]
    let run: Run
    /// The tree of a response read by the general path, where its "please specify" texts are
    /// read from (the fast reader keeps them itself, without a tree). No copy of the bytes is
    /// kept: copying every body was 2.5 GB of copies in an aggregation of 1,000,000 households.
    private var parsed: JSONValue?
    /// Per question: its scope and its index in the scope (plain integers: reading them copies
    /// nothing that is reference counted).
    private let questionScope: [Int]
    private let questionLocal: [Int]
    /// Per derived value: its scope and its index in the scope, likewise (read from the
    /// evaluator's table of derived values, a variable of a class, each read was an
    /// exclusivity check and a copy of its compiled expression).
    private let derivedScope: [Int]
    private let derivedLocal: [Int]

    /// Creates a reader for responses to `evaluator`'s form.
    public init(evaluator: Evaluator) {
        self.evaluator = evaluator
        run = Run(evaluator, options: EvaluationOptions())
        rosterIDs = evaluator.rosters.map(\.id)
        questionScope = evaluator.questions.map(\.scope)
        questionLocal = evaluator.questions.map(\.local)
        derivedScope = evaluator.derived.map(\.scope)
        derivedLocal = evaluator.derived.map(\.local)
    }

    /// Evaluates one response to the form. Returns `false`, and leaves nothing to read, when the
    /// bytes are not a response to this form (not JSON, not an object, another schema).
    ///
    /// What the accessors below read (routing, answers, derived values) is settled here; the
    /// findings and messages of ``evaluation`` are made only when it is asked for (the
    /// aggregator never asks: making them was an eighth of its time per household).
    ///
    /// - returns: whether the response could be read; ``evaluation`` holds the verdict.
    @discardableResult
    public func read(bytes: some Collection<UInt8>) -> Bool {
        parsed = nil
        unfinished = false
        fast = false
        let quick: Bool? = bytes.withContiguousStorageIfAvailable { buffer in
            run.reset()
            return run.readFast(buffer)
        }
        if quick == true {
            unfinished = true
            fast = true
            return true
        }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch {
            finished = Evaluator.notJSON(error)
            return false
        }
        run.reset()
        finished = run.evaluate(value)
        let unreadable = finished.findings.contains {
            $0.path == "$" && ($0.code == "type" || $0.code == "json") || $0.code == "schema_mismatch"
        }
        if unreadable { return false }
        parsed = value
        return true
    }

    /// The evaluation of the last response read (findings, completeness), made on first use.
    public var evaluation: Evaluation {
        if unfinished {
            finished = run.finish()
            unfinished = false
        }
        return finished
    }

    private var finished = Evaluation(findings: [], applicable: [], derived: [], applicableCount: 0, answeredCount: 0)
    /// The last response was read by the fast reader and its findings are not made yet.
    private var unfinished = false
    /// The last response was read by the fast reader (which keeps its "please specify" texts).
    private var fast = false

    /// The number of members of roster `r` in the response that are read: those listed, up to
    /// the roster's maximum (the form's `max`, 30 unless it says otherwise); 0 when the roster
    /// is absent.
    ///
    /// A paper return or an unsubmitted save is stored whatever its findings, so it can list
    /// more (the evaluator reports a `roster_size` error, and reads at most 500). Members past the
    /// maximum are not read, so one return cannot put more people, or more pairs, into the
    /// exports and tables than the form can hold: 1,000 entries sent through the API once
    /// exported 500 people and 124,750 relationship rows for one household.
    public func memberCount(roster r: Int) -> Int { min(run.memberCount[r], evaluator.rosters[r].maxMembers) }

    /// How many members of roster `r` the response lists past the roster's maximum, which
    /// ``memberCount(roster:)`` leaves out (counted up to the evaluator's limit of 500).
    public func membersBeyondMaximum(roster r: Int) -> Int { run.memberCount[r] - memberCount(roster: r) }

    /// Whether roster `r` was asked (its container applies for the household).
    public func rosterApplies(_ r: Int) -> Bool { run.containerApplies(evaluator.rosters[r].container, Ctx()) }

    /// The number of pairs of roster `r`'s relationship block: n(n-1)/2 for the n members
    /// ``memberCount(roster:)`` reads, 0 when the roster has no relationship block. Pairs come
    /// person by person (``pair(roster:_:)``), so these are the first n(n-1)/2 the evaluator made.
    public func pairCount(roster r: Int) -> Int {
        let s = evaluator.rosters[r].pairScope
        let n = memberCount(roster: r)
        return s < 0 ? 0 : min(run.frames[s].count, n * (n - 1) / 2)
    }

    /// The two members (0-based) of pair `k` of roster `r`: `person` is described relative to
    /// `other`, who comes earlier in the roster.
    public func pair(roster r: Int, _ k: Int) -> (person: Int, other: Int) { run.pair(r, k) }

    /// Where question `q` stands for `instance`.
    public func state(question q: Int, instance i: Int) -> AnswerState {
        let s = questionScope[q], local = questionLocal[q]
        guard i >= 0, i < run.frames[s].count else { return .skipped }
        if !run.applies(s, local, i) { return .skipped }
        return stored(scope: s, instance: i, local: local).state
    }

    /// What the frame holds for a question that applies: answered (with its value), invalid,
    /// or not answered. The one reading behind ``state(question:instance:)`` and both
    /// `answer` forms. Inlined: called for every answered cell of every row of the export.
    @inline(__always)
    private func stored(scope s: Int, instance i: Int, local: Int) -> (state: AnswerState, value: Value) {
        let flat = i * run.frames[s].nQ + local
        switch run.frames[s].present[flat] {
        case 1: return (.answered, run.frames[s].answers[flat])
        case 2: return (.invalid, .unknown)
        default: return (.notAnswered, .unknown)
        }
    }

    /// The value of question `q` for `instance` when it is ``AnswerState/answered``, else
    /// `.unknown`. Addresses read as `.present`: their lines are in ``raw(question:instance:)``.
    public func value(question q: Int, instance i: Int) -> Value {
        answer(question: q, instance: i).value
    }

    /// ``state(question:instance:)`` and ``value(question:instance:)`` from one look-up of the
    /// question's routing: the aggregator reads both for every answer of every row.
    public func answer(question q: Int, instance i: Int) -> (state: AnswerState, value: Value) {
        let s = questionScope[q], local = questionLocal[q]
        guard i >= 0, i < run.frames[s].count, run.applies(s, local, i) else { return (.skipped, .unknown) }
        return stored(scope: s, instance: i, local: local)
    }

    /// Where a walk over one instance's questions stands (``answer(question:instance:walk:)``):
    /// the instance, its evaluation context, and the last container looked up with whether it
    /// applies. Start each row (instance) with a fresh one.
    public struct RoutingWalk {
        var scope = -1
        var instance = -1
        var context = Ctx()
        var last: (container: Int32, applies: Bool) = (-2, false)

        public init() {}
    }

    /// ``answer(question:instance:)`` for the questions of one instance read one after another
    /// (a row of the export): neighbouring questions mostly share their section, whose routing
    /// is then looked up once per run of them rather than once per question (the evaluator's own
    /// walk, `Run.appliesInWalk`). The same results as ``answer(question:instance:)``, whatever the
    /// order: a container applies or not to an instance once and for all.
    public func answer(question q: Int, instance i: Int, walk: inout RoutingWalk) -> (state: AnswerState, value: Value) {
        let s = questionScope[q], local = questionLocal[q]
        guard i >= 0, i < run.frames[s].count else { return (.skipped, .unknown) }
        if walk.scope != s || walk.instance != i {
            walk.scope = s
            walk.instance = i
            walk.context = run.ctx(scope: s, instance: i)
            walk.last = (-2, false)
        }
        guard run.appliesInWalk(s, local, i, walk.context, last: &walk.last) else { return (.skipped, .unknown) }
        return stored(scope: s, instance: i, local: local)
    }

    /// Derived value `d` (index into ``Schema/derived``) for `instance`; `.unknown` when it cannot
    /// be computed (an answer it needs is missing).
    public func derived(_ d: Int, instance i: Int) -> Value {
        run.derivedValue(derivedScope[d], derivedLocal[d], i)
    }

    /// The "please specify" texts of question `q`'s answer for `instance`, exactly as written:
    /// a one_of answer's detail, or the details of an any_of answer's options in answer order.
    /// Only texts that are not empty; none when the question is not answered, or its options
    /// were given without details (or with a number, "5 or more: how many").
    ///
    /// A response read by the fast reader gives them without parsing it again; one read by the
    /// general path takes them from its tree (``raw(question:instance:)``).
    public func specifiedTexts(question q: Int, instance i: Int) -> [String] {
        guard state(question: q, instance: i) == .answered else { return [] }
        if fast {
            return run.specifiedTexts[SpecifiedKey(scope: questionScope[q], flat: i * run.frames[questionScope[q]].nQ + questionLocal[q])] ?? []
        }
        func text(_ v: JSONValue?) -> String? {
            guard let s = v?.stringValue, !s.isEmpty else { return nil }
            return s
        }
        switch raw(question: q, instance: i) {
        case .object(let o)?: return text(o["detail"]).map { [$0] } ?? []
        case .array(let items)?: return items.compactMap { text($0["detail"]) }
        default: return []
        }
    }

    /// The answer of question `q` for `instance` exactly as the response holds it (an address
    /// object, `{"value", "detail"}` for a "please specify" option), when it is answered; `nil`
    /// otherwise, or when the response was read by the fast reader (which keeps no tree).
    private func raw(question q: Int, instance i: Int) -> JSONValue? {
        guard state(question: q, instance: i) == .answered, let tree = parsed else { return nil }
        let question = evaluator.schema.questions[q]
        let info = evaluator.questions[q]
        switch evaluator.scopes[info.scope].kind {
        case .household:
            return tree[question.id]
        case .member:
            let roster = evaluator.rosters[evaluator.scopes[info.scope].roster].id
            guard let members = tree[roster]?.arrayValue, i < members.count else { return nil }
            return members[i][question.id]
        case .pair:
            let r = evaluator.scopes[info.scope].roster
            guard let block = evaluator.rosters[r].pairBlock, let pairs = tree[block]?.arrayValue else { return nil }
            let k = run.frames[info.scope].responseIndex[i]
            guard k >= 0, k < pairs.count else { return nil }
            return pairs[k][question.id]
        }
    }
}
