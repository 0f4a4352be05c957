/// A compiled questionnaire: everything the server, the keying screen, the evaluator and the
/// aggregator need to know about a form. Produced by `QuestionnaireLanguage`, stored as
/// canonical JSON (see `docs/schema-format.md`), identified by its content ``hash``.
///
/// The model is flat on purpose: questions, derived values and checks are listed in the order
/// they are evaluated, and each refers to its innermost ``Container`` by id. A question applies
/// when its own `when` and the `when` of every enclosing container hold.
public struct Schema: Sendable, Hashable {
    /// The schema format this value follows. Readers reject other formats.
    public static let formatIdentifier = "census-schema/2"

    public var id: String
    public var version: String
    public var title: LocalizedText
    /// Declared languages; the first is the primary one.
    public var languages: [String]
    public var censusDate: CalendarDate
    /// Choice lists in declaration order (built-in `yes_no` first when used).
    public var choiceLists: [ChoiceList]
    /// Sections, pages, rosters and relationship blocks, in flow order (parents before children).
    public var containers: [Container]
    /// Every question in flow order.
    public var questions: [Question]
    /// Derived values in evaluation order: each comes after every value it depends on.
    public var derived: [DerivedValue]
    /// Checks in flow order.
    public var checks: [Check]
    /// Statements that end a section early (`end individual when ...`), in flow order.
    public var endings: [Ending]
    /// The form's variants (`england`, `wales`), the first the default; empty when it has
    /// none. Their labels are the options of the choice list `variant`.
    public var variants: [String]
    /// Suggestion lists for write-in answers (`suggest countries`), read from the form's data files.
    public var suggestions: [SuggestionList]
    /// The form's wording of the evaluator's own messages, by language and message code
    /// (``EvaluatorMessage``): `["gd": ["required": "Feumaidh ... {question}"]]`. Languages the
    /// evaluator has no wording for (other than English and Welsh) need it, or respondents read
    /// these messages in English.
    public var messages: [String: [String: String]]
    /// `sha256:` and the hex SHA-256 of the canonical JSON of everything but the hash itself.
    public var hash: String

    public init(
        id: String, version: String, title: LocalizedText, languages: [String], censusDate: CalendarDate,
        choiceLists: [ChoiceList], containers: [Container], questions: [Question], derived: [DerivedValue],
        checks: [Check], endings: [Ending] = [], variants: [String] = [], suggestions: [SuggestionList] = [],
        messages: [String: [String: String]] = [:], hash: String = ""
    ) {
        self.id = id
        self.version = version
        self.title = title
        self.languages = languages
        self.censusDate = censusDate
        self.choiceLists = choiceLists
        self.containers = containers
        self.questions = questions
        self.derived = derived
        self.checks = checks
        self.endings = endings
        self.variants = variants
        self.suggestions = suggestions
        self.messages = messages
        self.hash = hash
    }
}

/// Text in every declared language, keyed by language code (`en`, `cy`).
public typealias LocalizedText = [String: String]

/// Where a question, derived value or check lives: asked once for the household, once per
/// member of a roster, or once per pair of members of a roster (the relationship matrix).
public enum Scope: Sendable, Hashable, CustomStringConvertible {
    case household
    case member(roster: String)
    case pair(roster: String)

    public var description: String {
        switch self {
        case .household: return "household"
        case .member(let roster): return "member:\(roster)"
        case .pair(let roster): return "pair:\(roster)"
        }
    }

    public init?(_ text: String) {
        if text == "household" { self = .household; return }
        if text.hasPrefix("member:") { self = .member(roster: String(text.dropFirst(7))); return }
        if text.hasPrefix("pair:") { self = .pair(roster: String(text.dropFirst(5))); return }
        return nil
    }

    /// The roster whose members (or pairs of members) this scope ranges over.
    public var roster: String? {
        switch self {
        case .household: return nil
        case .member(let r), .pair(let r): return r
        }
    }
}

public struct ChoiceList: Sendable, Hashable {
    public var id: String
    public var options: [Option]
    /// The order options are shown in, by variant, where a variant shows them in another
    /// order than `options` (`"wales": ["welsh", "english", ...]`). Every option appears once.
    public var orders: [String: [String]]

    public init(id: String, options: [Option], orders: [String: [String]] = [:]) {
        self.id = id
        self.options = options
        self.orders = orders
    }

    public struct Option: Sendable, Hashable {
        public var id: String
        public var label: LocalizedText
        /// Cannot be chosen together with any other option ("none of these").
        public var exclusive: Bool
        /// A "please specify" detail that goes with this option: text, or a whole number.
        public var specify: Specify?
        /// A line shown under the label ("Including end-terrace").
        public var description: LocalizedText?
        /// When the option is offered, evaluated where its question is asked; `nil` always.
        /// An option that is not offered cannot be chosen (`option_not_offered`).
        public var when: Expression?

        public init(
            id: String, label: LocalizedText, exclusive: Bool = false, specify: Specify? = nil,
            description: LocalizedText? = nil, when: Expression? = nil
        ) {
            self.id = id
            self.label = label
            self.exclusive = exclusive
            self.specify = specify
            self.description = description
            self.when = when
        }
    }

    /// An option's detail: written-in text of at most `maxLength` characters, or, when
    /// `number` is set, a whole number in its range ("5 or more": how many).
    public struct Specify: Sendable, Hashable {
        public var prompt: LocalizedText
        public var maxLength: Int
        public var number: NumberRange?

        public init(prompt: LocalizedText, maxLength: Int, number: NumberRange? = nil) {
            self.prompt = prompt
            self.maxLength = maxLength
            self.number = number
        }
    }

    /// Bounds of a whole-number detail (either may be open).
    public struct NumberRange: Sendable, Hashable {
        public var min: Int?
        public var max: Int?
        public init(min: Int?, max: Int?) {
            self.min = min
            self.max = max
        }
    }
}

/// A section, page, roster or relationship block.
public struct Container: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case section, page, roster, relationships
    }

    public var id: String
    public var kind: Kind
    public var title: LocalizedText?
    /// The enclosing container, if any.
    public var parent: String?
    /// The scope the `when` (and `selfWhen`) is evaluated in. For a roster this is the scope
    /// that holds the roster (usually the household); its members have scope `.member(id)`.
    public var scope: Scope
    public var when: Expression?
    /// For a per-member section: the condition under which the member is the respondent,
    /// switching `{self|proxy}` wording to its first side.
    public var selfWhen: Expression?
    /// For a roster: bounds on its number of members.
    public var minMembers: Int?
    public var maxMembers: Int?
    /// For a relationship block: the roster it pairs, and the option its "unrelated" shortcut fills in.
    public var roster: String?
    public var unrelatedOption: String?
    /// For a roster: member 1 is the respondent when this holds (household scope), as when the
    /// respondent says they live here (`respondent first when lives_here == yes`).
    public var respondentFirst: Expression?
    /// For a roster: the wording of its list screens.
    public var listWording: ListWording?
    /// For a page: paragraphs shown before its questions (a page with no questions is a
    /// content page).
    public var body: [LocalizedText]
    /// For a page: definition panels ("What we mean by this household").
    public var definitions: [Definition]
    /// For a per-member section: a member may answer it privately with an individual access
    /// code when this is present and its condition (if any) holds for them.
    public var individualResponse: IndividualResponse?
    /// Endings (``Schema/endings``) that, when they fire, skip this container.
    public var endedBy: [String]
    /// Its place in the flow: how many questions come before it (so a content page, which has
    /// none of its own, is shown between the right questions).
    public var position: Int

    public init(
        id: String, kind: Kind, title: LocalizedText? = nil, parent: String? = nil, scope: Scope,
        when: Expression? = nil, selfWhen: Expression? = nil, minMembers: Int? = nil, maxMembers: Int? = nil,
        roster: String? = nil, unrelatedOption: String? = nil, respondentFirst: Expression? = nil,
        listWording: ListWording? = nil, body: [LocalizedText] = [], definitions: [Definition] = [],
        individualResponse: IndividualResponse? = nil, endedBy: [String] = [], position: Int = 0
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.parent = parent
        self.scope = scope
        self.when = when
        self.selfWhen = selfWhen
        self.minMembers = minMembers
        self.maxMembers = maxMembers
        self.roster = roster
        self.unrelatedOption = unrelatedOption
        self.respondentFirst = respondentFirst
        self.listWording = listWording
        self.body = body
        self.definitions = definitions
        self.individualResponse = individualResponse
        self.endedBy = endedBy
        self.position = position
    }
}

public struct Question: Sendable, Hashable {
    public var id: String
    public var scope: Scope
    public var type: AnswerType
    public var required: Bool
    public var when: Expression?
    public var label: LocalizedText
    /// Hints shown under the label, in order; each may be shown only when its condition holds.
    public var hints: [Hint]
    /// Definition panels ("What we mean by main language").
    public var definitions: [Definition]
    /// Answering is voluntary (religion, sexual orientation, gender identity): the renderer
    /// says so, and an unanswered voluntary question does not lower completeness.
    public var voluntary: Bool
    /// The innermost enclosing container.
    public var container: String?
    /// Endings (``Schema/endings``) that, when they fire, skip this question.
    public var endedBy: [String]

    public init(
        id: String, scope: Scope, type: AnswerType, required: Bool = false, when: Expression? = nil,
        label: LocalizedText, hints: [Hint] = [], definitions: [Definition] = [], voluntary: Bool = false,
        container: String? = nil, endedBy: [String] = []
    ) {
        self.id = id
        self.scope = scope
        self.type = type
        self.required = required
        self.when = when
        self.label = label
        self.hints = hints
        self.definitions = definitions
        self.voluntary = voluntary
        self.container = container
        self.endedBy = endedBy
    }
}

/// What kind of answer a question takes.
public enum AnswerType: Sendable, Hashable {
    /// Text of at most `maxLength` characters; see ``TextOptions`` for the rest.
    case text(maxLength: Int, pattern: String?, options: TextOptions = TextOptions())
    case integer(min: Expression?, max: Expression?)
    case decimal(min: Expression?, max: Expression?)
    case date(min: Expression?, max: Expression?)
    case monthYear(min: Expression?, max: Expression?)
    /// One option of a choice list.
    case oneOf(list: String)
    /// Any number of options of a choice list (checkboxes).
    case anyOf(list: String)
    /// Address lines, town, postcode and country; `ukOnly` requires a UK postcode.
    case address(ukOnly: Bool)

    /// The name used in the schema's JSON (`"kind"`).
    public var kindName: String {
        switch self {
        case .text: return "text"
        case .integer: return "integer"
        case .decimal: return "decimal"
        case .date: return "date"
        case .monthYear: return "month_year"
        case .oneOf: return "one_of"
        case .anyOf: return "any_of"
        case .address: return "address"
        }
    }

    /// The choice list, for choice questions.
    public var choiceList: String? {
        switch self {
        case .oneOf(let list), .anyOf(let list): return list
        default: return nil
        }
    }
}

/// A value computed from answers, never asked (`let age = years_between(dob, census_date)`).
public struct DerivedValue: Sendable, Hashable {
    public var id: String
    public var scope: Scope
    public var expression: Expression
    /// The value's type name (`integer`, `text`, `bool`, `date`, ...), for readers such as the aggregator.
    public var valueType: String

    public init(id: String, scope: Scope, expression: Expression, valueType: String) {
        self.id = id
        self.scope = scope
        self.expression = expression
        self.valueType = valueType
    }
}

/// A rule over answers that fires when its condition is true.
public struct Check: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable, CaseIterable {
        /// Blocks submission until fixed.
        case error
        /// Recorded with the response; does not block.
        case warning
        /// The respondent must confirm the answer; the confirmation is recorded.
        case confirm
    }

    public var id: String
    public var scope: Scope
    public var severity: Severity
    public var when: Expression
    public var message: LocalizedText
    /// The question the finding points at; for a household check about a roster's size, the roster.
    public var target: String
    public var container: String?
    /// Endings (``Schema/endings``) that, when they fire, keep this check from firing.
    public var endedBy: [String]

    public init(
        id: String, scope: Scope, severity: Severity, when: Expression, message: LocalizedText, target: String,
        container: String? = nil, endedBy: [String] = []
    ) {
        self.id = id
        self.scope = scope
        self.severity = severity
        self.when = when
        self.message = message
        self.target = target
        self.container = container
        self.endedBy = endedBy
    }
}
