import Questionnaire

/// The built-in functions: years_between, join, count and any.
extension Checker {
    func checkCall(_ f: Name, _ args: [Expr], _ span: Span, _ context: inout Context) -> Typed {
        func arity(_ n: Int) -> Bool {
            if args.count != n {
                error("type-mismatch", "\(f.text) takes \(n) argument\(n == 1 ? "" : "s"), but is given \(args.count)", at: span)
                return false
            }
            return true
        }
        switch f.text {
        case "years_between":
            guard arity(2) else { return .invalid }
            let a = checkExpression(args[0], &context)
            let b = checkExpression(args[1], &context)
            for (t, e) in [(a, args[0]), (b, args[1])] where t.type != .error && !t.type.isCalendar {
                error("type-mismatch", "years_between needs dates, but this is \(t.type)", at: e.span)
                return .invalid
            }
            if a.type == .error || b.type == .error { return .invalid }
            return Typed(type: .integer, expression: .call(.yearsBetween, [a.expression, b.expression]))
        case "join":
            var parts: [Expression] = []
            var failed = false
            for arg in args {
                let t = checkExpression(arg, &context)
                if t.type != .text && t.type != .error {
                    error("type-mismatch", "join puts texts together, but this is \(t.type)", at: arg.span)
                    failed = true
                }
                failed = failed || t.type == .error
                parts.append(t.expression)
            }
            if args.isEmpty { error("type-mismatch", "join needs at least one text", at: span); return .invalid }
            return failed ? .invalid : Typed(type: .text, expression: .call(.join, parts))
        case "count", "any":
            // count(people) counts every member; count(people, is_you == yes) those that satisfy it.
            if f.text == "count", args.count != 1, args.count != 2 {
                error("type-mismatch", "count takes 1 or 2 arguments, but is given \(args.count)", at: span,
                    hint: "count(roster) counts every member; count(roster, condition) those that satisfy it")
                return .invalid
            }
            guard f.text == "count" || arity(2) else { return .invalid }
            guard case .name(let rosterName) = args[0].kind, let roster = rosters[rosterName] else {
                let shown = file.text(args[0].span)
                error("undefined-name", "'\(shown)' is not a roster", at: args[0].span,
                    hint: Suggest.closest(to: shown, among: rosters.keys).map { "did you mean '\($0)'?" } ?? "\(f.text) takes a roster's name")
                return .invalid
            }
            if let block = context.ownBlock, block.contains(roster.name.span) {
                ownBlockError(block, context, block.name == rosterName ? "roster '\(rosterName)' cannot be used in its own \(context.subject.hasPrefix("the title") ? "title" : "condition")" : "roster '\(rosterName)' is inside \(block.described)", at: args[0].span)
                return .invalid
            }
            if roster.position >= context.position && context.position != Context.anywhere {
                error("later-answer", "roster '\(rosterName)' comes later in the flow (line \(line(roster.name.span)))", at: args[0].span,
                    hint: "\(context.subject) can only use answers given before it")
                return .invalid
            }
            context.rosters.append(rosterName)
            if args.count == 1 { return Typed(type: .integer, expression: .count(roster: rosterName)) }
            var inner = Context(scope: .member(roster: rosterName), position: context.position, subject: context.subject)
            inner.ownQuestion = context.ownQuestion
            inner.ownBlock = context.ownBlock
            if case .member = context.scope { inner.outerScope = context.scope }
            reportSelfComparisons(args[1], rosterName)
            let condition = checkCondition(args[1], &inner)
            context.dependencies.append(contentsOf: inner.dependencies)
            if condition.type == .error { return .invalid }
            if f.text == "count" { return Typed(type: .integer, expression: .countWhere(roster: rosterName, condition.expression)) }
            return Typed(type: .bool, expression: .any(roster: rosterName, condition.expression))
        default:
            error("undefined-name", "there is no function called '\(f.text)'", at: f.span,
                hint: Suggest.closest(to: f.text, among: Checker.functionNames).map { "did you mean '\($0)'?" }
                    ?? "functions are \(Checker.functionNames.joined(separator: ", "))")
            for arg in args { _ = checkExpression(arg, &context) }
            return .invalid
        }
    }

    /// `count(people, first_name == first_name)`: inside the condition a plain name is the
    /// counted member's, so this compares each member's answer with itself.
    func reportSelfComparisons(_ e: Expr, _ roster: String) {
        switch e.kind {
        case .binary(let op, let l, let r, let opSpan):
            if case .name(let a) = l.kind, case .name(let b) = r.kind, a == b,
                [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(op)
            {
                error("type-mismatch", "'\(a) \(file.text(opSpan)) \(a)' compares each member of '\(roster)' with itself", at: l.span.to(r.span),
                    hint: "inside count(...) and any(...) a plain name is the member counted; write outer.\(a) for the member this is about")
                return
            }
            reportSelfComparisons(l, roster)
            reportSelfComparisons(r, roster)
        case .not(let inner): reportSelfComparisons(inner, roster)
        default: break
        }
    }
}
