import Questionnaire

// Derived values (`let`): checked after the values they use, in dependency order found
// without recursion, with cycles reported.
extension Checker {
    func checkDerivedValues() {
        for symbol in derivedInDependencyOrder() { checkDerived(symbol) }
    }

    /// The derived values, each after the ones it names, found without recursion: checking them
    /// in this order, ``checkDerived(_:)`` meets every value it uses already checked, so a chain of
    /// thousands declared in reverse order (`let d1 = d2 + 1` ... ) does not recurse once per link.
    /// Names are matched by text alone (a superset of the real uses, which only adds order).
    func derivedInDependencyOrder() -> [Symbol] {
        var byName: [String: [Int]] = [:]
        for (k, symbol) in derivedSymbols.enumerated() { byName[symbol.name.text, default: []].append(k) }
        let uses: [[Int]] = derivedSymbols.map { symbol in
            var names: [String] = []
            if let decl = symbol.declaration { Checker.collectNames(decl.value, into: &names) }
            return names.flatMap { byName[$0] ?? [] }
        }
        var state = [UInt8](repeating: 0, count: derivedSymbols.count)  // 0 new, 1 on the path, 2 done
        var onCycle = [Bool](repeating: false, count: derivedSymbols.count)
        var order: [Symbol] = []
        order.reserveCapacity(derivedSymbols.count)
        var stack: [(node: Int, next: Int)] = []
        for root in derivedSymbols.indices where state[root] == 0 {
            state[root] = 1
            stack.append((root, 0))
            while let top = stack.last {
                if top.next < uses[top.node].count {
                    stack[stack.count - 1].next += 1
                    let used = uses[top.node][top.next]
                    if state[used] == 0 {
                        state[used] = 1
                        stack.append((used, 0))
                    } else if state[used] == 1, let from = stack.lastIndex(where: { $0.node == used }) {
                        for entry in stack[from...] { onCycle[entry.node] = true }
                    }
                } else {
                    stack.removeLast()
                    state[top.node] = 2
                    if !onCycle[top.node] { order.append(derivedSymbols[top.node]) }
                }
            }
        }
        // Values that may be on a cycle last, in declaration order: checkDerived finds and
        // reports the real cycles (names alone cannot tell), from the first value declared.
        return order + derivedSymbols.indices.filter { onCycle[$0] }.map { derivedSymbols[$0] }
    }

    /// Every name an expression mentions (`age`, the `name` of `person.name`).
    static func collectNames(_ e: Expr, into out: inout [String]) {
        switch e.kind {
        case .name(let n): out.append(n)
        case .qualified(let first, let field): out += [first.text, field.text]
        case .at(_, _, let x), .part(let x, _): collectNames(x, into: &out)
        case .call(_, let args): for a in args { collectNames(a, into: &out) }
        case .not(let x), .negate(let x), .answered(let x, _): collectNames(x, into: &out)
        case .binary(_, let a, let b, _):
            collectNames(a, into: &out)
            collectNames(b, into: &out)
        case .member(let x, let items, _):
            collectNames(x, into: &out)
            for item in items { collectNames(item, into: &out) }
        case .integer, .decimal, .string, .date, .monthYear, .duration, .bool, .invalid: break
        }
    }

    /// Checks a derived value after the ones it uses (depth first), so they are listed in
    /// evaluation order, and reports cycles.
    func checkDerived(_ symbol: Symbol) {
        let stack = derivedStack
        switch symbol.state {
        case .checked: return
        case .checking:
            let cycleStart = stack.firstIndex { $0 === symbol } ?? 0
            let cycle = Array(stack[cycleStart...]) + [symbol]
            let path = cycle.map(\.name.text).joined(separator: " -> ")
            error("derived-cycle", "derived value '\(symbol.name.text)' depends on itself: \(path)", at: symbol.name.span,
                hint: "a derived value must be computable from answers; break the cycle",
                notes: cycle.dropLast().dropFirst().map { .init("'\($0.name.text)' is part of the cycle", at: $0.name.span) })
            symbol.type = .error
            symbol.state = .checked
            return
        case .unchecked: break
        }
        // Only values ordered last (possibly on a cycle) are checked by recursion here; a chain of
        // them this long cannot be checked without exhausting the stack.
        if derivedStack.count >= Checker.maximumDerivedNesting {
            error("derived-cycle", "derived value '\(symbol.name.text)' is reached through more than \(Checker.maximumDerivedNesting) derived values that depend on each other",
                at: symbol.name.span, hint: "a derived value must be computable from answers; break the cycle")
            symbol.type = .error
            symbol.state = .checked
            return
        }
        symbol.state = .checking
        guard let decl = symbol.declaration else { return }
        var context = Context(scope: symbol.scope, position: Context.anywhere, subject: "derived value '\(decl.name.text)'")
        derivedStack.append(symbol)
        let typed = checkExpression(decl.value, &context)
        derivedStack.removeLast()
        guard symbol.state == .checking else { return }  // reported as part of a cycle meanwhile
        symbol.state = .checked
        if typed.type == .bool || typed.type != .error {
            symbol.type = typed.type
        }
        symbol.lowered = typed.expression
        // Only the latest question matters (for "asked later" and for a check's target); keeping
        // the whole list would grow with every link of a chain of derived values.
        let latest = context.dependencies.max { $0.position < $1.position }
        symbol.questionDependencies = latest.map { [$0] } ?? []
        symbol.position = latest?.position ?? -1
        derivedOrder.append(symbol)
    }
}
