import Questionnaire

/// Questions: `question NAME: TYPE [required] [when CONDITION] "label" cy "..." [hint ...]`, and
/// their answer types.
extension Parser {
    mutating func parseQuestion(keywordPresent: Bool = true) throws(Abort) -> QuestionDecl {
        let start = keywordPresent ? advance().span : current.span
        let n = try name("a name for the question", declaring: true)
        if !current.isSymbol(.colon), let w = current.word, Parser.answerTypeNames.contains(w) {
            // `question a integer`: the type is there, so read on after reporting the colon.
            report("expected ':' after the question's name (question \(n.text): TYPE ...), found \(current.describe)", at: current.span,
                hint: "write: question \(n.text): \(w)")
        } else {
            _ = try expect(.colon, "after the question's name (question \(n.text): TYPE ...)")
        }
        let typeStart = current.span
        // `question a: "Label" ...`: the type is missing (or comes later); the question is still read.
        let typeMissing = current.kind.isString
        let type = typeMissing ? .invalid : try parseAnswerType()
        var typeFound = false
        var translationFirst: (language: Name, text: StringLiteral)?
        var q = QuestionDecl(
            name: n, type: type, typeSpan: typeStart.to(Span(previousEnd, previousEnd)), required: false, when: nil,
            label: nil, span: start)
        while true {
            if current.isWord("required") {
                advance()
                q.required = true
            } else if current.isWord("voluntary"), !next.isSymbol(.colon) {
                q.voluntary = advance().span
            } else if current.isWord("definition"), next.kind.isString {
                advance()
                let title = try parseText("the definition's title")
                guard case .string = current.kind else {
                    throw fail("expected the definition's text after its title, found \(current.describe)",
                        hint: "write: definition \"What we mean by ...\" cy \"...\" \"This is ...\" cy \"...\"")
                }
                q.definitions.append((title, try parseText("the definition's text")))
            } else if current.isWord("when") {
                let keyword = advance().span
                let earlier = q.when
                do { q.when = try parseExpression() } catch { q.when = recoverCondition(at: keyword) }
                if let earlier, let later = q.when {
                    // `when a when b`: the first would be silently replaced.
                    report("question '\(n.text)' already has a condition", at: keyword,
                        hint: "give one condition, combining them: when (A) and (B)")
                    q.when = Expr(kind: .binary(.and, earlier, later, opSpan: keyword), span: earlier.span.to(later.span),
                        depth: max(earlier.depth, later.depth) + 1)
                }
            } else if current.isWord("hint") {
                let keyword = advance().span
                guard case .string = current.kind else {
                    // `hint` with no text: the question is kept; only the hint is missing.
                    report("'hint' in question '\(n.text)' has no text", at: keyword,
                        hint: "write the hint after it: hint \"...\" cy \"...\", or remove 'hint'")
                    continue
                }
                let hint = try parseText("the hint")
                var condition: Expr?
                if current.isWord("when") {
                    // `hint "..." when CONDITION`: the hint is shown only when it holds.
                    let keyword = advance().span
                    do { condition = try parseExpression() } catch { condition = recoverCondition(at: keyword) }
                }
                q.hints.append((hint, condition))
            } else if case .string(let value) = current.kind, let label = q.label, label.span.end == previousEnd,
                let language = languageOrder.dropFirst().first(where: { l in !label.translations.contains { $0.language.text == l } })
            {
                // `"Who?" "Pwy?"`: the translation without its tag, read as the missing language's.
                report("this text has no language tag", at: current.span, hint: "tag the translation: \(language) \"...\"")
                let t = advance()
                q.label!.translations.append((Name(text: language, span: t.span), StringLiteral(value: value, span: t.span)))
                q.label!.span = label.span.to(t.span)
                parseTranslations(&q.label!, strictTags: false)
            } else if case .string = current.kind {
                if q.label != nil {
                    report("question '\(n.text)' already has a label", at: current.span,
                        hint: "translations are tagged with their language: \"...\" cy \"...\"")
                }
                q.label = try parseText("the label")
                if let early = translationFirst { q.label!.translations.insert(early, at: 0) }
                translationFirst = nil
            } else if q.label == nil, translationFirst == nil, let w = current.word, declaredLanguages.contains(w), next.kind.isString {
                // `cy "Pwy?" "Who?"`: the translation before the text it translates.
                let tag = advance()
                guard case .string(let value) = current.kind else { break }
                report("the \(w) text comes before the label's untagged text in question '\(n.text)'", at: tag.span,
                    hint: "write the label in the first language first, then \(w) \"...\"")
                translationFirst = (Name(text: w, span: tag.span), StringLiteral(value: value, span: advance().span))
            } else if typeMissing, !typeFound, let w = current.word, Parser.answerTypeNames.contains(w) {
                let at = current.span
                report("the answer type '\(w)' comes after the label of question '\(n.text)'", at: at,
                    hint: "put it right after the colon: question \(n.text): \(w) ...")
                typeFound = true
                q.type = try parseAnswerType()
                q.typeSpan = at.to(Span(previousEnd, previousEnd))
            } else if q.label == nil, let label = labelWithoutOpeningQuote() {
                // Reported by the lexer: the label is the text up to the lone quote.
                q.label = label
            } else if correctClauseTypo(Parser.questionClauses, in: "question '\(n.text)'") {
                continue
            } else if let w = current.word, !Keyword.all.contains(w), !Keyword.itemStarts.contains(w), !Parser.textClauseWords.contains(w),
                onSameLineAsPrevious(current), !next.isSymbol(.colon), !declaredLanguages.contains(w)
            {
                // `integer 0...9 foo "Q"`: one unknown word, reported once; the rest of the
                // question (its label) is still read, so it is not also "has no label".
                report("unexpected '\(w)' in question '\(n.text)'", at: current.span,
                    hint: "a question's clauses are its label, \(Parser.questionClauses.map { "'\($0)'" }.joined(separator: ", "))")
                advance()
                continue
            } else {
                break
            }
        }
        if q.label == nil, let early = translationFirst {
            // Only the translation: reported already, so it stands in for the whole label.
            q.label = TextNode(primary: early.text, translations: [early], span: early.language.span.to(early.text.span))
        }
        if typeMissing, !typeFound {
            report("question '\(n.text)' has no answer type", at: typeStart,
                hint: "give it after the colon: question \(n.text): TYPE, where TYPE is one of \(Parser.answerTypeNames.joined(separator: ", "))")
        }
        q.span = start.to(Span(previousEnd, previousEnd))
        if q.label == nil {
            report("question '\(n.text)' has no label", at: n.span, hint: "add the question's wording as a string after its type")
        }
        return q
    }

    func startsRange(_ t: Token) -> Bool {
        switch t.kind {
        case .integer, .decimal, .date, .monthYear, .duration: return true
        case .symbol(let s): return s == .minus || s == .leftParen
        case .word(let w):
            // A range written on the type's line; a word on the next line starts something else.
            if !onSameLineAsPrevious(t) { return false }
            // `integer wen a > 1` is a misspelt `when`, not a range starting at a name.
            if Suggest.closest(to: w, among: Parser.questionClauses) != nil, !Keyword.itemStarts.contains(w), case .word = next.kind { return false }
            return w == "census_date" || !Keyword.all.contains(w)
        default: return false
        }
    }

    static let answerTypeNames = ["text", "integer", "decimal", "date", "month_year", "one_of", "any_of", "yes_no", "address"]

    /// `LOW...HIGH`, or open on one side: `16...` (at least 16), `...census_date` (not after it).
    mutating func parseRange() throws(Abort) -> (Expr?, Expr?) {
        var low: Expr?
        if !current.isSymbol(.ellipsis) {
            guard startsRange(current) else { return (nil, nil) }
            low = try parseExpression()
        }
        guard current.isSymbol(.ellipsis) else {
            throw fail("expected '...' between the range's bounds (LOW...HIGH), found \(current.describe)",
                hint: current.isSymbol(.dot) ? "a range is written with three dots: LOW...HIGH" : nil)
        }
        let dots = advance()
        let high = startsRange(current) ? try parseExpression() : nil
        if low == nil && high == nil {
            report("a range needs a bound on at least one side", at: dots.span, hint: "write LOW...HIGH, LOW... or ...HIGH, or leave the range out")
        }
        if let high, current.isSymbol(.comma), case .integer = next.kind, current.span.start == high.span.end, next.span.start == current.span.end {
            // `0...99,5`: a decimal comma.
            report("a decimal is written with a point, not a comma", at: current.span, hint: "write \(describeNumber(tokens[position - 1])).\(describeNumber(next))")
            advance()
            advance()
        }
        return (low, high)
    }

    mutating func parseAnswerType() throws(Abort) -> AnswerTypeSyntax {
        guard let word = current.word else { throw fail("expected an answer type, found \(current.describe)") }
        let t = advance()
        switch word {
        case "text":
            var max: (Int, Span)?
            var pattern: StringLiteral?
            var clauses = TextClauses()
            while true {
                if current.isWord("max") {
                    advance()
                    max = try integer("the maximum length")
                } else if current.isWord("pattern") {
                    advance()
                    guard case .string(let s) = current.kind else { throw fail("expected the pattern as a string") }
                    pattern = StringLiteral(value: s, span: advance().span)
                } else if current.isWord("multiline") {
                    clauses.multiline = advance().span
                } else if current.isWord("suggest") {
                    advance()
                    clauses.suggest = try name("the name of a suggestion list")
                } else if current.isWord("or"), next.word != nil {
                    // `or none "No organisation"`: a checkbox that answers instead of the text.
                    advance()
                    let option = try name("the checkbox's option name")
                    let label: TextNode? = current.kind.isString ? try parseText("the checkbox's label") : nil
                    if label == nil {
                        report("the checkbox '\(option.text)' has no label", at: option.span,
                            hint: "write: or \(option.text) \"...\" cy \"...\"")
                    }
                    clauses.none = (option, label)
                } else {
                    return .text(max: max, pattern: pattern, clauses: clauses)
                }
            }
        case "integer": let (a, b) = try parseRange(); return .integer(a, b)
        case "decimal": let (a, b) = try parseRange(); return .decimal(a, b)
        case "date": let (a, b) = try parseRange(); return .date(a, b)
        case "month_year": let (a, b) = try parseRange(); return .monthYear(a, b)
        case "yes_no":
            if current.isSymbol(.leftParen), current.span.start == t.span.end {
                // `yes_no(tenure)`: a yes_no question has its own options.
                report("yes_no takes no choice list: its options are yes and no", at: current.span,
                    hint: "write yes_no alone, or one_of(LIST) for a question with the list's options")
                skipTypeArguments()
            }
            return .yesNo
        case "address":
            if current.isWord("uk") {
                advance()
                return .address(ukOnly: true)
            }
            return .address(ukOnly: false)
        case "one_of", "any_of":
            let reference: ChoiceReference
            if current.isSymbol(.leftParen) {
                advance()
                let list = try name("the name of a choice list")
                _ = try expect(.rightParen, "after the choice list's name")
                reference = .named(list)
            } else if current.isSymbol(.leftBrace) {
                let start = current.span
                let (options, orders, end) = try parseOptionBlock(inline: true)
                reference = .inline(options, span: start.to(end), orders: orders)
            } else {
                throw fail("expected '(LIST)' or '{ options }' after \(word), found \(current.describe)",
                    hint: current.word.map { "put the list's name in brackets: \(word)(\($0))" })
            }
            return word == "one_of" ? .oneOf(reference) : .anyOf(reference)
        default:
            add(
                Diagnostic(
                    code: "unknown-type", "unknown answer type '\(word)'", at: t.span,
                    hint: Suggest.closest(to: word, among: Parser.answerTypeNames).map { "did you mean '\($0)'?" }
                        ?? "answer types are \(Parser.answerTypeNames.joined(separator: ", "))"))
            skipTypeArguments()
            return .invalid
        }
    }
}
