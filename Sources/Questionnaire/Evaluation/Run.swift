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
    package var answers = ValueSlots()
    /// 0 absent, 1 a usable answer, 2 present but not a valid value (3: the fast reader's
    /// "seen, but null or blank", turned back to 0 when it is done).
    package var present = StateSlots()
    /// For answers of questions with a range (see ``hasRange``), whether the answer is within it:
    /// 0 not yet known, 1 within, 2 outside (refused: reads as not answered), 3 being decided,
    /// 4 waiting for its bounds in ``Run/force(_:scope:instance:)``.
    package var rangeState = StateSlots()
    /// For present answers of questions with conditional options: whether every option of the
    /// answer is offered to the instance: 0 not yet known, 1 offered, 2 not (reads as not
    /// answered), 3 being decided.
    var offerState = StateSlots()
    /// Per question of the scope: whether it has a range, whose bounds are expressions.
    package var hasRange: [Bool] = []
    /// 0 not yet computed, 1 applies, 2 does not, 3 being computed.
    var qState = StateSlots()
    var cState = StateSlots()
    var dState = StateSlots()
    /// Endings: 0 not yet computed, 1 fires, 2 does not, 3 being computed.
    var eState = StateSlots()
    var dValues = ValueSlots()
    /// For pairs: the index of the pair's object in the response array (-1 when missing).
    package var responseIndex: [Int] = []
    /// For pairs: the two members of each pair (person after other).
    var pairPerson: [Int] = []
    var pairOther: [Int] = []

    init() {}

    /// Frees the memo states' memory (the run's `deinit`; a frame is never copied).
    func deallocateStates() {
        qState.deallocate()
        cState.deallocate()
        dState.deallocate()
        eState.deallocate()
        rangeState.deallocate()
        present.deallocate()
        offerState.deallocate()
        answers.deallocate()
        dValues.deallocate()
    }

    /// Sizes the frame for `count` instances, keeping the arrays' storage when it is big enough.
    mutating func reset(count: Int, nQ: Int, nD: Int, nC: Int, nE: Int = 0) {
        self.count = count
        self.nQ = nQ
        self.nD = nD
        self.nC = nC
        self.nE = nE
        eState.reset(count: count * nE)
        answers.reserve(count * nQ)
        present.reset(count: count * nQ)
        qState.reset(count: count * nQ)
        rangeState.reset(count: count * nQ)
        offerState.reset(count: count * nQ)
        cState.reset(count: count * nC)
        dState.reset(count: count * nD)
        dValues.reserve(count * nD)
        responseIndex.removeAll(keepingCapacity: true)
        pairPerson.removeAll(keepingCapacity: true)
        pairOther.removeAll(keepingCapacity: true)
    }

    /// Adds one instance (a roster member read from the response), with nothing answered.
    mutating func appendInstance() {
        count += 1
        answers.reserve(count * nQ)
        present.appendZeros(nQ)
        qState.appendZeros(nQ)
        rangeState.appendZeros(nQ)
        offerState.appendZeros(nQ)
        cState.appendZeros(nC)
        dState.appendZeros(nD)
        dValues.reserve(count * nD)
        eState.appendZeros(nE)
    }
}

/// One evaluation of one response.
package final class Run {
    let ev: Evaluator
    let plan: Evaluator.Plan
    /// The plan's expressions (``plan`` keeps them alive as long as this run).
    let code: ExpressionCode.View
    /// The endings that skip each question, container and check (the plan's, kept alive by it).
    let qEndings: IntLists.View, cEndings: IntLists.View, kEndings: IntLists.View
    /// The questions of each scope, by their index in the schema (the plan's ``Evaluator/Plan/scopeQuestionList``).
    let scopeQuestionList: IntLists.View
    /// The routing records of questions (by position in ``scopeQuestionList``), containers and
    /// endings (the plan's ``Evaluator/Plan/routes``, kept alive by it).
    let questionRoutes: UnsafeMutablePointer<RouteTable.Question>
    let containerRoutes: UnsafeMutablePointer<RouteTable.Container>
    let endingRoutes: UnsafeMutablePointer<RouteTable.Ending>
    /// How the fast reader reads each question's answer, in the same order as ``questionRoutes``
    /// (the plan's ``Evaluator/Plan/answerShapes``, kept alive by it).
    let answerShapes: UnsafeMutablePointer<AnswerShapes.Shape>
    /// Where an expression that is not the plan's is laid out to be evaluated (``eval(_:_:)``).
    var scratch = ExpressionCode()
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
    /// Whether the fast reader marked an answer "seen but unanswered" in this response (see
    /// ``markSeenUnanswered(_:_:)``): only then are the frames swept for the marks.
    var sawUnanswered = false
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
        code = ev.plan.code.view
        (qEndings, cEndings, kEndings) = (ev.plan.qEndings.view, ev.plan.cEndings.view, ev.plan.kEndings.view)
        scopeQuestionList = ev.plan.scopeQuestionList.view
        (questionRoutes, containerRoutes, endingRoutes) = (ev.plan.routes.questions, ev.plan.routes.containers, ev.plan.routes.endings)
        answerShapes = ev.plan.answerShapes.shapes
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
        for s in 0..<scopeCount { frames[s].deallocateStates() }
        frames.deinitialize(count: scopeCount)
        frames.deallocate()
        memberCount.deallocate()
    }

    /// The index in the schema of question `q` of scope `s`.
    @inline(__always)
    func questionIndex(_ s: Int, _ q: Int) -> Int {
        scopeQuestionList[Int(scopeQuestionList.starts[s]) + q]
    }

    /// The two members (0-based) of pair `k` of roster `r`'s relationship block.
    package func pair(_ r: Int, _ k: Int) -> (person: Int, other: Int) {
        let s = ev.rosters[r].pairScope
        return (frames[s].pairPerson[k], frames[s].pairOther[k])
    }
}
