extension Evaluator {
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
}
