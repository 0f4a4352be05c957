import Questionnaire

/// Choice lists: `choices NAME { option "Label" cy "..." [exclusive] [specify ...] }`.
extension Parser {
    mutating func parseChoices() throws(Abort) -> ChoicesDecl {
        let start = advance().span
        let n = try name("a name for the choice list", declaring: true)
        let (options, orders, end) = try parseOptionBlock(inline: false)
        return ChoicesDecl(name: n, options: options, orders: orders, span: start.to(end))
    }

    /// `{ option "Label" ... }`; `inline` for a question's own list (`one_of { ... }`), which the
    /// question's clauses follow.
    mutating func parseOptionBlock(inline: Bool) throws(Abort) -> ([OptionDecl], [OrderDecl], Span) {
        let open = try expect(.leftBrace, "to open the list of options")
        var options: [OptionDecl] = []
        var orders: [OrderDecl] = []
        /// Where the options start their lines: a clause indented no further belongs to no option.
        var optionIndent: Int?
        while !current.isSymbol(.rightBrace) && current.kind != .end {
            let startsLine = listEndedWithoutBrace(inline: inline, optionIndent: optionIndent)
            if startsLine || inline && optionIndent != nil && isLabelAfterUnclosedList(open: open.span) {
                // One mistake: the list is read as closed here, and what follows as what it is.
                let last = lineNumber(of: Span(previousEnd, previousEnd))
                let note = startsLine
                    ? "\(current.describe) starts a new line here, which cannot be an option"
                    : "this string ends the line where an option's name should be: it is read as the question's label"
                report("this list of options is not closed", at: open.span,
                    hint: startsLine ? "add '}' after its last option (line \(last))" : "add '}' after its last option",
                    notes: [.init(note, at: current.span)])
                return (options, orders, Span(previousEnd, previousEnd))
            }
            let before = position
            do {
                if current.isWord("order"), next.word != nil, tokens[min(position + 2, tokens.count - 1)].isSymbol(.colon) {
                    // `order wales: welsh, english, ...`: the options' order in a variant.
                    let start = advance().span
                    let variant = try name("a variant")
                    _ = try expect(.colon, "after the variant in 'order \(variant.text): ...'")
                    var ids = [try name("an option name")]
                    while current.isSymbol(.comma) {
                        advance()
                        ids.append(try name("an option name"))
                    }
                    orders.append(OrderDecl(variant: variant, options: ids, span: start.to(ids.last!.span)))
                    continue
                }
                optionIndent = optionIndent ?? indentation(of: current.span)
                options.append(try parseOption())
            } catch {
                if position == before { advance() }
                while current.kind != .end && !current.isSymbol(.rightBrace) {
                    if current.word != nil, case .string = next.kind, !isTranslationTag(current, strict: true) { break }
                    advance()
                }
            }
        }
        let end = try expect(.rightBrace, "to close the list of options").span
        return (options, orders, end)
    }

    /// Whether the token at the start of this line cannot be an option, so the list before it
    /// must have ended: a reserved word that begins an item (`question`, `section`, ...), or, in a
    /// question's own list, one of the question's clauses (its label, `when`, `hint`, `required`).
    /// Such a clause is the question's only when it is indented no further than the options
    /// (an option's own `when` or `description` may continue on the lines below it, indented).
    func listEndedWithoutBrace(inline: Bool, optionIndent: Int?) -> Bool {
        guard position > 0, !onSameLineAsPrevious(current) else { return false }
        if let w = current.word, Keyword.all.contains(w), Keyword.itemStarts.contains(w) { return true }
        guard inline, let optionIndent, indentation(of: current.span) <= optionIndent else { return false }
        if let w = current.word { return w == "when" || w == "hint" || w == "required" }
        if case .string = current.kind { return true }
        return false
    }

    /// `one_of { a "A" cy "A" b "B" cy "B" when x > 1 "Q" cy "Q"` with no `}`: a string where an
    /// option's name should be, on the line of the options, is the question's label when it (with
    /// its translations) ends the line and the next line starts an item or closes a block the
    /// question is in (a `}` indented less than the question). Otherwise (`"B" cy "B" }`, or a
    /// next line at the options' indentation) it is an option whose name was left out.
    func isLabelAfterUnclosedList(open: Span) -> Bool {
        guard case .string = current.kind, onSameLineAsPrevious(current) else { return false }
        var i = position + 1
        while i + 1 < tokens.count, let w = tokens[i].word, tokens[i + 1].kind.isString,
            declaredLanguages.contains(w) || Checker.languageNames[w] != nil
        {
            i += 2
        }
        let after = tokens[i]
        if after.kind == .end { return true }
        let between = source[min(tokens[i - 1].span.end, source.count)..<min(after.span.start, source.count)]
        if !between.contains(0x0A) {
            // On the same line: the question's own clauses after its label.
            return after.word.map { ["hint", "required", "voluntary"].contains($0) } ?? false
        }
        if let w = after.word, Keyword.all.contains(w), Keyword.itemStarts.contains(w) { return true }
        return after.isSymbol(.rightBrace) && indentation(of: after.span) < indentation(of: open)
    }

    mutating func parseOption() throws(Abort) -> OptionDecl {
        let n = try name("an option name", declaring: true)
        let label = try optionLabel(n)
        var option = OptionDecl(name: n, label: label, exclusive: false, specify: nil)
        while true {
            if current.isWord("exclusive") {
                advance()
                option.exclusive = true
            } else if current.isWord("description"), next.kind.isString {
                advance()
                option.description = try parseText("the option's description", strictTags: true)
            } else if current.isWord("when"), onSameLineAsPrevious(current) || indentation(of: current.span) > indentation(of: n.span) {
                // On the option's line, or below it indented further: a `when` starting a line at
                // the options' indentation or less is the question's condition.
                let keyword = advance().span
                do { option.when = try parseExpression() } catch { option.when = recoverCondition(at: keyword) }
            } else if current.isWord("specify") {
                let keyword = advance().span
                var prompt: TextNode?
                var max: Int?
                if current.isWord("integer") {
                    // `specify integer 5...20 "How many?"`: a whole-number detail.
                    let typeWord = advance().span
                    let (low, high) = try parseRange()
                    func constant(_ e: Expr?) throws(Abort) -> Int? {
                        guard let e else { return nil }
                        guard case .integer(let i) = e.kind else {
                            throw fail("the range of a number detail is written with whole numbers: specify integer 5...20", at: e.span)
                        }
                        return i
                    }
                    option.number = (try constant(low), try constant(high), typeWord.to(Span(previousEnd, previousEnd)))
                } else if current.isWord("text") {
                    advance()
                }
                if case .string = current.kind { prompt = try parseText("the 'please specify' prompt", strictTags: true) }
                if current.isWord("max") {
                    advance()
                    max = try integer("the maximum length").0
                }
                option.specify = (keyword, prompt, max)
            } else if onSameLineAsPrevious(current), correctClauseTypo(["exclusive", "specify", "description"], in: "option '\(n.text)'") {
                // `other "Other" cy "Arall" specfy "Write in"` would otherwise be read as an
                // extra option called 'specfy'. Options start on their own lines, so a near-miss
                // on the label's line is a misspelt keyword.
                continue
            } else {
                return option
            }
        }
    }

    /// The label, or `married Married cy "Yn briod"`: the label written without quotes, reported
    /// once and read (with its translations), so that the option still exists.
    private mutating func optionLabel(_ n: Name) throws(Abort) -> TextNode {
        // A word before a string is rather the next option (`a b "B"`: a has no label at all).
        guard current.word != nil, onSameLineAsPrevious(current), !next.kind.isString else {
            if case .string = current.kind {} else if !onSameLineAsPrevious(current) || current.isSymbol(.rightBrace) {
                // `electric` alone on its line: blamed on the option, not on whatever follows.
                throw fail("option '\(n.text)' has no label", at: n.span, hint: "write: \(n.text) \"...\" followed by its translations")
            }
            return try parseText("the option's label", strictTags: true)
        }
        let first = current.span
        var last = first
        while current.word != nil, onSameLineAsPrevious(current), !next.kind.isString,
            !current.isWord("exclusive"), !current.isWord("specify")
        {
            last = advance().span
        }
        let words = String(decoding: source[first.start..<min(last.end, source.count)], as: UTF8.self)
        report("expected the option's label as a string, found '\(words)'",
            at: first.to(last), hint: "put it in quotes: \(n.text) \"\(words)\"")
        var node = TextNode(primary: StringLiteral(value: words, span: first.to(last)), translations: [], span: first.to(last))
        parseTranslations(&node, strictTags: true)
        return node
    }
}
