import Questionnaire

/// What a renderer shows besides questions: list-screen wording, content pages, definitions,
/// individual-response eligibility, and the clauses of text answers and options. Each is
/// checked where it stands (its scope and place in the flow) like any other text or condition.
extension Checker {
    func containerIndex(_ id: String?) -> Int? {
        guard let id else { return nil }
        return containers.lastIndex { $0.id == id }
    }

    func walkPresentation(_ item: Item, _ w: Walk) {
        switch item {
        case .respondentFirst(let condition, let span):
            guard case .roster? = w.kind, let index = containerIndex(w.container) else {
                error("misplaced", "'respondent first' belongs in a roster: member 1 is then the respondent", at: span,
                    hint: "write it in the roster of the people who live here: roster NAME \"...\" { respondent first when ... }")
                return
            }
            if containers[index].respondentFirst != nil {
                error("duplicate-id", "this roster already says when the respondent is first", at: span)
                return
            }
            // Read where the roster stands: whether the respondent lives here is asked before the list.
            let outerScope = containers[index].scope
            var context = Context(scope: outerScope, position: questionCount, subject: "the condition of 'respondent first'")
            if let condition {
                containers[index].respondentFirst = checkCondition(condition, &context).expression
            } else {
                containers[index].respondentFirst = .literal(.bool(true))
            }
        case .listWording(let word, let text, let span):
            guard case .roster? = w.kind, let index = containerIndex(w.container) else {
                error("misplaced", "'\(word.text)' is the wording of a roster's list screens: it belongs in a roster", at: span,
                    hint: "move it into the roster whose list it words")
                return
            }
            var wording = containers[index].listWording ?? ListWording()
            // The parser makes this clause only of ListWording's words.
            guard let keyPath = ListWording.fields.first(where: { $0.word == word.text })?.keyPath else { return }
            if wording[keyPath: keyPath] != nil {
                error("duplicate-id", "roster '\(w.container ?? "")' already has its '\(word.text)' wording", at: word.span)
                return
            }
            wording[keyPath: keyPath] = localized(text)
            containers[index].listWording = wording
            pendingRosterTexts.append((roster: w.container ?? "", word: word.text, text: text))
        case .body(let text, let span):
            guard case .page? = w.kind, let index = containerIndex(w.container) else {
                error("misplaced", "'body' is the text of a page: it belongs in a page", at: span,
                    hint: "put it in a page: page NAME \"Title\" cy \"...\" { body \"...\" cy \"...\" }")
                return
            }
            containers[index].body.append(localized(text))
            var context = Context(scope: w.scope, position: questionCount, subject: "the body of page '\(w.container ?? "")'")
            context.selfSwitchAvailable = w.selfPosition != nil
            pendingTexts.append(PendingText(text: text, what: context.subject, context: context))
        case .definition(let title, let body, let span):
            guard case .page? = w.kind, let index = containerIndex(w.container) else {
                error("misplaced", "a definition stands in a page or in a question", at: span,
                    hint: "put it in a page, or write it as a clause of the question it explains: question ... definition \"...\" \"...\"")
                return
            }
            containers[index].definitions.append(Definition(title: localized(title), body: localized(body)))
            var context = Context(scope: w.scope, position: questionCount, subject: "a definition in page '\(w.container ?? "")'")
            context.selfSwitchAvailable = w.selfPosition != nil
            pendingTexts.append(PendingText(text: title, what: context.subject, context: context))
            pendingTexts.append(PendingText(text: body, what: context.subject, context: context))
        case .individualResponse(let condition, let span):
            guard case .section? = w.kind, case .member = w.scope, let index = containerIndex(w.container) else {
                error("misplaced", "'individual_response' belongs in a per-member section (section ... for ROSTER)", at: span,
                    hint: "it says which members may answer that section privately, with their own access code")
                return
            }
            if containers[index].individualResponse != nil {
                error("duplicate-id", "this section already says who may answer it privately", at: span)
                return
            }
            var context = Context(scope: w.scope, position: questionCount, subject: "the condition of 'individual_response'")
            containers[index].individualResponse = IndividualResponse(when: condition.map { checkCondition($0, &context).expression })
        case .suggestions(let n, _, _):
            if w.container != nil {
                error("misplaced", "suggestion lists are declared at the top level of the questionnaire", at: n.span,
                    hint: "move 'suggestions \(n.text)' out of '\(w.container!)'")
            }
        case .variants(_, let span):
            if w.container != nil {
                error("misplaced", "the variants are declared at the top level of the questionnaire", at: span)
            }
        default: break
        }
    }

    /// List-screen texts are read once the roster's questions are known: `change "Change
    /// details for {name}"` pipes the member's answers; `more` and `summary` are the household's.
    func finishRosterWording(_ b: BlockDecl, scope: Scope) {
        let mine = pendingRosterTexts.filter { $0.roster == b.name.text }
        pendingRosterTexts.removeAll { $0.roster == b.name.text }
        for (_, word, text) in mine {
            let household = word == "more" || word == "summary"
            let scope: Scope = household ? (containers[containerIndex(b.name.text) ?? 0].scope) : scope
            let context = Context(scope: scope, position: questionCount, subject: "the '\(word)' wording of roster '\(b.name.text)'")
            pendingTexts.append(PendingText(text: text, what: context.subject, context: context))
        }
    }

    /// `suggest LIST`, `multiline` and `or OPTION "label"` of a text answer.
    func textOptions(_ clauses: TextClauses, _ q: QuestionDecl, _ context: Context) -> TextOptions {
        var options = TextOptions(multiline: clauses.multiline != nil)
        if let list = clauses.suggest {
            if suggestionLists[list.text] != nil {
                options.suggestions = list.text
            } else {
                error("undefined-name", "there is no suggestion list called '\(list.text)'", at: list.span,
                    hint: Suggest.closest(to: list.text, among: suggestionLists.keys).map { "did you mean '\($0)'?" }
                        ?? "declare it at the top level: suggestions \(list.text) \"suggestions/\(list.text).en.txt\" cy \"...\"")
            }
        }
        if let none = clauses.none {
            options.noneOption = TextOptions.NoneOption(id: none.name.text, label: none.label.map(localized) ?? [:])
            if let label = none.label {
                pendingTexts.append(PendingText(text: label, what: "the label of checkbox '\(none.name.text)'", context: context))
            }
        }
        return options
    }

    /// The conditions of an inline list's options, read where the question is asked (they may
    /// use earlier answers, not the question's own).
    func checkOptionConditions(_ q: QuestionDecl, _ w: Walk, position: Int) {
        let options: [OptionDecl]
        switch q.type {
        case .oneOf(.inline(let o, _, _)), .anyOf(.inline(let o, _, _)): options = o
        default: return
        }
        let listID = inlineListID(q.name.text, scope: w.scope)
        for option in options {
            guard let condition = option.when else { continue }
            var context = Context(scope: w.scope, position: position, subject: "the condition of option '\(option.name.text)'")
            context.ownQuestion = true
            let typed = checkCondition(condition, &context)
            if typed.type != .error {
                optionConditions[listID, default: [:]][option.name.text] = typed.expression
                guards.append(Guard(kind: .option, what: "option '\(option.name.text)' of question '\(q.name.text)'", scope: w.scope,
                    own: typed.expression, ownSpan: condition.span, container: w.container))
            }
        }
    }
}
