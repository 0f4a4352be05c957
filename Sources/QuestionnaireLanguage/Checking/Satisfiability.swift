import Questionnaire

/// A closed range of numbers: whole numbers, days (dates) or months (month-years).
struct Interval: Equatable {
    enum Unit: Equatable { case number, day, month }
    var low: Double
    var high: Double
    var unit: Unit

    static func point(_ v: Double, _ unit: Unit) -> Interval { Interval(low: v, high: v, unit: unit) }
    var isEmpty: Bool { low > high }

    /// The value of a constant expression (`16`, `census_date - 115y`), as a point in its unit.
    static func constant(_ e: Expression) -> Interval? {
        guard let v = Interval.fold(e) else { return nil }
        switch v {
        case .integer(let i): return .point(Double(i), .number)
        case .decimal(let d): return .point(d, .number)
        case .date(let d): return .point(Double(d.dayNumber), .day)
        case .monthYear(let m): return .point(Double(m.monthNumber), .month)
        default: return nil
        }
    }

    static func > (a: Interval, b: Interval) -> Bool { a.unit == b.unit && a.low > b.high }

    /// Folds literals and date arithmetic on literals.
    static func fold(_ e: Expression) -> Expression.Literal? {
        switch e {
        case .literal(let l): return l
        case .unary(.negate, let inner):
            switch fold(inner) {
            case .integer(let i)?: return .integer(-i)
            case .decimal(let d)?: return .decimal(-d)
            default: return nil
            }
        case .binary(let op, let a, let b) where op == .add || op == .subtract:
            guard let x = fold(a), let y = fold(b) else { return nil }
            let sign = op == .add ? 1 : -1
            switch (x, y) {
            case (.integer(let i), .integer(let j)): return .integer(i + sign * j)
            case (.date(let d), .duration(let u)): return d.adding(sign == 1 ? u : u.negated).map { .date($0) }
            case (.monthYear(let m), .duration(let u)): return m.adding(sign == 1 ? u : u.negated).map { .monthYear($0) }
            default: return nil
            }
        default: return nil
        }
    }
}

/// Finds conditions that can never hold: a question that is never asked, a section never
/// shown, a check that never fires. It reasons about ranges of numbers and dates, option sets
/// and `is answered`, and says nothing when unsure, so what it reports is certain.
struct Satisfiability {
    let checker: Checker
    let schema: Schema
    var containerByID: [String: Container] = [:]
    var questionsByScope: [String: Question] = [:]
    var derivedByScope: [String: DerivedValue] = [:]
    var listByID: [String: ChoiceList] = [:]
    var endingByID: [String: Ending] = [:]
    let endingFacts = EndingFactsCache()

    init(checker: Checker, schema: Schema) {
        self.checker = checker
        self.schema = schema
        // The first ending of an id, as a search in order would find it.
        for e in schema.endings where endingByID[e.id] == nil { endingByID[e.id] = e }
        for c in schema.containers { containerByID[c.id] = c }
        for q in schema.questions { questionsByScope["\(q.scope)/\(q.id)"] = q }
        for d in schema.derived { derivedByScope["\(d.scope)/\(d.id)"] = d }
        for l in schema.choiceLists { listByID[l.id] = l }
    }

    // MARK: Formulas

    enum Atom {
        case compare(Expression, Expression.BinaryOperator, Interval)
        case options(Expression, Set<String>, negated: Bool)
        case contains(Expression, String, negated: Bool)
        case answered(Expression, negated: Bool)
        /// A comparison no answer read by a condition can meet, and why.
        case impossible(String)
        case opaque
    }

    /// A condition in disjunctive normal form: any of the conjunctions; `nil` when too large to expand.
    typealias DNF = [[Atom]]
    static let maximumConjunctions = 256

    /// The scopes the formula's references are read in, to find declarations.
    struct Frame {
        var roster: String?
        var pairRoster: String?
    }

    func dnf(_ e: Expression, negated: Bool, _ frame: Frame, depth: Int = 0) -> DNF? {
        guard depth < 24 else { return [[.opaque]] }
        switch e {
        case .unary(.not, let inner): return dnf(inner, negated: !negated, frame, depth: depth + 1)
        case .binary(.and, let a, let b), .binary(.or, let a, let b):
            guard case .binary(let op, _, _) = e else { return nil }
            let isAnd = (op == .and) != negated
            guard let x = dnf(a, negated: negated, frame, depth: depth + 1), let y = dnf(b, negated: negated, frame, depth: depth + 1) else { return nil }
            if !isAnd { return x.count + y.count > Satisfiability.maximumConjunctions ? nil : x + y }
            if x.count * y.count > Satisfiability.maximumConjunctions { return nil }
            var out: DNF = []
            for p in x { for q in y { out.append(p + q) } }
            return out
        case .literal(.bool(let b)): return b != negated ? [[]] : []
        case .derived(let id, let subject):
            // A derived condition stands for its definition.
            if let d = derived(id, subject, frame), d.valueType == "bool" {
                return dnf(resubject(d.expression, subject), negated: negated, frame, depth: depth + 1)
            }
            return [[.opaque]]
        case .answered(let key, let n): return [[.answered(key, negated: n != negated)]]
        case .member(let key, let items, let n):
            let neg = n != negated
            let options = items.compactMap { item -> String? in if case .literal(.option(let o)) = item { return o } else { return nil } }
            if options.count == items.count { return [[.options(key, Set(options), negated: neg)]] }
            let points = items.compactMap(Interval.constant)
            guard points.count == items.count else { return [[.opaque]] }
            if neg { return [points.map { .compare(key, .notEqual, $0) }] }
            return points.map { [.compare(key, .equal, $0)] }
        case .binary(.contains, let key, .literal(.option(let o))): return [[.contains(key, o, negated: negated)]]
        case .binary(let op, let a, let b) where [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(op):
            if let x = Interval.constant(a), let y = Interval.constant(b), x.unit == y.unit {
                // Two constants: the comparison is simply true or false.
                let holds = Satisfiability.compare(x.low, op, y.low) != negated
                return holds ? [[]] : []
            }
            let (key, constant, flipped): (Expression, Expression, Bool)
            if Interval.fold(b) != nil { (key, constant, flipped) = (a, b, false) }
            else if Interval.fold(a) != nil { (key, constant, flipped) = (b, a, true) }
            else {
                let op = negated ? Satisfiability.negate(op) : op
                if let why = outsideOwnRange(a, op, b, frame) ?? outsideOwnRange(b, Satisfiability.flip(op), a, frame) {
                    return [[.impossible(why)]]
                }
                return [[.opaque]]
            }
            var op = flipped ? Satisfiability.flip(op) : op
            if negated { op = Satisfiability.negate(op) }
            if case .literal(.option(let o)) = constant {
                guard op == .equal || op == .notEqual else { return [[.opaque]] }
                return [[.options(key, [o], negated: op == .notEqual)]]
            }
            guard var point = Interval.constant(constant) else { return [[.opaque]] }
            // A month-year compared with a date compares months.
            if point.unit == .day, unit(of: key, frame) == .month, let d = CalendarDate(dayNumber: Int(point.low)) {
                point = .point(Double(MonthYear(d).monthNumber), .month)
            }
            return [[.compare(key, op, point)]]
        default: return [[.opaque]]
        }
    }

    /// `arrival < dob` where arrival is `month_year dob ... census_date`: an answer outside its
    /// range is refused and reads as not answered, so no condition ever sees one below its lower
    /// bound or above its upper bound (here, an arrival before the date of birth).
    func outsideOwnRange(_ key: Expression, _ op: Expression.BinaryOperator, _ other: Expression, _ frame: Frame) -> String? {
        guard case .answer(let id, let subject) = key, let q = question(id, subject, frame) else { return nil }
        let bounds: (Expression?, Expression?)
        switch q.type {
        case .integer(let lo, let hi), .decimal(let lo, let hi), .date(let lo, let hi), .monthYear(let lo, let hi): bounds = (lo, hi)
        default: return nil
        }
        // The bounds are read in the question's own scope: compare them as the question sees them.
        guard subject == .member || subject == .household else { return nil }
        let refused = "an answer outside its range is refused before any condition or check reads it"
        if op == .less, let lo = bounds.0, lo == other {
            return "\(name(key)) is never below its range's lower bound \(name(other)): \(refused)"
        }
        if op == .greater, let hi = bounds.1, hi == other {
            return "\(name(key)) is never above its range's upper bound \(name(other)): \(refused)"
        }
        return nil
    }

    static func flip(_ op: Expression.BinaryOperator) -> Expression.BinaryOperator {
        switch op {
        case .less: return .greater
        case .lessOrEqual: return .greaterOrEqual
        case .greater: return .less
        case .greaterOrEqual: return .lessOrEqual
        default: return op
        }
    }

    static func negate(_ op: Expression.BinaryOperator) -> Expression.BinaryOperator {
        switch op {
        case .equal: return .notEqual
        case .notEqual: return .equal
        case .less: return .greaterOrEqual
        case .lessOrEqual: return .greater
        case .greater: return .lessOrEqual
        case .greaterOrEqual: return .less
        default: return op
        }
    }

    /// A derived value's definition as seen from `subject` (person.age means age of the person).
    func resubject(_ e: Expression, _ subject: Expression.Subject) -> Expression {
        guard subject == .person || subject == .other else { return e }
        func walk(_ e: Expression) -> Expression {
            switch e {
            case .answer(let id, .member): return .answer(id, subject)
            case .derived(let id, .member): return .derived(id, subject)
            case .unary(let op, let x): return .unary(op, walk(x))
            case .binary(let op, let a, let b): return .binary(op, walk(a), walk(b))
            case .member(let x, let items, let n): return .member(walk(x), items.map(walk), negated: n)
            case .answered(let x, let n): return .answered(walk(x), negated: n)
            case .call(let f, let args): return .call(f, args.map(walk))
            default: return e
            }
        }
        return walk(e)
    }

    // MARK: Declarations and domains

    func scopeKey(_ subject: Expression.Subject, _ frame: Frame) -> String? {
        switch subject {
        case .household: return "household"
        case .member: return frame.roster.map { "member:\($0)" }
        case .person, .other: return frame.pairRoster.map { "member:\($0)" }
        case .outer: return nil
        }
    }

    func question(_ id: String, _ subject: Expression.Subject, _ frame: Frame) -> Question? {
        guard let scope = scopeKey(subject, frame) else { return nil }
        return questionsByScope["\(scope)/\(id)"] ?? (subject == .household ? questionsByScope["pair:\(frame.pairRoster ?? "")/\(id)"] : nil)
    }

    func derived(_ id: String, _ subject: Expression.Subject, _ frame: Frame) -> DerivedValue? {
        guard let scope = scopeKey(subject, frame) else { return nil }
        return derivedByScope["\(scope)/\(id)"]
    }

    func unit(of key: Expression, _ frame: Frame) -> Interval.Unit? { domain(key, frame, depth: 0)?.unit }

    /// The values an expression can take, from declared ranges, when that can be known.
    func domain(_ e: Expression, _ frame: Frame, depth: Int) -> Interval? {
        guard depth < 16 else { return nil }
        switch e {
        case .literal: return Interval.constant(e)
        case .answer(let id, let subject):
            guard let q = question(id, subject, frame) else { return nil }
            func range(_ lo: Expression?, _ hi: Expression?, _ unit: Interval.Unit) -> Interval {
                let low = lo.flatMap(Interval.constant)?.low ?? -Double.infinity
                let high = hi.flatMap(Interval.constant)?.high ?? Double.infinity
                return Interval(low: low, high: high, unit: unit)
            }
            switch q.type {
            case .integer(let lo, let hi), .decimal(let lo, let hi): return range(lo, hi, .number)
            case .date(let lo, let hi): return range(lo, hi, .day)
            case .monthYear(let lo, let hi):
                var r = range(lo, hi, .month)
                // Bounds given as dates count as their months.
                for (bound, isLow) in [(lo, true), (hi, false)] {
                    if let b = bound, let c = Interval.constant(b), c.unit == .day, let d = CalendarDate(dayNumber: Int(c.low)) {
                        if isLow { r.low = Double(MonthYear(d).monthNumber) } else { r.high = Double(MonthYear(d).monthNumber) }
                    }
                }
                return r
            default: return nil
            }
        case .derived(let id, let subject):
            guard let d = derived(id, subject, frame) else { return nil }
            return domain(resubject(d.expression, subject), frame, depth: depth + 1)
        case .position:
            let max = frame.roster.flatMap { containerByID[$0]?.maxMembers } ?? 1000
            return Interval(low: 1, high: Double(max), unit: .number)
        case .count(let roster):
            let c = containerByID[roster]
            return Interval(low: Double(c?.minMembers ?? 0), high: Double(c?.maxMembers ?? 1000), unit: .number)
        case .countWhere(let roster, _):
            return Interval(low: 0, high: Double(containerByID[roster]?.maxMembers ?? 1000), unit: .number)
        case .unary(.negate, let x):
            guard let i = domain(x, frame, depth: depth + 1) else { return nil }
            return Interval(low: -i.high, high: -i.low, unit: i.unit)
        case .binary(let op, let a, let b) where op == .add || op == .subtract:
            if case .literal(.duration(let u)) = b, let i = domain(a, frame, depth: depth + 1) {
                let r = i.unit == .month
                    ? (u.unit == .years ? Double(12 * u.amount)...Double(12 * u.amount) : u.unit == .months ? Double(u.amount)...Double(u.amount) : Double(u.dayRange.lowerBound / 31)...Double(u.dayRange.upperBound / 28 + 1))
                    : Double(u.dayRange.lowerBound)...Double(u.dayRange.upperBound)
                return op == .add
                    ? Interval(low: i.low + r.lowerBound, high: i.high + r.upperBound, unit: i.unit)
                    : Interval(low: i.low - r.upperBound, high: i.high - r.lowerBound, unit: i.unit)
            }
            guard let x = domain(a, frame, depth: depth + 1), let y = domain(b, frame, depth: depth + 1),
                x.unit == .number, y.unit == .number
            else { return nil }
            return op == .add
                ? Interval(low: x.low + y.low, high: x.high + y.high, unit: .number)
                : Interval(low: x.low - y.high, high: x.high - y.low, unit: .number)
        case .call(.yearsBetween, let args) where args.count == 2:
            guard let a = domain(args[0], frame, depth: depth + 1), let b = domain(args[1], frame, depth: depth + 1),
                a.unit == .day, b.unit == .day
            else { return nil }
            // Whole years lie between days/366 and days/365.
            let lowDays = b.low - a.high
            let highDays = b.high - a.low
            func years(_ days: Double, upper: Bool) -> Double {
                guard days.isFinite else { return days }
                if days >= 0 { return upper ? (days / 365).rounded(.down) : (days / 366).rounded(.down) }
                return upper ? -((-days) / 366).rounded(.down) : -((-days) / 365).rounded(.down) - 1
            }
            return Interval(low: years(lowDays, upper: false), high: years(highDays, upper: true), unit: .number)
        default: return nil
        }
    }

    func isWhole(_ key: Expression, _ frame: Frame) -> Bool {
        switch key {
        case .answer(let id, let s):
            if let q = question(id, s, frame), case .decimal = q.type { return false }
            return true
        case .derived(let id, let s): return derived(id, s, frame)?.valueType != "decimal"
        default: return true
        }
    }

    // MARK: Deciding

    static func compare(_ x: Double, _ op: Expression.BinaryOperator, _ y: Double) -> Bool {
        switch op {
        case .equal: return x == y
        case .notEqual: return x != y
        case .less: return x < y
        case .lessOrEqual: return x <= y
        case .greater: return x > y
        case .greaterOrEqual: return x >= y
        default: return false
        }
    }

    /// Why a conjunction cannot hold, or `nil` when it may.
    func contradiction(_ atoms: [Atom], _ frame: Frame) -> String? {
        struct Bounds {
            var low = -Double.infinity
            var high = Double.infinity
            var excluded: [Double] = []
            var unit: Interval.Unit?
            /// The bounds from the comparisons alone, without the declared range.
            var statedLow = -Double.infinity
            var statedHigh = Double.infinity
        }
        var bounds: [Expression: Bounds] = [:]
        var allowed: [Expression: Set<String>] = [:]
        var forbidden: [Expression: Set<String>] = [:]
        var includes: [Expression: Set<String>] = [:]
        var excludes: [Expression: Set<String>] = [:]
        var answered: [Expression: Bool] = [:]
        var valued: Set<Expression> = []

        for atom in atoms {
            switch atom {
            case .opaque: continue
            case .impossible(let why): return why
            case .answered(let key, let negated):
                if let previous = answered[key], previous == negated { return "\(name(key)) cannot be both answered and not answered" }
                answered[key] = !negated
            case .options(let key, let set, let negated):
                valued.insert(key)
                if negated { forbidden[key, default: []].formUnion(set) } else { allowed[key] = allowed[key].map { $0.intersection(set) } ?? set }
            case .contains(let key, let option, let negated):
                valued.insert(key)
                if negated { excludes[key, default: []].insert(option) } else { includes[key, default: []].insert(option) }
            case .compare(let key, let op, let point):
                valued.insert(key)
                var b = bounds[key] ?? {
                    var b = Bounds()
                    if let d = domain(key, frame, depth: 0), d.unit == point.unit { b.low = d.low; b.high = d.high }
                    return b
                }()
                if let unit = b.unit, unit != point.unit { continue }
                b.unit = point.unit
                let whole = point.unit != .number || isWhole(key, frame)
                let step = whole ? 1.0 : 1e-9
                let v = point.low
                var low = -Double.infinity
                var high = Double.infinity
                switch op {
                case .equal: low = v; high = v
                case .notEqual: b.excluded.append(v)
                case .less: high = whole ? (v - step).rounded(.up) : v - step
                case .lessOrEqual: high = whole ? v.rounded(.down) : v
                case .greater: low = whole ? (v + step).rounded(.down) : v + step
                case .greaterOrEqual: low = whole ? v.rounded(.up) : v
                default: break
                }
                b.low = max(b.low, low)
                b.high = min(b.high, high)
                b.statedLow = max(b.statedLow, low)
                b.statedHigh = min(b.statedHigh, high)
                bounds[key] = b
            }
        }
        for key in valued where answered[key] == false {
            return "\(name(key)) must be unanswered and have a value at once"
        }
        for (key, b) in bounds {
            let empty = b.low > b.high || (b.low == b.high && b.excluded.contains(b.low))
            guard empty else { continue }
            let statedEmpty = b.statedLow > b.statedHigh || (b.statedLow == b.statedHigh && b.excluded.contains(b.statedLow))
            if statedEmpty { return "no value of \(name(key)) can meet all of these comparisons at once" }
            return explainBounds(key, frame)
        }
        for (key, set) in allowed {
            let remaining = set.subtracting(forbidden[key] ?? [])
            if remaining.isEmpty { return "no option of \(name(key)) meets all of its comparisons" }
        }
        for (key, set) in includes {
            if let clash = set.intersection(excludes[key] ?? []).first {
                return "\(name(key)) cannot both contain and not contain '\(clash)'"
            }
            if set.count > 1, let list = listOf(key, frame) {
                let exclusive = Set(list.options.filter(\.exclusive).map(\.id))
                if let only = set.intersection(exclusive).first {
                    return "'\(only)' is an exclusive option of \(name(key)): it cannot be chosen with another"
                }
            }
        }
        return nil
    }

    func listOf(_ key: Expression, _ frame: Frame) -> ChoiceList? {
        guard case .answer(let id, let s) = key, let q = question(id, s, frame), let l = q.type.choiceList else { return nil }
        return listByID[l]
    }

    func name(_ key: Expression) -> String {
        switch key {
        case .answer(let id, let s), .derived(let id, let s):
            return s == .person || s == .other ? "'\(s.rawValue).\(id)'" : "'\(id)'"
        case .count(let r): return "count(\(r))"
        case .countWhere(let r, _): return "the count of \(r)"
        case .position: return "position"
        default: return "the value"
        }
    }

    func explainBounds(_ key: Expression, _ frame: Frame) -> String {
        if let d = domain(key, frame, depth: 0), d.low.isFinite || d.high.isFinite {
            return "no value of \(name(key)) satisfies it: \(name(key)) can only be \(describe(d))"
        }
        return "no value of \(name(key)) satisfies all of its comparisons"
    }

    func describe(_ i: Interval) -> String {
        func show(_ v: Double) -> String {
            switch i.unit {
            case .number: return v == v.rounded() ? String(Int(v)) : String(v)
            case .day: return CalendarDate(dayNumber: Int(v))?.iso ?? String(Int(v))
            case .month: return MonthYear(monthNumber: Int(v))?.iso ?? String(Int(v))
            }
        }
        if i.low.isFinite && i.high.isFinite { return "from \(show(i.low)) to \(show(i.high))" }
        if i.low.isFinite { return "at least \(show(i.low))" }
        return "at most \(show(i.high))"
    }

    // MARK: Running

    func frame(for scope: Scope) -> Frame {
        switch scope {
        case .household: return Frame(roster: nil, pairRoster: nil)
        case .member(let r): return Frame(roster: r, pairRoster: nil)
        case .pair(let r): return Frame(roster: nil, pairRoster: r)
        }
    }

    func run() {
        // Conditions of the containers around a guard, innermost first.
        var reportedContainers: Set<String> = []
        for g in checker.guards {
            var path: [(Container, Expression)] = []
            var id = g.container
            var seen: Set<String> = []
            while let current = id, seen.insert(current).inserted, let c = containerByID[current] {
                if let w = c.when { path.append((c, w)) }
                id = c.parent
            }
            if path.contains(where: { reportedContainers.contains($0.0.id) }) { continue }
            // Member-scope and household-scope references share one frame: the innermost roster.
            var fr = Frame(roster: nil, pairRoster: nil)
            for (c, _) in path.reversed() { fr = merge(fr, frame(for: c.scope)) }
            if checkEndings(g, path, merge(fr, frame(for: g.scope)), &reportedContainers) { continue }
            if let own = g.own, let span = g.ownSpan {
                fr = merge(fr, frame(for: g.scope))
                guard let ownDNF = dnf(own, negated: false, fr) else { continue }
                if ownDNF.allSatisfy({ contradiction($0, fr) != nil }) {
                    let reason = ownDNF.isEmpty ? "it is always false, whatever the answers"
                        : ownDNF.first.flatMap { contradiction($0, fr) } ?? "it contradicts itself"
                    report(g, span, "can never hold", reason)
                    if let id = g.blockID { reportedContainers.insert(id) }
                    continue
                }
                guard !path.isEmpty else { continue }
                let combined = path.reduce(own) { .binary(.and, $0, $1.1) }
                guard let all = dnf(combined, negated: false, fr) else { continue }
                // Only blame this condition when the enclosing ones can hold on their own.
                let enclosing = path.dropFirst().reduce(path[0].1) { .binary(.and, $0, $1.1) }
                guard let outer = dnf(enclosing, negated: false, fr), !outer.allSatisfy({ contradiction($0, fr) != nil }) else { continue }
                if all.allSatisfy({ contradiction($0, fr) != nil }) {
                    let names = path.map { "\($0.0.kind.rawValue) '\($0.0.id)'" }.joined(separator: " and ")
                    report(g, span, "can never hold together with the condition of \(names)",
                        all.isEmpty ? "together they are always false, whatever the answers"
                            : all.first.flatMap { contradiction($0, fr) } ?? "they contradict each other")
                }
            }
        }
    }

    // MARK: Endings

    /// Whether `end ...` statements before the guarded item make it unreachable: reported
    /// (and `true` returned) when its conditions can hold, but never once no ending has fired.
    func checkEndings(_ g: Checker.Guard, _ path: [(Container, Expression)], _ fr: Frame, _ reported: inout Set<String>) -> Bool {
        var ids = g.endedBy
        var id = g.container
        var seen: Set<String> = []
        while let current = id, seen.insert(current).inserted, let c = containerByID[current] {
            ids += c.endedBy
            id = c.parent
        }
        guard !ids.isEmpty else { return false }
        var conditions: [Expression] = path.map(\.1)
        if let own = g.own { conditions.append(own) }
        let base = conditions.dropFirst().reduce(conditions.first ?? .literal(.bool(true))) { .binary(.and, $0, $1) }
        guard let baseDNF = dnf(base, negated: false, fr), !baseDNF.allSatisfy({ contradiction($0, fr) != nil }) else { return false }
        let keys = Set(baseDNF.flatMap { $0.compactMap(Satisfiability.key) })
        for e in ids {
            guard let found = endingNotFiring(e, fr) else { continue }
            let (ending, notFires, always, endingKeys) = (found.ending, found.notFires, found.always, found.keys)
            // Only endings about what this item's conditions are about can contradict them.
            if !always, keys.isDisjoint(with: endingKeys) { continue }
            guard let all = dnf(.binary(.and, base, notFires), negated: false, fr) else { continue }
            guard all.allSatisfy({ contradiction($0, fr) != nil }) else { continue }
            let line = checker.endingSpans[e].map { checker.line($0) } ?? 0
            let consequence: String
            switch g.kind {
            case .check: consequence = "can never fire"
            case .block: consequence = "is never shown"
            case .option: consequence = "is never offered"
            case .ending: consequence = "never ends the section"
            case .question: consequence = "is never asked"
            }
            let why = always ? "'end \(ending.section)' on line \(line) always ends the section before it"
                : "whenever its conditions hold, 'end \(ending.section)' on line \(line) has already ended the section"
            checker.error("never-holds", "\(g.what) \(consequence): \(why)", at: g.ownSpan ?? g.span ?? checker.endingSpans[e] ?? Span(0, 0),
                hint: always ? "move it before the 'end', or give the 'end' a condition" : "move it before the 'end', or change one of the conditions",
                notes: checker.endingSpans[e].map { [.init("the section ends here", at: $0)] } ?? [])
            if let block = g.blockID { reported.insert(block) }
            return true
        }
        return false
    }

    /// What ``checkEndings(_:_:_:_:)`` needs of an ending, the same for every item it may skip
    /// (so worked out once per ending and frame, not once per item): "it does not fire", whether
    /// that always holds, and what its conditions are about; `nil` when unknown or too large.
    func endingNotFiring(_ id: String, _ fr: Frame) -> EndingFacts? {
        let key = "\(id)\u{0}\(fr.roster ?? "")\u{0}\(fr.pairRoster ?? "")"
        if let known = endingFacts.entries[key] { return known }
        var facts: EndingFacts?
        if let ending = endingByID[id] {
            let notFires = notFiring(ending)
            if let negated = dnf(notFires, negated: false, fr) {
                let always = negated.isEmpty || negated.allSatisfy { contradiction($0, fr) != nil }
                facts = EndingFacts(ending: ending, notFires: notFires, always: always, keys: Set(negated.flatMap { $0.compactMap(Satisfiability.key) }))
            }
        }
        endingFacts.entries[key] = .some(facts)
        return facts
    }

    struct EndingFacts {
        var ending: Ending
        var notFires: Expression
        var always: Bool
        var keys: Set<Expression>
    }

    /// ``endingNotFiring(_:_:)``'s answers, by ending and frame.
    final class EndingFactsCache {
        var entries: [String: EndingFacts?] = [:]
    }

    /// "Ending `e` does not fire": its condition, or a condition of a container it stands in,
    /// is not known true. Unknown counts: an answer it reads may be unanswered.
    func notFiring(_ e: Ending) -> Expression {
        var parts: [Expression] = []
        func notKnownTrue(_ w: Expression) {
            parts.append(.unary(.not, w))
            var refs: [Expression] = []
            Satisfiability.references(w, into: &refs)
            for r in refs { parts.append(.answered(r, negated: true)) }
        }
        if let w = e.when { notKnownTrue(w) } else { parts.append(.literal(.bool(false))) }
        var id = e.container
        var seen: Set<String> = []
        while let current = id, current != e.section, seen.insert(current).inserted, let c = containerByID[current] {
            if let w = c.when { notKnownTrue(w) }
            id = c.parent
        }
        return parts.dropFirst().reduce(parts[0]) { .binary(.or, $0, $1) }
    }

    /// Answers and derived values an expression reads (not inside count/any).
    static func references(_ e: Expression, into out: inout [Expression]) {
        switch e {
        case .answer, .derived: if !out.contains(e) { out.append(e) }
        case .unary(_, let a), .answered(let a, _), .addressPart(let a, _): references(a, into: &out)
        case .binary(_, let a, let b):
            references(a, into: &out)
            references(b, into: &out)
        case .member(let a, let items, _):
            references(a, into: &out)
            for i in items { references(i, into: &out) }
        case .call(_, let args): for a in args { references(a, into: &out) }
        default: break
        }
    }

    static func key(_ atom: Atom) -> Expression? {
        switch atom {
        case .compare(let k, _, _), .options(let k, _, _), .contains(let k, _, _), .answered(let k, _): return k
        case .opaque, .impossible: return nil
        }
    }

    func merge(_ a: Frame, _ b: Frame) -> Frame {
        Frame(roster: b.roster ?? a.roster, pairRoster: b.pairRoster ?? a.pairRoster)
    }

    func report(_ g: Checker.Guard, _ span: Span, _ what: String, _ reason: String) {
        let consequence: String
        switch g.kind {
        case .check: consequence = "so \(g.what) can never fire"
        case .question: consequence = "so \(g.what) is never asked"
        case .block: consequence = "so \(g.what) is never shown"
        case .option: consequence = "so \(g.what) is never offered"
        case .ending: consequence = "so \(g.what) never ends the section"
        }
        checker.error("never-holds", "this condition \(what), \(consequence)", at: span, hint: reason)
    }
}
