import Questionnaire

// The syntax tree the parser builds: what was written, where, before any checking.

/// A name as written, with its place.
struct Name: Sendable, Hashable {
    var text: String
    var span: Span
}

/// A string literal and the span of its raw source (quotes included).
struct StringLiteral: Sendable, Hashable {
    var value: String
    var span: Span
}

/// Text in one or more languages: `"Hello" cy "Helo"`. The first entry has no tag: it is the
/// primary language's.
struct TextNode: Sendable, Hashable {
    var primary: StringLiteral
    var translations: [(language: Name, text: StringLiteral)]
    var span: Span

    static func == (a: TextNode, b: TextNode) -> Bool { a.span == b.span }
    func hash(into h: inout Hasher) { h.combine(span) }
}

struct Expr: Sendable {
    indirect enum Kind: Sendable {
        case integer(Int)
        case decimal(Double)
        case string(String)
        case date(CalendarDate)
        case monthYear(MonthYear)
        case duration(CalendarDuration)
        case bool(Bool)
        case name(String)
        /// `person.name`
        case qualified(Name, Name)
        case call(Name, [Expr])
        case not(Expr)
        case negate(Expr)
        case binary(Expression.BinaryOperator, Expr, Expr, opSpan: Span)
        case member(Expr, [Expr], negated: Bool)
        case answered(Expr, negated: Bool)
        /// A syntax error was already reported here.
        case invalid
    }
    var kind: Kind
    var span: Span
    /// Nesting depth, bounded by the parser so checking never exhausts the stack.
    var depth: Int = 1
}

enum AnswerTypeSyntax: Sendable {
    case text(max: (Int, Span)?, pattern: StringLiteral?)
    case integer(Expr?, Expr?)
    case decimal(Expr?, Expr?)
    case date(Expr?, Expr?)
    case monthYear(Expr?, Expr?)
    case oneOf(ChoiceReference)
    case anyOf(ChoiceReference)
    case yesNo
    case address(ukOnly: Bool)
    case invalid
}

enum ChoiceReference: Sendable {
    case named(Name)
    case inline([OptionDecl], span: Span)
}

struct OptionDecl: Sendable {
    var name: Name
    var label: TextNode
    var exclusive: Bool
    /// `specify`: the keyword's span, its prompt if given, and an optional max length.
    var specify: (keyword: Span, prompt: TextNode?, max: Int?)?
}

struct ChoicesDecl: Sendable {
    var name: Name
    var options: [OptionDecl]
    var span: Span
}

struct QuestionDecl: Sendable {
    var name: Name
    var type: AnswerTypeSyntax
    var typeSpan: Span
    var required: Bool
    var when: Expr?
    var label: TextNode?
    var hint: TextNode?
    var span: Span
}

struct LetDecl: Sendable {
    var name: Name
    var value: Expr
    var span: Span
}

struct CheckDecl: Sendable {
    var severity: Check.Severity
    var name: Name
    var when: Expr?
    var target: Name?
    var message: TextNode?
    var span: Span
}

/// A section, page, roster or relationship block: a container with a body.
struct BlockDecl: Sendable {
    enum Kind: Sendable {
        case section(forRoster: Name?)
        case page
        case roster(min: (Int, Span)?, max: (Int, Span)?)
        case relationships(forRoster: Name?)
    }
    var kind: Kind
    var keyword: Span
    var name: Name
    var title: TextNode?
    var when: Expr?
    var items: [Item]
    var span: Span
}

/// Anything that can stand in a questionnaire or block body.
enum Item: Sendable {
    case version(StringLiteral, Span)
    case title(TextNode, Span)
    case languages([Name], Span)
    case censusDate(CalendarDate?, Span)
    case choices(ChoicesDecl)
    case block(BlockDecl)
    case question(QuestionDecl)
    case letValue(LetDecl)
    case check(CheckDecl)
    case selfWhen(Expr, Span)
    case unrelated(Name, Span)

    var span: Span {
        switch self {
        case .version(_, let s), .title(_, let s), .languages(_, let s), .censusDate(_, let s), .selfWhen(_, let s),
            .unrelated(_, let s):
            return s
        case .choices(let c): return c.span
        case .block(let b): return b.span
        case .question(let q): return q.span
        case .letValue(let l): return l.span
        case .check(let c): return c.span
        }
    }
}

struct QuestionnaireSyntax: Sendable {
    var name: Name
    var items: [Item]
    var span: Span
}
