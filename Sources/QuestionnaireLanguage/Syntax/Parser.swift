import Questionnaire

/// Builds the syntax tree from tokens. After a syntax error it reports it, skips to the next
/// thing that can start an item (`question`, `section`, `}` ...) and carries on, so one run
/// finds every syntax error.
struct Parser {
    var tokens: [Token]
    var position = 0
    private(set) var diagnostics: [Diagnostic] = []
    /// Language tags known before parsing, so that `name "Label"` in a choice list is not
    /// mistaken for a translation.
    let declaredLanguages: Set<String>
    /// The same, in the declared order (the primary language first).
    let languageOrder: [String]
    var blockDepth = 0
    /// Keywords already reported as used for a name: later uses of them as values are read as
    /// that name, not reported again.
    var keywordsUsedAsNames: Set<String> = []
    /// Names declared with hyphens (`first-name`), by how they are written: the index of the
    /// diagnostic that reported the declaration, where later uses written the same way are notes.
    var hyphenatedNames: [String: Int] = [:]
    /// The same by the name they are read as, with where each was declared.
    var hyphenatedDeclarations: [String: Span] = [:]
    var expressionDepth = 0
    /// The source, to read indentation when guessing which block lost its `}`.
    var source: [UInt8] = []
    /// The first block closed by a `}` indented less than the block itself: when the file then
    /// ends unclosed, this is most likely the block that is missing its `}`.
    var likelyUnclosed: (keyword: String, name: String, open: Span, closer: Span)?
    /// The first `}` that closed a block while indented more than the block's keyword: when a
    /// `}` is left over at the end, this is most likely the extra one.
    var likelyExtra: (keyword: String, name: String, keywordSpan: Span, index: Int)?
    /// The index of the token found to be an extra `}`; the file is parsed again without it.
    var extraCloser: Int?

    /// How deep an expression may nest (brackets, `not`, operators inside operators; a long flat
    /// chain of `and` or `or` is not nesting). The compiled schema writes each level as two
    /// levels of JSON, and readers accept 256 (``JSONParser/maximumDepth``): 100 leaves room.
    static let maximumExpressionDepth = 100
    static let maximumBlockDepth = 64
    /// Stop after this many syntax errors: past it they are mostly echoes of the first.
    static let maximumSyntaxErrors = 100

    struct Abort: Error {}

    init(tokens: [Token]) {
        self.tokens = tokens
        var languages: Set<String> = []
        var order: [String] = []
        for (i, t) in tokens.enumerated() where t.isWord("languages") {
            var j = i + 1
            while j < tokens.count, let w = tokens[j].word, !Keyword.all.contains(w) {
                if languages.insert(w).inserted { order.append(w) }
                j += 1
                if j < tokens.count, tokens[j].isSymbol(.comma) { j += 1 } else if j < tokens.count, Parser.isMissingCommaLanguage(tokens[j]) { continue } else { break }
            }
            break
        }
        if languages.isEmpty { languages = ["en", "cy"]; order = ["en", "cy"] }
        declaredLanguages = languages
        languageOrder = order
    }

    /// The words of a roster's list-screen wording (`add "Who else lives here?"`).
    static let listWordingWords = Set(ListWording.fields.map(\.word))

    static func parse(_ file: SourceFile) -> (QuestionnaireSyntax?, [Diagnostic]) {
        let (tokens, lexical) = Lexer.tokenize(file)
        var parser = Parser(tokens: tokens)
        parser.source = file.bytes
        var tree = parser.parseFile()
        tree?.hyphenatedNames = parser.hyphenatedDeclarations
        if let extra = parser.extraCloser, let reported = parser.diagnostics.first(where: { $0.span == tokens[extra].span }) {
            // One '}' too many: read the file again without it, so that what follows it is not
            // checked in the wrong block (and reported again as a cascade of other mistakes).
            var again = Parser(tokens: Array(tokens[..<extra] + tokens[(extra + 1)...]))
            again.source = file.bytes
            var retree = again.parseFile()
            retree?.hyphenatedNames = again.hyphenatedDeclarations
            return (retree, lexical + ([reported] + again.diagnostics).sorted { $0.span.start < $1.span.start })
        }
        return (tree, lexical + parser.diagnostics)
    }

    // MARK: - Tokens

    var current: Token { tokens[position] }
    var next: Token { tokens[min(position + 1, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let t = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    var previousEnd: Int { position > 0 ? tokens[position - 1].span.end : 0 }

    mutating func report(_ message: String, at span: Span, hint: String? = nil, notes: [Diagnostic.Note] = []) {
        guard diagnostics.count < Parser.maximumSyntaxErrors else { return }
        diagnostics.append(Diagnostic(code: "syntax", message, at: span, hint: hint, notes: notes))
    }

    /// A diagnostic with its own code or notes (not capped like syntax errors).
    mutating func add(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    mutating func fail(_ message: String, at span: Span? = nil, hint: String? = nil) -> Abort {
        report(message, at: span ?? current.span, hint: hint)
        return Abort()
    }

    mutating func expect(_ symbol: Token.Symbol, _ context: String) throws(Abort) -> Token {
        guard current.isSymbol(symbol) else {
            throw fail("expected '\(symbol.rawValue)' \(context), found \(current.describe)")
        }
        return advance()
    }

    mutating func expectWord(_ word: String, _ context: String) throws(Abort) {
        guard current.isWord(word) else { throw fail("expected '\(word)' \(context), found \(current.describe)") }
        advance()
    }

    /// An identifier that is not a keyword.
    /// A name; `declaring` where the name is declared (a question, option, list, value, check,
    /// section, page or roster), where `first-name` is reported once and read as `first_name`.
    mutating func name(_ what: String, declaring: Bool = false) throws(Abort) -> Name {
        guard let w = current.word else { throw fail("expected \(what), found \(current.describe)") }
        if Keyword.all.contains(w) {
            let hint = "choose another name, such as '\(w)_1'"
            // `question section: ...`: the name is plainly meant as one. Report it once and read
            // it as the name, so that neither the item nor its uses give follow-on errors.
            guard next.isSymbol(.colon) || next.isSymbol(.equal) || next.isSymbol(.leftBrace) || next.kind.isString else {
                throw fail("'\(w)' is a keyword and cannot be used as \(what)", hint: hint)
            }
            report("'\(w)' is a keyword and cannot be used as \(what)", at: current.span, hint: hint)
            keywordsUsedAsNames.insert(w)
        }
        let t = advance()
        return hyphenated(after: t, declaring: declaring) ?? Name(text: w, span: t.span)
    }

    /// `first-name`: a hyphen is no part of a name. Declared so, it is one mistake, read as the
    /// name meant (`first_name`) so that the item and its uses go on; a later use written the same
    /// way (with no spaces around the hyphens) is that name, noted on the one diagnostic.
    /// Anything else is left as it is (`a-b` in a condition is a subtraction).
    mutating func hyphenated(after first: Token, declaring: Bool) -> Name? {
        guard let head = first.word else { return nil }
        var parts = [head]
        var end = first.span.end
        var k = position
        while k + 1 < tokens.count, tokens[k].isSymbol(.minus), tokens[k].span.start == end,
            let part = tokens[k + 1].word, tokens[k + 1].span.start == tokens[k].span.end, !Keyword.all.contains(part)
        {
            parts.append(part)
            end = tokens[k + 1].span.end
            k += 2
        }
        guard parts.count > 1 else { return nil }
        let written = parts.joined(separator: "-")
        let meant = parts.joined(separator: "_")
        let span = Span(first.span.start, end)
        if let index = hyphenatedNames[written] {
            diagnostics[index].notes.append(.init("also written here", at: span))
        } else if declaring {
            add(Diagnostic(code: "syntax", "'\(written)' is not a name: names are written with the letters a to z and A to Z, digits and _",
                at: span, hint: "for example '\(meant)'"))
            hyphenatedNames[written] = diagnostics.count - 1
            hyphenatedDeclarations[meant] = span
        } else {
            return nil
        }
        position = k
        return Name(text: meant, span: span)
    }

    mutating func integer(_ what: String) throws(Abort) -> (Int, Span) {
        guard case .integer(let i) = current.kind else { throw fail("expected \(what) (a whole number), found \(current.describe)") }
        return (i, advance().span)
    }

    /// Skips to something that can start an item at this nesting level, skipping whole blocks.
    mutating func synchronize() {
        var depth = 0
        while current.kind != .end {
            // census_date is also a value (`years_between(dob, census_date)`): only an item with its date.
            if depth == 0, let w = current.word, Keyword.itemStarts.contains(w), w != "census_date" || next.kind.isDate { return }
            if current.isSymbol(.leftBrace) { depth += 1 }
            if current.isSymbol(.rightBrace) {
                if depth == 0 { return }
                depth -= 1
            }
            advance()
        }
    }

    // MARK: - File and items

    mutating func parseFile() -> QuestionnaireSyntax? {
        let start = current.span
        var name = Name(text: "", span: start)
        var hasHeader = false
        if current.isWord("questionnaire") {
            advance()
            if let n = try? self.name("the questionnaire's id") { name = n }
            if current.isSymbol(.leftBrace) {
                advance()
                hasHeader = true
            } else {
                report("expected '{' after the questionnaire's id, found \(current.describe)", at: current.span)
            }
        } else {
            let misspelt = current.word.flatMap { Suggest.closest(to: $0, among: ["questionnaire"]) } != nil
            report("a questionnaire file starts with 'questionnaire ID {', found \(current.describe)", at: current.span,
                hint: misspelt ? "did you mean 'questionnaire'?" : "begin the file with, for example: questionnaire census_household {")
            // The words before the first item or '{' are the mistaken header (`form census {`,
            // `questionaire census {`): one mistake, so one diagnostic, and a '{' after them
            // opens the questionnaire as the header would have, so the rest is still checked.
            while current.kind != .end, !current.isSymbol(.leftBrace), !(current.word.map(Keyword.itemStarts.contains) ?? false) {
                advance()
            }
            if current.isSymbol(.leftBrace) {
                advance()
                hasHeader = true
            }
        }
        var items = parseItems()
        if hasHeader {
            // A stray '}' that closes the questionnaire early, when the file still ends with '}':
            // report it and read on, so the rest is checked rather than rejected wholesale.
            while current.isSymbol(.rightBrace), let w = next.word, Keyword.itemStarts.contains(w), tokens.count >= 2,
                tokens[tokens.count - 2].isSymbol(.rightBrace)
            {
                if reportExtraCloser() { break }
                report("this '}' has no matching '{': it would close the questionnaire before the end of the file", at: current.span,
                    hint: "remove it, or add the '{' it was meant to close")
                advance()
                items += parseItems()
            }
            if current.isSymbol(.rightBrace) {
                advance()
            } else if current.kind == .end, let block = likelyUnclosed {
                diagnostics.append(Diagnostic(code: "syntax", "\(block.keyword) '\(block.name)' is not closed", at: block.open,
                    hint: "add a '}' to close the \(block.keyword) opened here",
                    notes: [.init("this '}', indented less than the \(block.keyword), closes it instead", at: block.closer)]))
            } else {
                report("the questionnaire is not closed: expected '}' before \(current.describe)", at: current.span,
                    hint: "add a '}' to close 'questionnaire \(name.text) {'")
            }
        }
        if current.isSymbol(.rightBrace), extraCloser == nil { _ = reportExtraCloser(afterTheEnd: true) }
        while current.kind != .end {
            report("unexpected \(current.describe) after the end of the questionnaire", at: current.span)
            advance()
            synchronize()
            if current.isSymbol(.rightBrace) { advance() }
        }
        return QuestionnaireSyntax(name: name, items: items, span: start.to(current.span))
    }

    /// Items until a closing `}` (left for the caller) or the end of the file.
    mutating func parseItems() -> [Item] {
        var items: [Item] = []
        while current.kind != .end && !current.isSymbol(.rightBrace) {
            if diagnostics.count >= Parser.maximumSyntaxErrors {
                // Enough: skip the rest quickly.
                while current.kind != .end { advance() }
                break
            }
            let before = position
            do {
                items.append(try parseItem())
            } catch {
                if position == before { advance() }
                synchronize()
            }
        }
        return items
    }

    mutating func parseItem() throws(Abort) -> Item {
        let start = current.span
        guard let word = current.word else {
            throw fail("expected a question, section, page, roster, let, check or choice list, found \(current.describe)")
        }
        switch word {
        case "version":
            advance()
            guard case .string(let s) = current.kind else {
                if case .decimal = current.kind {} else if case .integer = current.kind {} else {
                    throw fail("expected the version as a string, e.g. version \"2021.1\"")
                }
                // `version 1.0`: the version is there, only unquoted; no "has no version" as well.
                let written = describeNumber(current)
                report("the version must be a string", at: current.span, hint: "put it in quotes: version \"\(written)\"")
                let t = advance()
                return .version(StringLiteral(value: written, span: t.span), start.to(t.span))
            }
            let t = advance()
            return .version(StringLiteral(value: s, span: t.span), start.to(t.span))
        case "title":
            advance()
            if case .string = current.kind {} else if current.word != nil, onSameLineAsPrevious(current) {
                // `title Household survey`: the title is there, unquoted. Report it once (not also
                // "has no title") and skip the rest of the line.
                report("expected the title as a string, found \(current.describe)", at: current.span,
                    hint: "put it in quotes: title \"...\" cy \"...\"")
                while current.kind != .end, onSameLineAsPrevious(current) { advance() }
                let empty = Span(previousEnd, previousEnd)
                return .title(TextNode(primary: StringLiteral(value: "", span: empty), translations: [], span: empty), start.to(empty))
            }
            let text = try parseText("the title")
            return .title(text, start.to(text.span))
        case "languages":
            advance()
            var names = [try name("a language code such as en")]
            while current.isSymbol(.comma) || Parser.isMissingCommaLanguage(current) {
                // `languages en cy`: report the missing comma and keep the language, so its
                // translations are not all reported as undeclared.
                if !current.isSymbol(.comma) {
                    report("expected ',' between languages, found \(current.describe)", at: current.span,
                        hint: "separate the languages with commas: languages \((names.map(\.text) + [current.word!]).joined(separator: ", "))")
                } else {
                    advance()
                }
                names.append(try name("a language code such as cy"))
            }
            return .languages(names, start.to(names.last!.span))
        case "census_date":
            advance()
            guard case .date(let d) = current.kind else { throw fail("expected the census date as YYYY-MM-DD, found \(current.describe)") }
            let t = advance()
            return .censusDate(d, start.to(t.span))
        case "choices": return .choices(try parseChoices())
        case "section", "page", "roster", "relationships": return .block(try parseBlock())
        case "question": return .question(try parseQuestion())
        case "let":
            advance()
            let n = try name("a name for the derived value", declaring: true)
            let startsItem = current.word.map(Keyword.itemStarts.contains) ?? false
            if current.isSymbol(.equalEqual) || !current.isSymbol(.equal) && !startsItem && startsRange(current) && !current.isSymbol(.leftParen) {
                // `let age years_between(...)` or `let age == ...`: report, and read the value anyway.
                report("expected '=' after 'let \(n.text)', found \(current.describe)", at: current.span,
                    hint: "write: let \(n.text) = VALUE")
                if current.isSymbol(.equalEqual) { advance() }
            } else {
                _ = try expect(.equal, "after 'let \(n.text)'")
            }
            // A value that does not parse still declares the name, so its uses are not undefined.
            guard let value = try? parseExpression() else {
                synchronize()
                return .letValue(LetDecl(name: n, value: Expr(kind: .invalid, span: n.span), span: start.to(n.span)))
            }
            if current.isWord("when"), onSameLineAsPrevious(current) {
                // `let age = ... when dob is answered`: read past the condition after reporting it.
                report("a derived value has no 'when'", at: current.span,
                    hint: "it is unknown while the answers it uses are unanswered; put the condition where the value is used")
                let keyword = advance().span
                if (try? parseExpression()) == nil { _ = recoverCondition(at: keyword) }
            }
            return .letValue(LetDecl(name: n, value: value, span: start.to(value.span)))
        case "error", "warning", "confirm": return .check(try parseCheck())
        case "self":
            advance()
            try expectWord("when", "after 'self' (self when CONDITION)")
            let e = try parseExpression()
            return .selfWhen(e, start.to(e.span))
        case "unrelated":
            advance()
            let n = try name("the option that means 'unrelated'")
            return .unrelated(n, start.to(n.span))
        case "respondent" where next.isWord("first"):
            advance()
            advance()
            let condition = optionalCondition()
            return .respondentFirst(condition, start.to(Span(previousEnd, previousEnd)))
        case _ where Parser.listWordingWords.contains(word) && next.kind.isString:
            let keyword = advance()
            let text = try parseText("the \(word) wording")
            return .listWording(Name(text: word, span: keyword.span), text, start.to(text.span))
        case "body" where next.kind.isString:
            advance()
            let text = try parseText("the body text")
            return .body(text, start.to(text.span))
        case "definition" where next.kind.isString:
            advance()
            let title = try parseText("the definition's title")
            guard case .string = current.kind else {
                throw fail("expected the definition's text after its title, found \(current.describe)",
                    hint: "write: definition \"What we mean by ...\" cy \"...\" \"This is ...\" cy \"...\"")
            }
            let body = try parseText("the definition's text")
            return .definition(title, body, start.to(body.span))
        case "end" where next.word != nil && !Keyword.all.contains(next.word!):
            advance()
            let section = try name("the section to end")
            let condition = optionalCondition()
            return .end(section, condition, start.to(Span(previousEnd, previousEnd)))
        case "individual_response":
            advance()
            let condition = optionalCondition()
            return .individualResponse(condition, start.to(Span(previousEnd, previousEnd)))
        case "messages" where next.word != nil && tokens[min(position + 2, tokens.count - 1)].isSymbol(.leftBrace):
            advance()
            let language = try name("the language of the messages")
            let open = try expect(.leftBrace, "to open the messages")
            var entries: [(key: Name, text: StringLiteral)] = []
            while !current.isSymbol(.rightBrace) && current.kind != .end {
                // Message names are the evaluator's codes, `required` among them: any word.
                guard let word = current.word else {
                    throw fail("expected a message's name (required, out_of_range, ...), found \(current.describe)")
                }
                let key = Name(text: word, span: advance().span)
                guard case .string(let text) = current.kind else {
                    throw fail("expected the wording of message '\(key.text)' as a string, found \(current.describe)",
                        hint: "write: \(key.text) \"...\"")
                }
                entries.append((key, StringLiteral(value: text, span: advance().span)))
            }
            let end = try closing(.rightBrace, of: open, hint: "add '}' after the last message")
            return .messages(language, entries, start.to(end.span))
        case "suggestions" where next.word != nil:
            advance()
            let n = try name("a name for the suggestion list", declaring: true)
            let files = try parseText("the suggestion list's file")
            return .suggestions(n, files, start.to(files.span))
        case "variants" where next.isSymbol(.leftBrace):
            advance()
            let (options, orders, end) = try parseOptionBlock(inline: false)
            for order in orders { report("'order' belongs in a choice list, not in the variants", at: order.span) }
            return .variants(options, start.to(end))
        default:
            if next.isSymbol(.colon), !Keyword.all.contains(word) {
                // `b: integer "B"`: a question without its keyword. Report it and read the question.
                report("expected a question, section, page, roster, let, check or choice list, found '\(word)'", at: current.span,
                    hint: "did you mean 'question \(word): ...'?")
                return .question(try parseQuestion(keywordPresent: false))
            }
            let suggestion = Suggest.closest(to: word, among: Array(Keyword.itemStarts))
            throw fail("expected a question, section, page, roster, let, check or choice list, found '\(word)'",
                hint: suggestion.map { "did you mean '\($0)'?" })
        }
    }

    /// `when CONDITION` if it comes next (a condition that does not parse is reported and skipped).
    mutating func optionalCondition() -> Expr? {
        guard current.isWord("when") else { return nil }
        let keyword = advance().span
        do { return try parseExpression() } catch { return recoverCondition(at: keyword) }
    }

    // MARK: - Text

    /// Words that start a text of their own (`hint "..."`, `add "..."`): before a string they are
    /// that clause, not a language tag, unless the form declares a language of that name.
    static let textClauseWords: Set<String> = listWordingWords.union(["body", "definition", "description", "hint", "title"])

    func isTranslationTag(_ token: Token, strict: Bool) -> Bool {
        guard let w = token.word, !Keyword.all.contains(w), case .string = next.kind else { return false }
        if Parser.textClauseWords.contains(w), !declaredLanguages.contains(w) { return false }
        // In a choice list only a language is a tag (see below): an option's id is settled
        // without looking for a misspelt clause (one edit-distance search per option).
        if strict, !declaredLanguages.contains(w), Checker.languageNames[w] == nil { return false }
        // `"Label" hnt "..."` is a misspelt hint, not an undeclared language.
        if !declaredLanguages.contains(w), Suggest.closest(to: w, among: Parser.questionClauses) != nil { return false }
        // In a choice list a word before a string is the next option, unless it is a language:
        // a declared one, or a known code (`gd "..."`, reported by the checker as undeclared).
        return strict ? declaredLanguages.contains(w) || Checker.languageNames[w] != nil : true
    }

    /// `"text" cy "testun" ...`. In choice lists only declared languages count as tags.
    mutating func parseText(_ what: String, strictTags: Bool = false) throws(Abort) -> TextNode {
        guard case .string(let s) = current.kind else { throw fail("expected \(what) as a string, found \(current.describe)") }
        let first = advance()
        var node = TextNode(primary: StringLiteral(value: s, span: first.span), translations: [], span: first.span)
        parseTranslations(&node, strictTags: strictTags)
        return node
    }

    /// The tagged translations after a text's primary string.
    mutating func parseTranslations(_ node: inout TextNode, strictTags: Bool) {
        while true {
            if let w = current.word, current.span.start == previousEnd, !declaredLanguages.contains(w), next.kind.isString,
                next.span.start == current.span.end
            {
                // `"Who is your "landlord"?"`: quotes inside the text end it early.
                report("a '\"' inside a text ends it", at: Span(previousEnd - 1, previousEnd),
                    hint: "write \\\" for a quote inside a text: \"... \\\"\(w)\\\" ...\"")
                advance()
                node.span = node.span.to(advance().span)
                continue
            }
            if let w = current.word, declaredLanguages.contains(w), !isTranslationTag(current, strict: strictTags) {
                // `"Owns" cy rents ...`: the tag without its text. Report it here, as the tag's,
                // rather than misreading the tag as the next option or item.
                let tag = advance()
                report("expected the \(w) text after '\(w)', found \(current.describe)", at: current.span,
                    hint: "write the translation as a string: \(w) \"...\"")
                node.translations.append((Name(text: w, span: tag.span), StringLiteral(value: "", span: tag.span)))
                continue
            }
            guard isTranslationTag(current, strict: strictTags) else { break }
            let tag = advance()
            guard case .string(let value) = current.kind else { break }
            let t = advance()
            node.translations.append((Name(text: tag.word!, span: tag.span), StringLiteral(value: value, span: t.span)))
            node.span = node.span.to(t.span)
        }
    }

    // MARK: - Blocks

    mutating func parseBlock() throws(Abort) -> BlockDecl {
        let keywordToken = advance()
        let keyword = keywordToken.word!
        let n = try name("a name for the \(keyword)", declaring: true)
        var block = BlockDecl(kind: .page, keyword: keywordToken.span, name: n, title: nil, when: nil, items: [], span: keywordToken.span)
        var forRoster: Name?
        var minimum: (Int, Span)?
        var maximum: (Int, Span)?
        var braceMissing = false
        while !current.isSymbol(.leftBrace) {
            if case .string = current.kind, block.title == nil {
                block.title = try parseText("the title")
            } else if current.isWord("when") {
                let keyword = advance().span
                do { block.when = try parseExpression() } catch { block.when = recoverCondition(at: keyword) }
            } else if current.isWord("for"), keyword == "section" || keyword == "relationships" {
                advance()
                forRoster = try name("the roster this \(keyword) is for")
            } else if current.isWord("min"), keyword == "roster" {
                advance()
                minimum = bound("the minimum number of members")
            } else if current.isWord("max"), keyword == "roster" {
                advance()
                maximum = bound("the maximum number of members")
            } else if correctClauseTypo(Parser.blockClauses[keyword] ?? ["when"], in: "\(keyword) '\(n.text)'") {
                continue
            } else {
                let allowed: String
                switch keyword {
                case "roster": allowed = "a title, 'min N', 'max N', 'when' or '{'"
                case "section", "relationships": allowed = "a title, 'for ROSTER', 'when' or '{'"
                default: allowed = "a title, 'when' or '{'"
                }
                if let w = current.word, Keyword.itemStarts.contains(w), w != "title", !onSameLineAsPrevious(current) {
                    // The header is complete but its '{' is missing: read the items as its body.
                    report("expected \(allowed) in \(keyword) '\(n.text)', found \(current.describe)", at: current.span,
                        hint: "add '{' at the end of line \(lineNumber(of: Span(previousEnd, previousEnd))) to open the \(keyword)")
                    braceMissing = true
                    break
                }
                throw fail("expected \(allowed) in \(keyword) '\(n.text)', found \(current.describe)")
            }
        }
        switch keyword {
        case "section": block.kind = .section(forRoster: forRoster)
        case "roster": block.kind = .roster(min: minimum, max: maximum)
        case "relationships": block.kind = .relationships(forRoster: forRoster)
        default: block.kind = .page
        }
        let open = braceMissing ? Token(kind: .symbol(.leftBrace), span: Span(previousEnd, previousEnd)) : advance()
        blockDepth += 1
        defer { blockDepth -= 1 }
        guard blockDepth <= Parser.maximumBlockDepth else {
            throw fail("blocks are nested more than \(Parser.maximumBlockDepth) deep", at: open.span)
        }
        block.items = parseItems()
        if current.isSymbol(.rightBrace) {
            if likelyUnclosed == nil, indentation(of: current.span) < indentation(of: keywordToken.span) {
                likelyUnclosed = (keyword, n.text, open.span, current.span)
            }
            if likelyExtra == nil, startsLine(current.span), indentation(of: current.span) > indentation(of: keywordToken.span) {
                likelyExtra = (keyword, n.text, keywordToken.span, position)
            }
            block.span = keywordToken.span.to(advance().span)
        } else {
            report("\(keyword) '\(n.text)' is not closed: expected '}' before \(current.describe)", at: open.span,
                hint: "add a '}' to close the \(keyword) opened here")
            block.span = keywordToken.span.to(Span(previousEnd, previousEnd))
        }
        return block
    }
}
