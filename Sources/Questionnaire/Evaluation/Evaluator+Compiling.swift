extension Evaluator {
    // MARK: Compiling expressions

    func resolve(_ id: String, _ subject: Expression.Subject, in s: Int, outer: Int?, derived: Bool) throws(EvaluatorError) -> (Int, Int, Slot) {
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
        case .outer:
            guard let o = outer, scopes[o].kind == .member else { throw EvaluatorError("outer.\(id) used outside count(...) or any(...) in a member's scope") }
            candidates = [(o, .outer), (0, .household)]
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

    /// `outer`: the scope around a `count`/`any` condition, which `outer.NAME` reads.
    func compile(_ e: Expression, in s: Int, outer: Int? = nil) throws(EvaluatorError) -> CExpr {
        func sub(_ e: Expression) throws(EvaluatorError) -> CExpr { try compile(e, in: s, outer: outer) }
        func slot(_ subject: Expression.Subject) throws(EvaluatorError) -> Slot {
            switch subject {
            case .household: throw EvaluatorError("a member value of the household")
            case .member: return .member
            case .person: return .person
            case .other: return .other
            case .outer: return .outer
            }
        }
        func rosterOf(_ subject: Expression.Subject) throws(EvaluatorError) -> Int {
            let scope = subject == .outer ? (outer ?? -1) : s
            guard scope >= 0, scopes[scope].roster >= 0 else { throw EvaluatorError("respondent used outside a roster") }
            return scopes[scope].roster
        }
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
            let (scope, index, slot) = try resolve(id, subject, in: s, outer: outer, derived: false)
            return .answer(scope: scope, index: index, slot: slot)
        case .derived(let id, let subject):
            let (scope, index, slot) = try resolve(id, subject, in: s, outer: outer, derived: true)
            return .derived(scope: scope, index: index, slot: slot)
        case .position(let subject):
            if subject == .household { return .literal(.unknown) }
            return .position(try slot(subject))
        case .respondent(let subject):
            if subject == .household { return .literal(.bool(false)) }
            return .respondent(roster: try rosterOf(subject), try slot(subject))
        case .builtin(let b):
            switch b {
            case .today: return .today
            case .variant: return .variant
            case .householdAddress: return .householdAddress
            }
        case .at(let roster, let position, let inner):
            guard let r = rosterIndex[roster] else { throw EvaluatorError("\(roster)[\(position)]: unknown roster") }
            guard position >= 1 else { throw EvaluatorError("\(roster)[\(position)]: positions start at 1") }
            return .at(roster: r, index: position - 1, try compile(inner, in: rosters[r].memberScope))
        case .addressPart(let inner, let part): return .addressPart(try sub(inner), part)
        case .count(let roster):
            guard let r = rosterIndex[roster] else { throw EvaluatorError("count: unknown roster \(roster)") }
            return .count(roster: r)
        case .any(let roster, let inner):
            guard let r = rosterIndex[roster] else { throw EvaluatorError("any: unknown roster \(roster)") }
            return .any(roster: r, try compile(inner, in: rosters[r].memberScope, outer: scopes[s].kind == .member ? s : nil))
        case .countWhere(let roster, let inner):
            guard let r = rosterIndex[roster] else { throw EvaluatorError("count: unknown roster \(roster)") }
            return .countWhere(roster: r, try compile(inner, in: rosters[r].memberScope, outer: scopes[s].kind == .member ? s : nil))
        case .unary(let op, let a):
            return op == .not ? .not(try sub(a)) : .negate(try sub(a))
        case .binary(let op, let a, let b):
            let ca = try sub(a)
            let cb = try sub(b)
            switch op {
            case .and: return .and(ca, cb)
            case .or: return .or(ca, cb)
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return .compare(op, ca, cb)
            case .add, .subtract, .multiply, .divide: return .arithmetic(op, ca, cb)
            case .contains: return .contains(ca, cb)
            }
        case .member(let x, let items, let negated):
            var compiled: [CExpr] = []
            for item in items { compiled.append(try sub(item)) }
            return .member(try sub(x), compiled, negated: negated)
        case .answered(let x, let negated): return .answered(try sub(x), negated: negated)
        case .call(let f, let args):
            var compiled: [CExpr] = []
            for a in args { compiled.append(try sub(a)) }
            switch f {
            case .yearsBetween:
                guard compiled.count == 2 else { throw EvaluatorError("years_between takes 2 arguments") }
                return .yearsBetween(compiled[0], compiled[1])
            case .join: return .join(compiled)
            }
        }
    }
}
