/// A checked, resolved expression from a compiled schema: a `when` condition, a derived value,
/// a check or a range bound. The compiler has already proved it well typed, so the evaluator
/// only has to compute it.
public indirect enum Expression: Sendable, Hashable {
    case literal(Literal)
    /// The answer to question `id`, of the subject whose answers are meant.
    case answer(String, Subject)
    /// The derived value `id` (a `let`), of a subject.
    case derived(String, Subject)
    /// The 1-based position of a roster member.
    case position(Subject)
    /// Whether a roster member is the respondent: member 1 of a roster whose `respondentFirst`
    /// holds. Never unknown.
    case respondent(Subject)
    /// A value of the response as a whole: the day it is given, its variant, the household's address.
    case builtin(Builtin)
    /// `residents[1].name`: an expression evaluated in the member at a 1-based position of a
    /// roster; unknown when there is no such member.
    case at(roster: String, position: Int, Expression)
    /// A part of an address answer (`line1`, `line2`, `town`, `postcode`, `country`), as text.
    case addressPart(Expression, AddressPart)
    /// The number of members of a roster.
    case count(roster: String)
    /// Whether any member of a roster satisfies a condition (evaluated in that member).
    case any(roster: String, Expression)
    /// The number of members of a roster that satisfy a condition (evaluated in each member);
    /// unknown while the condition is unknown for any member.
    case countWhere(roster: String, Expression)
    case unary(UnaryOperator, Expression)
    case binary(BinaryOperator, Expression, Expression)
    /// `x in [a, b]` (or `not in` when `negated`).
    case member(Expression, [Expression], negated: Bool)
    /// `x is answered` (or `is not answered` when `negated`).
    case answered(Expression, negated: Bool)
    case call(Function, [Expression])

    /// Whose answer a reference means.
    public enum Subject: String, Sendable, Hashable, CaseIterable {
        /// A household question (asked once).
        case household
        /// The roster member whose questions are being asked.
        case member
        /// In a relationship pair, the later member (the one described).
        case person
        /// In a relationship pair, the earlier member (the one related to).
        case other
        /// Inside `count(roster, ...)` or `any(roster, ...)`: the member whose question, check
        /// or value is being evaluated, rather than the member counted.
        case outer
    }

    /// Values of the response as a whole.
    public enum Builtin: String, Sendable, Hashable, CaseIterable {
        /// The day the response is given: the date of its `submittedAt` (as written, in its own
        /// zone), else of `startedAt`, else ``EvaluationOptions/today``, else the evaluator's clock (UTC).
        case today
        /// The form variant the response is for (`"variant"` in the envelope), an option of the list `variant`.
        case variant
        /// The household's address from the address frame (``EvaluationOptions/householdAddress``), as text.
        case householdAddress = "household_address"
    }

    public enum AddressPart: String, Sendable, Hashable, CaseIterable {
        case line1, line2, town, postcode, country
    }

    public enum Literal: Sendable, Hashable {
        case bool(Bool)
        case integer(Int)
        case decimal(Double)
        case text(String)
        case date(CalendarDate)
        case monthYear(MonthYear)
        case duration(CalendarDuration)
        /// An option id of the choice list of the answer it is compared with.
        case option(String)
    }

    public enum UnaryOperator: String, Sendable, Hashable {
        case not, negate = "neg"
    }

    public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
        case and, or
        case equal = "eq", notEqual = "ne", less = "lt", lessOrEqual = "le", greater = "gt", greaterOrEqual = "ge"
        case add, subtract = "sub", multiply = "mul", divide = "div"
        /// A multiple-choice answer includes an option; or a text includes a text.
        case contains
    }

    public enum Function: String, Sendable, Hashable, CaseIterable {
        /// `years_between(a, b)`: whole years from date a to date b.
        case yearsBetween = "years_between"
        /// `join(a, b, ...)`: texts joined with single spaces, unanswered ones skipped.
        case join
    }
}
