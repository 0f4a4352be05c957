/// What a renderer (the household pages, the keying screen) shows besides questions and
/// options, and the routing statements that end a section early. See docs/schema-format.md.

/// A hint under a question's label, shown when its condition holds (always when `when` is nil).
public struct Hint: Sendable, Hashable {
    /// The hint's words in every declared language; may pipe.
    public var text: LocalizedText
    /// Read where the question is asked; `nil`: the hint is always shown.
    public var when: Expression?

    /// Makes a hint, unconditional unless `when` is given.
    public init(text: LocalizedText, when: Expression? = nil) {
        self.text = text
        self.when = when
    }
}

/// A definition panel: a title ("What we mean by “this household”") and its explanation.
public struct Definition: Sendable, Hashable {
    /// The panel's heading, in every declared language.
    public var title: LocalizedText
    /// The panel's explanation, in every declared language.
    public var body: LocalizedText

    /// Makes a definition panel.
    public init(title: LocalizedText, body: LocalizedText) {
        self.title = title
        self.body = body
    }
}

/// How a text answer is taken, beyond its length and pattern.
public struct TextOptions: Sendable, Hashable {
    /// Several lines (a text area) rather than one.
    public var multiline: Bool
    /// The id of a ``SuggestionList`` offered while typing (an HTML `datalist`); any text is accepted.
    public var suggestions: String?
    /// A checkbox that answers instead of the text ("No organisation or work for a private
    /// individual"): the answer is then `{"option": ID}`, never both.
    public var noneOption: NoneOption?

    /// Makes text options; the defaults are one line, no suggestions, no checkbox.
    public init(multiline: Bool = false, suggestions: String? = nil, noneOption: NoneOption? = nil) {
        self.multiline = multiline
        self.suggestions = suggestions
        self.noneOption = noneOption
    }

    /// The checkbox offered instead of a text answer; choosing it stores `{"option": id}`.
    public struct NoneOption: Sendable, Hashable {
        /// The code stored when it is ticked (`no_organisation`).
        public var id: String
        /// The checkbox's words in every declared language.
        public var label: LocalizedText
        /// Makes the checkbox.
        public init(id: String, label: LocalizedText) {
            self.id = id
            self.label = label
        }
    }
}

/// The wording of a roster's list screens. Member texts (`add`, `change`, `remove`, `item`)
/// are read for the member concerned; `more` and `summary` for the household.
public struct ListWording: Sendable, Hashable {
    /// The title of the page that adds a member ("Who else lives at {household_address}?").
    public var add: LocalizedText?
    /// The question after each member is added ("Does anyone else live at {household_address}?").
    public var more: LocalizedText?
    /// The title of the page that changes a member's details ("Change details for {name}").
    public var change: LocalizedText?
    /// The confirmation asked before a member is removed ("Are you sure you want to remove {name}?").
    public var remove: LocalizedText?
    /// The heading of the list on the summary ("You said {count} people live here").
    public var summary: LocalizedText?
    /// How a member is named in the list ("{name}{if respondent: (You)}").
    public var item: LocalizedText?

    /// Makes list wording; every text is optional and a renderer words what is missing itself.
    public init(
        add: LocalizedText? = nil, more: LocalizedText? = nil, change: LocalizedText? = nil,
        remove: LocalizedText? = nil, summary: LocalizedText? = nil, item: LocalizedText? = nil
    ) {
        self.add = add
        self.more = more
        self.change = change
        self.remove = remove
        self.summary = summary
        self.item = item
    }

    /// Each text's word, as written in the language (`add "…"`) and in the compiled schema's
    /// JSON, with the property that holds it: the one list the parser, the checker and the
    /// JSON reader and writer take the six words from.
    package static var fields: [(word: String, keyPath: WritableKeyPath<ListWording, LocalizedText?>)] {
        [("add", \.add), ("more", \.more), ("change", \.change), ("remove", \.remove), ("summary", \.summary), ("item", \.item)]
    }
}

/// Which members may answer a per-member section privately, with an individual access code.
public struct IndividualResponse: Sendable, Hashable {
    /// Evaluated for each member; `nil`: every member.
    public var when: Expression?
    /// Makes the rule; with no condition, every member of the section may answer privately.
    public init(when: Expression? = nil) { self.when = when }
}

/// `end SECTION when CONDITION`: when it fires for an instance (its container applies and its
/// condition is known true), everything after it in `section` is skipped for that instance
/// (the items listing it in their `endedBy`).
public struct Ending: Sendable, Hashable {
    /// The ending's name (`end_1`), listed in the `endedBy` of the items it skips.
    public var id: String
    /// Where its condition is read: the household, or each member of the section's roster.
    public var scope: Scope
    /// The section it ends.
    public var section: String
    /// The innermost container the statement stands in.
    public var container: String?
    /// `nil`: it always fires where it stands.
    public var when: Expression?

    /// Makes an ending; the compiler lists it in the `endedBy` of the items after it.
    public init(id: String, scope: Scope, section: String, container: String?, when: Expression?) {
        self.id = id
        self.scope = scope
        self.section = section
        self.container = container
        self.when = when
    }
}

/// A list of suggestions for write-in answers, in each language of the form, from the data
/// files the form names (`suggestions countries "suggestions/countries.en.txt" cy "..."`).
public struct SuggestionList: Sendable, Hashable {
    /// The list's name (`countries`), named by ``TextOptions/suggestions``.
    public var id: String
    /// The suggestions by language code (`en`, `cy`), one entry a line of the data file, in order.
    public var entries: [String: [String]]

    /// Makes a suggestion list.
    public init(id: String, entries: [String: [String]]) {
        self.id = id
        self.entries = entries
    }
}
