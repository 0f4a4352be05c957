/// Recovery from common slips, so that one mistake gives one diagnostic and the rest of the
/// item is still read as intended.
extension Parser {
    /// A word that can only be another language code after `languages en` (not a keyword or item).
    static func isMissingCommaLanguage(_ t: Token) -> Bool {
        guard let w = t.word else { return false }
        return !Keyword.all.contains(w) && !Keyword.itemStarts.contains(w)
    }

    /// A misspelt clause keyword (`wen` for `when`): reported with a did-you-mean, and the token
    /// is read as the keyword, so the rest of the item is not misread as something else.
    mutating func correctClauseTypo(_ clauses: [String], in what: String) -> Bool {
        guard let w = current.word, !Keyword.all.contains(w), !Keyword.itemStarts.contains(w),
            let meant = Suggest.closest(to: w, among: clauses)
        else { return false }
        report("unknown clause '\(w)' in \(what)", at: current.span, hint: "did you mean '\(meant)'?")
        tokens[position].kind = .word(meant)
        return true
    }

    static let questionClauses = ["when", "required", "hint", "voluntary", "definition"]
    /// Words that mean something only where they are expected (`on` after a check's condition).
    static let contextualWords = Set<String>([
        "version", "title", "languages", "for", "min", "max", "pattern", "exclusive", "specify", "unrelated", "on", "uk",
        "multiline", "suggest", "description", "voluntary", "definition", "respondent", "first", "outer", "order", "end",
        "body", "individual_response", "suggestions", "variants", "today", "variant", "household_address",
    ]).union(listWordingWords)
    static let blockClauses = ["roster": ["when", "min", "max"], "section": ["when", "for"], "relationships": ["when", "for"]]

    /// After an unknown type, skips what it was given (`integr 0...99`, `one_off(list)`) up to
    /// the question's label or clauses, so they are not reported again as syntax errors.
    mutating func skipTypeArguments() {
        var depth = 0
        while current.kind != .end {
            if depth == 0 {
                if case .string = current.kind { return }
                if let w = current.word, Parser.questionClauses.contains(w) || Keyword.itemStarts.contains(w) { return }
                // `integr 0...99 wen a > 1`: a misspelt clause is left to be reported in its turn.
                if let w = current.word, !Keyword.all.contains(w), next.kind.isString || next.word != nil,
                    Suggest.closest(to: w, among: Parser.questionClauses) != nil { return }
                if current.isSymbol(.rightBrace) || current.isSymbol(.rightParen) { return }
            }
            if current.isSymbol(.leftBrace) || current.isSymbol(.leftParen) { depth += 1 }
            if depth > 0, current.isSymbol(.rightBrace) || current.isSymbol(.rightParen) { depth -= 1 }
            advance()
        }
    }

    /// The column where the line holding `span` starts its text (its indentation, in bytes).
    func indentation(of span: Span) -> Int {
        var lineStart = min(span.start, source.count)
        while lineStart > 0 && source[lineStart - 1] != 0x0A { lineStart -= 1 }
        var i = lineStart
        while i < source.count && (source[i] == 0x20 || source[i] == 0x09) { i += 1 }
        return i - lineStart
    }

    /// A number token as it was written, for a hint.
    func describeNumber(_ t: Token) -> String {
        guard t.span.end <= source.count else { return "1.0" }
        return String(decoding: source[t.span.start..<t.span.end], as: UTF8.self)
    }

    /// Whether `token` is on the line where the previous token ends.
    func onSameLineAsPrevious(_ token: Token) -> Bool {
        let from = min(previousEnd, source.count)
        let to = min(token.span.start, source.count)
        return from <= to && !source[from..<to].contains(0x0A)
    }

    /// After a condition that does not parse (already reported): skips the rest of it, up to what
    /// can follow a condition in an item (its label, another clause, the block's `{`, the next
    /// item), and stands an invalid expression in its place, so that the item is still declared
    /// and its uses are not reported as well.
    mutating func recoverCondition(at start: Span) -> Expr {
        var depth = 0
        while current.kind != .end {
            if depth == 0 {
                if case .string = current.kind { break }
                if current.isSymbol(.leftBrace) || current.isSymbol(.rightBrace) { break }
                if let w = current.word, Parser.questionClauses.contains(w) || Keyword.itemStarts.contains(w) || w == "on" { break }
            }
            if current.isSymbol(.leftParen) || current.isSymbol(.leftBracket) { depth += 1 }
            if current.isSymbol(.rightParen) || current.isSymbol(.rightBracket) { depth = max(0, depth - 1) }
            advance()
        }
        return Expr(kind: .invalid, span: start)
    }

    /// A `(` or `[` with no closing partner is blamed where it was opened, which is where the
    /// author has to look; the note says where the parser found something else instead.
    mutating func closing(_ symbol: Token.Symbol, of open: Token, hint: String) throws(Abort) -> Token {
        guard current.isSymbol(symbol) else {
            report("this '\(open.describe.dropFirst().dropLast())' is not closed", at: open.span, hint: hint,
                notes: [.init("expected '\(symbol.rawValue)' here, found \(current.describe)", at: current.span)])
            throw Abort()
        }
        return advance()
    }

    /// `a > 1 adn b < 2`: a misspelt `and` or `or` between two conditions is reported with a
    /// did-you-mean and read as meant, rather than ending the condition and misreading the rest.
    mutating func correctConnectiveTypo() {
        guard let w = current.word, !Keyword.all.contains(w), !Keyword.itemStarts.contains(w), !Parser.contextualWords.contains(w),
            onSameLineAsPrevious(current),
            Suggest.closest(to: w, among: Parser.questionClauses) == nil,
            let meant = Suggest.closest(to: w, among: ["and", "or"])
        else { return }
        switch next.kind {
        case .word, .integer, .decimal, .date, .monthYear, .symbol(.leftParen): break
        default: return
        }
        report("unknown word '\(w)' in the condition", at: current.span, hint: "did you mean '\(meant)'?")
        tokens[position].kind = .word(meant)
    }

    /// Whether `span` is the first thing on its line.
    func startsLine(_ span: Span) -> Bool {
        var i = min(span.start, source.count)
        while i > 0, source[i - 1] == 0x20 || source[i - 1] == 0x09 { i -= 1 }
        return i == 0 || source[i - 1] == 0x0A
    }

    /// A `}` left over at the end of the questionnaire (here, at `current`) means one too many
    /// earlier. When a block was closed by a `}` indented as if inside it, that `}` is blamed,
    /// and the file is parsed again without it. Returns whether it was.
    mutating func reportExtraCloser(afterTheEnd: Bool = false) -> Bool {
        guard let extra = likelyExtra, extra.index < position else { return false }
        let line = lineNumber(of: extra.keywordSpan)
        report("this '}' has no matching '{'", at: tokens[extra.index].span,
            hint: "remove it: it closes \(extra.keyword) '\(extra.name)' (line \(line)) before the items after it",
            notes: [.init(afterTheEnd ? "so this '}' is left over after the end of the questionnaire"
                : "so this '}' closes the questionnaire before the end of the file", at: current.span)])
        extraCloser = extra.index
        return true
    }

    func lineNumber(of span: Span) -> Int {
        var line = 1
        for byte in source[..<min(span.start, source.count)] where byte == 0x0A { line += 1 }
        return line
    }

    /// A roster's `min N` or `max N`. Anything else (`max ten`) is reported and skipped, and the
    /// bound left at its default, so the roster itself is still declared.
    mutating func bound(_ what: String) -> (Int, Span)? {
        if case .integer(let i) = current.kind { return (i, advance().span) }
        report("expected \(what) (a whole number), found \(current.describe)", at: current.span, hint: "write it in digits, e.g. max 10")
        if !current.isSymbol(.leftBrace), onSameLineAsPrevious(current) { advance() }
        return nil
    }

    /// `Who is your landlord?" cy "..."`: words ending in a lone `"` on their line are a label
    /// whose opening quote is missing (the lexer reports it). They are read as the label.
    mutating func labelWithoutOpeningQuote() -> TextNode? {
        guard current.word != nil else { return nil }
        var j = position
        while j < tokens.count - 1 {
            let t = tokens[j]
            if j > position, source[min(tokens[j - 1].span.end, source.count)..<min(t.span.start, source.count)].contains(0x0A) { return nil }
            if case .string = t.kind {
                guard t.span.end - t.span.start == 1 else { return nil }
                let from = current.span
                position = j
                let quote = advance()
                var node = TextNode(primary: StringLiteral(value: "", span: from.to(quote.span)), translations: [], span: from.to(quote.span))
                parseTranslations(&node, strictTags: false)
                return node
            }
            j += 1
        }
        return nil
    }
}
