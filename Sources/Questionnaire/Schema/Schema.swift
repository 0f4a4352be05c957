/// A compiled questionnaire: everything the server, the keying screen, the evaluator and the
/// aggregator need to know about a form. Produced by `QuestionnaireLanguage`, stored as
/// canonical JSON (see `docs/schema-format.md`), identified by its content ``hash``.
///
/// The model is flat on purpose: questions, derived values and checks are listed in the order
/// they are evaluated, and each refers to its innermost ``Container`` by id. A question applies
/// when its own `when` and the `when` of every enclosing container hold.
public struct Schema: Sendable, Hashable {
    /// The schema format this value follows. Readers reject other formats.
    public static let formatIdentifier = "census-schema/1"

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
    /// `sha256:` and the hex SHA-256 of the canonical JSON of everything but the hash itself.
    public var hash: String

    public init(
        id: String, version: String, title: LocalizedText, languages: [String], censusDate: CalendarDate,
        choiceLists: [ChoiceList], containers: [Container], questions: [Question], derived: [DerivedValue],
        checks: [Check], hash: String = ""
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

    public init(id: String, options: [Option]) {
        self.id = id
        self.options = options
    }

    public struct Option: Sendable, Hashable {
        public var id: String
        public var label: LocalizedText
        /// Cannot be chosen together with any other option ("none of these").
        public var exclusive: Bool
        /// A "please specify" text detail that goes with this option.
        public var specify: Specify?

        public init(id: String, label: LocalizedText, exclusive: Bool = false, specify: Specify? = nil) {
            self.id = id
            self.label = label
            self.exclusive = exclusive
            self.specify = specify
        }
    }

    public struct Specify: Sendable, Hashable {
        public var prompt: LocalizedText
        public var maxLength: Int

        public init(prompt: LocalizedText, maxLength: Int) {
            self.prompt = prompt
            self.maxLength = maxLength
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

    public init(
        id: String, kind: Kind, title: LocalizedText? = nil, parent: String? = nil, scope: Scope,
        when: Expression? = nil, selfWhen: Expression? = nil, minMembers: Int? = nil, maxMembers: Int? = nil,
        roster: String? = nil, unrelatedOption: String? = nil
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
    }
}

public struct Question: Sendable, Hashable {
    public var id: String
    public var scope: Scope
    public var type: AnswerType
    public var required: Bool
    public var when: Expression?
    public var label: LocalizedText
    public var hint: LocalizedText?
    /// The innermost enclosing container.
    public var container: String?

    public init(
        id: String, scope: Scope, type: AnswerType, required: Bool = false, when: Expression? = nil,
        label: LocalizedText, hint: LocalizedText? = nil, container: String? = nil
    ) {
        self.id = id
        self.scope = scope
        self.type = type
        self.required = required
        self.when = when
        self.label = label
        self.hint = hint
        self.container = container
    }
}

/// What kind of answer a question takes.
public enum AnswerType: Sendable, Hashable {
    case text(maxLength: Int, pattern: String?)
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

    public init(
        id: String, scope: Scope, severity: Severity, when: Expression, message: LocalizedText, target: String,
        container: String? = nil
    ) {
        self.id = id
        self.scope = scope
        self.severity = severity
        self.when = when
        self.message = message
        self.target = target
        self.container = container
    }
}
