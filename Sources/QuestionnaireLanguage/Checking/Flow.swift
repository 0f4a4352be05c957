import Questionnaire

/// The walk over the flow: blocks, questions and checks in document order, checking each
/// against what is known at its place and lowering it to the schema.
extension Checker {
    // MARK: - The walk over the flow

    /// Walks `items` in flow order. Items after an `end` statement are skipped when it fires
    /// (`endedBy`); returns the endings declared in here whose section encloses these items,
    /// which the caller applies to the items after them too.
    @discardableResult
    func walk(_ items: [Item], _ w: Walk, endedBy: [String] = []) -> [String] {
        var w = w
        /// Endings that skip the items still to come at this level.
        var active = endedBy
        var escaping: [String] = []
        func ended(_ new: [String]) {
            active += new
            escaping += new.filter { id in endings.first { $0.id == id }?.section != w.container }
        }
        for item in items {
            switch item {
            case .version, .title, .languages, .censusDate, .messages:
                if w.container != nil {
                    error("misplaced", "questionnaire metadata belongs at the top of the questionnaire, not inside '\(w.container!)'", at: item.span)
                }
            case .choices(let c):
                if w.container != nil {
                    error("misplaced", "choice lists are declared at the top level of the questionnaire", at: c.name.span,
                        hint: "move 'choices \(c.name.text)' out of '\(w.container!)'")
                }
            case .block(let b): ended(walkBlock(b, w, endedBy: active))
            case .question(let q): walkQuestion(q, w, endedBy: active)
            case .letValue(let l):
                if case .pair = w.scope {
                    error("misplaced", "derived values cannot be declared in a relationships block", at: l.name.span,
                        hint: "declare it in the roster, and use it as person.\(l.name.text) or other.\(l.name.text)")
                }
            case .check(let c): walkCheck(c, w, endedBy: active)
            case .end(let section, let condition, let span):
                if let id = walkEnd(section, condition, span, w, endedBy: active) { ended([id]) }
            case .respondentFirst, .listWording, .body, .definition, .individualResponse, .suggestions, .variants:
                walkPresentation(item, w)
            case .selfWhen(let e, let span):
                guard case .member = w.scope, case .section? = w.kind else {
                    if case .member(let roster) = w.scope {
                        // In a roster's own body: one mistake, so the {self|proxy} switches after
                        // it are not reported as lacking a 'self when' as well.
                        error("misplaced", "'self when' belongs in a per-member section (section ... for ROSTER)", at: span,
                            hint: "keep the roster to the questions that list its members; ask the rest in 'section NAME \"...\" for \(roster) { self when ... }' after it")
                        w.selfPosition = questionCount
                    } else {
                        error("misplaced", "'self when' belongs in a per-member section (section ... for ROSTER)", at: span)
                    }
                    continue
                }
                var context = Context(scope: w.scope, position: questionCount, subject: "the self condition")
                let typed = checkCondition(e, &context)
                if let index = containers.lastIndex(where: { $0.id == w.container }) {
                    if containers[index].selfWhen != nil {
                        error("duplicate-id", "this section already has a 'self when'", at: span)
                    }
                    containers[index].selfWhen = typed.expression
                }
                w.selfPosition = questionCount
            case .unrelated(let n, let span):
                guard case .pair = w.scope else {
                    error("misplaced", "'unrelated' belongs in a relationships block", at: span)
                    continue
                }
                _ = n
            }
        }
        return escaping
    }

    func walkBlock(_ b: BlockDecl, _ outer: Walk, endedBy: [String] = []) -> [String] {
        let keyword: String
        var inner = outer
        /// Set when the body's scope is unknown (a `for` naming no roster): checking it would only echo that.
        var skipBody = false
        inner.container = b.name.text
        inner.kind = b.kind
        var container = Container(id: b.name.text, kind: .section, parent: outer.container, scope: outer.scope, endedBy: endedBy)
        container.position = questionCount
        switch b.kind {
        case .section(let forRoster):
            keyword = "section"
            if let r = forRoster {
                if rosters[r.text] == nil {
                    notARoster(r)
                    if let meant = rosterFor(r) {
                        // Read the body as for the roster it was meant to name: no follow-on errors.
                        inner.scope = .member(roster: meant)
                        inner.inRoster = meant
                    } else {
                        skipBody = true
                    }
                } else if outer.scope != .household {
                    error("misplaced", "a section for a roster must be outside other rosters", at: r.span)
                } else {
                    if rosters[r.text]!.position > questionCount {
                        error("later-answer", "roster '\(r.text)' comes later in the flow than this section", at: r.span,
                            hint: "move the section after the roster")
                    }
                    inner.scope = .member(roster: r.text)
                    inner.inRoster = r.text
                }
            }
            container.scope = inner.scope
            if b.title == nil { error("missing-title", "section '\(b.name.text)' has no title", at: b.name.span, hint: "add its title as a string after the name") }
        case .page:
            keyword = "page"
            container.kind = .page
            if case .page? = outer.kind { error("misplaced", "pages cannot be nested in pages", at: b.keyword) }
        case .roster:
            keyword = "roster"
            container.kind = .roster
            if outer.inRoster != nil || outer.scope != .household {
                error("misplaced", "rosters cannot be nested inside another roster", at: b.keyword)
            } else {
                inner.scope = .member(roster: b.name.text)
                inner.inRoster = b.name.text
            }
            container.minMembers = rosters[b.name.text]?.minMembers
            container.maxMembers = rosters[b.name.text]?.maxMembers
            if b.title == nil { error("missing-title", "roster '\(b.name.text)' has no title", at: b.name.span) }
        case .relationships(let forRoster):
            keyword = "relationships"
            container.kind = .relationships
            if let r = forRoster, rosters[r.text] != nil {
                inner.scope = .pair(roster: r.text)
                container.roster = r.text
                if rosters[r.text]!.position > questionCount {
                    error("later-answer", "roster '\(r.text)' comes later in the flow than these relationships", at: r.span)
                }
            } else if let r = forRoster {
                notARoster(r)
                if let meant = rosterFor(r) { inner.scope = .pair(roster: meant) } else { skipBody = true }
            } else {
                // With only one roster it is plainly the one meant: the body is read for it, so
                // this is one mistake, not one per person./other. pipe.
                let only = rosters.count == 1 ? rosters.keys.first : nil
                error("syntax", "relationships need a roster: relationships \(b.name.text) for ROSTER { ... }", at: b.name.span,
                    hint: only.map { "write: relationships \(b.name.text) for \($0)" })
                if let only { inner.scope = .pair(roster: only) }
            }
            if outer.scope != .household { error("misplaced", "relationships belong outside rosters", at: b.keyword) }
            container.unrelatedOption = skipBody ? nil : checkRelationshipBody(b, roster: forRoster.flatMap(rosterFor) ?? inner.scope.roster)
        }
        // A duplicate is reported and its contents still checked, but it is not lowered:
        // container ids must stay unique or the parent chain could loop back on itself.
        let isDuplicate = containerNames[b.name.text] != nil
        if let first = containerNames[b.name.text] {
            error("duplicate-id", "'\(b.name.text)' already names a section, page or roster", at: b.name.span,
                notes: [.init("first used here", at: first)])
        } else {
            containerNames[b.name.text] = b.name.span
        }
        container.title = b.title.map(localized)
        // A block's condition and title are read where the block stands, except a per-member
        // section's, which are read for each member.
        let whenScope: Scope
        if case .section = b.kind { whenScope = inner.scope } else if case .page = b.kind { whenScope = inner.scope } else { whenScope = outer.scope }
        if let title = b.title, !skipBody {
            // Titles are texts like any other: every language, and pipes that name something.
            var context = Context(scope: whenScope, position: questionCount, subject: "the title of \(keyword) '\(b.name.text)'")
            context.ownBlock = OwnBlock(keyword: keyword, name: b.name.text, span: b.span)
            context.selfSwitchAvailable = inner.selfPosition != nil
            pendingTexts.append(PendingText(text: title, what: context.subject, context: context))
        }
        if let when = b.when {
            var context = Context(scope: whenScope, position: questionCount, subject: "the condition of \(keyword) '\(b.name.text)'")
            context.ownBlock = OwnBlock(keyword: keyword, name: b.name.text, span: b.span)
            let typed = checkCondition(when, &context)
            container.when = typed.expression
            guards.append(Guard(kind: .block, what: "\(keyword) '\(b.name.text)'", scope: whenScope, own: typed.type == .error ? nil : typed.expression, ownSpan: when.span, container: outer.container, blockID: b.name.text, endedBy: endedBy, span: b.name.span))
        } else if !endedBy.isEmpty {
            guards.append(Guard(kind: .block, what: "\(keyword) '\(b.name.text)'", scope: whenScope, own: nil, ownSpan: nil, container: outer.container, blockID: b.name.text, endedBy: endedBy, span: b.name.span))
        }
        if !isDuplicate { containers.append(container) }
        if case .section = b.kind { inner.sections.append((b.name.text, inner.scope)) }
        guard !skipBody else { return [] }
        let escaping = walk(b.items, inner)
        if case .roster = b.kind { finishRosterWording(b, scope: inner.scope) }
        return escaping
    }

    /// The roster `for NAME` means: NAME, or the roster it is a likely misspelling of.
    func rosterFor(_ name: Name) -> String? {
        rosters[name.text] != nil ? name.text : Suggest.closest(to: name.text, among: rosters.keys)
    }

    func notARoster(_ r: Name) {
        let hint: String
        if let meant = Suggest.closest(to: r.text, among: rosters.keys) {
            hint = "did you mean '\(meant)'?"
        } else if containerNames[r.text] != nil {
            hint = "'\(r.text)' is a section or page; only a roster has members: roster \(r.text) \"...\" { ... }"
        } else {
            hint = rosters.isEmpty ? "declare the roster first: roster \(r.text) \"...\" { ... }" : "rosters here: \(rosters.keys.sorted().joined(separator: ", "))"
        }
        error("undefined-name", "'\(r.text)' is not a roster", at: r.span, hint: hint)
    }

    /// Checks the shape of a relationships block and returns its "unrelated" option.
    func checkRelationshipBody(_ b: BlockDecl, roster: String?) -> String? {
        var questionDecl: QuestionDecl?
        var unrelated: Name?
        for item in b.items {
            switch item {
            case .question(let q):
                if questionDecl != nil {
                    error("misplaced", "a relationships block asks exactly one question", at: q.name.span)
                }
                questionDecl = questionDecl ?? q
            case .unrelated(let n, _): unrelated = n
            case .block(let inner): error("misplaced", "relationships cannot contain a \(blockKeyword(inner))", at: inner.keyword)
            default: break
            }
        }
        guard let q = questionDecl else {
            error("missing-question", "relationships '\(b.name.text)' has no question", at: b.name.span,
                hint: "add: question relationship: one_of(LIST) \"{person.name} is {other.name}'s ...\"")
            return nil
        }
        guard case .oneOf(let ref) = q.type else {
            error("type-mismatch", "the relationship question must be one_of a choice list", at: q.typeSpan)
            return nil
        }
        if let n = unrelated, let list = choiceListID(ref, question: q, scope: .pair(roster: roster ?? "")),
            let info = choiceLists[list], !info.optionIDs.contains(n.text)
        {
            error("unknown-option", "'\(n.text)' is not an option of '\(list)'", at: n.span,
                hint: Suggest.closest(to: n.text, among: info.optionIDs).map { "did you mean '\($0)'?" })
        }
        return unrelated?.text
    }

    func blockKeyword(_ b: BlockDecl) -> String {
        switch b.kind {
        case .section: return "section"
        case .page: return "page"
        case .roster: return "roster"
        case .relationships: return "relationships"
        }
    }

    // MARK: - Questions

    func walkQuestion(_ q: QuestionDecl, _ w: Walk, endedBy: [String] = []) {
        let position = questionCount
        questionCount += 1
        guard let symbol = symbolFor(q.name.text, scope: w.scope), symbol.question?.name.span == q.name.span else {
            return  // a duplicate, already reported
        }
        var context = Context(scope: w.scope, position: position, subject: "question '\(q.name.text)'")
        context.ownQuestion = true
        context.selfSwitchAvailable = w.selfPosition != nil
        switch q.type {
        case .oneOf(.inline), .anyOf(.inline):
            var options = context
            options.subject = "an option label"
            inlineListContexts[inlineListID(q.name.text, scope: w.scope)] = options
        default: break
        }
        let type = lowerAnswerType(q, &context)
        // An unknown type (already reported) is not read as text, which would give follow-on errors.
        if case .invalid = q.type { symbol.type = .error } else { symbol.type = valueType(of: type) }
        var when: Expression?
        var valid = true
        if let e = q.when {
            var whenContext = Context(scope: w.scope, position: position, subject: "the condition of question '\(q.name.text)'")
            whenContext.ownQuestion = true
            let typed = checkCondition(e, &whenContext)
            when = typed.expression
            valid = typed.type != .error
        }
        guards.append(Guard(kind: .question, what: "question '\(q.name.text)'", scope: w.scope, own: valid ? when : nil, ownSpan: q.when?.span, container: w.container, endedBy: endedBy, span: q.name.span))
        pendingTexts.append(PendingText(text: q.label, what: "the label of question '\(q.name.text)'", context: context))
        var hints: [Hint] = []
        for (text, condition) in q.hints {
            pendingTexts.append(PendingText(text: text, what: "the hint of question '\(q.name.text)'", context: context))
            var hintWhen: Expression?
            if let condition {
                var c = Context(scope: w.scope, position: position, subject: "the condition of a hint of question '\(q.name.text)'")
                c.ownQuestion = true
                hintWhen = checkCondition(condition, &c).expression
            }
            hints.append(Hint(text: localized(text), when: hintWhen))
        }
        var definitions: [Definition] = []
        for (title, body) in q.definitions {
            pendingTexts.append(PendingText(text: title, what: "the title of a definition of question '\(q.name.text)'", context: context))
            pendingTexts.append(PendingText(text: body, what: "a definition of question '\(q.name.text)'", context: context))
            definitions.append(Definition(title: localized(title), body: localized(body)))
        }
        if let voluntary = q.voluntary, q.required {
            error("misplaced", "question '\(q.name.text)' is both required and voluntary", at: voluntary,
                hint: "a voluntary question may be left unanswered: remove 'required' or 'voluntary'")
        }
        checkOptionConditions(q, w, position: position)
        questions.append(
            Question(
                id: q.name.text, scope: w.scope, type: type, required: q.required, when: when,
                label: q.label.map(localized) ?? [:], hints: hints, definitions: definitions, voluntary: q.voluntary != nil,
                container: w.container, endedBy: endedBy))
        questionSpans.append(q.name.span)
    }

    func symbolFor(_ id: String, scope: Scope) -> Symbol? {
        switch scope {
        case .household, .pair: return household[id]
        case .member(let r): return members[r]?[id]
        }
    }

    func valueType(of type: AnswerType) -> ValueType {
        switch type {
        case .text: return .text
        case .integer: return .integer
        case .decimal: return .decimal
        case .date: return .date
        case .monthYear: return .monthYear
        case .oneOf(let l): return l.isEmpty ? .error : .choice(l)
        case .anyOf(let l): return l.isEmpty ? .error : .choices(l)
        case .address: return .address
        }
    }

    /// The id of a question's inline choice list: the question's id, qualified by its roster.
    func inlineListID(_ question: String, scope: Scope) -> String {
        let id = scope.roster.map { "\($0).\(question)" } ?? question
        return choiceListOrder.contains(id) || id == "yes_no" ? id + ".options" : id
    }

    func choiceListID(_ ref: ChoiceReference, question q: QuestionDecl, scope: Scope) -> String? {
        switch ref {
        case .named(let n):
            guard var info = choiceLists[n.text] else {
                error("unknown-choice-list", "there is no choice list called '\(n.text)'", at: n.span,
                    hint: Suggest.closest(to: n.text, among: choiceLists.keys).map { "did you mean '\($0)'?" }
                        ?? "declare it at the top level: choices \(n.text) { ... }")
                return nil
            }
            info.used = true
            choiceLists[n.text] = info
            return n.text
        case .inline:
            let id = inlineListID(q.name.text, scope: scope)
            return choiceLists[id] == nil ? nil : id
        }
    }

    func lowerAnswerType(_ q: QuestionDecl, _ context: inout Context) -> AnswerType {
        func bound(_ e: Expr?, _ expected: [ValueType], _ name: String) -> Expression? {
            guard let e else { return nil }
            var c = context
            c.subject = "the range of question '\(q.name.text)'"
            let typed = checkExpression(e, &c)
            if typed.type != .error && !expected.contains(typed.type) {
                error("type-mismatch", "the range of '\(q.name.text)' needs \(expected[0]), but this is \(typed.type)", at: e.span)
            }
            return typed.expression
        }
        switch q.type {
        case .text(let max, let pattern, let clauses):
            if let pattern { checkPattern(pattern) }
            if let max, max.0 < 1 { error("bad-range", "a text's max length must be at least 1", at: max.1) }
            return .text(maxLength: max?.0 ?? 200, pattern: pattern?.value, options: textOptions(clauses, q, context))
        case .integer(let lo, let hi):
            return checkedRange(.integer(min: bound(lo, [.integer], "min"), max: bound(hi, [.integer], "max")), q)
        case .decimal(let lo, let hi):
            return checkedRange(.decimal(min: bound(lo, [.decimal, .integer], "min"), max: bound(hi, [.decimal, .integer], "max")), q)
        case .date(let lo, let hi):
            return checkedRange(.date(min: bound(lo, [.date], "min"), max: bound(hi, [.date], "max")), q)
        case .monthYear(let lo, let hi):
            return checkedRange(.monthYear(min: bound(lo, [.monthYear, .date], "min"), max: bound(hi, [.monthYear, .date], "max")), q)
        case .yesNo:
            choiceLists["yes_no"]!.used = true
            if firstYesNo == nil { firstYesNo = q.typeSpan }
            return .oneOf(list: "yes_no")
        case .oneOf(let ref):
            let list = choiceListID(ref, question: q, scope: context.scope) ?? ""
            choiceLists[list]?.usedBySingleChoice = true
            return .oneOf(list: list)
        case .anyOf(let ref):
            let list = choiceListID(ref, question: q, scope: context.scope) ?? ""
            choiceLists[list]?.usedByMultipleChoice = true
            return .anyOf(list: list)
        case .address(let uk): return .address(ukOnly: uk)
        case .invalid: return .text(maxLength: 200, pattern: nil)
        }
    }

    /// Reports a range whose constant bounds are the wrong way round.
    func checkedRange(_ type: AnswerType, _ q: QuestionDecl) -> AnswerType {
        switch type {
        case .integer(let lo?, let hi?), .decimal(let lo?, let hi?), .date(let lo?, let hi?), .monthYear(let lo?, let hi?):
            if let a = Interval.constant(lo), let b = Interval.constant(hi), a > b {
                error("bad-range", "the range of '\(q.name.text)' is empty: its lower bound is above its upper bound", at: q.typeSpan,
                    hint: "write the lower bound first: LOW...HIGH")
            }
        default: break
        }
        return type
    }

    func checkPattern(_ pattern: StringLiteral) {
        // Patterns are regular expressions; only balance is checked here so the check has no
        // platform-dependent regex engine in it. The evaluator compiles them.
        var depth = 0
        var escaped = false
        var inClass = false
        for c in pattern.value {
            if escaped { escaped = false; continue }
            switch c {
            case "\\": escaped = true
            case "[": inClass = true
            case "]": inClass = false
            case "(" where !inClass: depth += 1
            case ")" where !inClass: depth -= 1
            default: break
            }
            if depth < 0 { break }
        }
        if depth != 0 || inClass || escaped {
            error("bad-pattern", "the pattern \"\(pattern.value)\" is not a valid regular expression (unbalanced brackets)", at: pattern.span)
        }
    }

    // MARK: - Checks

    func walkCheck(_ c: CheckDecl, _ w: Walk, endedBy: [String] = []) {
        if let first = checkNames[c.name.text] {
            error("duplicate-id", "check '\(c.name.text)' is declared twice", at: c.name.span, notes: [.init("first declared here", at: first)])
            return
        }
        checkNames[c.name.text] = c.name.span
        var context = Context(scope: w.scope, position: questionCount, subject: "check '\(c.name.text)'")
        context.selfSwitchAvailable = w.selfPosition != nil
        guard let when = c.when else { return }
        let typed = checkCondition(when, &context)
        var target: String?
        var constant = false
        if let t = c.target {
            if let symbol = lookupQuestion(t.text, scope: w.scope), symbol.kind == .question {
                target = t.text
                // A check is evaluated where it stands, so it cannot point at a question not yet asked.
                if symbol.position >= questionCount {
                    error("later-answer", "check '\(c.name.text)' is on '\(t.text)', which is asked later in the flow (line \(line(symbol.name.span)))",
                        at: t.span, hint: "move the check after '\(t.text)', or point it at a question asked before it",
                        notes: [.init("'\(t.text)' is asked here", at: symbol.name.span)])
                }
            } else if w.scope == .household, let roster = rosters[t.text] {
                // A check about the household's list of people points at the list.
                target = t.text
                if roster.position >= questionCount {
                    error("later-answer", "check '\(c.name.text)' is on roster '\(t.text)', which comes later in the flow (line \(line(roster.name.span)))",
                        at: t.span, hint: "move the check after the roster", notes: [.init("'\(t.text)' starts here", at: roster.name.span)])
                }
            } else {
                error("undefined-name", "'\(t.text)' is not a question here", at: t.span,
                    hint: Suggest.closest(to: t.text, among: visibleNames(w.scope)).map { "did you mean '\($0)'?" })
            }
        } else if let latest = context.dependencies.max(by: { $0.position < $1.position }) {
            target = latest.name.text
        } else if w.scope == .household, let roster = context.rosters.last {
            // count(people) > 15: about the number of people listed.
            target = roster
        } else if typed.type != .error {
            constant = true
            error("check-without-answer", "check '\(c.name.text)' does not depend on any answer", at: c.name.span,
                hint: "a check is about answers: name the question it points at with 'on QUESTION'")
        }
        pendingTexts.append(PendingText(text: c.message, what: "the message of check '\(c.name.text)'", context: context))
        // A condition on no answer is reported above; whether it can hold is then beside the point.
        guards.append(Guard(kind: .check, what: "check '\(c.name.text)'", scope: w.scope, own: typed.type == .error || constant ? nil : typed.expression, ownSpan: when.span, container: w.container, endedBy: endedBy, span: c.name.span))
        checks.append(
            Check(
                id: c.name.text, scope: w.scope, severity: c.severity, when: typed.expression,
                message: c.message.map(localized) ?? [:], target: target ?? "", container: w.container, endedBy: endedBy))
    }

    func lookupQuestion(_ id: String, scope: Scope) -> Symbol? {
        if case .member(let r) = scope, let s = members[r]?[id] { return s }
        return household[id]
    }
}
