import Questionnaire

/// Expressions, by precedence climbing: or < and < not < comparison < + - < * / < unary minus.
/// Depth is bounded so that hostile input cannot exhaust the stack.
extension Parser {
    // MARK: - Expressions

    /// How an operator is written, for messages.
    private func spelling(of op: Expression.BinaryOperator) -> String {
        switch op {
        case .add: return "+"
        case .subtract: return "-"
        case .multiply: return "*"
        case .divide: return "/"
        case .and: return "and"
        case .or: return "or"
        default: return op.rawValue
        }
    }

    mutating func parseExpression() throws(Abort) -> Expr {
        expressionDepth += 1
        defer { expressionDepth -= 1 }
        if expressionDepth > Parser.maximumExpressionDepth {
            throw fail("expression is nested more than \(Parser.maximumExpressionDepth) levels deep",
                hint: "split it into derived values with 'let'")
        }
        return try parseOr()
    }

    private mutating func combine(_ op: Expression.BinaryOperator, _ l: Expr, _ r: Expr, _ opSpan: Span) throws(Abort) -> Expr {
        let depth = max(l.depth, r.depth) + 1
        if depth > Parser.maximumExpressionDepth {
            // `a + b + c + ...`: nothing is in brackets, so say what made it deep.
            if case .binary(let inner, _, _, _) = l.kind, inner == op, l.depth >= r.depth {
                throw fail("this chain of '\(spelling(of: op))' has more than \(Parser.maximumExpressionDepth) terms", at: opSpan,
                    hint: "split it into derived values with 'let', each adding up part of it")
            }
            throw fail("expression is nested more than \(Parser.maximumExpressionDepth) levels deep", at: opSpan,
                hint: "split it into derived values with 'let'")
        }
        return Expr(kind: .binary(op, l, r, opSpan: opSpan), span: l.span.to(r.span), depth: depth)
    }

    private mutating func parseOr() throws(Abort) -> Expr {
        var terms = [try parseAnd()]
        var operators: [Span] = []
        while current.isWord("or") {
            operators.append(advance().span)
            terms.append(try parseAnd())
        }
        return try chain(.or, terms, operators)
    }

    private mutating func parseAnd() throws(Abort) -> Expr {
        var terms = [try parseNot()]
        var operators: [Span] = []
        correctConnectiveTypo()
        while current.isWord("and") {
            operators.append(advance().span)
            terms.append(try parseNot())
            correctConnectiveTypo()
        }
        return try chain(.and, terms, operators)
    }

    /// Chains of `and`/`or` longer than this are built as balanced trees.
    static let longChain = 8

    /// `a or b or c ...`: `and` and `or` are associative (in three-valued logic too), so a long
    /// flat chain is not nesting: it is built as a balanced tree, as deep as log2 of its length,
    /// and no pass over it recurses once per term (`q == 0 or ... or q == 200` is 201 terms, 9
    /// levels). Shorter chains keep the left-to-right shape compiled schemas have always had, so
    /// their bytes (and content hashes) stay the same.
    private mutating func chain(_ op: Expression.BinaryOperator, _ terms: [Expr], _ operators: [Span]) throws(Abort) -> Expr {
        if terms.count <= Parser.longChain {
            var left = terms[0]
            for (k, opSpan) in operators.enumerated() { left = try combine(op, left, terms[k + 1], opSpan) }
            return left
        }
        func build(_ range: Range<Int>) throws(Abort) -> Expr {
            if range.count == 1 { return terms[range.lowerBound] }
            let middle = range.lowerBound + range.count / 2
            return try combine(op, try build(range.lowerBound..<middle), try build(middle..<range.upperBound), operators[middle - 1])
        }
        return try build(0..<terms.count)
    }

    private mutating func parseNot() throws(Abort) -> Expr {
        if current.isWord("not") {
            let start = advance().span
            expressionDepth += 1
            defer { expressionDepth -= 1 }
            if expressionDepth > Parser.maximumExpressionDepth {
                throw fail("expression is nested more than \(Parser.maximumExpressionDepth) levels deep")
            }
            let inner = try parseNot()
            return Expr(kind: .not(inner), span: start.to(inner.span), depth: inner.depth + 1)
        }
        return try parseComparison()
    }

    private static let comparisons: [Token.Symbol: Expression.BinaryOperator] = [
        .equalEqual: .equal, .notEqual: .notEqual, .less: .less, .lessEqual: .lessOrEqual, .greater: .greater,
        .greaterEqual: .greaterOrEqual,
    ]

    private mutating func parseComparison() throws(Abort) -> Expr {
        let left = try parseAdditive()
        if case .symbol(let s) = current.kind, let op = Parser.comparisons[s] {
            let opSpan = advance().span
            let right = try parseAdditive()
            let result = try combine(op, left, right, opSpan)
            if case .symbol(let s2) = current.kind, Parser.comparisons[s2] != nil {
                throw fail("comparisons cannot be chained", hint: "write 'a < b and b < c'")
            }
            return result
        }
        if current.isSymbol(.equal) {
            // `self when is_you = yes`: one mistake, read as the comparison meant, so that what
            // depends on the statement (the {self|proxy} switches after it) is not reported too.
            let opSpan = advance().span
            report("'=' is not a comparison", at: opSpan, hint: "use '==' to compare")
            let right = try parseAdditive()
            return try combine(.equal, left, right, opSpan)
        }
        if current.isWord("in") || (current.isWord("not") && next.isWord("in")) {
            let negated = current.isWord("not")
            if negated { advance() }
            advance()
            guard current.isSymbol(.leftBracket) else {
                throw fail("expected '[' after 'in' (x in [a, b]), found \(current.describe)", hint: "put the values in brackets: x in [a, b]")
            }
            let open = advance()
            var items: [Expr] = []
            if !current.isSymbol(.rightBracket) {
                items.append(try parseAdditive())
                while current.isSymbol(.comma) {
                    advance()
                    items.append(try parseAdditive())
                }
            }
            if !current.isSymbol(.rightBracket), !items.isEmpty, current.word != nil || startsRange(current) {
                // `[rents rent_free]`: most likely a missing comma, not a missing bracket.
                throw fail("expected ']' to close the list, found \(current.describe)", hint: "separate the items with commas: [a, b]")
            }
            let end = try closing(.rightBracket, of: open, hint: "add ']' after the last item: x in [a, b]")
            let depth = items.reduce(left.depth) { max($0, $1.depth) } + 1
            return Expr(kind: .member(left, items, negated: negated), span: left.span.to(end.span), depth: depth)
        }
        if current.isWord("contains") {
            let op = advance().span
            return try combine(.contains, left, try parseAdditive(), op)
        }
        if current.isWord("is") {
            advance()
            let negated = current.isWord("not")
            if negated { advance() }
            guard current.isWord("answered") else {
                let meant = current.word.flatMap { Suggest.closest(to: $0, among: ["answered"]) }
                throw fail("expected 'answered' after 'is' (x is answered), found \(current.describe)",
                    hint: meant.map { "did you mean '\($0)'?" } ?? "write: x is answered, or x is not answered")
            }
            let end = advance().span
            return Expr(kind: .answered(left, negated: negated), span: left.span.to(end), depth: left.depth + 1)
        }
        return left
    }

    private mutating func parseAdditive() throws(Abort) -> Expr {
        var left = try parseMultiplicative()
        while current.isSymbol(.plus) || current.isSymbol(.minus) {
            let t = advance()
            left = try combine(t.isSymbol(.plus) ? .add : .subtract, left, try parseMultiplicative(), t.span)
        }
        return left
    }

    private mutating func parseMultiplicative() throws(Abort) -> Expr {
        var left = try parseUnary()
        while current.isSymbol(.star) || current.isSymbol(.slash) {
            let t = advance()
            left = try combine(t.isSymbol(.star) ? .multiply : .divide, left, try parseUnary(), t.span)
        }
        return left
    }

    private mutating func parseUnary() throws(Abort) -> Expr {
        if current.isSymbol(.minus) {
            let start = advance().span
            expressionDepth += 1
            defer { expressionDepth -= 1 }
            if expressionDepth > Parser.maximumExpressionDepth {
                throw fail("expression is nested more than \(Parser.maximumExpressionDepth) levels deep")
            }
            let inner = try parseUnary()
            switch inner.kind {
            case .integer(let i): return Expr(kind: .integer(-i), span: start.to(inner.span))
            case .decimal(let d): return Expr(kind: .decimal(-d), span: start.to(inner.span))
            case .duration(let d): return Expr(kind: .duration(d.negated), span: start.to(inner.span))
            default: return Expr(kind: .negate(inner), span: start.to(inner.span), depth: inner.depth + 1)
            }
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(Abort) -> Expr {
        let t = current
        switch t.kind {
        case .integer(let i): advance(); return Expr(kind: .integer(i), span: t.span)
        case .decimal(let d): advance(); return Expr(kind: .decimal(d), span: t.span)
        case .string(let s):
            advance()
            // `tenure == 'rents'`: single quotes (or ‘curly’ ones, or backquotes; reported by the
            // lexer) around a name in a condition mean the option or answer of that name, not text.
            let written = source[min(t.span.start, source.count)...]
            let quoted = Lexer.otherQuotes.contains { written.starts(with: $0.open) }
            if quoted, Checker.isPlainName(s) { return Expr(kind: .name(s), span: t.span) }
            return Expr(kind: .string(s), span: t.span)
        case .date(let d): advance(); return Expr(kind: .date(d), span: t.span)
        case .monthYear(let m): advance(); return Expr(kind: .monthYear(m), span: t.span)
        case .duration(let d): advance(); return Expr(kind: .duration(d), span: t.span)
        case .symbol(.leftParen):
            advance()
            var inner = try parseExpression()
            let close = try closing(.rightParen, of: t, hint: "add ')' where the expression in brackets ends")
            inner.span = t.span.to(close.span)
            return inner
        case .word(let w):
            if w == "true" || w == "false" { advance(); return Expr(kind: .bool(w == "true"), span: t.span) }
            if w == "census_date" || w == "position" { advance(); return Expr(kind: .name(w), span: t.span) }
            if Keyword.all.contains(w), !keywordsUsedAsNames.contains(w) {
                throw fail("expected a value, found keyword '\(w)'")
            }
            advance()
            if let meant = hyphenated(after: t, declaring: false) { return Expr(kind: .name(meant.text), span: meant.span) }
            if current.isSymbol(.leftParen) {
                let open = advance()
                var args: [Expr] = []
                if !current.isSymbol(.rightParen) {
                    args.append(try parseExpression())
                    while current.isSymbol(.comma) {
                        advance()
                        args.append(try parseExpression())
                    }
                }
                let close = try closing(.rightParen, of: open, hint: "add ')' after the arguments of \(w)(...)")
                let depth = args.reduce(0) { max($0, $1.depth) } + 1
                return Expr(kind: .call(Name(text: w, span: t.span), args), span: t.span.to(close.span), depth: depth)
            }
            if current.isSymbol(.leftBracket), current.span.start == t.span.end, case .integer(let n) = next.kind {
                // `residents[1].name`: a member's value by position.
                let open = advance()
                advance()
                _ = try closing(.rightBracket, of: open, hint: "write a member by position as ROSTER[N].NAME")
                guard current.isSymbol(.dot) else {
                    throw fail("expected '.' and a name after '\(w)[\(n)]', found \(current.describe)",
                        hint: "name the member's answer or value: \(w)[\(n)].first_name")
                }
                advance()
                let field = try name("a name after '.'")
                var inner = Expr(kind: .name(field.text), span: field.span)
                if current.isSymbol(.dot) {
                    advance()
                    let part = try name("a part of the address")
                    inner = Expr(kind: .part(inner, part), span: field.span.to(part.span), depth: 2)
                }
                return Expr(kind: .at(roster: Name(text: w, span: t.span), position: n, inner), span: t.span.to(inner.span), depth: 2)
            }
            if current.isSymbol(.dot) {
                advance()
                let field = try name("a name after '.'")
                var e = Expr(kind: .qualified(Name(text: w, span: t.span), field), span: t.span.to(field.span))
                if current.isSymbol(.dot) {
                    // `person.address.town`: a part of the pair member's address.
                    advance()
                    let part = try name("a part of the address")
                    e = Expr(kind: .part(e, part), span: t.span.to(part.span), depth: 2)
                }
                return e
            }
            return Expr(kind: .name(w), span: t.span)
        default:
            throw fail("expected a value, found \(t.describe)")
        }
    }
}
