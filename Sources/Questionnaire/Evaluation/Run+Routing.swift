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
        }
    }

    /// Whether question `q` (local to scope `s`) applies to instance `i`.
    package func applies(_ s: Int, _ q: Int, _ i: Int) -> Bool {
        let flat = i * frames[s].nQ + q
        switch frames[s].qState[flat] {
        case 1: return true
        case 2, 3: return false
        case 0 where shouldForce():
            force(plan.graph.containerCount + plan.scopeQuestions[s][q], scope: s, instance: i)
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
        frames[s].qState[flat] = ok ? 1 : 2
        return ok
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
        frames[s].cState[flat] = ok ? 1 : 2
        return ok
    }

    /// The answer as expressions see it: unknown when not answered, refused (not a valid value,
    /// or outside its range), or not applicable. Every reader of an answer (conditions, derived
    /// values, checks, range bounds, piping) goes through here.
    @inline(__always)
    package func answer(_ s: Int, _ q: Int, _ i: Int) -> Value {
        guard i >= 0, i < frames[s].count else { return .unknown }
        let flat = i * frames[s].nQ + q
        if frames[s].present[flat] != 1 { return .unknown }
        guard applies(s, q, i) else { return .unknown }
        if frames[s].hasRange[q], !withinRange(s, q, i) { return .unknown }
        return frames[s].answers[flat]
    }

    /// Whether the present answer `q` of instance `i` is within its range (decided once; its
    /// bounds may read earlier answers, which are themselves read through ``answer(_:_:_:)``).
    func withinRange(_ s: Int, _ q: Int, _ i: Int) -> Bool {
        let flat = i * frames[s].nQ + q
        switch frames[s].rangeState[flat] {
        case 1: return true
        case 2, 3: return false
        case 0 where shouldForce():
            force(plan.graph.containerCount + plan.scopeQuestions[s][q], scope: s, instance: i)
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
        let info = ev.questions[plan.scopeQuestions[s][q]]
        let value = frames[s].answers[i * frames[s].nQ + q]
        let c = ctx(scope: s, instance: i)
        let lo = info.min.map { eval($0, c) } ?? .unknown
        let hi = info.max.map { eval($0, c) } ?? .unknown
        var outside = false
        if let o = Value.order(value, lo), o < 0 { outside = true }
        if let o = Value.order(value, hi), o > 0 { outside = true }
        return (lo, hi, outside)
    }

    func derivedValue(_ s: Int, _ d: Int, _ i: Int) -> Value {
        guard i >= 0, i < frames[s].count else { return .unknown }
        let flat = i * frames[s].nD + d
        switch frames[s].dState[flat] {
        case 1: return frames[s].dValues[flat]
        case 3: return .unknown
        case 0 where shouldForce():
            force(plan.graph.containerCount + plan.graph.questionCount + plan.scopeDerived[s][d], scope: s, instance: i)
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
        case .position(let slot):
            let i = instance(slot, c)
            return i >= 0 ? .int(i + 1) : .unknown
        case .count(let r): return .int(memberCount[r])
        case .any(let r, let inner): return evalAny(r, inner, c)
        case .countWhere(let r, let inner): return evalCountWhere(r, inner, c)
        case .not(let a): return evalNot(a, c)
        case .negate(let a): return evalNegate(a, c)
        case .and(let a, let b): return evalAnd(a, b, c)
        case .or(let a, let b): return evalOr(a, b, c)
        case .compare(let op, let a, let b): return evalCompare(op, a, b, c)
        case .arithmetic(let op, let a, let b): return evalArithmetic(op, a, b, c)
        case .contains(let a, let b): return evalContains(a, b, c)
        case .member(let a, let items, let negated): return evalMember(a, items, negated, c)
        case .answered(let a, let negated): return .bool(eval(a, c).isKnown != negated)
        case .yearsBetween(let a, let b): return evalYearsBetween(a, b, c)
        case .join(let items): return evalJoin(items, c)
        }
    }

    func evalAny(_ r: Int, _ inner: CExpr, _ c: Ctx) -> Value {
        var sawUnknown = false
        for m in 0..<memberCount[r] {
            var mc = c
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

    // MARK: Findings

    func finish() -> Evaluation {
        var applicable: [ApplicableQuestion] = []
        var derivedOut: [DerivedResult] = []
        var applicableCount = 0, answeredCount = 0
        let schema = ev.schema

        var skippedRoster = [Bool](repeating: false, count: ev.rosters.count)
        for (r, roster) in ev.rosters.enumerated() {
            let c = ev.containers[roster.container]
            let rosterApplies = containerApplies(roster.container, Ctx())
            let n = memberCount[r]
            if !rosterApplies {
                skippedRoster[r] = true
                if n > 0 {
                    add("not_applicable", .notApplicable, "$." + roster.id, Messages.text("not_applicable", language, [roster.id]), question: roster.id)
                }
                continue
            }
            _ = c
            if n < roster.minMembers || n > roster.maxMembers || (rosterPresent[r] && n == Run.hardMemberLimit) {
                add("roster_size", .error, "$." + roster.id,
                    Messages.text("roster_size", language, [String(rosterLength[r] ?? n), roster.id, String(roster.minMembers), String(roster.maxMembers)]),
                    question: roster.id)
            }
        }

        for s in 0..<scopeCount {
            let info = ev.scopes[s]
            // A roster that is not asked is reported once, as a whole, above.
            if info.roster >= 0, skippedRoster[info.roster] { continue }
            let nQ = frames[s].nQ
            let nD = frames[s].nD
            for i in 0..<frames[s].count {
                for q in 0..<nQ {
                    let flat = i * nQ + q
                    let present = frames[s].present[flat]
                    let gi = info.questions[q]
                    if !applies(s, q, i) {
                        if present != 0 {
                            let question = schema.questions[gi]
                            add("not_applicable", .notApplicable, path(scope: s, instance: i, local: q),
                                Messages.text("not_applicable", language, [question.id]), question: question.id)
                        }
                        continue
                    }
                    applicableCount += 1
                    // An answer outside its range is refused like any invalid one: not answered.
                    let usable = present == 1 && (!frames[s].hasRange[q] || withinRange(s, q, i))
                    if usable {
                        answeredCount += 1
                    } else if present == 1 {
                        reportOutOfRange(s, q, i, gi)
                    } else if present == 0, plan.qRequired[gi] {
                        let question = schema.questions[gi]
                        add("required", .error, path(scope: s, instance: i, local: q),
                            Messages.text("required", language, [render(localized(question.label), scope: s, instance: i, container: ev.questions[gi].container)]),
                            question: question.id)
                    }
                    if options.includeApplicable {
                        applicable.append(ApplicableQuestion(question: schema.questions[gi].id, path: path(scope: s, instance: i, local: q), answered: usable))
                    }
                }
                if options.includeDerived {
                    for d in 0..<nD {
                        let v = derivedValue(s, d, i)
                        derivedOut.append(DerivedResult(path: basePath(scope: s, instance: i) + "." + schema.derived[info.derived[d]].id, value: v))
                    }
                }
                for k in info.checks { runCheck(k, s, i) }
            }
        }
        for p in pending where frames[p.scope].qState[p.index] == 1 {
            guard let number = p.outOfRange else { findings.append(p.finding); continue }
            var f = p.finding
            let q = p.index % frames[p.scope].nQ, i = p.index / frames[p.scope].nQ
            f.message = outOfRangeMessage(s: p.scope, q: q, i: i, shown: Run.describe(number), low: .unknown, high: .unknown)
            findings.append(f)
        }
        return Evaluation(findings: findings, applicable: applicable, derived: derivedOut, applicableCount: applicableCount, answeredCount: answeredCount)
    }

    func reportOutOfRange(_ s: Int, _ q: Int, _ i: Int, _ gi: Int) {
        let (lo, hi, _) = range(s, q, i)
        let value = frames[s].answers[i * frames[s].nQ + q]
        add("out_of_range", .error, path(scope: s, instance: i, local: q),
            outOfRangeMessage(s: s, q: q, i: i, shown: value.description, low: lo, high: hi), question: ev.schema.questions[gi].id)
    }

    /// "`shown` is outside the allowed range (low to high)". For a question with bounds, those not
    /// given here are evaluated; a bound that is open or unknown is "…", except for numbers: the
    /// largest exact whole number (±``Value/maximumExactInteger``) or the largest decimal (±1.8e308).
    func outOfRangeMessage(s: Int, q: Int, i: Int, shown: String, low: Value, high: Value) -> String {
        let gi = plan.scopeQuestions[s][q]
        let info = ev.questions[gi]
        let c = ctx(scope: s, instance: i)
        let lo = low.isKnown ? low : info.min.map { eval($0, c) } ?? .unknown
        let hi = high.isKnown ? high : info.max.map { eval($0, c) } ?? .unknown
        // An open bound of a number is the limit of what an answer can hold.
        let limit: String? = plan.qTag[gi] == 1 ? String(Value.maximumExactInteger) : plan.qTag[gi] == 2 ? "1.8e308" : nil
        let loText = lo.isKnown ? lo.description : limit.map { "-" + $0 } ?? "…"
        let hiText = hi.isKnown ? hi.description : limit ?? "…"
        return Messages.text("out_of_range", language, [shown, loText, hiText])
    }

    /// A JSON number as a message shows it: an integer in full, others in Swift's shortest
    /// spelling; one beyond every `Double` as "a number beyond ±1.8e308".
    static func describe(_ number: JSONValue) -> String {
        switch number {
        case .integer(let n): return String(n)
        case .double(let d) where d.isFinite: return d.rounded() == d && d.magnitude < 1e16 ? String(Int(d)) : String(d)
        case .double(let d): return d < 0 ? "-1.8e308 or less" : "1.8e308 or more"
        default: return number.kindName
        }
    }

    /// Whether check `k` fires for instance `i` of its scope: its container applies and its condition is known true.
    package func checkFires(_ k: Int, _ s: Int, _ i: Int) -> Bool {
        let info = ev.checks[k]
        let c = ctx(scope: s, instance: i)
        if info.container >= 0, !containerApplies(info.container, c) { return false }
        if case .bool(true) = eval(info.when, c) { return true }
        return false
    }

    func runCheck(_ k: Int, _ s: Int, _ i: Int) {
        let info = ev.checks[k]
        let c = ctx(scope: s, instance: i)
        guard checkFires(k, s, i) else { return }
        let check = ev.schema.checks[k]
        if check.severity == .confirm, confirmed[k]?.contains(i) == true { return }
        var path = basePath(scope: s, instance: i)
        if info.target >= 0 {
            let tq = ev.questions[info.target]
            if tq.scope == s {
                path += "." + ev.schema.questions[info.target].id
            } else if tq.scope == 0 {
                path = "$." + ev.schema.questions[info.target].id
            } else if case .pair = ev.scopes[s].kind {
                // A pair check aimed at a member question: point at the person described.
                path = basePath(scope: tq.scope, instance: c.person) + "." + ev.schema.questions[info.target].id
            }
        } else if info.targetRoster >= 0 {
            path = "$." + ev.rosters[info.targetRoster].id
        }
        let severity: Finding.Severity
        switch check.severity {
        case .error: severity = .error
        case .warning: severity = .warning
        case .confirm: severity = .confirm
        }
        add(
            (check.severity == .confirm ? "confirm." : "check.") + check.id, severity, path,
            render(localized(check.message), scope: s, instance: i, container: info.container), check: check.id)
    }

    func localized(_ text: LocalizedText) -> String {
        text[language] ?? ev.schema.languages.first.flatMap { text[$0] } ?? text.values.first ?? ""
    }

    // MARK: Piping

    /// Fills `{name}`, `{person.name}` and the `{self|proxy}` switch.
    func render(_ text: String, scope s: Int, instance i: Int, container: Int) -> String {
        if !text.contains("{") && !text.contains("}") { return text }
        let c = ctx(scope: s, instance: i)
        var isSelf: Bool?
        func selfHolds() -> Bool {
            if let isSelf { return isSelf }
            var k = container
            var result = false
            var steps = 0
            while k >= 0, steps < 64 {
                if let w = ev.containers[k].selfWhen {
                    if case .bool(true) = eval(w, c) { result = true }
                    break
                }
                k = ev.containers[k].parent
                steps += 1
            }
            isSelf = result
            return result
        }
        /// A value not known (not answered, refused, skipped): a member's name not given yet
        /// ("Are you {name}?" before the name is known) reads "person 2" ("person" is Welsh as
        /// well as English); any other value "…", never another value's fallback.
        func orFallback(_ value: Value, namesMember: Bool, _ scope: Int, _ instance: Int) -> String {
            if value.isKnown { return value.description }
            if namesMember, case .member = ev.scopes[scope].kind, instance >= 0 { return "person \(instance + 1)" }
            return "…"
        }
        func lookup(_ name: String) -> String {
            var scope = s
            var inst = i
            var id = name
            if name.hasPrefix("person.") || name.hasPrefix("other."), case .pair = ev.scopes[s].kind {
                let roster = ev.scopes[s].roster
                scope = ev.rosters[roster].memberScope
                inst = name.hasPrefix("person.") ? c.person : c.other
                id = String(name.drop { $0 != "." }.dropFirst())
            }
            for sc in [scope, 0] {
                let useInst = sc == scope ? inst : 0
                if let q = ev.scopes[sc].questionIndex[id] {
                    let v = answer(sc, q, useInst)
                    if case .option(let o) = v, case .oneOf(let list) = ev.questions[ev.scopes[sc].questions[q]].kind,
                        let opt = ev.schema.choiceLists.first(where: { $0.id == list.id })?.options.first(where: { $0.id == o })
                    {
                        return localized(opt.label)
                    }
                    return orFallback(v, namesMember: plan.qNamesMember[ev.scopes[sc].questions[q]], sc, useInst)
                }
                if let d = ev.scopes[sc].derivedIndex[id] {
                    return orFallback(derivedValue(sc, d, useInst), namesMember: plan.dNamesMember[ev.scopes[sc].derived[d]], sc, useInst)
                }
            }
            return "{" + name + "}"
        }
        func expand(_ chars: ArraySlice<Character>) -> String {
            var out = ""
            var k = chars.startIndex
            while k < chars.endIndex {
                let ch = chars[k]
                if ch == "{" && k + 1 < chars.endIndex && chars[k + 1] == "{" { out.append("{"); k += 2; continue }
                if ch == "}" && k + 1 < chars.endIndex && chars[k + 1] == "}" { out.append("}"); k += 2; continue }
                if ch != "{" { out.append(ch); k += 1; continue }
                // Find the matching close brace and a top-level bar.
                var depth = 0
                var j = k
                var bar = -1
                while j < chars.endIndex {
                    if chars[j] == "{" { depth += 1 } else if chars[j] == "}" {
                        depth -= 1
                        if depth == 0 { break }
                    } else if chars[j] == "|" && depth == 1 && bar < 0 { bar = j }
                    j += 1
                }
                if j >= chars.endIndex { out.append(contentsOf: String(chars[k...])); break }
                if bar >= 0 {
                    out += selfHolds() ? expand(chars[(k + 1)..<bar]) : expand(chars[(bar + 1)..<j])
                } else {
                    out += lookup(String(chars[(k + 1)..<j]).trimmingSpaces)
                }
                k = j + 1
            }
            return out
        }
        return expand(ArraySlice(Array(text)))
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
