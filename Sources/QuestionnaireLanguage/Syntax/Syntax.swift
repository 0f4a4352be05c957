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
        /// `person.name`, `outer.name`, `address.town`
        case qualified(Name, Name)
        /// `residents[1].name`: a member's value by position; the part after the dot may itself
        /// be qualified (`residents[1].address.town`).
        case at(roster: Name, position: Int, Expr)
        /// `person.address.town`, `residents[1].address.line1`: a part of an address.
        case part(Expr, Name)
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

/// The clauses of a text answer beyond its length and pattern.
struct TextClauses: Sendable {
    var multiline: Span?
    /// `suggest LIST`
    var suggest: Name?
    /// `or OPTION "label"`: a checkbox that answers instead of the text.
    var none: (name: Name, label: TextNode?)?
}

enum AnswerTypeSyntax: Sendable {
    case text(max: (Int, Span)?, pattern: StringLiteral?, clauses: TextClauses = TextClauses())
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
    case inline([OptionDecl], span: Span, orders: [OrderDecl] = [])
}

struct OptionDecl: Sendable {
    var name: Name
    var label: TextNode
    var exclusive: Bool
    /// `specify`: the keyword's span, its prompt if given, and an optional max length.
    var specify: (keyword: Span, prompt: TextNode?, max: Int?)?
    /// `specify integer LOW...HIGH "prompt"`: a whole-number detail instead of text.
    var number: (low: Int?, high: Int?, span: Span)?
    /// `description "..."`: a line shown under the label.
    var description: TextNode?
    /// `when CONDITION`: the option is offered only when it holds.
    var when: Expr?
}

/// `order VARIANT: a, b, c` in a list of options: the order shown in that variant.
struct OrderDecl: Sendable {
    var variant: Name
    var options: [Name]
    var span: Span
}

struct ChoicesDecl: Sendable {
    var name: Name
    var options: [OptionDecl]
    var orders: [OrderDecl] = []
    var span: Span
}

struct QuestionDecl: Sendable {
    var name: Name
    var type: AnswerTypeSyntax
    var typeSpan: Span
    var required: Bool
    var when: Expr?
    var label: TextNode?
    /// Hints in order, each with the condition under which it is shown (`hint "..." when ...`).
    var hints: [(text: TextNode, when: Expr?)] = []
    /// Definition panels: a title and its text.
    var definitions: [(title: TextNode, body: TextNode)] = []
    var voluntary: Span?
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
    /// `respondent first when CONDITION` (in a roster).
    case respondentFirst(Expr?, Span)
    /// `add|more|change|remove|summary|item "..."` (in a roster): list-screen wording.
    case listWording(Name, TextNode, Span)
    /// `body "..."` (in a page).
    case body(TextNode, Span)
    /// `definition "title" "text"` (in a page).
    case definition(TextNode, TextNode, Span)
    /// `end SECTION [when CONDITION]`.
    case end(Name, Expr?, Span)
    /// `individual_response [when CONDITION]` (in a per-member section).
    case individualResponse(Expr?, Span)
    /// `suggestions NAME "file" cy "file"` (top level).
    case suggestions(Name, TextNode, Span)
    /// `variants { england "England" ... }` (top level).
    case variants([OptionDecl], Span)
    /// `messages gd { required "..." ... }` (top level): the evaluator's messages in a language.
    case messages(Name, [(key: Name, text: StringLiteral)], Span)

    var span: Span {
        switch self {
        case .version(_, let s), .title(_, let s), .languages(_, let s), .censusDate(_, let s), .selfWhen(_, let s),
            .unrelated(_, let s), .respondentFirst(_, let s), .listWording(_, _, let s), .body(_, let s),
            .definition(_, _, let s), .end(_, _, let s), .individualResponse(_, let s), .suggestions(_, _, let s),
            .variants(_, let s), .messages(_, _, let s):
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
    /// Names declared with hyphens (`first-name`, already reported), by the name they are read
    /// as (`first_name`): where each was declared, so a pipe written `{first-name}` reads it too.
    var hyphenatedNames: [String: Span] = [:]
}
