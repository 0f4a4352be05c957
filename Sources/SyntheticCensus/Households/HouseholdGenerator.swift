import Questionnaire
/// A mistake the generator put into a household on purpose, and the finding that must catch it.
public struct InjectedMistake: Sendable, Hashable, CustomStringConvertible {
    /// The kinds of mistake injected (`census generate --invalid-rate`), spelled as in its JSON.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A date of birth after the census date: `out_of_range`.
        case futureDateOfBirth = "future_dob"
        /// An answer to a question the routing skips: `not_applicable`.
        case answeredSkippedQuestion = "answered_skipped"
        /// A required question left unanswered: `required`.
        case missingRequired = "missing_required"
    }
    /// Which mistake.
    public var kind: Kind
    /// The finding code the evaluator must report (`out_of_range`, `not_applicable`, `required`).
    public var code: String
    /// Where in the response the finding must point (`$.residents[1].dob`).
    public var path: String

    public var description: String { "\(kind.rawValue): \(code) at \(path)" }
    /// `{"kind", "code", "path"}`, as `census generate` records it beside the household.
    public var json: JSONValue { ["kind": .string(kind.rawValue), "code": .string(code), "path": .string(path)] }
}

/// One synthetic household's response and what was done to it.
public struct GeneratedHousehold: Sendable {
    /// The household's response, in the response format, for the schema's id and hash.
    public var response: JSONValue
    /// The mistakes injected on purpose (empty for a clean household).
    public var mistakes: [InjectedMistake]
    /// The errors (and unconfirmed confirmations) the generator could not remove: empty unless
    /// the form makes a valid household impossible, or too unlikely to find (see `census generate`).
    public var unsatisfied: [Finding] = []
}

/// Realistic synthetic households that follow a form's routing (see docs/generator.md).
///
/// It answers the questions in flow order, asking the evaluator whether each applies, from a
/// synthetic household whose sizes, ages, relationships and countries of birth are shaped like
/// England and Wales. Questions it has no model for get a plausible random answer of their type.
/// Deterministic: household `i` of seed `k` is always the same.
public final class HouseholdGenerator: @unchecked Sendable {
    /// The evaluator of the form households are generated for (it decides every routing step).
    public let evaluator: Evaluator
    /// The run's seed: household `i` is drawn from `SeededRandom(seed: seed, index: i)`.
    public let seed: UInt64
    var schema: Schema { evaluator.schema }
    let residents: Int?
    let visitors: Int?
    /// Questions that decide whether a roster is asked: never skipped, or the members would be orphaned.
    let rosterGates: Set<Int>
    /// Questions that decide whether a member is the respondent (`self when is_you == yes`):
    /// by global question index, the option that makes the member "you". The first member of
    /// a roster answers it so; the others do not, so "you" wording is exercised on any form.
    let selfSwitches: [Int: String]
    /// Repair households the evaluator finds errors in (tests turn it off to show it is needed).
    var repairs = true

    /// A generator for `evaluator`'s form (any form): the first roster whose id does not name
    /// visitors is the household's people, a roster whose id does is its visitors.
    public init(evaluator: Evaluator, seed: UInt64) {
        self.evaluator = evaluator
        self.seed = seed
        residents = evaluator.rosters.firstIndex { !$0.id.contains("visitor") } ?? (evaluator.rosters.isEmpty ? nil : 0)
        let v = evaluator.rosters.firstIndex { $0.id.contains("visitor") }
        visitors = v == residents ? nil : v
        var gates = Set<Int>()
        for roster in evaluator.rosters {
            var refs: [(scope: Int, index: Int)] = []
            var k = roster.container
            while k >= 0 {
                evaluator.containers[k].when?.collectAnswers(into: &refs)
                k = evaluator.containers[k].parent
            }
            for (s, q) in refs { gates.insert(evaluator.scopes[s].questions[q]) }
        }
        rosterGates = gates
        var switches: [Int: String] = [:]
        for container in evaluator.containers {
            guard case .compare(.equal, let a, let b)? = container.selfWhen else { continue }
            switch (a, b) {
            case (.answer(let s, let q, _), .literal(.option(let yes))), (.literal(.option(let yes)), .answer(let s, let q, _)):
                switches[evaluator.scopes[s].questions[q]] = yes
            default: continue
            }
        }
        selfSwitches = switches
    }

    /// Household `index`: valid (no errors, every confirmation given), or with one realistic
    /// mistake when the draw falls under `invalidRate`. A draw the evaluator finds errors in is
    /// repaired (see HouseholdGenerator+Repair.swift); a household no draw and repair could make
    /// valid comes back with its errors in ``GeneratedHousehold/unsatisfied``.
    ///
    /// - parameter paper: the channel: `true` a paper return, `false` online, `nil` (the
    ///   default) drawn (one in five on paper). The household's people are the same either way;
    ///   its answers are drawn again (paper skips more optional questions).
    /// - parameter variant: the form variant to answer (the household's country, from its
    ///   address frame record); `nil` (the default) drawn (about 5% `wales`).
    public func household(_ index: Int, invalidRate: Double = 0, paper: Bool? = nil, variant: String? = nil) -> GeneratedHousehold {
        var rng = SeededRandom(seed: seed, index: UInt64(index))
        var best: (response: JSONValue, left: [Finding])?
        for _ in 0..<Self.draws {
            var comp = Composition.make(&rng, censusDate: schema.censusDate, maxMembers: residents.map { evaluator.rosters[$0].maxMembers } ?? 30)
            fit(&comp, &rng)
            var response = fill(comp, &rng, paper: paper, variant: variant)
            let evaluation = evaluator.evaluate(response)
            var left: [Finding] = []
            if !evaluation.isValid {
                left = evaluation.findings.filter { $0.severity == .error || $0.severity == .confirm }
                if repairs { left = repair(&response, &rng) }
            }
            if best == nil || left.count < best!.left.count { best = (response, left) }
            if left.isEmpty { break }
        }
        var result = GeneratedHousehold(response: best!.response, mistakes: [], unsatisfied: best!.left)
        if invalidRate > 0, rng.chance(invalidRate) { inject(into: &result, &rng) }
        return result
    }

    /// Adds sharers to a household smaller than its roster's minimum, and trims visitors to
    /// theirs (the census form's bounds never need it, so its households are unchanged).
    func fit(_ comp: inout Composition, _ rng: inout SeededRandom) {
        if let r = residents {
            while comp.people.count < evaluator.rosters[r].minMembers {
                comp.people.append(Composition.person(&rng, .sharer, age: rng.int(19...60), lastName: rng.pick(Composition.lastNames), schema.censusDate))
            }
        }
        if let v = visitors {
            let roster = evaluator.rosters[v]
            while comp.visitors.count < roster.minMembers {
                comp.visitors.append(Composition.person(&rng, .sharer, age: rng.int(19...60), lastName: rng.pick(Composition.lastNames), schema.censusDate))
            }
            if comp.visitors.count > roster.maxMembers { comp.visitors.removeLast(comp.visitors.count - roster.maxMembers) }
        }
    }

    /// How many households are drawn (each repaired) before giving up on making one valid.
    static let draws = 3

    /// A household from an explicit composition (the hand-written edge cases use this).
    func household(_ comp: Composition, seed extra: UInt64, skipRate: Double = 0.03) -> JSONValue {
        var rng = SeededRandom(seed: seed, index: extra)
        return fill(comp, &rng, skipRate: skipRate)
    }

    // MARK: Filling in the form

    struct Draft {
        var top: [String: JSONValue] = [:]
        var members: [[[String: JSONValue]]]
        var pairs: [[(Int, Int, [String: JSONValue])]]
    }

    func fill(_ comp: Composition, _ rng: inout SeededRandom, skipRate: Double? = nil, paper: Bool? = nil, variant: String? = nil) -> JSONValue {
        let ev = evaluator
        let run = Run(ev, options: EvaluationOptions())
        if let r = residents { run.memberCount[r] = comp.people.count }
        if let v = visitors { run.memberCount[v] = comp.visitors.count }
        // Any other roster starts at its minimum size (repair may grow it).
        for r in ev.rosters.indices where r != residents && r != visitors { run.memberCount[r] = ev.rosters[r].minMembers }
        run.allocate()
        // The variant (about 5% of households in England and Wales are in Wales) and the day
        // the return is given, on or after census day (so every date of birth is before it),
        // are fixed first: routing and ranges depend on them.
        if !schema.variants.isEmpty {
            run.variant = schema.variants.contains("wales") && rng.chance(0.054) ? "wales" : schema.variants[0]
            // The household's own (from the frame, as the collection server sets it), after the
            // draw so that the rest of the household is the same either way.
            if let variant, schema.variants.contains(variant) { run.variant = variant }
        }
        let day = rng.int(0...40)
        let start = schema.censusDate.adding(CalendarDuration(day, .days)) ?? schema.censusDate
        run.today = start
        let isPaper = paper ?? rng.chance(0.2)
        let skip = skipRate ?? (isPaper ? 0.06 : 0.02)
        var draft = Draft(
            members: ev.rosters.indices.map { [[String: JSONValue]](repeating: [:], count: run.memberCount[$0]) },
            pairs: ev.rosters.map { _ in [] })
        var pairAnswers: [Int: [String: JSONValue]] = [:]

        for (gi, question) in schema.questions.enumerated() {
            let info = ev.questions[gi]
            let s = info.scope
            for i in 0..<run.frames[s].count {
                guard run.applies(s, info.local, i) else { continue }
                if !question.required && !rosterGates.contains(gi) && rng.chance(skip) { continue }
                guard let json = answer(question, info, s, i, comp, run, &rng) else { continue }
                run.decode(json, scope: s, instance: i, local: info.local)
                switch ev.scopes[s].kind {
                case .household: draft.top[question.id] = json
                case .member: draft.members[ev.scopes[s].roster][i][question.id] = json
                case .pair: pairAnswers[s * 1_000_000 + i, default: [:]][question.id] = json
                }
            }
        }

        var top = draft.top
        top["schema"] = ["id": .string(schema.id), "hash": .string(schema.hash)]
        top["channel"] = .string(isPaper ? "paper" : "online")
        if let variant = run.variant { top["variant"] = .string(variant) }
        let h = rng.int(7...22), m = rng.int(0...59)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        top["startedAt"] = .string("\(start.iso)T\(two(h)):\(two(m)):00Z")
        top["submittedAt"] = .string("\(start.iso)T\(two(min(23, h + 1))):\(two(rng.int(0...59))):00Z")
        if schema.languages.contains("cy"), rng.chance(0.03) { top["language"] = "cy" }
        for (r, roster) in ev.rosters.enumerated() where run.memberCount[r] > 0 {
            top[roster.id] = .array(draft.members[r].map { .object($0) })
            if let block = roster.pairBlock {
                var items: [JSONValue] = []
                let ps = roster.pairScope
                for k in 0..<run.frames[ps].count {
                    guard let answers = pairAnswers[ps * 1_000_000 + k] else { continue }
                    var o = answers
                    o["person"] = .integer(run.pair(r, k).person + 1)
                    o["other"] = .integer(run.pair(r, k).other + 1)
                    items.append(.object(o))
                }
                if !items.isEmpty { top[block] = .array(items) }
            }
        }
        // The respondent confirms every confirmation the form asks for.
        let confirmations = self.confirmations(run)
        if !confirmations.isEmpty { top["confirmations"] = .object(confirmations) }
        return .object(top)
    }

    /// The confirmations of every confirm check that fires: `true` for the household, member
    /// numbers or pairs of numbers (1-based) for rosters.
    func confirmations(_ run: Run) -> [String: JSONValue] {
        let ev = evaluator
        var confirmations: [String: JSONValue] = [:]
        for (k, check) in schema.checks.enumerated() where check.severity == .confirm {
            let s = ev.checks[k].scope
            var list: [JSONValue] = []
            for i in 0..<run.frames[s].count where run.checkFires(k, s, i) {
                switch ev.scopes[s].kind {
                case .household: confirmations[check.id] = true
                case .member: list.append(.integer(i + 1))
                case .pair:
                    let r = ev.scopes[s].roster
                    list.append([.integer(run.pair(r, i).person + 1), .integer(run.pair(r, i).other + 1)])
                }
            }
            if !list.isEmpty { confirmations[check.id] = .array(list) }
        }
        return confirmations
    }

    /// The answer a member of this household would give, or `nil` to leave it unanswered.
    func answer(_ question: Question, _ info: Evaluator.QuestionInfo, _ s: Int, _ i: Int, _ comp: Composition, _ run: Run, _ rng: inout SeededRandom) -> JSONValue? {
        let ev = evaluator
        let scopeInfo = ev.scopes[s]
        var person: Person?
        var index = i
        if scopeInfo.kind == .member {
            if scopeInfo.roster == residents, i < comp.people.count { person = comp.people[i] }
            if scopeInfo.roster == visitors, i < comp.visitors.count { person = comp.visitors[i] }
        }
        if scopeInfo.kind == .pair, scopeInfo.roster == residents {
            let (p, o) = run.pair(scopeInfo.roster, i)
            if case .oneOf(let list) = info.kind, let rel = Optional(comp.relationship(person: p, other: o)), list.index[rel] != nil {
                return .string(rel)
            }
            index = p
        }
        _ = index
        // A form's own name for a question the model knows (surname for last_name) is tried
        // only when the model does not know the name itself.
        var value = modelled(question.id, info, person, comp, s, i, run, &rng)
        if value == nil, scopeInfo.kind == .member, case .oneOf(let list) = info.kind,
           let yes = selfSwitches[scopeInfo.questions[info.local]] {
            value = .string(i == 0 ? yes : list.order.first { $0 != yes } ?? yes)
        }
        if value == nil {
            for id in HouseholdGenerator.synonyms(question.id) where value == nil {
                value = modelled(id, info, person, comp, s, i, run, &rng)
            }
        }
        if let value {
            // `null` means the model leaves it unanswered on purpose.
            if value.isNull { return nil }
            if valid(value, info) { return value }
        }
        return generic(question, info, s, i, run, &rng)
    }

    func valid(_ value: JSONValue, _ info: Evaluator.QuestionInfo) -> Bool {
        switch info.kind {
        case .integer: if case .integer = value { return true } else { return false }
        case .text(let max, _, let regex):
            guard let text = value.stringValue, text.count <= max else { return false }
            return regex.map { (try? $0.wholeMatch(in: text)) != nil } ?? true
        case .date, .monthYear: return value.stringValue != nil
        case .oneOf(let list):
            if let s = value.stringValue { return list.index[s] != nil }
            if let s = value["value"]?.stringValue { return list.index[s]?.specifyMax != nil }
            return false
        case .anyOf(let list):
            return value.arrayValue?.allSatisfy { list.index[$0.stringValue ?? $0["value"]?.stringValue ?? ""] != nil } ?? false
        default: return true
        }
    }

    func option(_ id: String, detail: String?, _ info: Evaluator.QuestionInfo) -> JSONValue {
        if case .oneOf(let list) = info.kind, let max = list.index[id]?.specifyMax, let detail {
            return ["value": .string(id), "detail": .string(String(detail.prefix(max)))]
        }
        return .string(id)
    }
}
