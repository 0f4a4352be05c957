/// Compiled expressions laid out flat for the evaluator: one node per operation in one array,
/// children by index. Evaluating a node reads plain memory: no reference counting of
/// ``CExpr``'s boxes and no copies of their payloads (reference counting was about a tenth of
/// validating a census household before: BENCHMARKS.md, "Evaluator").
///
/// The evaluator's plan holds the schema's conditions, bounds and derived values as one frozen
/// code (``Evaluator/Plan/code``); an expression met only elsewhere (route coverage, the
/// generator's repairs) is laid out in a scratch code when it is evaluated. ``CExpr`` stays
/// the form that code inspects.
struct ExpressionCode {
    enum Op: UInt8 {
        case literal, answer, derived, position, respondent, today, variant, householdAddress
        case at, addressPart, count, any, countWhere, not, negate, and, or, compare, arithmetic
        case contains, member, answered, yearsBetween, join
    }

    /// `a`, `b`, `c` and `flag` by operation:
    /// - literal: `a` the literal's index;
    /// - answer, derived: `a` scope, `b` index in the scope, `flag` the slot's raw value;
    /// - position: `flag` slot; respondent: `a` roster, `flag` slot; count: `a` roster;
    /// - at: `a` roster, `b` 0-based member, `c` the inner node; any, countWhere: `a` roster, `b` inner;
    /// - addressPart: `a` inner, `flag` the part (``ExpressionCode/part(_:)``);
    /// - not, negate: `a`; and, or, contains, yearsBetween: `a`, `b`;
    /// - compare: `a`, `b`, `flag` 0 = 1 ≠ 2 < 3 ≤ 4 > 5 ≥; arithmetic: `a`, `b`, `flag` 0 + 1 - 2 * 3 /;
    /// - member: `a` the value, items `b ..< b + c` in ``items``, `flag` 1 when negated (`not in`);
    /// - answered: `a`, `flag` 1 when negated; join: items `b ..< b + c`.
    struct Node {
        var op: Op
        var flag: UInt8 = 0
        var a: Int32 = 0
        var b: Int32 = 0
        var c: Int32 = 0
    }

    /// Each starts with a placeholder no node refers to, so that none is ever empty.
    var nodes: [Node] = [Node(op: .today)]
    var literals: [Value] = [.unknown]
    var items: [Int32] = [0]

    /// Empties the code, keeping its storage (and the placeholders).
    mutating func removeAll() {
        nodes.removeSubrange(1...)
        literals.removeSubrange(1...)
        items.removeSubrange(1...)
    }

    /// Lays `e` out and returns its node.
    mutating func append(_ e: CExpr) -> Int32 {
        func node(_ op: Op, flag: UInt8 = 0, _ a: Int = 0, _ b: Int = 0, _ c: Int = 0) -> Int32 {
            nodes.append(Node(op: op, flag: flag, a: Int32(truncatingIfNeeded: a), b: Int32(truncatingIfNeeded: b), c: Int32(truncatingIfNeeded: c)))
            return Int32(nodes.count - 1)
        }
        func list(_ es: [CExpr]) -> (start: Int, count: Int) {
            let roots = es.map { append($0) }
            let start = items.count
            items.append(contentsOf: roots)
            return (start, roots.count)
        }
        switch e {
        case .literal(let v):
            literals.append(v)
            return node(.literal, literals.count - 1)
        case .answer(let s, let i, let slot): return node(.answer, flag: slot.rawValue, s, i)
        case .derived(let s, let i, let slot): return node(.derived, flag: slot.rawValue, s, i)
        case .position(let slot): return node(.position, flag: slot.rawValue)
        case .respondent(let r, let slot): return node(.respondent, flag: slot.rawValue, r)
        case .today: return node(.today)
        case .variant: return node(.variant)
        case .householdAddress: return node(.householdAddress)
        case .at(let r, let index, let inner):
            let x = append(inner)
            return node(.at, r, index, Int(x))
        case .addressPart(let inner, let part):
            let x = append(inner)
            return node(.addressPart, flag: UInt8(Expression.AddressPart.allCases.firstIndex(of: part) ?? 0), Int(x))
        case .count(let r): return node(.count, r)
        case .any(let r, let inner):
            let x = append(inner)
            return node(.any, r, Int(x))
        case .countWhere(let r, let inner):
            let x = append(inner)
            return node(.countWhere, r, Int(x))
        case .not(let a):
            let x = append(a)
            return node(.not, Int(x))
        case .negate(let a):
            let x = append(a)
            return node(.negate, Int(x))
        case .and(let a, let b):
            let (x, y) = (append(a), append(b))
            return node(.and, Int(x), Int(y))
        case .or(let a, let b):
            let (x, y) = (append(a), append(b))
            return node(.or, Int(x), Int(y))
        case .compare(let op, let a, let b):
            let (x, y) = (append(a), append(b))
            let flag: UInt8
            switch op {
            case .equal: flag = 0
            case .notEqual: flag = 1
            case .less: flag = 2
            case .lessOrEqual: flag = 3
            case .greater: flag = 4
            default: flag = 5
            }
            return node(.compare, flag: flag, Int(x), Int(y))
        case .arithmetic(let op, let a, let b):
            let (x, y) = (append(a), append(b))
            let flag: UInt8
            switch op {
            case .add: flag = 0
            case .subtract: flag = 1
            case .multiply: flag = 2
            case .divide: flag = 3
            // Not made by the evaluator's compiler; evaluates to unknown as before.
            default: flag = 4
            }
            return node(.arithmetic, flag: flag, Int(x), Int(y))
        case .contains(let a, let b):
            let (x, y) = (append(a), append(b))
            return node(.contains, Int(x), Int(y))
        case .member(let a, let es, let negated):
            let x = append(a)
            let (start, count) = list(es)
            return node(.member, flag: negated ? 1 : 0, Int(x), start, count)
        case .answered(let a, let negated):
            let x = append(a)
            return node(.answered, flag: negated ? 1 : 0, Int(x))
        case .yearsBetween(let a, let b):
            let (x, y) = (append(a), append(b))
            return node(.yearsBetween, Int(x), Int(y))
        case .join(let es):
            let (start, count) = list(es)
            return node(.join, 0, start, count)
        }
    }

    /// The operator of an arithmetic node's flag.
    @inline(__always)
    static func arithmeticOperator(_ flag: UInt8) -> Expression.BinaryOperator? {
        switch flag {
        case 0: return .add
        case 1: return .subtract
        case 2: return .multiply
        case 3: return .divide
        default: return nil
        }
    }

    /// The address part of an addressPart node's flag.
    @inline(__always)
    static func part(_ flag: UInt8) -> Expression.AddressPart {
        switch flag {
        case 0: return .line1
        case 1: return .line2
        case 2: return .town
        case 3: return .postcode
        default: return .country
        }
    }
}

/// A frozen ``ExpressionCode`` in buffers of its own, read through ``ExpressionCode/View``
/// for as long as the owner lives (the plan's code lives as long as its evaluator).
final class FrozenExpressionCode: @unchecked Sendable {
    let view: ExpressionCode.View
    private let nodeCount: Int, literalCount: Int, itemCount: Int

    init(_ code: ExpressionCode) {
        nodeCount = code.nodes.count
        literalCount = code.literals.count
        itemCount = code.items.count
        let nodes = UnsafeMutablePointer<ExpressionCode.Node>.allocate(capacity: max(1, nodeCount))
        nodes.initialize(from: code.nodes, count: nodeCount)
        let literals = UnsafeMutablePointer<Value>.allocate(capacity: max(1, literalCount))
        literals.initialize(from: code.literals, count: literalCount)
        let items = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, itemCount))
        items.initialize(from: code.items, count: itemCount)
        view = ExpressionCode.View(nodes: nodes, literals: literals, items: items)
    }

    deinit {
        UnsafeMutablePointer(mutating: view.nodes).deallocate()
        let literals = UnsafeMutablePointer(mutating: view.literals)
        literals.deinitialize(count: literalCount)
        literals.deallocate()
        UnsafeMutablePointer(mutating: view.items).deallocate()
    }
}

extension ExpressionCode {
    /// Where a code's nodes, literals and item lists are, for evaluation.
    struct View {
        let nodes: UnsafePointer<Node>
        let literals: UnsafePointer<Value>
        let items: UnsafePointer<Int32>
    }

    /// Evaluates with a view of this code (valid only inside `body`; the code must not change).
    func withView<R>(_ body: (View) -> R) -> R {
        nodes.withUnsafeBufferPointer { n in
            literals.withUnsafeBufferPointer { l in
                items.withUnsafeBufferPointer { i in
                    // Never empty (see init), so every buffer has an address.
                    body(View(nodes: n.baseAddress.unsafelyUnwrapped, literals: l.baseAddress.unsafelyUnwrapped, items: i.baseAddress.unsafelyUnwrapped))
                }
            }
        }
    }
}
