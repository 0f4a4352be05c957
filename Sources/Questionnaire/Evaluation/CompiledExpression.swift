/// Whose frame a reference reads at run time.
package enum Slot: UInt8, Sendable {
    case household, member, pair, person, other
    /// The member whose value is evaluated around a `count`/`any` (``Ctx/outer``).
    case outer
}

/// An ``Expression`` with every name resolved to a scope and an index, so evaluating it does
/// no dictionary look-ups.
package indirect enum CExpr: Sendable {
    case literal(Value)
    case answer(scope: Int, index: Int, slot: Slot)
    case derived(scope: Int, index: Int, slot: Slot)
    case position(Slot)
    /// Whether the member in the slot is its roster's respondent (member 1 when `respondentFirst` holds).
    case respondent(roster: Int, Slot)
    case today
    case variant
    case householdAddress
    /// An expression evaluated in the member at a 0-based index of a roster.
    case at(roster: Int, index: Int, CExpr)
    case addressPart(CExpr, Expression.AddressPart)
    case count(roster: Int)
    case any(roster: Int, CExpr)
    case countWhere(roster: Int, CExpr)
    case not(CExpr)
    case negate(CExpr)
    case and(CExpr, CExpr)
    case or(CExpr, CExpr)
    case compare(Expression.BinaryOperator, CExpr, CExpr)
    case arithmetic(Expression.BinaryOperator, CExpr, CExpr)
    case contains(CExpr, CExpr)
    case member(CExpr, [CExpr], negated: Bool)
    case answered(CExpr, negated: Bool)
    case yearsBetween(CExpr, CExpr)
    case join([CExpr])

    /// Answer references this expression reads (for coverage reports and check targets).
    package func collectAnswers(into out: inout [(scope: Int, index: Int)]) {
        switch self {
        case .literal, .position, .count, .respondent, .today, .variant, .householdAddress: break
        case .answer(let s, let i, _): out.append((s, i))
        case .derived: break
        case .any(_, let e), .countWhere(_, let e), .not(let e), .negate(let e), .answered(let e, _), .at(_, _, let e),
            .addressPart(let e, _):
            e.collectAnswers(into: &out)
        case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b), .arithmetic(_, let a, let b),
            .contains(let a, let b), .yearsBetween(let a, let b):
            a.collectAnswers(into: &out)
            b.collectAnswers(into: &out)
        case .member(let e, let items, _):
            e.collectAnswers(into: &out)
            for item in items { item.collectAnswers(into: &out) }
        case .join(let items): for item in items { item.collectAnswers(into: &out) }
        }
    }
}

/// A schema that cannot be prepared for evaluation (a compiler bug or a hand-edited schema).
public struct EvaluatorError: Error, CustomStringConvertible, Sendable {
    /// What cannot be prepared and where (`question dob2 (of member) is not defined in scope household`).
    public var message: String
    /// Makes the error from its one-line message.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
