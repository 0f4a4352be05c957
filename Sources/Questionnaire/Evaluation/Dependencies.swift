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
    /// A memoised value: a container's condition, a question's applicability (with its answer's
    /// range), or a derived value. Numbered containers first, then questions, then derived values.
    struct Node {
        enum Kind: UInt8 { case container, question, derived }
        var kind: Kind
        /// Index in `schema.containers`, `schema.questions` or `schema.derived`.
        var index: Int
    }

    /// How the instance of a dependency follows from the instance that reads it.
    enum Reach: UInt8 {
        /// Through a reference's slot (see ``Slot``).
        case household, member, pair, person, other
        /// Every member of the dependency's roster (`any(...)`, `count(..., cond)`).
        case allMembers
        /// The instance of the dependency's scope in the reader's context (enclosing containers).
        case enclosing
    }

    struct Dependency {
        /// Numbered as in ``DependencyGraph``.
        var node: Int
        var scope: Int
        var reach: Reach
    }

    /// Every node's dependencies, built once per schema.
    struct DependencyGraph {
        let containerCount: Int
        let questionCount: Int
        let dependencies: [[Dependency]]

        func node(_ n: Int) -> Node {
            if n < containerCount { return Node(kind: .container, index: n) }
            if n < containerCount + questionCount { return Node(kind: .question, index: n - containerCount) }
            return Node(kind: .derived, index: n - containerCount - questionCount)
        }

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
        let nC = containers.count, nQ = questions.count
        var deps = [[Dependency]](repeating: [], count: nC + nQ + derived.count)
        func refs(_ e: CExpr?, into out: inout [Dependency]) {
            guard let e else { return }
            e.collectReferences { kind, scope, local, slot, inAny in
                let reach: Reach
                switch slot {
                case .household: reach = .household
                case .member: reach = inAny ? .allMembers : .member
                case .pair: reach = .pair
                case .person: reach = .person
                case .other: reach = .other
                }
                let node = kind == .question ? nC + scopes[scope].questions[local] : nC + nQ + scopes[scope].derived[local]
                out.append(Dependency(node: node, scope: scope, reach: reach))
            }
        }
        for (c, info) in containers.enumerated() {
            if info.parent >= 0 { deps[c].append(Dependency(node: info.parent, scope: containers[info.parent].scope, reach: .enclosing)) }
            refs(info.when, into: &deps[c])
        }
        for (q, info) in questions.enumerated() {
            if info.container >= 0 { deps[nC + q].append(Dependency(node: info.container, scope: containers[info.container].scope, reach: .enclosing)) }
            refs(info.when, into: &deps[nC + q])
            refs(info.min, into: &deps[nC + q])
            refs(info.max, into: &deps[nC + q])
        }
        for (d, info) in derived.enumerated() { refs(info.expr, into: &deps[nC + nQ + d]) }
        return DependencyGraph(containerCount: nC, questionCount: nQ, dependencies: deps)
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
        let nC = graph.containerCount, nQ = graph.questionCount
        for node in graph.topologicalOrder() where node >= nC + nQ {
            let reads = graph.dependencies[node]
            names[node - nC - nQ] = !reads.isEmpty && reads.allSatisfy { dep in
                dep.node < nC + nQ ? listing[dep.node - nC] : names[dep.node - nC - nQ]
            }
        }
        return (listing, names)
    }
}

extension CExpr {
    enum ReferenceKind { case question, derived }

    /// Calls `visit` for every answer and derived value this expression reads: its kind, scope,
    /// index in the scope, slot, and whether it is read inside `any(...)` or `count(..., cond)`.
    func collectReferences(inAny: Bool = false, _ visit: (ReferenceKind, Int, Int, Slot, Bool) -> Void) {
        switch self {
        case .literal, .position, .count: break
        case .answer(let s, let i, let slot): visit(.question, s, i, slot, inAny)
        case .derived(let s, let i, let slot): visit(.derived, s, i, slot, inAny)
        case .any(_, let e), .countWhere(_, let e): e.collectReferences(inAny: true, visit)
        case .not(let e), .negate(let e), .answered(let e, _): e.collectReferences(inAny: inAny, visit)
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
        if node < graph.containerCount + graph.questionCount {
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
        let d = plan.dLocal[node - graph.containerCount - graph.questionCount]
        return frames[s].dState[i * frames[s].nD + d]
    }

    func markWaiting(_ node: Int, _ s: Int, _ i: Int) {
        let graph = plan.graph
        if node < graph.containerCount {
            frames[s].cState[i * frames[s].nC + plan.cLocal[node]] = 4
        } else if node < graph.containerCount + graph.questionCount {
            let flat = i * frames[s].nQ + plan.qLocal[node - graph.containerCount]
            if frames[s].qState[flat] == 0 { frames[s].qState[flat] = 4 } else { frames[s].rangeState[flat] = 4 }
        } else {
            frames[s].dState[i * frames[s].nD + plan.dLocal[node - graph.containerCount - graph.questionCount]] = 4
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
        } else if node < graph.containerCount + graph.questionCount {
            let q = plan.qLocal[node - graph.containerCount]
            if applies(s, q, i), frames[s].present[i * frames[s].nQ + q] == 1, frames[s].hasRange[q] { _ = withinRange(s, q, i) }
        } else {
            _ = derivedValue(s, plan.dLocal[node - graph.containerCount - graph.questionCount], i)
        }
    }
}
