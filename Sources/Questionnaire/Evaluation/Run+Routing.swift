extension Run {
    // MARK: Routing

    @inline(__always)
    package func ctx(scope s: Int, instance i: Int) -> Ctx {
        switch plan.scopeKind[s] {
        case .household: return Ctx()
        case .member: return Ctx(member: i)
        case .pair: return Ctx(pair: i, person: frames[s].pairPerson[i], other: frames[s].pairOther[i])
        }
    }

    @inline(__always)
    func instance(of s: Int, _ c: Ctx) -> Int {
        switch plan.scopeKind[s] {
        case .household: return 0
        case .member: return c.member
        case .pair: return c.pair
        }
    }

    /// The instance of a slot given by its raw value (as expression nodes hold it).
    @inline(__always)
    func instance(slotRaw slot: UInt8, _ c: Ctx) -> Int {
        switch slot {
        case Slot.household.rawValue: return 0
        case Slot.member.rawValue: return c.member
        case Slot.pair.rawValue: return c.pair
        case Slot.person.rawValue: return c.person
        case Slot.other.rawValue: return c.other
        default: return c.outer
        }
    }

    @inline(__always)
    package func instance(_ slot: Slot, _ c: Ctx) -> Int {
        switch slot {
        case .household: return 0
        case .member: return c.member
        case .pair: return c.pair
        case .person: return c.person
        case .other: return c.other
        case .outer: return c.outer
        }
    }

    /// Whether question `q` (local to scope `s`) applies to instance `i`.
    package func applies(_ s: Int, _ q: Int, _ i: Int) -> Bool {
        let flat = i * frames[s].nQ + q
        switch frames[s].qState[flat] {
        case 1: return true
        case 2, 3: return false
        case 0 where shouldForce():
            force(plan.graph.questionNode(questionIndex(s, q)), scope: s, instance: i)
            return frames[s].qState[flat] == 1
        default: break
        }
        frames[s].qState[flat] = 3
        let route = questionRoutes[Int(scopeQuestionList.starts[s]) + q]
        let c = ctx(scope: s, instance: i)
        let ok = (route.container < 0 || containerApplies(Int(route.container), c)) && appliesWithin(route, c)
        frames[s].qState[flat] = ok ? 1 : 2
        return ok
    }

    /// ``applies(_:_:_:)`` for a walk over the questions of one instance in order (``finish()``,
    /// outside any other evaluation), with the walk's last container and whether it applies in
    /// `last` (container -2 at the start of each instance): neighbouring questions mostly share
    /// their section, so its memo is read once per run of them, not once per question. The first
    /// question of a run asks ``containerApplies(_:_:)`` exactly where ``applies(_:_:_:)`` would,
    /// and the others get what its memo then holds, so the results are the same.
    @inline(__always)
    func appliesInWalk(_ s: Int, _ q: Int, _ i: Int, _ c: Ctx, last: inout (container: Int32, applies: Bool)) -> Bool {
        let flat = i * frames[s].nQ + q
        switch frames[s].qState[flat] {
        case 1: return true
        case 2, 3: return false
        default: break
        }
        if shouldForce() { return applies(s, q, i) }
        frames[s].qState[flat] = 3
        let route = questionRoutes[Int(scopeQuestionList.starts[s]) + q]
        var ok: Bool
        if route.container < 0 {
            ok = true
        } else if route.container == last.container {
            ok = last.applies
        } else {
            ok = containerApplies(Int(route.container), c)
            last = (route.container, ok)
        }
        ok = ok && appliesWithin(route, c)
        frames[s].qState[flat] = ok ? 1 : 2
        return ok
    }

    /// Whether a question whose container applies applies: its condition holds and no ending
    /// before it fires.
    @inline(__always)
    func appliesWithin(_ route: RouteTable.Question, _ c: Ctx) -> Bool {
        if !holds(route.when, c) { return false }
        for j in Int(route.endingsStart)..<Int(route.endingsEnd) where endingFires(qEndings[j], c) { return false }
        return true
    }

    /// Whether ending `e` fires for the instance in `c`: it stands where its container applies
    /// and its condition is known true. Memoised per instance.
    package func endingFires(_ e: Int, _ c: Ctx) -> Bool {
        let route = endingRoutes[e]
        let s = Int(route.scope)
        let i = instance(of: s, c)
        guard i >= 0, i < frames[s].count else { return false }
        let flat = i * frames[s].nE + Int(route.local)
        switch frames[s].eState[flat] {
        case 1: return true
        case 2, 3: return false
        case 0 where shouldForce():
            force(plan.graph.endingNode(e), scope: s, instance: i)
            return frames[s].eState[flat] == 1
        default: break
        }
        frames[s].eState[flat] = 3
        var fires = route.container < 0 || containerApplies(Int(route.container), c)
        if fires, !holds(route.when, c) { fires = false }
        frames[s].eState[flat] = fires ? 1 : 2
        return fires
    }

    package func containerApplies(_ container: Int, _ c: Ctx) -> Bool {
        let route = containerRoutes[container]
        let s = Int(route.scope)
        let i = instance(of: s, c)
        guard i >= 0, i < frames[s].count else { return false }
        let flat = i * frames[s].nC + Int(route.local)
        switch frames[s].cState[flat] {
        case 1: return true
        case 2, 3: return false
        case 0 where shouldForce():
            force(container, scope: s, instance: i)
            return frames[s].cState[flat] == 1
        default: break
        }
        frames[s].cState[flat] = 3
        var ok = route.parent < 0 || containerApplies(Int(route.parent), c)
        if ok, !holds(route.when, c) { ok = false }
        if ok {
            for j in Int(route.endingsStart)..<Int(route.endingsEnd) where endingFires(cEndings[j], c) { ok = false; break }
        }
        frames[s].cState[flat] = ok ? 1 : 2
        return ok
    }

    /// The answer as expressions see it: unknown when not answered, refused (not a valid value,
    /// or outside its range), not applicable, or an option that is not offered to this instance.
    /// Every reader of an answer (conditions, derived values, checks, range bounds, piping) goes
    /// through here.
    @inline(__always)
    package func answer(_ s: Int, _ q: Int, _ i: Int) -> Value {
        answerSlot(s, q, i)?.pointee ?? .unknown
    }

    /// Where the answer as expressions see it (``answer(_:_:_:)``) is held, or `nil` when it
    /// reads as unknown: a comparison reads it there instead of copying it.
    @inline(__always)
    func answerSlot(_ s: Int, _ q: Int, _ i: Int) -> UnsafeMutablePointer<Value>? {
        guard i >= 0, i < frames[s].count else { return nil }
        let flat = i * frames[s].nQ + q
        if frames[s].present[flat] != 1 { return nil }
        guard applies(s, q, i) else { return nil }
        let route = questionRoutes[Int(scopeQuestionList.starts[s]) + q]
        if route.has(RouteTable.Question.hasRange), !withinRange(s, q, i) { return nil }
        if route.has(RouteTable.Question.hasOptionWhen), !isAnswerOffered(s, q, i) { return nil }
        return frames[s].answers.pointer(flat)
    }

    /// Whether every option of the present answer `q` of instance `i` is offered to it (decided
    /// once per response: its options' conditions may read other answers, read as above).
    func isAnswerOffered(_ s: Int, _ q: Int, _ i: Int) -> Bool {
        let flat = i * frames[s].nQ + q
        switch frames[s].offerState[flat] {
        case 1: return true
        case 2, 3: return false
        default: break
        }
        frames[s].offerState[flat] = 3
        let offered = notOffered(s, q, i, frames[s].answers[flat]) == nil
        frames[s].offerState[flat] = offered ? 1 : 2
        return offered
    }

    /// Whether option `id` of question `q` (local to scope `s`) is offered to instance `i`.
    package func isOffered(_ s: Int, _ q: Int, _ i: Int, _ id: String) -> Bool {
        notOffered(s, q, i, .option(id)) == nil
    }

    /// Whether the present answer `q` of instance `i` is within its range (decided once; its
    /// bounds may read earlier answers, which are themselves read through ``answer(_:_:_:)``).
    package func withinRange(_ s: Int, _ q: Int, _ i: Int) -> Bool {
        let flat = i * frames[s].nQ + q
        switch frames[s].rangeState[flat] {
        case 1: return true
        case 2, 3: return false
        case 0 where shouldForce():
            force(plan.graph.questionNode(questionIndex(s, q)), scope: s, instance: i)
            return frames[s].rangeState[flat] == 1
        default: break
        }
        frames[s].rangeState[flat] = 3
        let (_, _, outside) = range(s, q, i)
        frames[s].rangeState[flat] = outside ? 2 : 1
        return !outside
    }

    /// The bounds of question `q` for instance `i` (unknown when open, or when they read an answer
    /// that is not known), and whether its present answer lies outside them.
    func range(_ s: Int, _ q: Int, _ i: Int) -> (low: Value, high: Value, outside: Bool) {
        let gi = questionIndex(s, q)
        let given = frames[s].answers[i * frames[s].nQ + q]
        let c = ctx(scope: s, instance: i)
        let lo = value(plan.qMinNode[gi], c)
        let hi = value(plan.qMaxNode[gi], c)
        var outside = false
        if let o = Value.order(given, lo), o < 0 { outside = true }
        if let o = Value.order(given, hi), o > 0 { outside = true }
        return (lo, hi, outside)
    }

    /// The first option of answer `v` that is not offered to instance `i` of question `q`, if any.
    func notOffered(_ s: Int, _ q: Int, _ i: Int, _ v: Value) -> String? {
        let gi = questionIndex(s, q)
        let whens = plan.qOptionWhenNodes[gi]
        guard !whens.isEmpty, let list = plan.qChoice[gi], i >= 0, i < frames[s].count else { return nil }
        let c = ctx(scope: s, instance: i)
        func offered(_ id: String) -> Bool {
            guard let k = list.position.rank(of: id), k < whens.count else { return true }
            return holds(whens[k], c)
        }
        switch v {
        case .option(let id): return offered(id) ? nil : id
        case .options(let ids): return ids.first { !offered($0) }
        default: return nil
        }
    }

    /// Where derived value `d` of instance `i` is held once computed (``derivedValue(_:_:_:)``),
    /// or `nil` when it reads as unknown (no such instance, or being computed).
    @inline(__always)
    func derivedSlot(_ s: Int, _ d: Int, _ i: Int) -> UnsafeMutablePointer<Value>? {
        guard i >= 0, i < frames[s].count else { return nil }
        let flat = i * frames[s].nD + d
        if frames[s].dState[flat] != 1 { _ = derivedValue(s, d, i) }
        return frames[s].dState[flat] == 1 ? frames[s].dValues.pointer(flat) : nil
    }

    func derivedValue(_ s: Int, _ d: Int, _ i: Int) -> Value {
        guard i >= 0, i < frames[s].count else { return .unknown }
        let flat = i * frames[s].nD + d
        switch frames[s].dState[flat] {
        case 1: return frames[s].dValues[flat]
        case 3: return .unknown
        case 0 where shouldForce():
            force(plan.graph.derivedNode(plan.scopeDerived[s][d]), scope: s, instance: i)
            return frames[s].dState[flat] == 1 ? frames[s].dValues[flat] : .unknown
        default: break
        }
        frames[s].dState[flat] = 3
        let v = value(plan.dExprNode[plan.scopeDerived[s][d]], ctx(scope: s, instance: i))
        frames[s].dValues[flat] = v
        frames[s].dState[flat] = 1
        return v
    }

    // MARK: Expressions

    /// The value of an expression for the instance in `c`, laid out in a scratch code first (for
    /// expressions that are not the plan's own: route coverage, the generator's repairs).
    package func eval(_ e: CExpr, _ c: Ctx) -> Value {
        scratch.removeAll()
        let root = scratch.append(e)
        // A copy: should evaluating ever lay out another expression, this one stays as it is.
        let code = scratch
        return code.withView { value(root, $0, c) }
    }

    /// The value of the plan's node `n` (`-1`: none, unknown) for the instance in `c`.
    @inline(__always)
    func value(_ n: Int32, _ c: Ctx) -> Value {
        n < 0 ? .unknown : value(n, code, c)
    }

    /// Whether the plan's node `n` is known true for the instance in `c` (`-1`: no condition, true).
    @inline(__always)
    func holds(_ n: Int32, _ c: Ctx) -> Bool {
        if n < 0 { return true }
        if case .bool(true) = value(n, code, c) { return true }
        return false
    }

    /// The value of node `n` of code `k`. Each kind of node that recurses is computed in a
    /// function of its own, so that a deep expression holds one small frame per level on the
    /// stack (even unoptimised), not one frame sized for every kind (see Dependencies.swift).
    func value(_ n: Int32, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        let node = k.nodes[Int(n)]
        switch node.op {
        case .literal: return k.literals[Int(node.a)]
        case .answer: return answer(Int(node.a), Int(node.b), instance(slotRaw: node.flag, c))
        case .derived: return derivedValue(Int(node.a), Int(node.b), instance(slotRaw: node.flag, c))
        case .not: return valueOfNot(node.a, k, c)
        case .and: return valueOfAnd(node.a, node.b, k, c)
        case .or: return valueOfOr(node.a, node.b, k, c)
        case .compare: return valueOfCompare(node.flag, node.a, node.b, k, c)
        case .member: return valueOfMember(node, k, c)
        case .contains: return valueOfContains(node.a, node.b, k, c)
        case .arithmetic: return valueOfArithmetic(node.flag, node.a, node.b, k, c)
        default: return valueOfOther(node, k, c)
        }
    }

    /// The kinds of node met less often (kept out of ``value(_:_:_:)`` so that its frame stays small).
    func valueOfOther(_ node: ExpressionCode.Node, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        switch node.op {
        case .position:
            let i = instance(slotRaw: node.flag, c)
            return i >= 0 ? .int(i + 1) : .unknown
        case .count: return .int(memberCount[Int(node.a)])
        case .respondent: return .bool(instance(slotRaw: node.flag, c) == 0 && isRespondentFirst(Int(node.a)))
        case .today: return .date(todayValue)
        case .variant: return variant.map(Value.option) ?? .unknown
        case .householdAddress: return options.householdAddress.map(Value.text) ?? .unknown
        case .at: return valueAt(Int(node.a), Int(node.b), node.c, k, c)
        case .addressPart: return valueOfAddressPart(node.a, ExpressionCode.part(node.flag), k, c)
        case .any: return valueOfAny(Int(node.a), node.b, k, c)
        case .countWhere: return valueOfCountWhere(Int(node.a), node.b, k, c)
        case .negate: return valueOfNegate(node.a, k, c)
        case .answered: return .bool(value(node.a, k, c).isKnown != (node.flag != 0))
        case .yearsBetween: return valueOfYearsBetween(node.a, node.b, k, c)
        case .join: return valueOfJoin(Int(node.b), Int(node.c), k, c)
        case .literal, .answer, .derived, .not, .and, .or, .compare, .member, .contains, .arithmetic:
            return .unknown  // handled by value(_:_:_:)
        }
    }

    func valueAt(_ r: Int, _ index: Int, _ inner: Int32, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        guard index < memberCount[r] else { return .unknown }
        var mc = c
        mc.member = index
        return value(inner, k, mc)
    }

    func valueOfAddressPart(_ a: Int32, _ part: Expression.AddressPart, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        if case .address(let address) = value(a, k, c), let text = address.part(part), !text.isEmpty { return .text(text) }
        return .unknown
    }

    func valueOfAny(_ r: Int, _ inner: Int32, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        var sawUnknown = false
        for m in 0..<memberCount[r] {
            var mc = c
            mc.outer = c.member
            mc.member = m
            switch value(inner, k, mc) {
            case .bool(true): return .bool(true)
            case .bool(false): break
            default: sawUnknown = true
            }
        }
        return sawUnknown ? .unknown : .bool(false)
    }

    func valueOfCountWhere(_ r: Int, _ inner: Int32, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        var n = 0
        for m in 0..<memberCount[r] {
            var mc = c
            mc.outer = c.member
            mc.member = m
            switch value(inner, k, mc) {
            case .bool(true): n += 1
            case .bool(false): break
            default: return .unknown
            }
        }
        return .int(n)
    }

    func valueOfNot(_ a: Int32, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        if case .bool(let b) = value(a, k, c) { return .bool(!b) }
        return .unknown
    }

    func valueOfNegate(_ a: Int32, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        switch value(a, k, c) {
        case .int(let i): return .int(-i)
        case .dec(let d): return .dec(-d)
        case .duration(let d): return .duration(d.negated)
        default: return .unknown
        }
    }

    func valueOfAnd(_ a: Int32, _ b: Int32, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        let x = value(a, k, c)
        if case .bool(false) = x { return .bool(false) }
        let y = value(b, k, c)
        if case .bool(false) = y { return .bool(false) }
        if case .bool(true) = x, case .bool(true) = y { return .bool(true) }
        return .unknown
    }

    func valueOfOr(_ a: Int32, _ b: Int32, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        let x = value(a, k, c)
        if case .bool(true) = x { return .bool(true) }
        let y = value(b, k, c)
        if case .bool(true) = y { return .bool(true) }
        if case .bool(false) = x, case .bool(false) = y { return .bool(false) }
        return .unknown
    }

    func valueOfCompare(_ op: UInt8, _ a: Int32, _ b: Int32, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        // Answers, derived values and literals (most conditions: `age >= 16`, `tenure == owns`,
        // `name == outer.name`) are compared where they are held: copying them out (a retain and
        // a release each, through an outlined copy) was about a tenth of evaluating. Both sides
        // are looked up, left first, as `value` would evaluate them.
        guard let left = heldValue(a, k, c) else { return Run.compare(op, value(a, k, c), value(b, k, c)) }
        if let right = heldValue(b, k, c) {
            guard let x = left, let y = right else { return .unknown }  // unknown against anything
            return Run.compare(op, x.pointee, y.pointee)
        }
        let y = value(b, k, c)
        guard let x = left else { return .unknown }
        return Run.compare(op, x.pointee, y)
    }

    /// Where the value of node `n` is held, when it is a literal, an answer or a derived value,
    /// so that it can be read in place instead of copied: `.some(nil)` when it reads as unknown;
    /// `nil` for a node of another kind (evaluate it with ``value(_:_:_:)``). Looking a node up
    /// here has the same effects on the memo as evaluating it.
    @inline(__always)
    func heldValue(_ n: Int32, _ k: ExpressionCode.View, _ c: Ctx) -> UnsafePointer<Value>?? {
        let node = k.nodes[Int(n)]
        switch node.op {
        case .literal: return .some(UnsafePointer(k.literals + Int(node.a)))
        case .answer: return .some(answerSlot(Int(node.a), Int(node.b), instance(slotRaw: node.flag, c)).map { UnsafePointer($0) })
        case .derived: return .some(derivedSlot(Int(node.a), Int(node.b), instance(slotRaw: node.flag, c)).map { UnsafePointer($0) })
        default: return nil
        }
    }

    /// `x op y` for a compare node's operator (``ExpressionCode/Node``: 0 = 1 ≠ 2 < 3 ≤ 4 > 5 ≥).
    @inline(__always)
    static func compare(_ op: UInt8, _ x: Value, _ y: Value) -> Value {
        switch op {
        case 0: return Value.equal(x, y).map(Value.bool) ?? .unknown
        case 1: return Value.equal(x, y).map { .bool(!$0) } ?? .unknown
        default:
            guard let o = Value.order(x, y) else { return .unknown }
            switch op {
            case 2: return .bool(o < 0)
            case 3: return .bool(o <= 0)
            case 4: return .bool(o > 0)
            default: return .bool(o >= 0)
            }
        }
    }

    func valueOfArithmetic(_ op: UInt8, _ a: Int32, _ b: Int32, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        let x = value(a, k, c)
        if !x.isKnown { return .unknown }
        guard let op = ExpressionCode.arithmeticOperator(op) else { return .unknown }
        return Value.arithmetic(op, x, value(b, k, c))
    }

    func valueOfContains(_ a: Int32, _ b: Int32, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        // `passports contains other`: the answer and the option read where they are held.
        guard let left = heldValue(a, k, c) else { return Run.contains(value(a, k, c), value(b, k, c)) }
        if let right = heldValue(b, k, c) {
            guard let x = left, let y = right else { return .unknown }
            return Run.contains(x.pointee, y.pointee)
        }
        let y = value(b, k, c)
        guard let x = left else { return .unknown }
        return Run.contains(x.pointee, y)
    }

    @inline(__always)
    static func contains(_ x: Value, _ y: Value) -> Value {
        switch (x, y) {
        case (.options(let set), .option(let o)): return .bool(set.contains(o))
        case (.option(let one), .option(let o)): return .bool(one == o)
        case (.text(let t), .text(let u)): return .bool(t.contains(u))
        default: return .unknown
        }
    }

    func valueOfMember(_ node: ExpressionCode.Node, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        // `marital in [married, separated_married]`: the value read where it is held, when it is.
        if let held = heldValue(node.a, k, c) {
            guard let x = held else { return .unknown }
            return isOneOf(x.pointee, node, k, c)
        }
        let x = value(node.a, k, c)
        if !x.isKnown { return .unknown }
        return isOneOf(x, node, k, c)
    }

    /// Whether known value `x` is one of the member node's items (`nil` items count as unknown).
    @inline(__always)
    func isOneOf(_ x: Value, _ node: ExpressionCode.Node, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        let negated = node.flag != 0
        if !x.isKnown { return .unknown }
        var sawUnknown = false
        for j in Int(node.b)..<Int(node.b + node.c) {
            // Items are mostly options written in the form: compared where the code holds them.
            let item = k.nodes[Int(k.items[j])]
            let same = item.op == .literal ? Value.equal(x, (k.literals + Int(item.a)).pointee) : Value.equal(x, value(k.items[j], k, c))
            switch same {
            case true?: return .bool(!negated)
            case false?: break
            case nil: sawUnknown = true
            }
        }
        return sawUnknown ? .unknown : .bool(negated)
    }

    func valueOfYearsBetween(_ a: Int32, _ b: Int32, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        guard let x = value(a, k, c).asDate, let y = value(b, k, c).asDate else { return .unknown }
        return .int(CalendarDate.wholeYears(from: x, to: y))
    }

    func valueOfJoin(_ start: Int, _ count: Int, _ k: ExpressionCode.View, _ c: Ctx) -> Value {
        // The known parts, one space between: built in one string (a `name` of first and last
        // names is joined for every member whose name is read), not collected and joined.
        var text = ""
        var any = false
        for j in start..<(start + count) {
            let v = value(k.items[j], k, c)
            guard v.isKnown else { continue }
            let part = v.description
            if any {
                text.reserveCapacity(text.utf8.count + 1 + part.utf8.count)
                text += " "
                text += part
            } else {
                text = part
                any = true
            }
        }
        return any ? .text(text) : .unknown
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
