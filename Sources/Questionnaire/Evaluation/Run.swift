/// Where an expression is being evaluated: the roster member, or the pair (with its two members).
package struct Ctx {
    package var member: Int = -1
    var pair: Int = -1
    var person: Int = -1
    var other: Int = -1
    /// Inside `count`/`any`: the member around the condition (`outer.NAME`).
    package var outer: Int = -1

    package init(member: Int = -1) { self.member = member }

    init(member: Int = -1, pair: Int, person: Int, other: Int) {
        (self.member, self.pair, self.person, self.other) = (member, pair, person, other)
    }
}

/// One answer of a response: its scope and its slot in the scope's frame (instance × questions
/// + question).
package struct SpecifiedKey: Hashable {
    package var scope: Int
    package var flat: Int

    package init(scope: Int, flat: Int) {
        self.scope = scope
        self.flat = flat
    }
}

/// The answers and memoised routing of every instance of one scope.
package struct Frame {
    package var count = 0
    package var nQ = 0, nD = 0, nC = 0, nE = 0
    /// The answers, instance after instance. Only a slot whose ``present`` is 1 holds this
    /// response's answer: every reader looks at ``present`` first, so the other slots are not
    /// cleared between responses (at least `count * nQ` slots; likewise ``dValues``, read only
    /// where ``dState`` is 1).
    package var answers: [Value] = []
    /// 0 absent, 1 a usable answer, 2 present but not a valid value (3: the fast reader's
    /// "seen, but null or blank", turned back to 0 when it is done).
    package var present: [UInt8] = []
    /// For answers of questions with a range (see ``hasRange``), whether the answer is within it:
    /// 0 not yet known, 1 within, 2 outside (refused: reads as not answered), 3 being decided,
    /// 4 waiting for its bounds in ``Run/force(_:scope:instance:)``.
    package var rangeState: [UInt8] = []
    /// Per question of the scope: whether it has a range, whose bounds are expressions.
    package var hasRange: [Bool] = []
    /// 0 not yet computed, 1 applies, 2 does not, 3 being computed.
    var qState: [UInt8] = []
    var cState: [UInt8] = []
    var dState: [UInt8] = []
    /// Endings: 0 not yet computed, 1 fires, 2 does not, 3 being computed.
    var eState: [UInt8] = []
    var dValues: [Value] = []
    /// For pairs: the index of the pair's object in the response array (-1 when missing).
    package var responseIndex: [Int] = []
    /// For pairs: the two members of each pair (person after other).
    var pairPerson: [Int] = []
    var pairOther: [Int] = []

    init() {}

    init(count: Int, nQ: Int, nD: Int, nC: Int, nE: Int = 0) {
        reset(count: count, nQ: nQ, nD: nD, nC: nC, nE: nE)
    }

    /// Sizes the frame for `count` instances, keeping the arrays' storage when it is big enough.
    mutating func reset(count: Int, nQ: Int, nD: Int, nC: Int, nE: Int = 0) {
        self.count = count
        self.nQ = nQ
        self.nD = nD
        self.nC = nC
        self.nE = nE
        eState.removeAll(keepingCapacity: true)
        eState.append(contentsOf: repeatElement(0, count: count * nE))
        if answers.count < count * nQ { answers.append(contentsOf: repeatElement(Value.unknown, count: count * nQ - answers.count)) }
        present.removeAll(keepingCapacity: true)
        present.append(contentsOf: repeatElement(0, count: count * nQ))
        qState.removeAll(keepingCapacity: true)
        qState.append(contentsOf: repeatElement(0, count: count * nQ))
        rangeState.removeAll(keepingCapacity: true)
        rangeState.append(contentsOf: repeatElement(0, count: count * nQ))
        cState.removeAll(keepingCapacity: true)
        cState.append(contentsOf: repeatElement(0, count: count * nC))
        dState.removeAll(keepingCapacity: true)
        dState.append(contentsOf: repeatElement(0, count: count * nD))
        if dValues.count < count * nD { dValues.append(contentsOf: repeatElement(Value.unknown, count: count * nD - dValues.count)) }
        responseIndex.removeAll(keepingCapacity: true)
        pairPerson.removeAll(keepingCapacity: true)
        pairOther.removeAll(keepingCapacity: true)
    }

    /// Adds one instance (a roster member read from the response), with nothing answered.
    mutating func appendInstance() {
        count += 1
        if answers.count < count * nQ { answers.append(contentsOf: repeatElement(Value.unknown, count: count * nQ - answers.count)) }
        present.append(contentsOf: repeatElement(0, count: nQ))
        qState.append(contentsOf: repeatElement(0, count: nQ))
        rangeState.append(contentsOf: repeatElement(0, count: nQ))
        cState.append(contentsOf: repeatElement(0, count: nC))
        dState.append(contentsOf: repeatElement(0, count: nD))
        if dValues.count < count * nD { dValues.append(contentsOf: repeatElement(Value.unknown, count: count * nD - dValues.count)) }
        eState.append(contentsOf: repeatElement(0, count: nE))
    }
}

/// One evaluation of one response.
package final class Run {
    let ev: Evaluator
    let plan: Evaluator.Plan
    let options: EvaluationOptions
    var language: String
    /// One frame per scope. Pointers (not arrays in `var`s) keep the hot path free of
    /// exclusivity checks and copies.
    package let frames: UnsafeMutablePointer<Frame>
    package let scopeCount: Int
    package let memberCount: UnsafeMutablePointer<Int>
    var findings: [Finding] = []
    /// Findings about answer values, reported only when the question applies.
    var pending: [Pending] = []

    struct Pending {
        var scope: Int
        var index: Int
        var finding: Finding
        /// For a number no value of the question's type can hold: the number, so that the
        /// message can give the question's bounds once they can be evaluated.
        var outOfRange: JSONValue? = nil
    }
    /// Per check: the instances whose confirmation the response records.
    var confirmed: [Int: Set<Int>] = [:]
    /// The "please specify" texts the fast reader met (``readFast(_:)``), by answer: a one_of
    /// answer's detail, or an any_of answer's details in answer order; only texts that are not
    /// empty. The general path leaves it empty (its readers use the parsed response).
    package var specifiedTexts: [SpecifiedKey: [String]] = [:]
    var rosterPresent: [Bool]
    /// The real length of a roster array longer than ``hardMemberLimit``, for its roster_size message.
    var rosterLength: [Int: Int] = [:]
    /// The day the response is given (`today`), from its timestamps or the options.
    package var today: CalendarDate?
    /// The response's variant (an option of the list `variant`), when the form has variants.
    package var variant: String?

    /// Where the stack was when this run was started or reset, and how far below it evaluation
    /// may recurse (see ``shouldForce()``, Dependencies.swift).
    var stackBase = Run.stackAddress()
    let stackBudget: Int

    /// Members beyond this are not evaluated (a hostile response cannot make the evaluator quadratic).
    static let hardMemberLimit = 500

    package init(_ ev: Evaluator, options: EvaluationOptions) {
        self.ev = ev
        self.options = options
        stackBudget = options.stackBudget
        plan = ev.plan
        language = options.language ?? ev.schema.languages.first ?? "en"
        scopeCount = ev.scopes.count
        frames = .allocate(capacity: scopeCount)
        frames.initialize(repeating: Frame(), count: scopeCount)
        memberCount = .allocate(capacity: max(1, ev.rosters.count))
        memberCount.initialize(repeating: 0, count: max(1, ev.rosters.count))
        rosterPresent = [Bool](repeating: false, count: ev.rosters.count)
    }

    /// Clears everything read from a response, keeping the storage, so one run can serve many.
    func reset() {
        stackBase = Run.stackAddress()
        language = options.language ?? ev.schema.languages.first ?? "en"
        for r in 0..<ev.rosters.count {
            memberCount[r] = 0
            rosterPresent[r] = false
        }
        findings.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
        if !confirmed.isEmpty { confirmed.removeAll(keepingCapacity: true) }
        if !specifiedTexts.isEmpty { specifiedTexts.removeAll(keepingCapacity: true) }
        if !rosterLength.isEmpty { rosterLength.removeAll() }
        today = nil
        variant = nil
    }

    /// `today` as expressions see it: the response's own day, else the options', else the clock's.
    var todayValue: CalendarDate {
        if let today { return today }
        if let given = options.today { return given }
        return CalendarDate.todayUTC()
    }

    deinit {
        frames.deinitialize(count: scopeCount)
        frames.deallocate()
        memberCount.deallocate()
    }

    /// The two members (0-based) of pair `k` of roster `r`'s relationship block.
    package func pair(_ r: Int, _ k: Int) -> (person: Int, other: Int) {
        let s = ev.rosters[r].pairScope
        return (frames[s].pairPerson[k], frames[s].pairOther[k])
    }
}
