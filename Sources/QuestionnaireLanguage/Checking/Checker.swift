import Questionnaire

/// Checks a parsed questionnaire and lowers it to a ``Schema``. Every problem becomes a
/// diagnostic; checking goes on after each, so one run reports them all.
final class Checker {
    let file: SourceFile
    let tree: QuestionnaireSyntax
    /// Reads the data files the form names (suggestion lists), by the path written in the form.
    let loadFile: Compiler.FileLoader?
    var diagnostics: [Diagnostic] = []
    /// Pipes that read a name declared with hyphens as written (`{first-name}`): the
    /// declaration's span (where the one diagnostic is) and the pipe's, for a note there.
    var hyphenatedUses: [(declaration: Span, use: Span)] = []

    // Metadata
    var version = "0"
    var title: LocalizedText = [:]
    var languages: [String] = []
    /// False when the `languages` line is missing, so translations go unchecked.
    var languagesDeclared = true
    /// Where the languages are declared (for what concerns a language as a whole).
    var languagesSpan: Span?
    /// The evaluator's messages as the form words them, by language and message code.
    var formMessages: [String: [String: String]] = [:]
    var censusDate = CalendarDate(year: 2021, month: 3, day: 21)!

    // Declarations
    var choiceLists: [String: ChoiceListInfo] = [:]
    var choiceListOrder: [String] = []
    /// Messages reported with ``errorOnce(_:_:at:hint:)``: repeats collapse into notes.
    var collapsibleMessages: Set<String> = []
    var inlineListOrder: [String] = []
    /// Where an inline list's option labels are read: as its question's label is (so they may
    /// pipe what it may: "{name} is an employee" in a roster).
    var inlineListContexts: [String: Context] = [:]
    /// Where a `yes_no` answer type is first used (for a built-in label the form must supply).
    var firstYesNo: Span?
    /// Whether the form declares its own yes_no (even a rejected one: its labels are not missing).
    var declaresYesNo = false
    var rosters: [String: RosterInfo] = [:]
    var household: [String: Symbol] = [:]
    var members: [String: [String: Symbol]] = [:]
    var containerNames: [String: Span] = [:]
    var checkNames: [String: Span] = [:]
    var derivedSymbols: [Symbol] = []
    /// The form's variants (`variants { ... }`), in order.
    var variantIDs: [String] = []
    var variantSpan: Span?
    var suggestionLists: [String: (span: Span, entries: [String: [String]])] = [:]
    var suggestionOrder: [String] = []
    /// `end` statements, in flow order, and where each was written.
    var endings: [Ending] = []
    var endingSpans: [String: Span] = [:]
    /// List-screen texts of the roster being walked, checked when its questions are known.
    var pendingRosterTexts: [(roster: String, word: String, text: TextNode)] = []
    /// Conditions of inline lists' options, by list id and option id.
    var optionConditions: [String: [String: Expression]] = [:]

    // Output, in flow order
    var containers: [Container] = []
    var questions: [Question] = []
    var questionSpans: [Span] = []
    var checks: [Check] = []
    var derivedOrder: [Symbol] = []
    /// Conditions to test for satisfiability: what they guard, and where to report.
    var guards: [Guard] = []
    var questionCount = 0

    struct Guard {
        enum Kind { case question, block, check, option, ending }
        var kind: Kind
        var what: String
        /// The scope the condition is read in.
        var scope: Scope
        var own: Expression?
        var ownSpan: Span?
        var container: String?
        /// For blocks: the block's own id, so that what it contains is not blamed again.
        var blockID: String?
        /// Endings before it that skip it when they fire.
        var endedBy: [String] = []
        /// Where to report it when no condition of its own can be blamed.
        var span: Span?
    }

    struct Walk {
        var scope: Scope
        var container: String?
        var inRoster: String?
        var selfPosition: Int?
        var kind: BlockDecl.Kind?
        /// The sections around this place, outermost first: their ids and the scope inside them.
        var sections: [(id: String, scope: Scope)] = []
    }

    init(file: SourceFile, tree: QuestionnaireSyntax, loadFile: Compiler.FileLoader? = nil) {
        self.file = file
        self.tree = tree
        self.loadFile = loadFile
    }

    func error(_ code: String, _ message: String, at span: Span, hint: String? = nil, notes: [Diagnostic.Note] = []) {
        diagnostics.append(Diagnostic(code: code, message, at: span, hint: hint, notes: notes))
    }

    func line(_ span: Span) -> Int { file.location(of: span.start).line }

    // MARK: - Running

    func run() -> Schema {
        readMetadata()
        declareVariants()
        declareChoiceLists()
        declareSuggestions()
        declareRosters(tree.items, depth: 0)
        declareSymbols(tree.items, scope: .household, flow: 0)
        checkDerivedValues()
        walk(tree.items, Walk(scope: .household, container: nil, inRoster: nil, selfPosition: nil, kind: nil))
        checkTexts()
        foldSectionsMissingFor()
        checkExclusiveOptions()
        checkBuiltInLabels()
        readEvaluatorMessages()
        collapseRepeats()
        let schema = buildSchema()
        Satisfiability(checker: self, schema: schema).run()
        return schema
    }

    // MARK: - Metadata

    func readMetadata() {
        var seen: [String: Span] = [:]
        func once(_ key: String, _ span: Span) {
            if let first = seen[key] {
                error("duplicate-id", "'\(key)' is given twice", at: span, notes: [.init("first given here", at: first)])
            }
            seen[key] = span
        }
        for item in tree.items {
            switch item {
            case .version(let s, let span):
                once("version", span)
                version = s.value
                // Empty text is missing text: a schema's version says which form a response answers.
                if AnswerText.trimmed(s.value) == nil {
                    error("empty-text", "the questionnaire's version is empty", at: s.span, hint: "write the form's own version between the quotes: version \"2021.1\"")
                }
            case .title(let t, let span):
                once("title", span)
                // An empty node stands for an unquoted title, already reported by the parser.
                if t.span.start != t.span.end { titleNode = t }
            case .languages(let names, let span):
                once("languages", span)
                languagesSpan = languagesSpan ?? span
                var set: Set<String> = []
                for n in names {
                    if !set.insert(n.text).inserted { error("duplicate-id", "language '\(n.text)' is declared twice", at: n.span) }
                }
                languages = names.map(\.text).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
            case .censusDate(let d, let span):
                once("census_date", span)
                if let d { censusDate = d }
            default: break
            }
        }
        let header = tree.name.span
        // The title is a text: the example gives it in every declared language.
        let titleExample = "title \"...\"" + languages.dropFirst().map { " \($0) \"...\"" }.joined()
        for (key, example) in [("version", "version \"1.0\""), ("title", titleExample), ("languages", "languages en, cy"), ("census_date", "census_date 2021-03-21")]
        where seen[key] == nil && !tree.name.text.isEmpty {
            error("missing-metadata", "questionnaire '\(tree.name.text)' has no \(key)", at: header, hint: "add: \(example)")
        }
        // Without a declaration (already reported) the translations cannot be judged.
        if languages.isEmpty { languages = ["en"]; languagesDeclared = false }
        if let titleNode {
            title = localized(titleNode)
            pendingTexts.append(PendingText(text: titleNode, what: "the questionnaire's title", context: Context(scope: .household, position: 0, subject: "the title")))
        }
    }

    var titleNode: TextNode?

    // MARK: - Declarations

    func declareChoiceLists() {
        choiceLists["yes_no"] = ChoiceListInfo(id: "yes_no", span: .none, options: [], optionIDs: ["yes", "no"])
        for item in tree.items {
            guard case .choices(let decl) = item else { continue }
            // The form may relabel the built-in list (for a language it has no words in), but
            // not change its options, which conditions everywhere compare with yes and no.
            if decl.name.text == "yes_no" {
                declaresYesNo = true
                let ids = decl.options.map(\.name.text)
                if ids.sorted() != ["no", "yes"] {
                    error("duplicate-id", "'yes_no' is a built-in choice list with the options yes and no", at: decl.name.span,
                        hint: "declare exactly yes and no to relabel it (choices yes_no { yes \"Yes\" ... no \"No\" ... }), or give this list another name")
                    continue
                }
                if !choiceLists["yes_no"]!.options.isEmpty {
                    error("duplicate-id", "choice list 'yes_no' is declared twice", at: decl.name.span,
                        notes: [.init("first declared here", at: choiceLists["yes_no"]!.span)])
                    continue
                }
                choiceLists["yes_no"] = checkOptions(decl.options, listName: "yes_no", span: decl.name.span)
                continue
            }
            if let existing = choiceLists[decl.name.text] {
                error("duplicate-id", "choice list '\(decl.name.text)' is declared twice", at: decl.name.span,
                    notes: [.init("first declared here", at: existing.span)])
                continue
            }
            if decl.name.text == "variant", !variantIDs.isEmpty {
                error("duplicate-id", "'variant' is the list of the form's variants, declared with 'variants { ... }'", at: decl.name.span,
                    hint: "give this list another name")
                continue
            }
            var info = checkOptions(decl.options, listName: decl.name.text, span: decl.name.span)
            for option in decl.options where option.when != nil {
                error("misplaced", "an option of the shared choice list '\(decl.name.text)' cannot have a condition: the list is not tied to one question",
                    at: option.when!.span, hint: "list the options in the question that offers them: one_of { ... } or any_of { ... }")
            }
            info.orders = checkOrders(decl.orders, info)
            choiceLists[decl.name.text] = info
            choiceListOrder.append(decl.name.text)
        }
    }

    /// `order VARIANT: ...`: a declared variant, each option of the list exactly once.
    func checkOrders(_ orders: [OrderDecl], _ info: ChoiceListInfo) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for order in orders {
            guard variantIDs.contains(order.variant.text) else {
                error("undefined-name", "'\(order.variant.text)' is not a variant of this form", at: order.variant.span,
                    hint: variantIDs.isEmpty ? "declare the form's variants first: variants { england \"England\" ... wales \"Wales\" ... }"
                        : Suggest.closest(to: order.variant.text, among: variantIDs).map { "did you mean '\($0)'?" } ?? "variants: \(variantIDs.joined(separator: ", "))")
                continue
            }
            if out[order.variant.text] != nil {
                error("duplicate-id", "the list '\(info.id)' already has an order for '\(order.variant.text)'", at: order.variant.span)
                continue
            }
            var seen: Set<String> = []
            var ok = true
            for id in order.options {
                if !info.optionIDs.contains(id.text) {
                    error("unknown-option", "'\(id.text)' is not an option of '\(info.id)'", at: id.span,
                        hint: Suggest.closest(to: id.text, among: info.optionIDs).map { "did you mean '\($0)'?" })
                    ok = false
                } else if !seen.insert(id.text).inserted {
                    error("duplicate-id", "option '\(id.text)' is listed twice in this order", at: id.span)
                    ok = false
                }
            }
            let missing = info.options.map(\.name.text).filter { !seen.contains($0) }
            if ok, !missing.isEmpty {
                error("missing-option", "the order for '\(order.variant.text)' leaves out \(missing.map { "'\($0)'" }.joined(separator: ", "))",
                    at: order.span, hint: "an order lists every option of the list once")
                ok = false
            }
            if ok { out[order.variant.text] = order.options.map(\.text) }
        }
        return out
    }

    // MARK: - Variants and suggestion lists

    /// `variants { england "England" ... }`: the list `variant`, which `variant == wales` compares with.
    func declareVariants() {
        var first: Span?
        for item in tree.items {
            guard case .variants(let options, let span) = item else { continue }
            if let first {
                error("duplicate-id", "the variants are declared twice", at: span, notes: [.init("first declared here", at: first)])
                continue
            }
            first = span
            var info = checkOptions(options, listName: "variant", span: span)
            for option in options {
                if option.exclusive || option.specify != nil || option.when != nil || option.number != nil {
                    error("misplaced", "a variant is a name and a label only", at: option.name.span)
                }
            }
            info.used = true
            choiceLists["variant"] = info
            variantIDs = options.map(\.name.text)
            variantSpan = span
        }
    }

    /// `suggestions NAME "file" cy "file"`: a list per language, one entry a line, read from
    /// files beside the form.
    func declareSuggestions() {
        for item in tree.items {
            guard case .suggestions(let n, let files, _) = item else { continue }
            if let existing = suggestionLists[n.text] {
                error("duplicate-id", "suggestion list '\(n.text)' is declared twice", at: n.span, notes: [.init("first declared here", at: existing.span)])
                continue
            }
            var entries: [String: [String]] = [:]
            let paths = [(languages.first ?? "en", files.primary)] + files.translations.map { ($0.language.text, $0.text) }
            for (language, literal) in paths where languages.contains(language) {
                guard let bytes = loadFile?(literal.value) else {
                    error("missing-file", "cannot read the suggestion file \"\(literal.value)\"", at: literal.span,
                        hint: "the path is relative to the form's own folder; one suggestion a line")
                    continue
                }
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    error("invalid-utf8", "the suggestion file \"\(literal.value)\" is not UTF-8 text", at: literal.span)
                    continue
                }
                var list: [String] = []
                var seen: Set<String> = []
                for entry in Checker.suggestionEntries(text) {
                    if entry.isEmpty || entry.hasPrefix("#") { continue }
                    if seen.insert(entry).inserted { list.append(entry) }
                }
                if list.isEmpty {
                    error("empty-choice-list", "the suggestion file \"\(literal.value)\" has no entries", at: literal.span)
                }
                entries[language] = list
            }
            pendingTexts.append(PendingText(text: files, what: "the files of suggestion list '\(n.text)'", context: Context(scope: .household, position: 0, subject: "a file name"), languagesOnly: true))
            suggestionLists[n.text] = (n.span, entries)
            suggestionOrder.append(n.text)
        }
    }

    /// The lines of a suggestion file, blanks and tabs around each removed: the text split at
    /// every newline character (as `Character.isNewline` has them; a newline is always a
    /// character of its own, so splitting the bytes at them is the same). An ASCII line is
    /// trimmed byte by byte; any other by its characters (a blank followed by a combining mark
    /// is not a blank).
    static func suggestionEntries(_ text: String) -> [String] {
        var text = text
        return text.withUTF8 { u -> [String] in
            var entries: [String] = []
            func line(_ from: Int, _ to: Int) {
                guard to > from else { return }
                let bytes = UnsafeBufferPointer(rebasing: u[from..<to])
                if bytes.allSatisfy({ $0 < 0x80 }) {
                    var a = 0, b = bytes.count
                    while a < b, bytes[a] == 0x20 || bytes[a] == 0x09 { a += 1 }
                    while b > a, bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09 || bytes[b - 1] == 0x0D { b -= 1 }
                    entries.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[a..<b]), as: UTF8.self))
                } else {
                    let whole = String(decoding: bytes, as: UTF8.self)
                    var slice = whole.drop { $0 == " " || $0 == "\t" }
                    while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice = slice.dropLast() }
                    entries.append(String(slice))
                }
            }
            var start = 0, k = 0
            while k < u.count {
                let byte = u[k]
                // LF, VT, FF, CR; NEL (C2 85); LINE and PARAGRAPH SEPARATOR (E2 80 A8/A9).
                var width = 0
                if byte >= 0x0A && byte <= 0x0D {
                    width = 1
                } else if byte == 0xC2, k + 1 < u.count, u[k + 1] == 0x85 {
                    width = 2
                } else if byte == 0xE2, k + 2 < u.count, u[k + 1] == 0x80, u[k + 2] == 0xA8 || u[k + 2] == 0xA9 {
                    width = 3
                }
                if width > 0 {
                    line(start, k)
                    k += width
                    start = k
                } else {
                    k += 1
                }
            }
            line(start, u.count)
            return entries
        }
    }

    func checkOptions(_ options: [OptionDecl], listName: String, span: Span) -> ChoiceListInfo {
        var ids: [String: Span] = [:]
        for o in options {
            if let range = o.number, let low = range.low, let high = range.high, low > high {
                error("bad-range", "the range of option '\(o.name.text)'s number is empty: \(low) is above \(high)", at: range.span)
            }
            if let first = ids[o.name.text] {
                error("duplicate-id", "option '\(o.name.text)' appears twice in '\(listName)'", at: o.name.span,
                    notes: [.init("first here", at: first)])
            }
            ids[o.name.text] = o.name.span
            if let specify = o.specify, specify.prompt == nil {
                error("specify-without-text", "option '\(o.name.text)' asks the respondent to specify, but has no text answer for it",
                    at: specify.keyword, hint: "give the write-in its prompt: specify \"Please write in\" cy \"...\" (optionally max N)")
            }
        }
        if options.isEmpty {
            error("empty-choice-list", "choice list '\(listName)' has no options", at: span, hint: "add options: NAME \"Label\" cy \"...\"")
        }
        return ChoiceListInfo(id: listName, span: span, options: options, optionIDs: Set(ids.keys))
    }

    /// `exclusive` on a list only ever answered with one_of has no effect: a warning, since the
    /// author probably meant the question to be any_of.
    func checkExclusiveOptions() {
        for id in choiceListOrder + inlineListOrder {
            guard let info = choiceLists[id], info.usedBySingleChoice, !info.usedByMultipleChoice else { continue }
            // An inline list belongs to its one question (its id is scope-qualified: people.counted).
            let usedBy = inlineListOrder.contains(id)
                ? "question '\(id.split(separator: ".").last.map(String.init) ?? id)' is one_of"
                : "'\(id)' is only used by one_of questions"
            for option in info.options where option.exclusive {
                diagnostics.append(Diagnostic(.warning, code: "misplaced",
                    "option '\(option.name.text)' is exclusive, but \(usedBy), where it has no effect",
                    at: option.name.span, hint: "a one_of answer is always a single option: remove 'exclusive', or ask with any_of"))
            }
        }
    }

    func declareRosters(_ items: [Item], depth: Int) {
        for item in items {
            guard case .block(let b) = item else { continue }
            if case .roster(let lo, let hi) = b.kind {
                let maxMembers = hi?.0 ?? 30
                // A min above max is reported below; the bounds are not used as given, or every
                // condition on count(...) would be reported as never holding as well.
                let minMembers = (lo?.0 ?? 0) > maxMembers ? 0 : lo?.0 ?? 0
                if let lo, lo.0 > maxMembers {
                    error("bad-range", "roster '\(b.name.text)' has min \(lo.0) above max \(maxMembers)", at: lo.1,
                        hint: hi == nil ? "without 'max N' a roster has at most 30 members" : nil)
                }
                if maxMembers < 1 { error("bad-range", "roster '\(b.name.text)' must allow at least one member", at: hi?.1 ?? b.name.span) }
                if rosters[b.name.text] == nil {
                    rosters[b.name.text] = RosterInfo(name: b.name, minMembers: minMembers, maxMembers: maxMembers, position: 0)
                    rosters[b.name.text]!.hasRespondent = b.items.contains { if case .respondentFirst = $0 { return true } else { return false } }
                    members[b.name.text] = [:]
                }
            }
            declareRosters(b.items, depth: depth + 1)
        }
    }

    /// Registers every question and derived value with its scope and flow position, so that
    /// references can be resolved (and forward references reported) in the walk that follows.
    @discardableResult
    func declareSymbols(_ items: [Item], scope: Scope, flow: Int) -> Int {
        var flow = flow
        for item in items {
            switch item {
            case .question(let q):
                switch q.type {
                case .oneOf(.inline(let options, let span, let orders)), .anyOf(.inline(let options, let span, let orders)):
                    let id = inlineListID(q.name.text, scope: scope)
                    if choiceLists[id] == nil {
                        var info = checkOptions(options, listName: id, span: span)
                        info.orders = checkOrders(orders, info)
                        info.used = true
                        choiceLists[id] = info
                        inlineListOrder.append(id)
                    }
                default: break
                }
                let symbol = Symbol(kind: .question, name: q.name, scope: scope, position: flow, type: .error)
                symbol.question = q
                register(symbol)
                flow += 1
            case .letValue(let l):
                let symbol = Symbol(kind: .derived, name: l.name, scope: scope, position: Context.anywhere, type: .error)
                symbol.declaration = l
                register(symbol)
                derivedSymbols.append(symbol)
            case .block(let b):
                var inner = scope
                switch b.kind {
                case .roster:
                    // Only the first roster of a name counts; a duplicate is reported elsewhere.
                    if rosters[b.name.text]?.name.span == b.name.span { rosters[b.name.text]!.position = flow }
                    if case .household = scope { inner = .member(roster: b.name.text) }
                case .section(let forRoster):
                    if let r = forRoster, let roster = rosterFor(r) { inner = .member(roster: roster) }
                case .relationships(let forRoster):
                    if let r = forRoster, let roster = rosterFor(r) { inner = .pair(roster: roster) }
                    // No 'for': reported in the walk; the only roster is the one meant.
                    if forRoster == nil, rosters.count == 1, let only = rosters.keys.first { inner = .pair(roster: only) }
                case .page: break
                }
                flow = declareSymbols(b.items, scope: inner, flow: flow)
            default: break
            }
        }
        return flow
    }

    func register(_ symbol: Symbol) {
        let id = symbol.name.text

        switch symbol.scope {
        case .household:
            if let existing = household[id] {
                duplicate(symbol, existing)
                return
            }
            for (roster, table) in members { if let existing = table[id] { duplicate(symbol, existing, roster: roster); return } }
            household[id] = symbol
        case .member(let roster):
            if let existing = members[roster]?[id] ?? household[id] {
                duplicate(symbol, existing)
                return
            }
            members[roster, default: [:]][id] = symbol
        case .pair(let roster):
            // Relationship questions are stored per pair; their ids share the household namespace.
            if let existing = household[id] ?? members[roster]?[id] {
                duplicate(symbol, existing)
                return
            }
            household[id] = symbol
        }
    }

    func duplicate(_ symbol: Symbol, _ existing: Symbol, roster: String? = nil) {
        let place = roster.map { " (in roster '\($0)')" } ?? ""
        error("duplicate-id", "'\(symbol.name.text)' is already the name of a \(existing.kindName)\(place)", at: symbol.name.span,
            hint: "every question and derived value needs its own name", notes: [.init("first declared here", at: existing.name.span)])
    }

    /// Derived values being checked, innermost last: a value met again here is a cycle.
    var derivedStack: [Symbol] = []
    static let maximumDerivedNesting = 200

    // MARK: - Texts

    struct PendingText {
        var text: TextNode?
        var what: String
        var context: Context
        /// File names and the like: every language, but no piping.
        var languagesOnly = false
    }
    var pendingTexts: [PendingText] = []

    func localized(_ node: TextNode) -> LocalizedText {
        var text: LocalizedText = [languages.first ?? "en": node.primary.value]
        for (language, value) in node.translations where text[language.text] == nil { text[language.text] = value.value }
        return text
    }
}
