import Questionnaire

// Names in expressions: what a name refers to (a built-in, a question or derived value of
// this scope, a member's field, `outer`, `at`), what it is allowed to read where it stands,
// and the error, with a hint, when it names nothing.
extension Checker {
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
}
