import Questionnaire

/// The static type of an expression.
enum ValueType: Equatable, CustomStringConvertible {
    case bool, integer, decimal, text, date, monthYear, duration, address
    /// One option of a choice list.
    case choice(String)
    /// A set of options of a choice list.
    case choices(String)
    /// Already reported; stays silent so one mistake gives one diagnostic.
    case error

    var description: String {
        switch self {
        case .bool: return "a condition (true or false)"
        case .integer: return "a whole number"
        case .decimal: return "a number"
        case .text: return "text"
        case .date: return "a date"
        case .monthYear: return "a month and year"
        case .duration: return "a duration"
        case .address: return "an address"
        case .choice(let l): return "an option of '\(l)'"
        case .choices(let l): return "a set of options of '\(l)'"
        case .error: return "an invalid value"
        }
    }

    var isNumeric: Bool { self == .integer || self == .decimal }
    var isCalendar: Bool { self == .date || self == .monthYear }

    /// The name recorded in the schema for a derived value of this type.
    var schemaName: String {
        switch self {
        case .bool: return "bool"
        case .integer: return "integer"
        case .decimal: return "decimal"
        case .text: return "text"
        case .date: return "date"
        case .monthYear: return "month_year"
        case .duration: return "duration"
        case .address: return "address"
        case .choice(let l): return "one_of(\(l))"
        case .choices(let l): return "any_of(\(l))"
        case .error: return "error"
        }
    }
}

/// A question or derived value that expressions can refer to.
final class Symbol {
    enum Kind { case question, derived }
    let kind: Kind
    let name: Name
    let scope: Scope
    /// For questions: the index in flow order. For derived values: computed from what they use.
    var position: Int
    var type: ValueType
    /// For derived values.
    var declaration: LetDecl?
    var lowered: Expression?
    var state: State = .unchecked
    /// The latest question (in flow order) this value depends on, directly or through other
    /// derived values; empty when it reads no answer.
    var questionDependencies: [Symbol] = []
    /// The declared range, for questions with one (used to find conditions that never hold).
    var question: QuestionDecl?

    enum State { case unchecked, checking, checked }

    init(kind: Kind, name: Name, scope: Scope, position: Int, type: ValueType) {
        self.kind = kind
        self.name = name
        self.scope = scope
        self.position = position
        self.type = type
    }

    var kindName: String { kind == .question ? "question" : "derived value" }
}

struct RosterInfo {
    var name: Name
    var minMembers: Int
    var maxMembers: Int
    /// The roster says when member 1 is the respondent (`respondent first when ...`).
    var hasRespondent = false
    /// Flow position where the roster starts; members' answers exist from here on.
    var position: Int
}

struct ChoiceListInfo {
    var id: String
    var span: Span
    var options: [OptionDecl]
    var optionIDs: Set<String>
    var used = false
    /// How questions use the list: `exclusive` only means something to an any_of answer.
    var usedBySingleChoice = false
    var usedByMultipleChoice = false
    /// Option orders by variant (`order wales: ...`).
    var orders: [String: [String]] = [:]
}

/// Where an expression is checked: whose answers plain names mean, and how far the flow has got.
struct Context {
    var scope: Scope
    /// Answers at or after this flow position are not known yet.
    var position: Int
    /// What the expression is, for messages ("the condition of question 'x'").
    var subject: String
    /// Whether the expression belongs to the question at `position` (its condition, label or
    /// range), so a use of that question is a use of its own answer.
    var ownQuestion = false
    /// The section, page or roster whose condition or title this is: what is asked inside it
    /// (its span) is not known when it is decided, whatever the order.
    var ownBlock: OwnBlock?
    /// Whether `{self|proxy}` wording may be used here.
    var selfSwitchAvailable = false
    /// Rosters whose members the expression counts or tests (`count(people)`, `any(people, ...)`).
    var rosters: [String] = []
    /// Whether the name being resolved is piped into text (`{name}`), not used in an expression.
    var piping = false
    /// Inside `count(roster, ...)`/`any(roster, ...)` checked for a member: that member's scope (`outer.NAME`).
    var outerScope: Scope?
    /// Set when checking the option labels of a shared (top-level) choice list: it is not
    /// tied to one question, so there are no answers it could pipe.
    var sharedList: String?
    /// Questions the expression depends on (filled in while checking).
    var dependencies: [Symbol] = []

    /// Derived values are checked outside the flow: their uses are checked instead.
    static let anywhere = Int.max
}

extension Checker {
    /// Reports a mistake that is one mistake however often it shows (a name used many times
    /// but never declared, `{self|proxy}` switches in a section without `self when`):
    /// ``collapseRepeats()`` keeps the first use, with a note at the second saying how many more
    /// there are.
    func errorOnce(_ code: String, _ message: String, at span: Span, hint: String? = nil) {
        collapsibleMessages.insert(message)
        error(code, message, at: span, hint: hint)
    }

    func collapseRepeats() {
        var first: [String: Int] = [:]
        var repeats: [Int: [Span]] = [:]
        let order = diagnostics.indices.sorted { diagnostics[$0].span.start < diagnostics[$1].span.start }
        var dropped = Set<Int>()
        for i in order {
            let d = diagnostics[i]
            guard collapsibleMessages.contains(d.message) else { continue }
            if let kept = first[d.message] {
                repeats[kept, default: []].append(d.span)
                dropped.insert(i)
            } else {
                first[d.message] = i
            }
        }
        guard !dropped.isEmpty else { return }
        for (kept, spans) in repeats {
            let more = spans.count - 1
            diagnostics[kept].notes.append(.init(more == 0 ? "also here" : "also here, and in \(more) more place\(more == 1 ? "" : "s")", at: spans[0]))
        }
        diagnostics = diagnostics.indices.filter { !dropped.contains($0) }.map { diagnostics[$0] }
    }
}

/// A section, page or roster whose own condition or title is being checked.
struct OwnBlock {
    var keyword: String
    var name: String
    /// From its keyword to its closing brace.
    var span: Span

    func contains(_ other: Span) -> Bool { span.start <= other.start && other.end <= span.end }
    var described: String { "\(keyword) '\(name)'" }
}
