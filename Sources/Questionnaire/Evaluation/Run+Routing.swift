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
            force(plan.graph.questionNode(plan.scopeQuestions[s][q]), scope: s, instance: i)
            return frames[s].qState[flat] == 1
        default: break
        }
        frames[s].qState[flat] = 3
        let gi = plan.scopeQuestions[s][q]
        let c = ctx(scope: s, instance: i)
        let container = plan.qContainer[gi]
        var ok = container < 0 || containerApplies(container, c)
        if ok, let w = plan.qWhen[gi] {
            if case .bool(true) = eval(w, c) {} else { ok = false }
        }
        if ok { for e in plan.qEndedBy[gi] where endingFires(e, c) { ok = false; break } }
        frames[s].qState[flat] = ok ? 1 : 2
        return ok
    }

    /// Whether ending `e` fires for the instance in `c`: it stands where its container applies
    /// and its condition is known true. Memoised per instance.
    package func endingFires(_ e: Int, _ c: Ctx) -> Bool {
        let s = plan.eScope[e]
        let i = instance(of: s, c)
        guard i >= 0, i < frames[s].count else { return false }
        let flat = i * frames[s].nE + plan.eLocal[e]
        switch frames[s].eState[flat] {
        case 1: return true
        case 2, 3: return false
        case 0 where shouldForce():
            force(plan.graph.endingNode(e), scope: s, instance: i)
            return frames[s].eState[flat] == 1
        default: break
        }
        frames[s].eState[flat] = 3
        let container = plan.eContainer[e]
        var fires = container < 0 || containerApplies(container, c)
        if fires, let w = plan.eWhen[e] {
            if case .bool(true) = eval(w, c) {} else { fires = false }
        }
        frames[s].eState[flat] = fires ? 1 : 2
        return fires
    }

    package func containerApplies(_ container: Int, _ c: Ctx) -> Bool {
        let s = plan.cScope[container]
        let i = instance(of: s, c)
        guard i >= 0, i < frames[s].count else { return false }
        let flat = i * frames[s].nC + plan.cLocal[container]
        switch frames[s].cState[flat] {
        case 1: return true
        case 2, 3: return false
        case 0 where shouldForce():
            force(container, scope: s, instance: i)
            return frames[s].cState[flat] == 1
        default: break
        }
        frames[s].cState[flat] = 3
        let parent = plan.cParent[container]
        var ok = parent < 0 || containerApplies(parent, c)
        if ok, let w = plan.cWhen[container] {
            if case .bool(true) = eval(w, c) {} else { ok = false }
        }
        if ok { for e in plan.cEndedBy[container] where endingFires(e, c) { ok = false; break } }
        frames[s].cState[flat] = ok ? 1 : 2
        return ok
    }

    /// The answer as expressions see it: unknown when not answered, refused (not a valid value,
    /// or outside its range), not applicable, or an option that is not offered to this instance.
    /// Every reader of an answer (conditions, derived values, checks, range bounds, piping) goes
    /// through here.
    @inline(__always)
    package func answer(_ s: Int, _ q: Int, _ i: Int) -> Value {
        guard i >= 0, i < frames[s].count else { return .unknown }
        let flat = i * frames[s].nQ + q
        if frames[s].present[flat] != 1 { return .unknown }
        guard applies(s, q, i) else { return .unknown }
        if frames[s].hasRange[q], !withinRange(s, q, i) { return .unknown }
        let v = frames[s].answers[flat]
        if plan.qOptionWhen[plan.scopeQuestions[s][q]] != nil, notOffered(s, q, i, v) != nil { return .unknown }
        return v
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
            force(plan.graph.questionNode(plan.scopeQuestions[s][q]), scope: s, instance: i)
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
        let gi = plan.scopeQuestions[s][q]
        let value = frames[s].answers[i * frames[s].nQ + q]
        let c = ctx(scope: s, instance: i)
        let lo = plan.qMin[gi].map { eval($0, c) } ?? .unknown
        let hi = plan.qMax[gi].map { eval($0, c) } ?? .unknown
        var outside = false
        if let o = Value.order(value, lo), o < 0 { outside = true }
        if let o = Value.order(value, hi), o > 0 { outside = true }
        return (lo, hi, outside)
    }

    /// The first option of answer `v` that is not offered to instance `i` of question `q`, if any.
    func notOffered(_ s: Int, _ q: Int, _ i: Int, _ v: Value) -> String? {
        let gi = plan.scopeQuestions[s][q]
        guard let whens = plan.qOptionWhen[gi], let list = plan.qChoice[gi], i >= 0, i < frames[s].count else { return nil }
        let c = ctx(scope: s, instance: i)
        func offered(_ id: String) -> Bool {
            guard let k = list.position.rank(of: id), k < whens.count, let w = whens[k] else { return true }
            if case .bool(true) = eval(w, c) { return true }
            return false
        }
        switch v {
        case .option(let id): return offered(id) ? nil : id
        case .options(let ids): return ids.first { !offered($0) }
        default: return nil
        }
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
        let v = eval(plan.dExpr[plan.scopeDerived[s][d]], ctx(scope: s, instance: i))
        frames[s].dValues[flat] = v
        frames[s].dState[flat] = 1
        return v
    }

    // MARK: Expressions

    /// The value of an expression for the instance in `c`. Each kind of node is computed in a
    /// function of its own, so that a deep expression holds one small frame per level on the
    /// stack (even unoptimised), not one frame sized for every kind (see Dependencies.swift).
    package func eval(_ e: CExpr, _ c: Ctx) -> Value {
        switch e {
        case .literal(let v): return v
        case .answer(let s, let q, let slot): return answer(s, q, instance(slot, c))
        case .derived(let s, let d, let slot): return derivedValue(s, d, instance(slot, c))
        case .not(let a): return evalNot(a, c)
        case .and(let a, let b): return evalAnd(a, b, c)
        case .or(let a, let b): return evalOr(a, b, c)
        case .compare(let op, let a, let b): return evalCompare(op, a, b, c)
        case .member(let a, let items, let negated): return evalMember(a, items, negated, c)
        case .contains(let a, let b): return evalContains(a, b, c)
        case .arithmetic(let op, let a, let b): return evalArithmetic(op, a, b, c)
        default: return evalOther(e, c)
        }
    }

    /// The kinds of node met less often (kept out of ``eval(_:_:)`` so that its frame stays small).
    func evalOther(_ e: CExpr, _ c: Ctx) -> Value {
        switch e {
        case .position(let slot):
            let i = instance(slot, c)
            return i >= 0 ? .int(i + 1) : .unknown
        case .count(let r): return .int(memberCount[r])
        case .respondent(let r, let slot): return .bool(instance(slot, c) == 0 && isRespondentFirst(r))
        case .today: return .date(todayValue)
        case .variant: return variant.map(Value.option) ?? .unknown
        case .householdAddress: return options.householdAddress.map(Value.text) ?? .unknown
        case .at(let r, let index, let inner): return evalAt(r, index, inner, c)
        case .addressPart(let a, let part): return evalAddressPart(a, part, c)
        case .any(let r, let inner): return evalAny(r, inner, c)
        case .countWhere(let r, let inner): return evalCountWhere(r, inner, c)
        case .negate(let a): return evalNegate(a, c)
        case .answered(let a, let negated): return .bool(eval(a, c).isKnown != negated)
        case .yearsBetween(let a, let b): return evalYearsBetween(a, b, c)
        case .join(let items): return evalJoin(items, c)
        case .literal, .answer, .derived, .not, .and, .or, .compare, .member, .contains, .arithmetic: return eval(e, c)
        }
    }

    func evalAt(_ r: Int, _ index: Int, _ inner: CExpr, _ c: Ctx) -> Value {
        guard index < memberCount[r] else { return .unknown }
        var mc = c
        mc.member = index
        return eval(inner, mc)
    }

    func evalAddressPart(_ a: CExpr, _ part: Expression.AddressPart, _ c: Ctx) -> Value {
        if case .address(let address) = eval(a, c), let text = address.part(part), !text.isEmpty { return .text(text) }
        return .unknown
    }

    func evalAny(_ r: Int, _ inner: CExpr, _ c: Ctx) -> Value {
        var sawUnknown = false
        for m in 0..<memberCount[r] {
            var mc = c
            mc.outer = c.member
            mc.member = m
            switch eval(inner, mc) {
            case .bool(true): return .bool(true)
            case .bool(false): break
            default: sawUnknown = true
            }
        }
        return sawUnknown ? .unknown : .bool(false)
    }

    func evalCountWhere(_ r: Int, _ inner: CExpr, _ c: Ctx) -> Value {
        var n = 0
        for m in 0..<memberCount[r] {
            var mc = c
            mc.outer = c.member
            mc.member = m
            switch eval(inner, mc) {
            case .bool(true): n += 1
            case .bool(false): break
            default: return .unknown
            }
        }
        return .int(n)
    }

    func evalNot(_ a: CExpr, _ c: Ctx) -> Value {
        if case .bool(let b) = eval(a, c) { return .bool(!b) }
        return .unknown
    }

    func evalNegate(_ a: CExpr, _ c: Ctx) -> Value {
        switch eval(a, c) {
        case .int(let i): return .int(-i)
        case .dec(let d): return .dec(-d)
        case .duration(let d): return .duration(d.negated)
        default: return .unknown
        }
    }

    func evalAnd(_ a: CExpr, _ b: CExpr, _ c: Ctx) -> Value {
        let x = eval(a, c)
        if case .bool(false) = x { return .bool(false) }
        let y = eval(b, c)
        if case .bool(false) = y { return .bool(false) }
        if case .bool(true) = x, case .bool(true) = y { return .bool(true) }
        return .unknown
    }

    func evalOr(_ a: CExpr, _ b: CExpr, _ c: Ctx) -> Value {
        let x = eval(a, c)
        if case .bool(true) = x { return .bool(true) }
        let y = eval(b, c)
        if case .bool(true) = y { return .bool(true) }
        if case .bool(false) = x, case .bool(false) = y { return .bool(false) }
        return .unknown
    }

    func evalCompare(_ op: Expression.BinaryOperator, _ a: CExpr, _ b: CExpr, _ c: Ctx) -> Value {
        let x = eval(a, c), y = eval(b, c)
        switch op {
        case .equal: return Value.equal(x, y).map(Value.bool) ?? .unknown
        case .notEqual: return Value.equal(x, y).map { .bool(!$0) } ?? .unknown
        default:
            guard let o = Value.order(x, y) else { return .unknown }
            switch op {
            case .less: return .bool(o < 0)
            case .lessOrEqual: return .bool(o <= 0)
            case .greater: return .bool(o > 0)
            default: return .bool(o >= 0)
            }
        }
    }

    func evalArithmetic(_ op: Expression.BinaryOperator, _ a: CExpr, _ b: CExpr, _ c: Ctx) -> Value {
        let x = eval(a, c)
        if !x.isKnown { return .unknown }
        return Value.arithmetic(op, x, eval(b, c))
    }

    func evalContains(_ a: CExpr, _ b: CExpr, _ c: Ctx) -> Value {
        let x = eval(a, c), y = eval(b, c)
        switch (x, y) {
        case (.options(let set), .option(let o)): return .bool(set.contains(o))
        case (.option(let one), .option(let o)): return .bool(one == o)
        case (.text(let t), .text(let u)): return .bool(t.contains(u))
        default: return .unknown
        }
    }

    func evalMember(_ a: CExpr, _ items: [CExpr], _ negated: Bool, _ c: Ctx) -> Value {
        let x = eval(a, c)
        if !x.isKnown { return .unknown }
        var sawUnknown = false
        for item in items {
            switch Value.equal(x, eval(item, c)) {
            case true?: return .bool(!negated)
            case false?: break
            case nil: sawUnknown = true
            }
        }
        return sawUnknown ? .unknown : .bool(negated)
    }

    func evalYearsBetween(_ a: CExpr, _ b: CExpr, _ c: Ctx) -> Value {
        guard let x = eval(a, c).asDate, let y = eval(b, c).asDate else { return .unknown }
        return .int(CalendarDate.wholeYears(from: x, to: y))
    }

    func evalJoin(_ items: [CExpr], _ c: Ctx) -> Value {
        var parts: [String] = []
        for item in items {
            let v = eval(item, c)
            if v.isKnown { parts.append(v.description) }
        }
        return parts.isEmpty ? .unknown : .text(parts.joined(separator: " "))
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
