/// A checked, resolved expression from a compiled schema: a `when` condition, a derived value,
/// a check or a range bound. The compiler has already proved it well typed, so the evaluator
/// only has to compute it.
public indirect enum Expression: Sendable, Hashable {
    /// A constant written in the form (`16`, `census_date - 115y`'s `115y`, `rents`).
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
    /// `not x` or `-x`; unknown when its operand is unknown.
    case unary(UnaryOperator, Expression)
    /// `a OP b`. `and`/`or` follow three-valued logic (`false and unknown` is false, `true or
    /// unknown` is true); any other operator is unknown when an operand is unknown, as is a
    /// division by zero or an integer overflow.
    case binary(BinaryOperator, Expression, Expression)
    /// `x in [a, b]` (or `not in` when `negated`).
    case member(Expression, [Expression], negated: Bool)
    /// `x is answered` (or `is not answered` when `negated`).
    case answered(Expression, negated: Bool)
    /// A built-in function applied to its arguments.
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

    /// A part of an address answer, spelled as in the schema's JSON.
    public enum AddressPart: String, Sendable, Hashable, CaseIterable {
        /// The first and second address lines, the town, the postcode and the country; unknown
        /// when the address leaves that part out.
        case line1, line2, town, postcode, country
    }

    /// A constant value in an expression.
    public enum Literal: Sendable, Hashable {
        /// `true` or `false`.
        case bool(Bool)
        /// A whole number (`16`).
        case integer(Int)
        /// A number with a fractional part (`1.5`).
        case decimal(Double)
        /// A quoted text (`"Wales"`).
        case text(String)
        /// A calendar day (`2021-03-21`).
        case date(CalendarDate)
        /// A month of a year (`2020-03`).
        case monthYear(MonthYear)
        /// An amount of calendar time added to or taken from a date (`115y`, `6m`).
        case duration(CalendarDuration)
        /// An option id of the choice list of the answer it is compared with.
        case option(String)
    }

    /// An operator with one operand, spelled as in the schema's JSON.
    public enum UnaryOperator: String, Sendable, Hashable {
        /// `not`: logical negation (unknown stays unknown); `negate`: arithmetic minus.
        case not, negate = "neg"
    }

    /// An operator with two operands, spelled as in the schema's JSON (`eq`, `lt`, `sub`).
    public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
        /// Logical, three-valued: a known `false` (for `and`) or `true` (for `or`) decides alone.
        case and, or
        /// Comparisons of numbers, texts, dates, months or options; unknown when either side is.
        case equal = "eq", notEqual = "ne", less = "lt", lessOrEqual = "le", greater = "gt", greaterOrEqual = "ge"
        /// Arithmetic on numbers, and a date plus or minus a duration; an integer division that is
        /// not exact gives a decimal, a division by zero or an overflow gives unknown.
        case add, subtract = "sub", multiply = "mul", divide = "div"
        /// A multiple-choice answer includes an option; or a text includes a text.
        case contains
    }

    /// A built-in function of the language, spelled as in the schema's JSON.
    public enum Function: String, Sendable, Hashable, CaseIterable {
        /// `years_between(a, b)`: whole years from date a to date b.
        case yearsBetween = "years_between"
        /// `join(a, b, ...)`: texts joined with single spaces, unanswered ones skipped.
        case join
    }
}
