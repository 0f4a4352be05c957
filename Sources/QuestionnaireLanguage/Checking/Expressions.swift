import Questionnaire

/// An expression after checking: its type and its resolved form for the schema.
struct Typed {
    var type: ValueType
    var expression: Expression

    static let invalid = Typed(type: .error, expression: .literal(.bool(false)))
}

extension Checker {
    static let functionNames = ["years_between", "join", "count", "any"]

    /// Checks a condition: an expression that must be true or false.
    func checkCondition(_ e: Expr, _ context: inout Context) -> Typed {
        let typed = checkExpression(e, &context)
        if typed.type != .bool && typed.type != .error {
            error("type-mismatch", "\(context.subject) must be true or false, but this is \(typed.type)", at: e.span,
                hint: hintForNonCondition(typed.type))
            return .invalid
        }
        return typed
    }

    func hintForNonCondition(_ type: ValueType) -> String? {
        switch type {
        case .choice: return "compare it with an option: x == option, or x in [a, b]"
        case .choices: return "test an option with: x contains option"
        case .integer, .decimal: return "compare it: x >= 16"
        default: return "write a comparison or 'x is answered'"
        }
    }

    func checkExpression(_ e: Expr, _ context: inout Context) -> Typed {
        switch e.kind {
        case .invalid: return .invalid
        case .integer(let i): return Typed(type: .integer, expression: .literal(.integer(i)))
        case .decimal(let d): return Typed(type: .decimal, expression: .literal(.decimal(d)))
        case .string(let s): return Typed(type: .text, expression: .literal(.text(s)))
        case .date(let d): return Typed(type: .date, expression: .literal(.date(d)))
        case .monthYear(let m): return Typed(type: .monthYear, expression: .literal(.monthYear(m)))
        case .duration(let d): return Typed(type: .duration, expression: .literal(.duration(d)))
        case .bool(let b): return Typed(type: .bool, expression: .literal(.bool(b)))
        case .name(let n): return resolve(Name(text: n, span: e.span), &context)
        case .qualified(let member, let field): return resolveQualified(member, field, &context)
        case .at(let roster, let position, let inner): return checkAt(roster, position, inner, e.span, &context)
        case .part(let inner, let part):
            let t = checkExpression(inner, &context)
            return addressPart(t, inner, part)
        case .call(let f, let args): return checkCall(f, args, e.span, &context)
        case .not(let inner):
            let t = checkCondition(inner, &context)
            return Typed(type: t.type == .error ? .error : .bool, expression: .unary(.not, t.expression))
        case .negate(let inner):
            let t = checkExpression(inner, &context)
            if t.type != .error && !t.type.isNumeric {
                error("type-mismatch", "'-' needs a number, but this is \(t.type)", at: inner.span)
                return .invalid
            }
            return Typed(type: t.type, expression: .unary(.negate, t.expression))
        case .binary(let op, let l, let r, let opSpan): return checkBinary(op, l, r, opSpan, e.span, &context)
        case .member(let value, let items, let negated): return checkMembership(value, items, negated, &context)
        case .answered(let inner, let negated):
            let t = checkExpression(inner, &context)
            switch t.expression {
            case .answer, .derived: break
            default:
                if t.type != .error {
                    error("type-mismatch", "only a question's answer or a derived value can be tested with 'is answered'", at: inner.span)
                }
                return .invalid
            }
            return Typed(type: .bool, expression: .answered(t.expression, negated: negated))
        }
    }

    // MARK: Names

    func visibleNames(_ scope: Scope) -> [String] {
        var names = Array(household.keys) + ["census_date"]
        if case .member(let r) = scope { names += Array(members[r]?.keys ?? [:].keys) + ["position"] }
        return names
    }

    func undefined(_ name: Name, _ context: Context) -> Typed {
        // `1bed`, `dŵr`: not a name at all, which the lexer has said; not also undefined.
        if !Checker.isPlainName(name.text) { return .invalid }
        var hint = Suggest.closest(to: name.text, among: visibleNames(context.scope)).map { "did you mean '\($0)'?" }
        if hint == nil, Checker.functionNames.contains(name.text) { hint = "\(name.text) is a function: \(name.text)(...)" }
        if hint == nil, let list = (["yes_no"] + choiceListOrder).first(where: { choiceLists[$0]?.optionIDs.contains(name.text) == true }) {
            // `hours == yes`: an option compared with something that is not an answer of its list.
            hint = "'\(name.text)' is an option of choice list '\(list)': only an answer from that list can be compared with it"
        }
        errorOnce("undefined-name", "'\(name.text)' is not defined", at: name.span, hint: hint)
        return .invalid
    }

    /// Names with a meaning of their own. A question or derived value of the same name (a form
    /// written before they existed) is meant instead where it is visible.
    static let builtInNames: Set<String> = ["census_date", "position", "today", "variant", "respondent", "household_address"]

    func resolve(_ name: Name, _ context: inout Context) -> Typed {
        if name.text == "census_date" { return Typed(type: .date, expression: .literal(.date(censusDate))) }
        if ["today", "variant", "respondent", "household_address"].contains(name.text), !isDeclared(name.text, context) {
            return resolveBuiltIn(name, &context)
        }
        return resolveDeclared(name, &context)
    }

    func resolveBuiltIn(_ name: Name, _ context: inout Context) -> Typed {
        if name.text == "today" { return Typed(type: .date, expression: .builtin(.today)) }
        if name.text == "household_address" { return Typed(type: .text, expression: .builtin(.householdAddress)) }
        if name.text == "variant" {
            guard !variantIDs.isEmpty else {
                errorOnce("undefined-name", "'variant' is the form's variant, and this form declares none", at: name.span,
                    hint: "declare them at the top level: variants { england \"England\" cy \"Lloegr\" wales \"Wales\" cy \"Cymru\" }")
                return .invalid
            }
            return Typed(type: .choice("variant"), expression: .builtin(.variant))
        }
        if name.text == "respondent" {
            switch context.scope {
            case .member(let roster): return respondent(of: roster, .member, name)
            case .pair:
                error("wrong-member", "'respondent' is said of each member of the pair: say which", at: name.span,
                    hint: "write person.respondent (the member described) or other.respondent (the member they are related to)")
            case .household:
                error("wrong-member", "'respondent' is said of a roster's members, and this is not inside a roster", at: name.span,
                    hint: "inside a roster or a section for it, 'respondent' is true for member 1 when the respondent is listed first")
            }
            return .invalid
        }
        return .invalid
    }

    func resolveDeclared(_ name: Name, _ context: inout Context) -> Typed {
        if name.text == "position" {
            guard case .member(let r) = context.scope else {
                error("wrong-member", "'position' is a roster member's place in its roster, and this is not inside a roster", at: name.span)
                return .invalid
            }
            _ = r
            return Typed(type: .integer, expression: .position(.member))
        }
        switch context.scope {
        case .member(let roster):
            if let s = members[roster]?[name.text] { return use(s, .member, name, &context) }
            if let s = household[name.text], s.scope == .household { return use(s, .household, name, &context) }
        case .pair(let roster):
            if let s = household[name.text], s.scope == .household || s.scope == context.scope { return use(s, .household, name, &context) }
            if members[roster]?[name.text] != nil {
                error("wrong-member", "'\(name.text)' is answered by each member of '\(roster)': say which member of the pair is meant",
                    at: name.span, hint: "write person.\(name.text) (the member described) or other.\(name.text) (the member they are related to)")
                return .invalid
            }
        case .household:
            if let s = household[name.text], s.scope == .household { return use(s, .household, name, &context) }
        }
        for (roster, table) in members.sorted(by: { $0.key < $1.key }) where table[name.text] != nil && context.scope.roster != roster {
            let hint: String
            if context.piping {
                // any(...) and count(...) cannot be piped: say where the member's answer can be.
                hint = "pipe {\(name.text)} in the roster or in a per-member section (section ... for \(roster)), where it is that member's"
            } else if case .member = context.scope {
                hint = "a member of one roster cannot read another roster's answers; use any(\(roster), ...) or count(\(roster))"
            } else {
                hint = "use any(\(roster), \(name.text) ...) or count(\(roster)) to ask about the members"
            }
            error("wrong-member", "'\(name.text)' is answered once per member of roster '\(roster)', so here it is not clear which member is meant",
                at: name.span, hint: hint)
            return .invalid
        }
        if case .pair = context.scope, household[name.text] != nil {
            error("wrong-member", "'\(name.text)' is asked once per pair; it cannot be used in its own block", at: name.span)
            return .invalid
        }
        return undefined(name, context)
    }

    func resolveQualified(_ member: Name, _ field: Name, _ context: inout Context) -> Typed {
        if member.text == "outer" { return resolveOuter(field, &context) }
        guard member.text == "person" || member.text == "other" else {
            // `address.town`: a part of an address answer.
            if isDeclared(member.text, context) {
                let t = resolve(member, &context)
                return addressPart(t, Expr(kind: .name(member.text), span: member.span), field)
            }
            error("undefined-name", "'\(member.text).\(field.text)': only person.NAME, other.NAME, outer.NAME and an address's parts have a '.'",
                at: member.span.to(field.span),
                hint: "inside a relationships block, person is the member described and other the member they are related to")
            return .invalid
        }
        guard case .pair(let roster) = context.scope else {
            error("wrong-member", "'\(member.text).\(field.text)' can only be used inside a relationships block", at: member.span.to(field.span),
                hint: case_member_hint(context.scope, field.text))
            return .invalid
        }
        if field.text == "respondent", members[roster]?["respondent"] == nil { return respondent(of: roster, member.text == "person" ? .person : .other, field) }
        if field.text == "position" { return Typed(type: .integer, expression: .position(member.text == "person" ? .person : .other)) }
        guard let s = members[roster]?[field.text] else {
            error("undefined-name", "'\(field.text)' is not a question or derived value of roster '\(roster)'", at: field.span,
                hint: Suggest.closest(to: field.text, among: members[roster]?.keys ?? [:].keys).map { "did you mean '\($0)'?" })
            return .invalid
        }
        return use(s, member.text == "person" ? .person : .other, field, &context)
    }

    /// `respondent` of a roster's member: the roster must say when the respondent is listed first.
    func respondent(of roster: String, _ subject: Expression.Subject, _ name: Name) -> Typed {
        guard rosters[roster]?.hasRespondent == true else {
            errorOnce("undefined-name", "roster '\(roster)' does not say who the respondent is", at: name.span,
                hint: "add to the roster: respondent first when CONDITION (member 1 is then the respondent)")
            return .invalid
        }
        return Typed(type: .bool, expression: .respondent(subject))
    }

    /// `outer.NAME` inside `count(roster, ...)` or `any(roster, ...)`: the member around the condition.
    func resolveOuter(_ field: Name, _ context: inout Context) -> Typed {
        guard let outer = context.outerScope, case .member(let roster) = outer else {
            error("wrong-member", "'outer.\(field.text)' means the member around a count(...) or any(...) condition, and there is none here",
                at: field.span, hint: "use it inside count(ROSTER, CONDITION) or any(ROSTER, CONDITION) in a question, value or check about a member")
            return .invalid
        }
        if field.text == "respondent", members[roster]?["respondent"] == nil { return respondent(of: roster, .outer, field) }
        if field.text == "position" { return Typed(type: .integer, expression: .position(.outer)) }
        guard let s = members[roster]?[field.text] else {
            error("undefined-name", "'\(field.text)' is not a question or derived value of roster '\(roster)'", at: field.span,
                hint: Suggest.closest(to: field.text, among: members[roster]?.keys ?? [:].keys).map { "did you mean '\($0)'?" })
            return .invalid
        }
        var outerContext = context
        outerContext.scope = outer
        let typed = use(s, .outer, field, &outerContext)
        context.dependencies = outerContext.dependencies
        return typed
    }

    /// `residents[1].name`: checked in the roster's members, at this place in the flow.
    func checkAt(_ roster: Name, _ position: Int, _ inner: Expr, _ span: Span, _ context: inout Context) -> Typed {
        guard let info = rosters[roster.text] else {
            error("undefined-name", "'\(roster.text)' is not a roster", at: roster.span,
                hint: Suggest.closest(to: roster.text, among: rosters.keys).map { "did you mean '\($0)'?" } ?? "ROSTER[N].NAME reads member N of a roster")
            return .invalid
        }
        if position < 1 || position > info.maxMembers {
            error("bad-range", "roster '\(roster.text)' has members 1 to \(info.maxMembers), so there is no member \(position)", at: span)
            return .invalid
        }
        if let block = context.ownBlock, block.contains(info.name.span) {
            ownBlockError(block, context, block.name == roster.text ? "roster '\(roster.text)' cannot be used in its own \(context.subject.hasPrefix("the title") ? "title" : "condition")" : "roster '\(roster.text)' is inside \(block.described)", at: roster.span)
            return .invalid
        }
        if info.position >= context.position && context.position != Context.anywhere {
            error("later-answer", "roster '\(roster.text)' comes later in the flow (line \(line(info.name.span)))", at: roster.span,
                hint: "\(context.subject) can only use answers given before it")
            return .invalid
        }
        var memberContext = Context(scope: .member(roster: roster.text), position: context.position, subject: context.subject)
        memberContext.piping = context.piping
        memberContext.ownBlock = context.ownBlock
        let typed = checkExpression(inner, &memberContext)
        context.dependencies.append(contentsOf: memberContext.dependencies)
        context.rosters.append(roster.text)
        if typed.type == .error { return .invalid }
        if typed.type == .bool, case .name = inner.kind {} else if typed.type == .bool {
            return Typed(type: .bool, expression: .at(roster: roster.text, position: position, typed.expression))
        }
        return Typed(type: typed.type, expression: .at(roster: roster.text, position: position, typed.expression))
    }

    /// `address.town`: a part of an address as text.
    func addressPart(_ t: Typed, _ inner: Expr, _ part: Name) -> Typed {
        if t.type == .error { return .invalid }
        guard t.type == .address else {
            error("type-mismatch", "'.\(part.text)' reads a part of an address, but this is \(t.type)", at: inner.span)
            return .invalid
        }
        guard let p = Expression.AddressPart(rawValue: part.text) else {
            let parts = Expression.AddressPart.allCases.map(\.rawValue)
            error("undefined-name", "'\(part.text)' is not a part of an address", at: part.span,
                hint: Suggest.closest(to: part.text, among: parts).map { "did you mean '\($0)'?" } ?? "the parts are \(parts.joined(separator: ", "))")
            return .invalid
        }
        return Typed(type: .text, expression: .addressPart(t.expression, p))
    }

    private func case_member_hint(_ scope: Scope, _ field: String) -> String {
        if case .member = scope { return "inside a roster, '\(field)' alone means this member's answer" }
        return "outside a roster, use any(ROSTER, \(field) ...)"
    }

    /// A use of a question or derived value: records the dependency and checks it is known by now.
    func use(_ s: Symbol, _ subject: Expression.Subject, _ name: Name, _ context: inout Context) -> Typed {
        if s.kind == .derived {
            if s.state != .checked { checkDerived(s) }
            if s.type == .error { return .invalid }
            context.dependencies.append(contentsOf: s.questionDependencies)
            if s.position >= context.position && context.position != Context.anywhere {
                let late = s.questionDependencies.max { $0.position < $1.position }!
                if context.ownQuestion && late.position == context.position {
                    // `question q ... when plus_one > 1` with `let plus_one = q + 1`: not a matter
                    // of order (moving it after 'q' is moving it after itself).
                    error("later-answer", "'\(name.text)' is computed from '\(late.name.text)', this question's own answer, which is not known yet here",
                        at: name.span, hint: ownAnswerHint(context, late.name.text))
                    return .invalid
                }
                if let block = context.ownBlock, block.contains(late.name.span) {
                    ownBlockError(block, context, "'\(name.text)' is computed from '\(late.name.text)', which is asked inside \(block.described)",
                        at: name.span, asked: late.name)
                    return .invalid
                }
                error("later-answer", "'\(name.text)' depends on '\(late.name.text)', which is asked later in the flow (line \(line(late.name.span)))",
                    at: name.span, hint: "\(context.subject) can only use answers given before it; move it after '\(late.name.text)'",
                    notes: [.init("'\(late.name.text)' is asked here", at: late.name.span)])
                return .invalid
            }
            return Typed(type: s.type, expression: .derived(s.name.text, subject))
        }
        context.dependencies.append(s)
        if s.position >= context.position && context.position != Context.anywhere {
            let same = context.ownQuestion && s.position == context.position
            if !same, let block = context.ownBlock, block.contains(s.name.span) {
                ownBlockError(block, context, "'\(name.text)' is asked inside \(block.described)", at: name.span, asked: s.name)
                return .invalid
            }
            error("later-answer",
                same ? "'\(name.text)' cannot be used in its own question" : "'\(name.text)' is asked later in the flow (line \(line(s.name.span))), so it is not known here",
                at: name.span,
                hint: same ? ownAnswerHint(context, name.text) : "\(context.subject) can only use answers given before it; move it after '\(name.text)'",
                notes: same ? [] : [.init("'\(name.text)' is asked here", at: s.name.span)])
            return .invalid
        }
        let type = s.type == .error ? valueTypeOfDeclaration(s) : s.type
        return Typed(type: type, expression: .answer(s.name.text, subject))
    }

    /// `section s when q > 1 { question q ... }`: not a matter of order (moving the condition
    /// after 'q' would move it inside the section it decides).
    func ownBlockError(_ block: OwnBlock, _ context: Context, _ message: String, at span: Span, asked: Name? = nil) {
        let roster = block.keyword == "roster"
        let hint = context.subject.hasPrefix("the title")
            ? "\(context.subject) is shown before \(roster ? "its members are listed" : "anything inside it is answered"), so it cannot pipe those answers"
            : "\(context.subject) decides whether \(roster ? "its members are asked for" : "anything inside it is asked"), so it cannot depend on those answers"
                + (asked.map { "; put the condition on the questions after '\($0.text)' instead" } ?? "")
        error("later-answer", message, at: span, hint: hint, notes: asked.map { [.init("'\($0.text)' is asked here", at: $0.span)] } ?? [])
    }

    /// Why a question's own answer cannot be read by its condition or its range.
    func ownAnswerHint(_ context: Context, _ question: String) -> String {
        if context.subject.hasPrefix("the range") {
            return "\(context.subject) is what '\(question)' is checked against, so it cannot be computed from '\(question)' itself"
        }
        if context.piping {
            return "the text of \(context.subject) is shown before '\(question)' is answered, so it cannot pipe that answer"
        }
        return "\(context.subject) is decided before '\(question)' is answered, so it cannot depend on that answer"
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`: what the lexer reads as a name without complaint.
    static func isPlainName(_ text: String) -> Bool {
        guard let first = text.utf8.first, Lexer.isLetter(first) else { return false }
        return text.utf8.allSatisfy { Lexer.isLetter($0) || Lexer.isDigit($0) }
    }

    /// A question's answer type, looked at before its own turn in the walk (for lets).
    func valueTypeOfDeclaration(_ s: Symbol) -> ValueType {
        guard let q = s.question else { return .error }
        switch q.type {
        case .text: return .text
        case .integer: return .integer
        case .decimal: return .decimal
        case .date: return .date
        case .monthYear: return .monthYear
        case .yesNo: return .choice("yes_no")
        case .address: return .address
        case .oneOf(.named(let n)): return choiceLists[n.text] == nil ? .error : .choice(n.text)
        case .anyOf(.named(let n)): return choiceLists[n.text] == nil ? .error : .choices(n.text)
        case .oneOf(.inline), .anyOf(.inline):
            let listID = inlineListID(q.name.text, scope: s.scope)
            if case .oneOf = q.type { return .choice(listID) }
            return .choices(listID)
        case .invalid: return .error
        }
    }

    // MARK: Options

    /// An option name on the right of `==`, `in` or `contains`, looked up in the list on the left.
    func option(_ e: Expr, of list: String, _ context: inout Context) -> Typed? {
        guard case .name(let n) = e.kind else { return nil }
        let info = choiceLists[list]
        if let info, info.optionIDs.contains(n) { return Typed(type: .choice(list), expression: .literal(.option(n))) }
        // A list with no options is reported as empty; naming its options is not a second mistake.
        if let info, info.optionIDs.isEmpty { return .invalid }
        // A name that is an answer or derived value is read as one (and its type checked).
        if peekType(n, context) != nil { return nil }
        let options = list == "yes_no" ? ["yes", "no"] : info?.options.map(\.name.text) ?? []
        let suggestion = Suggest.closest(to: n, among: options)
        let listing = options.count <= 12 ? " (options: \(options.joined(separator: ", ")))" : ""
        // An option of another list (`tenure == council`) is named as such: the answer is on the wrong list.
        let owner = choiceListOrder.first { $0 != list && choiceLists[$0]?.optionIDs.contains(n) == true }
        error("unknown-option", "'\(n)' is not an option of choice list '\(list)'", at: e.span,
            hint: suggestion.map { "did you mean '\($0)'?" }
                ?? owner.map { "'\(n)' is an option of '\($0)', not of '\(list)'; choose one of its options\(listing)" }
                ?? "choose one of its options\(listing)")
        return .invalid
    }

    func peekType(_ name: String, _ context: Context) -> ValueType? {
        if case .member(let r) = context.scope, let s = members[r]?[name] { return s.type == .error ? valueTypeOfDeclaration(s) : s.type }
        if let s = household[name] { return s.type == .error ? valueTypeOfDeclaration(s) : s.type }
        switch name {
        case "today": return .date
        case "household_address": return .text
        case "variant": return variantIDs.isEmpty ? nil : .choice("variant")
        case "respondent": return .bool
        default: return nil
        }
    }

    /// Whether `name` is a question or derived value the form declares (visible here).
    func isDeclared(_ name: String, _ context: Context) -> Bool {
        if case .member(let r) = context.scope, members[r]?[name] != nil { return true }
        return household[name] != nil
    }

    // MARK: Operators

    func checkBinary(
        _ op: Expression.BinaryOperator, _ l: Expr, _ r: Expr, _ opSpan: Span, _ span: Span, _ context: inout Context
    ) -> Typed {
        switch op {
        case .and, .or:
            let a = checkCondition(l, &context)
            let b = checkCondition(r, &context)
            let type: ValueType = a.type == .error || b.type == .error ? .error : .bool
            return Typed(type: type, expression: .binary(op, a.expression, b.expression))
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            return checkComparison(op, l, r, opSpan, &context)
        case .contains:
            let a = checkExpression(l, &context)
            switch a.type {
            case .error: _ = checkExpression(r, &context); return .invalid
            case .choices(let list):
                guard let b = option(r, of: list, &context) else {
                    let b = checkExpression(r, &context)
                    if b.type != .error {
                        error("type-mismatch", "'contains' needs an option of '\(list)' on its right", at: r.span)
                    }
                    return .invalid
                }
                return Typed(type: b.type == .error ? .error : .bool, expression: .binary(.contains, a.expression, b.expression))
            case .text:
                let b = checkExpression(r, &context)
                if b.type != .text && b.type != .error {
                    error("type-mismatch", "'contains' on text needs text on its right, but this is \(b.type)", at: r.span)
                    return .invalid
                }
                return Typed(type: b.type == .error ? .error : .bool, expression: .binary(.contains, a.expression, b.expression))
            case .choice(let list):
                error("type-mismatch", "'contains' is for multiple-choice answers; this answer is one option of '\(list)'", at: opSpan,
                    hint: "use == to test one option, or 'in [a, b]' for several")
                return .invalid
            default:
                error("type-mismatch", "'contains' needs a multiple-choice answer or text on its left, but this is \(a.type)", at: l.span)
                return .invalid
            }
        case .add, .subtract, .multiply, .divide:
            let a = checkExpression(l, &context)
            let b = checkExpression(r, &context)
            if a.type == .error || b.type == .error { return .invalid }
            let expression = Expression.binary(op, a.expression, b.expression)
            if let type = arithmeticType(op, a.type, b.type) { return Typed(type: type, expression: expression) }
            let symbol = opSpan
            if a.type == .text || b.type == .text {
                error("type-mismatch", "arithmetic on text is not allowed: '\(file.text(opSpan))' needs numbers", at: symbol,
                    hint: "to put texts together use join(a, b)")
            } else if a.type.isCalendar && b.type.isCalendar && op == .subtract {
                error("type-mismatch", "dates cannot be subtracted", at: symbol,
                    hint: "for whole years between two dates use years_between(a, b)")
            } else {
                error("type-mismatch", "'\(file.text(opSpan))' cannot combine \(a.type) and \(b.type)", at: symbol,
                    hint: a.type.isCalendar || b.type.isCalendar ? "a date moves by a duration: census_date - 115y" : nil)
            }
            return .invalid
        }
    }

    func arithmeticType(_ op: Expression.BinaryOperator, _ a: ValueType, _ b: ValueType) -> ValueType? {
        switch (op, a, b) {
        case (.add, .integer, .integer), (.subtract, .integer, .integer), (.multiply, .integer, .integer): return .integer
        case (.divide, _, _) where a.isNumeric && b.isNumeric: return .decimal
        case (_, _, _) where a.isNumeric && b.isNumeric: return .decimal
        case (.add, .date, .duration), (.subtract, .date, .duration), (.add, .duration, .date): return .date
        case (.add, .monthYear, .duration), (.subtract, .monthYear, .duration), (.add, .duration, .monthYear): return .monthYear
        case (.add, .duration, .duration) where false: return .duration
        default: return nil
        }
    }

    func checkComparison(
        _ op: Expression.BinaryOperator, _ l: Expr, _ r: Expr, _ opSpan: Span, _ context: inout Context
    ) -> Typed {
        let ordered = op != .equal && op != .notEqual
        // A bare option name on the left: check the right first, then read the left in its list.
        if case .name(let n) = l.kind, peekType(n, context) == nil, n != "census_date", n != "position" {
            if case .name(let m) = r.kind, peekType(m, context) == nil, m != "census_date", m != "position" {
                // `is_yuo == yes`: neither side is known. The left is the answer misnamed; the
                // right is then most likely its option, and not a second mistake.
                _ = checkExpression(l, &context)
                return .invalid
            }
            let b = checkExpression(r, &context)
            if case .choice(let list) = b.type, let a = option(l, of: list, &context) {
                return finishComparison(op, a, b, opSpan, ordered)
            }
            let a = checkExpression(l, &context)
            return finishComparison(op, a, b, opSpan, ordered)
        }
        let a = checkExpression(l, &context)
        let b: Typed
        if case .choice(let list) = a.type, let o = option(r, of: list, &context) {
            b = o
        } else if a.type == .error, case .name(let n) = r.kind, peekType(n, context) == nil {
            // Probably an option of the list on the left, which could not be read: say nothing more.
            return .invalid
        } else {
            b = checkExpression(r, &context)
        }
        return finishComparison(op, a, b, opSpan, ordered)
    }

    func finishComparison(_ op: Expression.BinaryOperator, _ a: Typed, _ b: Typed, _ opSpan: Span, _ ordered: Bool) -> Typed {
        if a.type == .error || b.type == .error { return .invalid }
        let expression = Expression.binary(op, a.expression, b.expression)
        let comparable: Bool
        switch (a.type, b.type) {
        case _ where a.type.isNumeric && b.type.isNumeric: comparable = true
        case _ where a.type.isCalendar && b.type.isCalendar: comparable = true
        case (.text, .text), (.bool, .bool): comparable = !ordered
        case (.choice(let x), .choice(let y)):
            if x != y {
                error("type-mismatch", "cannot compare an option of '\(x)' with an option of '\(y)'", at: opSpan)
                return .invalid
            }
            comparable = !ordered
        default: comparable = false
        }
        if !comparable {
            let symbol = file.text(opSpan)
            if ordered && a.type == b.type {
                error("type-mismatch", "'\(symbol)' orders numbers and dates; \(a.type) has no order", at: opSpan,
                    hint: a.type.isChoice ? "compare options with == or 'in [a, b]'" : nil)
            } else {
                error("type-mismatch", "cannot compare \(a.type) with \(b.type)", at: opSpan, hint: comparisonHint(a.type, b.type))
            }
            return .invalid
        }
        return Typed(type: .bool, expression: expression)
    }

    func comparisonHint(_ a: ValueType, _ b: ValueType) -> String? {
        if (a.isCalendar && b.isNumeric) || (a.isNumeric && b.isCalendar) {
            return "to compare an age, derive it first: let age = years_between(dob, census_date)"
        }
        if case .choices = a { return "to test a multiple-choice answer use: x contains option" }
        if a.isCalendar && b == .text || a == .text && b.isCalendar {
            return "dates are written without quotes: 2021-03-21 (a month: 2021-03)"
        }
        if case .choice(let list) = a, b == .text || b == .bool {
            // `own == "yes"`, `own == true`: options are names, not strings or truth values.
            return list == "yes_no" ? "yes_no answers are the options yes and no: x == yes" : "options are written without quotes: x == option"
        }
        return nil
    }

    func checkMembership(_ value: Expr, _ items: [Expr], _ negated: Bool, _ context: inout Context) -> Typed {
        let a = checkExpression(value, &context)
        // Wrong kinds of value are reported before the items, which cannot be read without one.
        if case .choices(let list) = a.type {
            error("type-mismatch", "'in' tests one value; this is a set of options of '\(list)'", at: value.span,
                hint: "use 'x contains option' for multiple-choice answers")
            return .invalid
        }
        if [.bool, .address, .duration].contains(a.type) {
            error("type-mismatch", "'in' needs an option, a number or text, but this is \(a.type)", at: value.span)
            return .invalid
        }
        var lowered: [Expression] = []
        var failed = a.type == .error
        for item in items {
            switch a.type {
            case .choice(let list):
                if let o = option(item, of: list, &context) {
                    failed = failed || o.type == .error
                    lowered.append(o.expression)
                } else {
                    let t = checkExpression(item, &context)
                    failed = failed || t.type == .error
                    lowered.append(t.expression)
                }
            case .error:
                _ = item
            default:
                let t = checkExpression(item, &context)
                if t.type == .error { failed = true; continue }
                let fits = (a.type.isNumeric && t.type.isNumeric) || a.type == t.type
                if !fits {
                    error("type-mismatch", "this list holds \(t.type), but the value tested is \(a.type)", at: item.span)
                    failed = true
                }
                lowered.append(t.expression)
            }
        }
        if items.isEmpty {
            error("type-mismatch", "the list after 'in' is empty", at: value.span)
            return .invalid
        }
        return failed ? .invalid : Typed(type: .bool, expression: .member(a.expression, lowered, negated: negated))
    }
}

extension ValueType {
    var isChoice: Bool {
        switch self {
        case .choice, .choices: return true
        default: return false
        }
    }
}
