import Questionnaire
/// Making any form's households valid: after the census-shaped draw, the evaluator is asked what
/// is wrong, and the answers each error points at are re-drawn until the error goes (see
/// docs/generator.md, "Any form").
extension HouseholdGenerator {
    /// Question `q` (local to scope `s`) of instance `i`.
    struct AnswerSlot: Hashable {
        var s: Int
        var q: Int
        var i: Int
    }

    /// One error of a household and the answers that could remove it.
    struct Problem {
        var key: String
        var slots: [AnswerSlot]
        /// Values the error's condition compares with (a roster's size, the other date, a bound).
        var hints: [Value]
        /// Rosters whose size the condition reads (`count(people) == usual_residents`).
        var rosters: [Int] = []
        /// The finding code of a check's error (`check.size`).
        var code: String? = nil
    }

    /// How many errors repair works on, and how many values it tries for each answer.
    static let repairRounds = 24
    static let candidatesPerSlot = 14

    /// Re-draws the answers the errors point at, one error at a time, keeping a change only
    /// when the household then has fewer errors. Drops answers to questions that no longer
    /// apply and gives every confirmation. Returns the errors it could not remove.
    func repair(_ response: inout JSONValue, _ rng: inout SeededRandom) -> [Finding] {
        var best = response
        var score = evaluator.evaluate(best).count(.error)
        var stuck = Set<String>()
        var sidestepped = Set<String>()
        for _ in 0..<Self.repairRounds where score > 0 {
            let run = Run(evaluator, options: EvaluationOptions())
            let now = run.evaluate(best)
            guard let problem = problems(run).first(where: { !stuck.contains($0.key) }) else { break }
            var improved = false
            // A change that removes this check's error but brings another, kept once per
            // error when nothing better is found (a number that must follow the roster's size
            // may then break a comparison with a third answer, repaired next).
            var sideways: JSONValue?
            func count(_ e: Evaluation, _ code: String) -> Int { e.findings.reduce(0) { $0 + ($1.code == code ? 1 : 0) } }
            let firing = problem.code.map { count(now, $0) } ?? 0
            let outside = count(now, "out_of_range")
            func better(_ trial: JSONValue) -> Bool {
                let evaluation = evaluator.evaluate(trial)
                let s = evaluation.count(.error)
                if s < score {
                    best = trial
                    score = s
                    improved = true
                    return true
                }
                if s == score, sideways == nil, let code = problem.code, !sidestepped.contains(problem.key),
                    count(evaluation, code) < firing, count(evaluation, "out_of_range") <= outside {
                    sideways = trial
                }
                return false
            }
            search: for slot in problem.slots {
                for candidate in candidates(slot, problem.hints, run, &rng) {
                    guard let trial = setting(candidate, at: slot, in: best, run) else { continue }
                    if better(trial) { break search }
                }
            }
            // A check on a roster's size: the roster at a size the condition mentions, or at
            // another size it allows with a number the condition reads set to that size.
            if !improved {
                resize: for r in problem.rosters {
                    let roster = evaluator.rosters[r]
                    let lo = max(1, roster.minMembers), hi = min(roster.maxMembers, 30)
                    guard lo <= hi else { continue }
                    var sizes: [Int] = []
                    for case .int(let n) in problem.hints where (lo...hi).contains(n) && !sizes.contains(n) { sizes.append(n) }
                    let current = run.memberCount[r]
                    for n in (lo...hi).sorted(by: { abs($0 - current) < abs($1 - current) }).prefix(12) where !sizes.contains(n) { sizes.append(n) }
                    for n in sizes where n != current {
                        guard let grown = resized(best, r, to: n, &rng) else { continue }
                        var trials = [grown]
                        for slot in problem.slots {
                            if case .integer = evaluator.questions[evaluator.scopes[slot.s].questions[slot.q]].kind,
                                let t = setting(.integer(n), at: slot, in: grown, run) { trials.append(t) }
                        }
                        for trial in trials where better(trial) { break resize }
                    }
                }
            }
            if !improved, let sideways {
                best = sideways
                sidestepped.insert(problem.key)
                improved = true
            }
            // A change elsewhere may make an error that was stuck repairable again.
            if improved { stuck.removeAll() } else { stuck.insert(problem.key) }
        }
        response = tidy(best)
        return evaluator.evaluate(response).findings.filter { $0.severity == .error || $0.severity == .confirm }
    }

    /// The household's errors, in the evaluator's order, each with the answers that bear on it.
    func problems(_ run: Run) -> [Problem] {
        let ev = evaluator
        var out: [Problem] = []
        for s in 0..<run.scopeCount {
            let info = ev.scopes[s]
            if info.roster >= 0, !run.containerApplies(ev.rosters[info.roster].container, Ctx()) { continue }
            for i in 0..<run.frames[s].count {
                let c = run.ctx(scope: s, instance: i)
                for q in 0..<run.frames[s].nQ where run.applies(s, q, i) {
                    let gi = info.questions[q]
                    let q3 = ev.questions[gi]
                    let present = run.frames[s].present[i * run.frames[s].nQ + q]
                    let slot = AnswerSlot(s: s, q: q, i: i)
                    if present == 2 || (present == 0 && schema.questions[gi].required) {
                        out.append(Problem(key: "q \(s).\(q).\(i)", slots: [slot], hints: []))
                    } else if present == 1, q3.min != nil || q3.max != nil {
                        let value = run.frames[s].answers[i * run.frames[s].nQ + q]
                        let lo = q3.min.map { run.eval($0, c) } ?? .unknown
                        let hi = q3.max.map { run.eval($0, c) } ?? .unknown
                        let below = Value.order(value, lo).map { $0 < 0 } ?? false
                        let above = Value.order(value, hi).map { $0 > 0 } ?? false
                        guard below || above else { continue }
                        var slots = [slot]
                        for e in [q3.min, q3.max].compactMap({ $0 }) { collectSlots(e, c, run, into: &slots) }
                        out.append(Problem(key: "q \(s).\(q).\(i)", slots: unique(slots), hints: [lo, hi]))
                    }
                }
                for k in info.checks where schema.checks[k].severity == .error && run.checkFires(k, s, i) {
                    let check = ev.checks[k]
                    var slots: [AnswerSlot] = []
                    collectSlots(check.when, c, run, into: &slots)
                    var hints: [Value] = []
                    collectHints(check.when, c, run, into: &hints)
                    for r in ev.rosters.indices { hints.append(.int(run.memberCount[r])) }
                    var rosters: [Int] = []
                    collectRosters(check.when, into: &rosters)
                    out.append(Problem(key: "check \(k).\(i)", slots: unique(slots), hints: hints, rosters: rosters, code: "check." + schema.checks[k].id))
                }
            }
        }
        return out
    }

    func unique(_ slots: [AnswerSlot]) -> [AnswerSlot] {
        var seen = Set<AnswerSlot>()
        return slots.filter { seen.insert($0).inserted }
    }

    /// The answers an expression reads in this context, following derived values (age reads dob).
    func collectSlots(_ e: CExpr, _ c: Ctx, _ run: Run, into out: inout [AnswerSlot], depth: Int = 0) {
        switch e {
        case .literal, .position, .count, .respondent, .today, .variant, .householdAddress: break
        case .at(let r, let index, let inner):
            guard index < run.memberCount[r] else { return }
            var mc = c
            mc.member = index
            collectSlots(inner, mc, run, into: &out, depth: depth)
        case .addressPart(let a, _): collectSlots(a, c, run, into: &out, depth: depth)
        case .answer(let s, let q, let slot):
            let i = run.instance(slot, c)
            if i >= 0, i < run.frames[s].count { out.append(AnswerSlot(s: s, q: q, i: i)) }
        case .derived(let s, let d, let slot):
            let i = run.instance(slot, c)
            guard depth < 6, i >= 0, i < run.frames[s].count else { return }
            collectSlots(evaluator.derived[evaluator.scopes[s].derived[d]].expr, run.ctx(scope: s, instance: i), run, into: &out, depth: depth + 1)
        case .any(let r, let inner), .countWhere(let r, let inner):
            for m in 0..<run.memberCount[r] {
                var mc = c
                mc.outer = c.member
                mc.member = m
                collectSlots(inner, mc, run, into: &out, depth: depth)
            }
        case .not(let a), .negate(let a), .answered(let a, _): collectSlots(a, c, run, into: &out, depth: depth)
        case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b), .arithmetic(_, let a, let b),
            .contains(let a, let b), .yearsBetween(let a, let b):
            collectSlots(a, c, run, into: &out, depth: depth)
            collectSlots(b, c, run, into: &out, depth: depth)
        case .member(let a, let items, _):
            collectSlots(a, c, run, into: &out, depth: depth)
            for item in items { collectSlots(item, c, run, into: &out, depth: depth) }
        case .join(let items): for item in items { collectSlots(item, c, run, into: &out, depth: depth) }
        }
    }

    /// The values of a condition's parts (not inside `any`/`count(..., where)`).
    func collectHints(_ e: CExpr, _ c: Ctx, _ run: Run, into out: inout [Value]) {
        switch e {
        case .any, .countWhere: return
        default: break
        }
        let v = run.eval(e, c)
        switch v {
        case .int, .dec, .date, .month, .text, .option: out.append(v)
        case .options(let ids): out.append(contentsOf: ids.map(Value.option))
        default: break
        }
        switch e {
        case .not(let a), .negate(let a), .answered(let a, _): collectHints(a, c, run, into: &out)
        case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b), .arithmetic(_, let a, let b),
            .contains(let a, let b), .yearsBetween(let a, let b):
            collectHints(a, c, run, into: &out)
            collectHints(b, c, run, into: &out)
        case .member(let a, let items, _):
            collectHints(a, c, run, into: &out)
            for item in items { collectHints(item, c, run, into: &out) }
        default: break
        }
    }

    /// Values to try for one answer: draws of its type, then values the condition suggests,
    /// then leaving it unanswered (when it is optional).
    func candidates(_ slot: AnswerSlot, _ hints: [Value], _ run: Run, _ rng: inout SeededRandom) -> [JSONValue?] {
        let gi = evaluator.scopes[slot.s].questions[slot.q]
        let info = evaluator.questions[gi]
        let question = schema.questions[gi]
        // Draws of its type first (the most natural answers), then values the condition suggests.
        var out: [JSONValue] = []
        for _ in 0..<4 { if let g = generic(question, info, slot.s, slot.i, run, &rng) { out.append(g) } }
        func days(_ d: CalendarDate, _ n: Int, _ unit: CalendarDuration.Unit) -> JSONValue? {
            d.adding(CalendarDuration(n, unit)).map { .string($0.iso) }
        }
        for hint in hints {
            switch (info.kind, hint) {
            case (.integer, .int(let v)): out += [.integer(v), .integer(v + 1), .integer(v - 1)]
            case (.integer, .dec(let v)): out += [.integer(Int(v.rounded(.down))), .integer(Int(v.rounded(.up)))]
            case (.decimal, .int(let v)): out += [.double(Double(v)), .double(Double(v) + 0.5), .double(Double(v) - 0.5)]
            case (.decimal, .dec(let v)): out += [.double(v), .double(v + 0.1), .double(v - 0.1)]
            case (.date, .date(let d)):
                out.append(.string(d.iso))
                let steps: [(Int, CalendarDuration.Unit)] = [(1, .days), (-1, .days), (1, .years), (-1, .years), (-20, .years)]
                for (n, unit) in steps { if let v = days(d, n, unit) { out.append(v) } }
            case (.monthYear, .month(let m)):
                for n in [m.monthNumber, m.monthNumber + 1, m.monthNumber - 1] {
                    if let month = MonthYear(monthNumber: n) { out.append(.string(month.iso)) }
                }
            case (.monthYear, .date(let d)): out.append(.string(MonthYear(d).iso))
            case (.oneOf(let list), .option(let id)) where list.index[id] != nil: out.append(option(id, detail: "Written in", info))
            case (.anyOf(let list), .option(let id)) where list.index[id] != nil: out.append([option(id, detail: "Written in", info)])
            case (.text, .text(let t)): out.append(.string(t))
            default: break
            }
        }
        switch info.kind {
        case .oneOf(let list): out += list.order.prefix(Self.candidatesPerSlot).map { option($0, detail: "Written in", info) }
        case .anyOf(let list): out += list.order.prefix(Self.candidatesPerSlot).map { [option($0, detail: "Written in", info)] }
        default: break
        }
        var seen = Set<JSONValue>()
        var result: [JSONValue?] = out.filter { seen.insert($0).inserted }.prefix(2 * Self.candidatesPerSlot).map { $0 }
        if !question.required { result.append(nil) }
        return result
    }

    /// `response` with one answer replaced (`nil` removes it); `nil` when it has nowhere to go.
    func setting(_ value: JSONValue?, at slot: AnswerSlot, in response: JSONValue, _ run: Run) -> JSONValue? {
        guard case .object(var top) = response else { return nil }
        let ev = evaluator
        let id = schema.questions[ev.scopes[slot.s].questions[slot.q]].id
        func edit(_ key: String, _ index: Int) -> Bool {
            guard case .array(var items)? = top[key], index >= 0, index < items.count, case .object(var o) = items[index] else { return false }
            o[id] = value
            items[index] = .object(o)
            top[key] = .array(items)
            return true
        }
        switch ev.scopes[slot.s].kind {
        case .household: top[id] = value
        case .member: guard edit(ev.rosters[ev.scopes[slot.s].roster].id, slot.i) else { return nil }
        case .pair:
            guard let block = ev.rosters[ev.scopes[slot.s].roster].pairBlock,
                slot.i < run.frames[slot.s].responseIndex.count,
                edit(block, run.frames[slot.s].responseIndex[slot.i])
            else { return nil }
        }
        return .object(top)
    }

    /// Removes answers to questions that do not apply (and rosters that are not asked) and
    /// gives every confirmation the household now needs.
    func tidy(_ response: JSONValue) -> JSONValue {
        let ev = evaluator
        let run = Run(ev, options: EvaluationOptions())
        _ = run.evaluate(response)
        var current = response
        for s in (0..<run.scopeCount).reversed() {
            let info = ev.scopes[s]
            if info.roster >= 0, !run.containerApplies(ev.rosters[info.roster].container, Ctx()) {
                if case .object(var top) = current {
                    top[ev.rosters[info.roster].id] = nil
                    if let b = ev.rosters[info.roster].pairBlock { top[b] = nil }
                    current = .object(top)
                }
                continue
            }
            for i in 0..<run.frames[s].count {
                for q in 0..<run.frames[s].nQ where run.frames[s].present[i * run.frames[s].nQ + q] != 0 && !run.applies(s, q, i) {
                    current = setting(nil, at: AnswerSlot(s: s, q: q, i: i), in: current, run) ?? current
                }
            }
        }
        guard case .object(var top) = current else { return current }
        let final = Run(ev, options: EvaluationOptions())
        _ = final.evaluate(current)
        let confirmations = self.confirmations(final)
        top["confirmations"] = confirmations.isEmpty ? nil : .object(confirmations)
        return .object(top)
    }

    /// The rosters whose size an expression reads (through derived values too).
    func collectRosters(_ e: CExpr, into out: inout [Int], depth: Int = 0) {
        switch e {
        case .count(let r): if !out.contains(r) { out.append(r) }
        case .any(let r, let a), .countWhere(let r, let a):
            if !out.contains(r) { out.append(r) }
            collectRosters(a, into: &out, depth: depth)
        case .derived(let s, let d, _):
            if depth < 6 { collectRosters(evaluator.derived[evaluator.scopes[s].derived[d]].expr, into: &out, depth: depth + 1) }
        case .not(let a), .negate(let a), .answered(let a, _), .addressPart(let a, _): collectRosters(a, into: &out, depth: depth)
        case .at(let r, _, let a):
            if !out.contains(r) { out.append(r) }
            collectRosters(a, into: &out, depth: depth)
        case .respondent(let r, _): if !out.contains(r) { out.append(r) }
        case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b), .arithmetic(_, let a, let b),
            .contains(let a, let b), .yearsBetween(let a, let b):
            collectRosters(a, into: &out, depth: depth)
            collectRosters(b, into: &out, depth: depth)
        case .member(let a, let items, _):
            collectRosters(a, into: &out, depth: depth)
            for item in items { collectRosters(item, into: &out, depth: depth) }
        case .join(let items): for item in items { collectRosters(item, into: &out, depth: depth) }
        case .literal, .answer, .position, .today, .variant, .householdAddress: break
        }
    }

    /// `response` with roster `r` cut to `n` members, or grown to `n` with copies of its members
    /// (and their pairs, copying an existing pair's answers); later rounds repair what that breaks.
    func resized(_ response: JSONValue, _ r: Int, to n: Int, _ rng: inout SeededRandom) -> JSONValue? {
        let roster = evaluator.rosters[r]
        guard case .object(var top) = response, case .array(var members)? = top[roster.id], !members.isEmpty else { return nil }
        var pairs = roster.pairBlock.flatMap { top[$0]?.arrayValue } ?? []
        if n < members.count {
            members.removeLast(members.count - n)
            pairs = pairs.filter { ($0["person"]?.intValue ?? 0) <= n && ($0["other"]?.intValue ?? 0) <= n }
        } else {
            var template: [String: JSONValue] = [:]
            if case .object(let o)? = pairs.first { template = o }
            if roster.pairScope >= 0 {
                // Answers for the pair questions no pair has answered yet (the roster had one member).
                let scratch = Run(evaluator, options: EvaluationOptions())
                scratch.allocate()
                for gi in evaluator.scopes[roster.pairScope].questions where template[schema.questions[gi].id] == nil {
                    template[schema.questions[gi].id] = generic(schema.questions[gi], evaluator.questions[gi], 0, 0, scratch, &rng)
                }
            }
            for m in members.count..<n {
                members.append(members[rng.int(0...(members.count - 1))])
                guard roster.pairBlock != nil else { continue }
                for k in 0..<m {
                    var o = template
                    o["person"] = .integer(m + 1)
                    o["other"] = .integer(k + 1)
                    pairs.append(.object(o))
                }
            }
        }
        top[roster.id] = .array(members)
        if let block = roster.pairBlock { top[block] = pairs.isEmpty ? nil : .array(pairs) }
        return .object(top)
    }
}
