/// What each memoised value of the evaluator reads, so that values can be computed in order
/// without recursion.
///
/// The evaluator computes lazily: a question's `when` reads an answer, which needs that question
/// to apply, which reads its own `when`, and so on. Each step is memoised, but a chain of values
/// none of which is computed yet (a form deriving value 15,000 from value 14,999, ..., from an
/// answer) would recurse once per link and overflow the stack, the more so on a server worker's
/// 512 KB thread. So each value lists the values it reads (its *dependencies*), and when the
/// recursion gets deep the evaluator switches to ``Run/force(_:scope:instance:)``, which computes
/// the dependencies first with an explicit stack: then computing the value itself only meets
/// memoised values, and the stack holds at most one expression's depth (bounded by the language,
/// see docs/language.md). Results are the same either way: every value is a pure function of the
/// response (the language rules out cycles; in a hand-made schema with one, a value met again
/// while it is being computed reads as unknown, as before).
extension Evaluator {
    /// How the instance of a dependency follows from the instance that reads it.
    enum Reach: UInt8 {
        /// Through a reference's slot (see ``Slot``; `outer` is the reader's own member).
        case household, member, pair, person, other
        /// Every member of the dependency's roster (`any(...)`, `count(..., cond)`, `people[2].x`).
        case allMembers
        /// The instance of the dependency's scope in the reader's context (enclosing containers,
        /// endings, which are of the reader's scope).
        case enclosing
    }

    struct Dependency {
        /// Numbered as in ``DependencyGraph``.
        var node: Int
        var scope: Int
        var reach: Reach
    }

    /// What each memoised value reads, built once per schema. Nodes are numbered containers
    /// (whether one applies) first, then questions (whether one applies, and its answer's range),
    /// derived values, and endings (whether one fires).
    struct DependencyGraph {
        let containerCount: Int
        let questionCount: Int
        let derivedCount: Int
        let dependencies: [[Dependency]]

        @inline(__always) func questionNode(_ gi: Int) -> Int { containerCount + gi }
        @inline(__always) func derivedNode(_ gd: Int) -> Int { containerCount + questionCount + gd }
        @inline(__always) func endingNode(_ e: Int) -> Int { containerCount + questionCount + derivedCount + e }

        /// Nodes in an order where each comes after what it reads (cycles, which only a hand-made
        /// schema can have, are cut where they close). Iterative: no recursion over form size.
        func topologicalOrder() -> [Int] {
            let n = dependencies.count
            var state = [UInt8](repeating: 0, count: n)  // 0 new, 1 on the path, 2 done
            var order: [Int] = []
            order.reserveCapacity(n)
            var stack: [(node: Int, next: Int)] = []
            for root in 0..<n where state[root] == 0 {
                stack.append((root, 0))
                state[root] = 1
                while let top = stack.last {
                    let deps = dependencies[top.node]
                    if top.next < deps.count {
                        stack[stack.count - 1].next += 1
                        let d = deps[top.next].node
                        if state[d] == 0 {
                            state[d] = 1
                            stack.append((d, 0))
                        }
                    } else {
                        stack.removeLast()
                        state[top.node] = 2
                        order.append(top.node)
                    }
                }
            }
            return order
        }
    }

    func buildDependencyGraph() -> DependencyGraph {
        let nC = containers.count, nQ = questions.count, nD = derived.count
        var deps = [[Dependency]](repeating: [], count: nC + nQ + nD + endings.count)
        func refs(_ e: CExpr?, into out: inout [Dependency]) {
            guard let e else { return }
            e.collectReferences { reference in
                switch reference {
                case .value(let kind, let scope, let local, let slot, let inAny):
                    let reach: Reach
                    switch slot {
                    case .household: reach = .household
                    case .member: reach = inAny ? .allMembers : .member
                    case .pair: reach = .pair
                    case .person: reach = .person
                    case .other: reach = .other
                    case .outer: reach = .member
                    }
                    let node = kind == .question ? nC + scopes[scope].questions[local] : nC + nQ + scopes[scope].derived[local]
                    out.append(Dependency(node: node, scope: scope, reach: reach))
                case .respondent(let r):
                    // Read in the household, whoever asks.
                    rosters[r].respondentFirst?.collectReferences { inner in
                        if case .value(let kind, let scope, let local, _, _) = inner {
                            let node = kind == .question ? nC + scopes[scope].questions[local] : nC + nQ + scopes[scope].derived[local]
                            out.append(Dependency(node: node, scope: scope, reach: scopes[scope].kind == .household ? .household : .allMembers))
                        }
                    }
                }
            }
        }
        func ended(_ endings: [Int], into out: inout [Dependency]) {
            for e in endings { out.append(Dependency(node: nC + nQ + nD + e, scope: self.endings[e].scope, reach: .enclosing)) }
        }
        for (c, info) in containers.enumerated() {
            if info.parent >= 0 { deps[c].append(Dependency(node: info.parent, scope: containers[info.parent].scope, reach: .enclosing)) }
            refs(info.when, into: &deps[c])
            ended(info.endedBy, into: &deps[c])
        }
        for (q, info) in questions.enumerated() {
            let n = nC + q
            if info.container >= 0 { deps[n].append(Dependency(node: info.container, scope: containers[info.container].scope, reach: .enclosing)) }
            refs(info.when, into: &deps[n])
            refs(info.min, into: &deps[n])
            refs(info.max, into: &deps[n])
            for w in info.optionWhen ?? [] { refs(w, into: &deps[n]) }
            ended(info.endedBy, into: &deps[n])
        }
        for (d, info) in derived.enumerated() { refs(info.expr, into: &deps[nC + nQ + d]) }
        for (e, info) in endings.enumerated() {
            let n = nC + nQ + nD + e
            if info.container >= 0 { deps[n].append(Dependency(node: info.container, scope: containers[info.container].scope, reach: .enclosing)) }
            refs(info.when, into: &deps[n])
        }
        return DependencyGraph(containerCount: nC, questionCount: nQ, derivedCount: nD, dependencies: deps)
    }
}

extension Evaluator {
    /// Which answers and derived values name a roster member, for piping: the questions in the
    /// roster's own body (the ones that list its members: first name, last name), and derived
    /// values that read only such answers (`let name = join(first_name, last_name)`). A member's
    /// name not given yet is piped as "person 2"; any other value not known as "…".
    func namesOfMembers(_ graph: DependencyGraph) -> (questions: [Bool], derived: [Bool]) {
        var listing = [Bool](repeating: false, count: questions.count)
        for (gi, q) in questions.enumerated() where scopes[q.scope].kind == .member {
            let roster = rosters[scopes[q.scope].roster].container
            var c = q.container
            var steps = 0
            while c >= 0, steps <= containers.count {
                if c == roster { listing[gi] = true; break }
                c = containers[c].parent
                steps += 1
            }
        }
        var names = [Bool](repeating: false, count: derived.count)
        let nC = graph.containerCount, nQ = graph.questionCount, nD = graph.derivedCount
        for node in graph.topologicalOrder() where node >= nC + nQ && node < nC + nQ + nD {
            let reads = graph.dependencies[node]
            names[node - nC - nQ] = !reads.isEmpty && reads.allSatisfy { dep in
                if dep.node < nC { return false }
                return dep.node < nC + nQ ? listing[dep.node - nC] : dep.node < nC + nQ + nD && names[dep.node - nC - nQ]
            }
        }
        return (listing, names)
    }
}

extension CExpr {
    enum ReferenceKind { case question, derived }

    enum Reference {
        /// An answer or derived value: its kind, scope, index in the scope, slot, and whether it
        /// is read for other members (inside `any(...)`, `count(..., cond)`, `people[2].x`).
        case value(ReferenceKind, scope: Int, local: Int, slot: Slot, inAny: Bool)
        /// Whether a roster's first member is the respondent (the roster's `respondent first when`).
        case respondent(roster: Int)
    }

    /// Calls `visit` for everything this expression reads.
    func collectReferences(inAny: Bool = false, _ visit: (Reference) -> Void) {
        switch self {
        case .literal, .position, .count, .today, .variant, .householdAddress: break
        case .respondent(let r, _): visit(.respondent(roster: r))
        case .answer(let s, let i, let slot): visit(.value(.question, scope: s, local: i, slot: slot, inAny: inAny))
        case .derived(let s, let i, let slot): visit(.value(.derived, scope: s, local: i, slot: slot, inAny: inAny))
        case .any(_, let e), .countWhere(_, let e), .at(_, _, let e): e.collectReferences(inAny: true, visit)
        case .not(let e), .negate(let e), .answered(let e, _), .addressPart(let e, _): e.collectReferences(inAny: inAny, visit)
        case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b), .arithmetic(_, let a, let b),
            .contains(let a, let b), .yearsBetween(let a, let b):
            a.collectReferences(inAny: inAny, visit)
            b.collectReferences(inAny: inAny, visit)
        case .member(let e, let items, _):
            e.collectReferences(inAny: inAny, visit)
            for item in items { item.collectReferences(inAny: inAny, visit) }
        case .join(let items): for item in items { item.collectReferences(inAny: inAny, visit) }
        }
    }
}

extension Run {
    /// How far below where a run starts (``stackBase``) the stack may grow before values are
    /// computed by ``force(_:scope:instance:)`` instead of by recursion: 64 KB, so that with one
    /// expression's depth below that an evaluation fits in a 512 KB thread with room to spare.
    static let defaultStackBudget = 64 * 1024

    /// The address of a local of a frame just below the caller's: where the stack is.
    @inline(never)
    static func stackAddress() -> Int {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { Int(bitPattern: $0) }
    }

    /// Whether a memo miss met now should be computed by ``force(_:scope:instance:)``: when the
    /// stack has grown more than ``stackBudget`` below ``stackBase`` (where the run was started
    /// or reset, on its thread; stacks grow down). Finding where the stack is costs an address.
    @inline(__always)
    func shouldForce() -> Bool {
        var marker: UInt8 = 0
        let here = withUnsafeMutablePointer(to: &marker) { Int(bitPattern: $0) }
        return stackBase - here > stackBudget
    }

    /// The node's state in its frame: 0 not computed, 1 or 2 computed, 3 being computed, 4
    /// waiting in ``force(_:scope:instance:)`` for its dependencies.
    func nodeState(_ node: Int, _ s: Int, _ i: Int) -> UInt8 {
        let graph = plan.graph
        if node < graph.containerCount {
            return frames[s].cState[i * frames[s].nC + plan.cLocal[node]]
        }
        if node < graph.derivedNode(0) {
            let q = plan.qLocal[node - graph.containerCount]
            let flat = i * frames[s].nQ + q
            let state = frames[s].qState[flat]
            // An applicable answer with a range is done once its range is decided too.
            if state == 1, frames[s].present[flat] == 1, frames[s].hasRange[q] {
                let range = frames[s].rangeState[flat]
                return range == 0 ? 0 : (range == 4 ? 4 : 1)
            }
            return state
        }
        if node < graph.endingNode(0) {
            return frames[s].dState[i * frames[s].nD + plan.dLocal[node - graph.derivedNode(0)]]
        }
        return frames[s].eState[i * frames[s].nE + plan.eLocal[node - graph.endingNode(0)]]
    }

    func markWaiting(_ node: Int, _ s: Int, _ i: Int) {
        let graph = plan.graph
        if node < graph.containerCount {
            frames[s].cState[i * frames[s].nC + plan.cLocal[node]] = 4
        } else if node < graph.derivedNode(0) {
            let flat = i * frames[s].nQ + plan.qLocal[node - graph.containerCount]
            if frames[s].qState[flat] == 0 { frames[s].qState[flat] = 4 } else { frames[s].rangeState[flat] = 4 }
        } else if node < graph.endingNode(0) {
            frames[s].dState[i * frames[s].nD + plan.dLocal[node - graph.derivedNode(0)]] = 4
        } else {
            frames[s].eState[i * frames[s].nE + plan.eLocal[node - graph.endingNode(0)]] = 4
        }
    }

    /// Computes `node` for instance `i` of scope `s` after everything it reads, depth first with an
    /// explicit stack; each value is then computed by the ordinary (memoising) functions, which
    /// find what they read already computed.
    func force(_ root: Int, scope: Int, instance: Int) {
        struct Entry {
            var node: Int
            var scope: Int
            var instance: Int
            var expanded: Bool
        }
        let graph = plan.graph
        var stack = [Entry(node: root, scope: scope, instance: instance, expanded: false)]
        while let top = stack.popLast() {
            let (node, s, i) = (top.node, top.scope, top.instance)
            if top.expanded {
                compute(node, s, i)
                continue
            }
            // Done, being computed (a cycle), or already waiting lower down the stack.
            guard nodeState(node, s, i) == 0 else { continue }
            markWaiting(node, s, i)
            stack.append(Entry(node: node, scope: s, instance: i, expanded: true))
            let c = ctx(scope: s, instance: i)
            for dep in graph.dependencies[node] {
                let t = dep.scope
                func visit(_ j: Int) {
                    if j >= 0, j < frames[t].count, nodeState(dep.node, t, j) == 0 {
                        stack.append(Entry(node: dep.node, scope: t, instance: j, expanded: false))
                    }
                }
                switch dep.reach {
                case .household: visit(0)
                case .member: visit(c.member)
                case .pair: visit(c.pair)
                case .person: visit(c.person)
                case .other: visit(c.other)
                case .enclosing: visit(self.instance(of: t, c))
                case .allMembers: for j in 0..<frames[t].count { visit(j) }
                }
            }
        }
    }

    /// Computes one node through the memoising functions (its dependencies are computed).
    func compute(_ node: Int, _ s: Int, _ i: Int) {
        let graph = plan.graph
        if node < graph.containerCount {
            _ = containerApplies(node, ctx(scope: s, instance: i))
        } else if node < graph.derivedNode(0) {
            let q = plan.qLocal[node - graph.containerCount]
            if applies(s, q, i), frames[s].present[i * frames[s].nQ + q] == 1, frames[s].hasRange[q] { _ = withinRange(s, q, i) }
        } else if node < graph.endingNode(0) {
            _ = derivedValue(s, plan.dLocal[node - graph.derivedNode(0)], i)
        } else {
            _ = endingFires(node - graph.endingNode(0), ctx(scope: s, instance: i))
        }
    }
}
