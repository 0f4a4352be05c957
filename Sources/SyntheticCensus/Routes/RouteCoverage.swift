import Questionnaire
/// Finds a small set of households that together take every branch of a form: each `when`
/// (of a question or a container) both true and not true where it is reached, each check both
/// firing and passing, each `end` both ending its section and not, each option offered only
/// under a condition both offered and not, each roster at its minimum and its maximum size.
///
/// It draws ordinary households, households at the roster bounds, and mutations of them (an
/// answer a condition reads replaced by a random value of its type), measures which branches
/// each takes, and keeps a greedy set cover. Branches no candidate reaches are reported.
public struct RouteCoverage {
    /// The households chosen and how much of the form they cover.
    public struct Report: Sendable {
        /// The chosen households, each a response in the response format; together they take every
        /// reached branch.
        public var households: [JSONValue]
        /// The number of branches the chosen households take.
        public var covered: Int
        /// The number of branches of the form (two per condition, check, ending, conditional option
    /// and roster).
        public var total: Int
        /// Descriptions of the branches no household took.
        public var unreached: [String]
        /// Descriptions of every branch, in order.
        public var branches: [String]
    }

    let generator: HouseholdGenerator
    /// How many ordinary households and mutations to try (every loop is bounded by these).
    public var ordinary = 300
    /// How many mutations of covering households to try for each branch not yet taken.
    public var mutationsPerBranch = 40
    /// How many households of a roster's minimum or maximum size to try before giving up.
    static let attemptsPerRosterBound = 20

    /// Coverage drawn from `generator`'s households (its seed makes the result repeatable).
    public init(generator: HouseholdGenerator) { self.generator = generator }

    /// Branch names: `when <question>: true`, `check <id>: fires`, `roster <id>: max`, ...
    public static func branches(of ev: Evaluator) -> [String] {
        var names: [String] = []
        for (gi, q) in ev.schema.questions.enumerated() where ev.questions[gi].when != nil {
            names.append("question \(q.id) when: true")
            names.append("question \(q.id) when: false")
        }
        for (ci, c) in ev.schema.containers.enumerated() where ev.containers[ci].when != nil {
            names.append("\(c.kind.rawValue) \(c.id) when: true")
            names.append("\(c.kind.rawValue) \(c.id) when: false")
        }
        for k in ev.schema.checks {
            names.append("check \(k.id): fires")
            names.append("check \(k.id): passes")
        }
        for e in ev.schema.endings {
            names.append("end \(e.section) (\(e.id)): ends")
            names.append("end \(e.section) (\(e.id)): goes on")
        }
        for (gi, info) in ev.questions.enumerated() {
            guard let whens = info.optionWhen, let list = ev.schema.questions[gi].type.choiceList,
                let options = ev.schema.choiceLists.first(where: { $0.id == list })?.options
            else { continue }
            for (k, w) in whens.enumerated() where w != nil {
                names.append("question \(ev.schema.questions[gi].id) option \(options[k].id): offered")
                names.append("question \(ev.schema.questions[gi].id) option \(options[k].id): not offered")
            }
        }
        for r in ev.rosters {
            names.append("roster \(r.id): minimum \(r.minMembers)")
            names.append("roster \(r.id): maximum \(r.maxMembers)")
        }
        return names
    }

    /// The indices (into ``branches(of:)``) of the branches a response takes.
    public static func taken(by response: JSONValue, _ ev: Evaluator) -> Set<Int> {
        let run = Run(ev, options: EvaluationOptions())
        _ = run.evaluate(response)
        var taken = Set<Int>()
        guard run.frames[0].count == 1 else { return taken }
        var b = 0
        for (gi, info) in ev.questions.enumerated() {
            guard let w = info.when else { continue }
            _ = gi
            for i in 0..<run.frames[info.scope].count {
                let c = run.ctx(scope: info.scope, instance: i)
                if info.container >= 0, !run.containerApplies(info.container, c) { continue }
                if case .bool(true) = run.eval(w, c) { taken.insert(b) } else { taken.insert(b + 1) }
            }
            b += 2
        }
        for info in ev.containers {
            guard let w = info.when else { continue }
            let s = info.scope
            for i in 0..<run.frames[s].count {
                let c = run.ctx(scope: s, instance: i)
                if info.parent >= 0, !run.containerApplies(info.parent, c) { continue }
                if case .bool(true) = run.eval(w, c) { taken.insert(b) } else { taken.insert(b + 1) }
            }
            b += 2
        }
        for (k, info) in ev.checks.enumerated() {
            for i in 0..<run.frames[info.scope].count {
                let c = run.ctx(scope: info.scope, instance: i)
                if info.container >= 0, !run.containerApplies(info.container, c) { continue }
                taken.insert(run.checkFires(k, info.scope, i) ? b : b + 1)
            }
            b += 2
        }
        for (e, info) in ev.endings.enumerated() {
            for i in 0..<run.frames[info.scope].count {
                let c = run.ctx(scope: info.scope, instance: i)
                if info.container >= 0, !run.containerApplies(info.container, c) { continue }
                taken.insert(run.endingFires(e, c) ? b : b + 1)
            }
            b += 2
        }
        for info in ev.questions {
            guard let whens = info.optionWhen else { continue }
            for w in whens {
                guard let w else { continue }
                for i in 0..<run.frames[info.scope].count where run.applies(info.scope, info.local, i) {
                    if case .bool(true) = run.eval(w, run.ctx(scope: info.scope, instance: i)) { taken.insert(b) } else { taken.insert(b + 1) }
                }
                b += 2
            }
        }
        for (r, roster) in ev.rosters.enumerated() {
            if run.containerApplies(roster.container, Ctx()) {
                if run.memberCount[r] == roster.minMembers { taken.insert(b) }
                if run.memberCount[r] == roster.maxMembers { taken.insert(b + 1) }
            }
            b += 2
        }
        return taken
    }

    /// Draws and mutates households within the bounds above and keeps a greedy cover of the
    /// branches; deterministic for a seed. `census generate --cover-routes` prints its report.
    public func cover() -> Report {
        let ev = generator.evaluator
        let names = RouteCoverage.branches(of: ev)
        var pool: [(JSONValue, Set<Int>)] = []
        var seen = Set<Int>()
        func consider(_ h: JSONValue) {
            let t = RouteCoverage.taken(by: h, ev)
            if !t.isSubset(of: seen) || pool.count < 4 {
                pool.append((h, t))
                seen.formUnion(t)
            }
        }
        var rng = SeededRandom(seed: generator.seed, index: 0xC0FE)
        for i in 0..<ordinary { consider(generator.household(1_000_000 + i).response) }
        // Roster bounds: the smallest and the largest households the form allows.
        for (r, roster) in ev.rosters.enumerated() {
            for size in [roster.minMembers, max(roster.minMembers, 1), roster.maxMembers] {
                var comp = Composition.make(&rng, censusDate: ev.schema.censusDate, maxMembers: 8)
                let people = (0..<size).map { k in
                    Composition.person(&rng, k == 0 ? .reference : .sharer, age: rng.int(0...104), lastName: rng.pick(Composition.lastNames), ev.schema.censusDate)
                }
                if r == generator.visitors { comp.visitors = people } else { comp.people = people }
                consider(generator.household(comp, seed: UInt64(size) &+ 77, skipRate: 0))
            }
        }
        // Mutations aimed at the branches still missing.
        let bases = pool.map(\.0)
        for (branch, _) in names.enumerated() where !seen.contains(branch) {
            guard let refs = references(of: branch, ev), !refs.isEmpty else { continue }
            for _ in 0..<mutationsPerBranch {
                if bases.isEmpty { break }
                let base = rng.pick(bases)
                let mutated = mutate(base, refs, ev, &rng)
                consider(mutated)
                if seen.contains(branch) { break }
            }
        }
        // Numbers next to the ones a missing branch compares with (hours > 60: 59, 60, 61). A
        // wild number outside the question's range is refused and reads as not answered, so it
        // cannot fire a check; one beside the check's own figure can. A stream of its own, and
        // only for branches still missing, so forms covered already are unchanged.
        var nearRNG = SeededRandom(seed: generator.seed, index: 0x4EA4)
        for (branch, _) in names.enumerated() where !seen.contains(branch) {
            guard let refs = references(of: branch, ev), !refs.isEmpty, !bases.isEmpty else { continue }
            let near = literals(of: branch, ev)
            guard !near.isEmpty else { continue }
            for _ in 0..<mutationsPerBranch where !seen.contains(branch) {
                var member: Int?
                consider(mutate(nearRNG.pick(bases), refs, ev, &nearRNG, removal: 0, member: &member, near: near))
            }
        }
        // A roster asked only on some answers (roster people ... when contact == interview) may
        // not be asked of the one household of its minimum or maximum size above: try more of
        // that size, from a stream of their own (so forms covered already are unchanged).
        var boundRNG = SeededRandom(seed: generator.seed, index: 0xB0_0D)
        let rosterBranches = names.count - 2 * ev.rosters.count
        for (r, roster) in ev.rosters.enumerated() {
            for (branch, size) in [(rosterBranches + 2 * r, roster.minMembers), (rosterBranches + 2 * r + 1, roster.maxMembers)] {
                for attempt in 1..<Self.attemptsPerRosterBound where !seen.contains(branch) {
                    var comp = Composition.make(&boundRNG, censusDate: ev.schema.censusDate, maxMembers: 8)
                    let people = (0..<size).map { k in
                        Composition.person(
                            &boundRNG, k == 0 ? .reference : .sharer, age: boundRNG.int(0...104),
                            lastName: boundRNG.pick(Composition.lastNames), ev.schema.censusDate)
                    }
                    if r == generator.visitors { comp.visitors = people } else { comp.people = people }
                    consider(generator.household(comp, seed: (UInt64(size) &+ 77) &+ UInt64(attempt) &* 1_000_003, skipRate: 0))
                }
            }
        }
        // Two answers at once: an answer a missing branch reads may itself be asked only on
        // another (age_estimate when dob is not answered): change what decides whether it is
        // asked (removed half the time) and then the answer, in the same member. A stream of
        // its own, and only for branches still missing, so forms covered already are unchanged.
        var pairRNG = SeededRandom(seed: generator.seed, index: 0x7A1F)
        let allBases = pool.map(\.0)
        for (branch, _) in names.enumerated() where !seen.contains(branch) {
            guard let refs = references(of: branch, ev), !refs.isEmpty else { continue }
            let gated = refs.compactMap { ref -> (ref: (scope: Int, index: Int), gates: [(scope: Int, index: Int)])? in
                let g = gates(of: ev.scopes[ref.scope].questions[ref.index], ev)
                return g.isEmpty ? nil : (ref, g)
            }
            guard !gated.isEmpty, !allBases.isEmpty else { continue }
            for _ in 0..<(2 * mutationsPerBranch) where !seen.contains(branch) {
                let (ref, gates) = pairRNG.pick(gated)
                var member: Int?
                let once = mutate(pairRNG.pick(allBases), gates, ev, &pairRNG, removal: 0.5, member: &member)
                consider(mutate(once, [ref], ev, &pairRNG, removal: 0, member: &member, near: literals(of: branch, ev)))
            }
        }
        // Greedy set cover.
        var chosen: [JSONValue] = []
        var covered = Set<Int>()
        var remaining = pool
        for _ in 0..<pool.count {
            var bestIndex = -1, bestGain = 0
            for (k, (_, t)) in remaining.enumerated() {
                let gain = t.subtracting(covered).count
                if gain > bestGain { bestGain = gain; bestIndex = k }
            }
            if bestIndex < 0 { break }
            chosen.append(remaining[bestIndex].0)
            covered.formUnion(remaining[bestIndex].1)
            remaining.remove(at: bestIndex)
        }
        let unreached = names.indices.filter { !covered.contains($0) }.map { names[$0] }
        return Report(households: chosen, covered: covered.count, total: names.count, unreached: unreached, branches: names)
    }

    /// The conditions of the branches, two branches each, in the order of ``branches(of:)``
    /// (rosters last, not included): an `end` with no condition stands as `true`.
    static func conditions(_ ev: Evaluator) -> [CExpr] {
        var exprs: [CExpr] = []
        for info in ev.questions { if let w = info.when { exprs.append(w) } }
        for info in ev.containers { if let w = info.when { exprs.append(w) } }
        for info in ev.checks { exprs.append(info.when) }
        for info in ev.endings { exprs.append(info.when ?? .literal(.bool(true))) }
        for info in ev.questions { for w in info.optionWhen ?? [] { if let w { exprs.append(w) } } }
        return exprs
    }

    /// The questions (scope, local index) a branch's condition reads, and the questions of its target.
    func references(of branch: Int, _ ev: Evaluator) -> [(scope: Int, index: Int)]? {
        let exprs = RouteCoverage.conditions(ev)
        let k = branch / 2
        var out: [(scope: Int, index: Int)] = []
        if k >= exprs.count {
            // A roster bound: vary what decides whether the roster is asked at all.
            let r = k - exprs.count
            guard r < ev.rosters.count, let w = ev.containers[ev.rosters[r].container].when else { return nil }
            w.collectAnswers(into: &out)
            return out
        }
        exprs[k].collectAnswers(into: &out)
        // Follow derived values one level (age reads dob).
        var derivedRefs: [(Int, Int)] = []
        collectDerived(exprs[k], into: &derivedRefs)
        for (s, d) in derivedRefs { ev.derived[ev.scopes[s].derived[d]].expr.collectAnswers(into: &out) }
        return out
    }

    func collectDerived(_ e: CExpr, into out: inout [(Int, Int)]) {
        switch e {
        case .derived(let s, let d, _): out.append((s, d))
        case .any(_, let a), .countWhere(_, let a), .not(let a), .negate(let a), .answered(let a, _): collectDerived(a, into: &out)
        case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b), .arithmetic(_, let a, let b), .contains(let a, let b), .yearsBetween(let a, let b):
            collectDerived(a, into: &out)
            collectDerived(b, into: &out)
        case .member(let a, let items, _):
            collectDerived(a, into: &out)
            for i in items { collectDerived(i, into: &out) }
        case .join(let items): for i in items { collectDerived(i, into: &out) }
        default: break
        }
    }

    /// The literal numbers a branch's condition compares with.
    func literals(of branch: Int, _ ev: Evaluator) -> [Value] {
        let exprs = RouteCoverage.conditions(ev)
        guard branch / 2 < exprs.count else { return [] }
        var out: [Value] = []
        func walk(_ e: CExpr) {
            switch e {
            case .literal(let v): if case .int = v { out.append(v) }
            case .any(_, let a), .countWhere(_, let a), .not(let a), .negate(let a), .answered(let a, _): walk(a)
            case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b), .arithmetic(_, let a, let b),
                .contains(let a, let b), .yearsBetween(let a, let b):
                walk(a)
                walk(b)
            case .member(let a, let items, _):
                walk(a)
                items.forEach(walk)
            case .join(let items): items.forEach(walk)
            default: break
            }
        }
        walk(exprs[branch / 2])
        return out
    }

    /// The answers that decide whether question `gi` is asked: its `when` and its containers'.
    func gates(of gi: Int, _ ev: Evaluator) -> [(scope: Int, index: Int)] {
        var out: [(scope: Int, index: Int)] = []
        ev.questions[gi].when?.collectAnswers(into: &out)
        var k = ev.questions[gi].container
        while k >= 0 {
            ev.containers[k].when?.collectAnswers(into: &out)
            k = ev.containers[k].parent
        }
        return out
    }

    func mutate(_ base: JSONValue, _ refs: [(scope: Int, index: Int)], _ ev: Evaluator, _ rng: inout SeededRandom) -> JSONValue {
        var member: Int?
        return mutate(base, refs, ev, &rng, removal: 0.15, member: &member)
    }

    /// Replaces (or removes, with chance `removal`) one answer the condition reads, in a random
    /// member (or `member`, when given, which is set to the member changed).
    func mutate(
        _ base: JSONValue, _ refs: [(scope: Int, index: Int)], _ ev: Evaluator, _ rng: inout SeededRandom,
        removal: Double, member chosen: inout Int?, near literals: [Value] = []
    ) -> JSONValue {
        guard case .object(var top) = base else { return base }
        let (s, q) = rng.pick(refs)
        let gi = ev.scopes[s].questions[q]
        let question = ev.schema.questions[gi]
        var value: JSONValue? = rng.chance(removal) ? nil : wild(ev.questions[gi].kind, ev, &rng)
        // Half the time, a number next to one the condition compares with (est > 92: 91, 92, 93).
        if !literals.isEmpty, case .integer = ev.questions[gi].kind, rng.chance(0.5), case .int(let n) = rng.pick(literals) {
            value = .integer(n + rng.int(-1...1))
        }
        switch ev.scopes[s].kind {
        case .household: top[question.id] = value
        case .member:
            let roster = ev.rosters[ev.scopes[s].roster].id
            guard case .array(var members)? = top[roster], !members.isEmpty else { return base }
            var m = rng.int(0...(members.count - 1))
            if let c = chosen, c < members.count { m = c }
            chosen = m
            guard case .object(var member) = members[m] else { return base }
            member[question.id] = value
            members[m] = .object(member)
            top[roster] = .array(members)
        case .pair:
            guard let block = ev.rosters[ev.scopes[s].roster].pairBlock, case .array(var pairs)? = top[block], !pairs.isEmpty else { return base }
            let k = rng.int(0...(pairs.count - 1))
            guard case .object(var pair) = pairs[k] else { return base }
            pair[question.id] = value
            pairs[k] = .object(pair)
            top[block] = .array(pairs)
        }
        return .object(top)
    }

    /// Any value of the type, ignoring ranges (so a range's own `out_of_range` is exercised too).
    func wild(_ kind: Evaluator.AnswerKind, _ ev: Evaluator, _ rng: inout SeededRandom) -> JSONValue {
        let census = ev.schema.censusDate
        switch kind {
        case .text(let max, _, _): return .string(String("Wild text".prefix(max)))
        case .integer: return .integer(rng.weighted([(rng.int(0...3), 3.0), (rng.int(0...40), 2.0), (rng.int(-5...200), 1.0)]))
        case .decimal: return .double(Double(rng.int(0...1000)) / 10)
        case .date:
            let days = rng.weighted([(rng.int(-3000...30), 1.0), (rng.int(-42000...(-100)), 3.0), (rng.int(-40500...(-36000)), 1.0)])
            return .string(census.adding(CalendarDuration(days, .days))!.iso)
        case .monthYear: return .string(MonthYear(census.adding(CalendarDuration(rng.int(-1200...6), .months))!).iso)
        case .oneOf(let list): return .string(rng.pick(list.order))
        case .anyOf(let list):
            var ids = [rng.pick(list.order)]
            if rng.chance(0.3) { let o = rng.pick(list.order); if o != ids[0] { ids.append(.init(o)) } }
            return .array(ids.map { .string($0) })
        case .address(let uk): return generator.address(&rng, uk: uk)
        }
    }
}
