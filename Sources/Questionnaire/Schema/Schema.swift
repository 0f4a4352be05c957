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

    /// The questionnaire's id from its source (`census_household`); a response names it beside ``hash``.
    public var id: String
    /// The form's own version from its source (`"2021.1"`), not the schema format (``formatIdentifier``).
    public var version: String
    /// The form's title in every declared language.
    public var title: LocalizedText
    /// Declared languages; the first is the primary one.
    public var languages: [String]
    /// The census reference day (`census_date 2021-03-21` in the source): ages, "a year ago" and
    /// date bounds are counted from it, and `{census_date}` pipes it.
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

    /// Makes a schema from its parts. The compiler fills ``hash`` when it writes the canonical
    /// JSON; a value built here keeps `hash` as given (empty by default) until then.
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
    /// Asked once for the whole household (answer at the response's top level, `$.tenure`).
    case household
    /// Asked once for each member of the roster (answer in the member's object, `$.residents[0].dob`).
    case member(roster: String)
    /// Asked once for each pair of the roster's members, the later described relative to the
    /// earlier (`{"person": 2, "other": 1, ...}`: the relationship matrix).
    case pair(roster: String)

    public var description: String {
        switch self {
        case .household: return "household"
        case .member(let roster): return "member:\(roster)"
        case .pair(let roster): return "pair:\(roster)"
        }
    }

    /// Reads the JSON spelling: `"household"`, `"member:ROSTER"` or `"pair:ROSTER"`; `nil` for
    /// anything else.
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

/// A named list of options for `one_of` and `any_of` questions: built-in `yes_no`, a declared
/// `choices NAME { ... }`, or an inline list named after its question (`residents.sex`).
public struct ChoiceList: Sendable, Hashable {
    /// The list's name, unique in the schema (`tenure`, `yes_no`, `residents.sex`).
    public var id: String
    /// The options in declaration order, which is also the order shown when ``orders`` has no
    /// entry for the response's variant.
    public var options: [Option]
    /// The order options are shown in, by variant, where a variant shows them in another
    /// order than `options` (`"wales": ["welsh", "english", ...]`). Every option appears once.
    public var orders: [String: [String]]

    /// Makes a list; `orders` is empty when every variant shows the options in declaration order.
    public init(id: String, options: [Option], orders: [String: [String]] = [:]) {
        self.id = id
        self.options = options
        self.orders = orders
    }

    /// One answer of a choice list.
    public struct Option: Sendable, Hashable {
        /// The option's code, unique in its list: what a response stores (`"owns_outright"`).
        public var id: String
        /// The words shown beside the radio button or checkbox, in every declared language; may pipe.
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

        /// Makes an option; only `id` and `label` are needed, everything else is off by default.
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
        /// The label of the detail's field ("Please specify"), in every declared language.
        public var prompt: LocalizedText
        /// For a written-in detail, its most characters (counted as Swift `Character`s, so an
        /// accented letter is one); `specify_too_long` beyond it. Ignored when ``number`` is set.
        public var maxLength: Int
        /// Set when the detail is a whole number instead of text (vehicles: "5 or more", then how
        /// many); `nil` for text.
        public var number: NumberRange?

        /// Makes a detail: text of at most `maxLength` characters, or a whole number in `number`.
        public init(prompt: LocalizedText, maxLength: Int, number: NumberRange? = nil) {
            self.prompt = prompt
            self.maxLength = maxLength
            self.number = number
        }
    }

    /// Bounds of a whole-number detail (either may be open).
    public struct NumberRange: Sendable, Hashable {
        /// The smallest number accepted, inclusive; `nil` when open below.
        public var min: Int?
        /// The largest number accepted, inclusive; `nil` when open above.
        public var max: Int?
        /// Makes a range; both bounds are inclusive and either may be `nil` (open).
        public init(min: Int?, max: Int?) {
            self.min = min
            self.max = max
        }
    }
}

/// A section, page, roster or relationship block.
public struct Container: Sendable, Hashable {
    /// What a container is, spelled as in the schema's JSON.
    public enum Kind: String, Sendable, Hashable {
        /// `section`: a part of the form (optionally per member); `page`: one screen of questions;
        /// `roster`: a list of people (its members get scope ``Scope/member(roster:)``);
        /// `relationships`: the pair questions over a roster.
        case section, page, roster, relationships
    }

    /// The container's name, unique among containers (`individual`, `who_lives_here`, `residents`).
    public var id: String
    /// Section, page, roster or relationship block.
    public var kind: Kind
    /// Its heading in every declared language; optional for pages.
    public var title: LocalizedText?
    /// The enclosing container, if any.
    public var parent: String?
    /// The scope the `when` (and `selfWhen`) is evaluated in. For a roster this is the scope
    /// that holds the roster (usually the household); its members have scope `.member(id)`.
    public var scope: Scope
    /// When the container applies, read in ``scope``; `nil` always. When it does not hold,
    /// nothing inside it applies.
    public var when: Expression?
    /// For a per-member section: the condition under which the member is the respondent,
    /// switching `{self|proxy}` wording to its first side.
    public var selfWhen: Expression?
    /// For a roster: the fewest members a response may list (`roster_size` below); `nil` means 0.
    public var minMembers: Int?
    /// For a roster: the most members a response may list (`roster_size` above); `nil` means 30,
    /// the evaluator's default.
    public var maxMembers: Int?
    /// For a relationship block: the roster it pairs, and the option its "unrelated" shortcut fills in.
    public var roster: String?
    /// For a relationship block: the option the "unrelated to everyone else" shortcut fills in
    /// for every pair of a member (`unrelated`).
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

    /// Makes a container; `id`, `kind` and `scope` are needed, every other member is for the
    /// kinds named in its own documentation and defaults to absent.
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

/// One question of the form, asked once in its ``scope`` (household, member or pair).
///
/// It applies when its own `when`, the `when` of every container up its ``container`` chain
/// hold and none of its ``endedBy`` endings has fired (see `docs/schema-format.md`).
public struct Question: Sendable, Hashable {
    /// The answer's key in a response, unique in the schema (`tenure`, `dob`).
    public var id: String
    /// Where it is asked: once for the household, per member of a roster, or per pair.
    public var scope: Scope
    /// The kind of answer it takes and that answer's bounds.
    public var type: AnswerType
    /// An applicable question without an answer is an error (`required`) when set; otherwise it
    /// only lowers completeness (unless ``voluntary``).
    public var required: Bool
    /// The question's own condition, read in its scope; `nil` always. Conditions of its
    /// containers and endings apply as well.
    public var when: Expression?
    /// The question's words in every declared language; may pipe (`{your|{name}'s}`) and is
    /// filled by `Evaluator.render`.
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

    /// Makes a question; `scope`, `type` and `label` are needed, the rest defaults to an
    /// optional, unconditional question with no hints.
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
    /// A whole number; each bound is an expression (`0`, `age`) read where the question is
    /// asked, inclusive, `nil` when open; `out_of_range` outside.
    case integer(min: Expression?, max: Expression?)
    /// A number with a fractional part, bounds as for ``integer(min:max:)``.
    case decimal(min: Expression?, max: Expression?)
    /// A calendar date (`YYYY-MM-DD` in a response); bounds are date expressions
    /// (`census_date - 115y`), inclusive.
    case date(min: Expression?, max: Expression?)
    /// A month of a year (`YYYY-MM` in a response); bounds are month or date expressions, inclusive.
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
    /// The value's name, unique in the schema (`age`); expressions read it as `{"derived": "age"}`.
    public var id: String
    /// Where it is computed: once for the household, per member or per pair.
    public var scope: Scope
    /// How it is computed from answers and earlier derived values; an unknown input gives an
    /// unknown value.
    public var expression: Expression
    /// The value's type name (`integer`, `text`, `bool`, `date`, ...), for readers such as the aggregator.
    public var valueType: String

    /// Makes a derived value; `valueType` names its type as the compiler inferred it.
    public init(id: String, scope: Scope, expression: Expression, valueType: String) {
        self.id = id
        self.scope = scope
        self.expression = expression
        self.valueType = valueType
    }
}

/// A rule over answers that fires when its condition is true.
public struct Check: Sendable, Hashable {
    /// What a check's finding does to the response, spelled as in the schema's JSON.
    public enum Severity: String, Sendable, Hashable, CaseIterable {
        /// Blocks submission until fixed.
        case error
        /// Recorded with the response; does not block.
        case warning
        /// The respondent must confirm the answer; the confirmation is recorded.
        case confirm
    }

    /// The check's name, unique in the schema; findings carry it as their `check`.
    public var id: String
    /// Where it is evaluated: once for the household, per member or per pair.
    public var scope: Scope
    /// Error (blocks submission), warning (recorded) or confirm (asked once, recorded).
    public var severity: Severity
    /// The condition that fires the check, read in ``scope``; an unknown value does not fire it.
    public var when: Expression
    /// What the finding says, in every declared language; may pipe.
    public var message: LocalizedText
    /// The question the finding points at; for a household check about a roster's size, the roster.
    public var target: String
    /// The innermost container of the check; it is evaluated only where that container applies.
    public var container: String?
    /// Endings (``Schema/endings``) that, when they fire, keep this check from firing.
    public var endedBy: [String]

    /// Makes a check; it points at `target` and fires when `when` is known true.
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
