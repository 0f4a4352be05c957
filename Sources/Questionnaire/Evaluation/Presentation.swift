/// What a renderer (the household pages, the keying screen) shows for a response so far: the
/// pages that apply, in flow order, with every text piped and switched, the options each
/// person is offered in their variant's order, and the roster list screens. Built by the one
/// evaluator from the compiled schema, so no renderer restates routing or wording.
///
/// ```swift
/// let shown = evaluator.present(response, options: EvaluationOptions(language: "cy", householdAddress: "1 High St, Cardiff"))
/// for page in shown.pages { print(page.title ?? "", page.questions.map(\.label)) }
/// ```
public struct Presentation: Sendable {
    /// Pages that apply, in flow order; a per-member run of pages is given for member 1, then
    /// member 2, and so on.
    public var pages: [PresentedPage]
    /// Each roster's list screens.
    public var lists: [PresentedList]
}

/// One page as a renderer shows it, every text already piped and in one language.
public struct PresentedPage: Sendable {
    /// The page's id, or `nil` for a question shown on a page of its own.
    public var id: String?
    /// Where its answers go: `$` or a member (`$.residents[1]`) or pair.
    public var path: String
    /// The page's heading, piped, if it has one.
    public var title: String?
    /// Paragraphs shown before the questions; a page with only these is a content page.
    public var body: [String]
    /// The page's definition panels ("What we mean by this household").
    public var definitions: [PresentedDefinition]
    /// The page's applicable questions, in flow order; empty for a content page.
    public var questions: [PresentedQuestion]
}

/// A definition panel, piped, in one language.
public struct PresentedDefinition: Sendable, Hashable {
    /// The panel's heading.
    public var title: String
    /// The panel's explanation.
    public var body: String
}

/// One applicable question as a renderer shows it to this person.
public struct PresentedQuestion: Sendable {
    /// The question's id in the schema (`dob`).
    public var id: String
    /// Where its answer goes (`$.residents[1].dob`).
    public var path: String
    /// The question's words, piped and self/proxy-switched for this person (`What is Rhys's date of birth?`).
    public var label: String
    /// The hints whose conditions hold, in order.
    public var hints: [String]
    /// The question's definition panels.
    public var definitions: [PresentedDefinition]
    /// The answer type's kind (`text`, `one_of`, ...), as in the schema.
    public var kind: String
    /// An answer is required (leaving it blank is a `required` error).
    public var required: Bool
    /// Answering is voluntary; the renderer says so.
    public var voluntary: Bool
    /// The options offered to this person, in their variant's order.
    public var options: [PresentedOption]
    /// A text question answered in a text area rather than one line.
    public var multiline: Bool
    /// The suggestions for a write-in, in the language being read.
    public var suggestions: [String]
    /// The checkbox that answers a text question instead of the text.
    public var noneOption: PresentedOption?
    /// The response already holds an answer to it.
    public var answered: Bool
}

/// An option as offered to one person, label piped, in one language.
public struct PresentedOption: Sendable, Hashable {
    /// The option's code, what the answer stores.
    public var id: String
    /// The option's words.
    public var label: String
    /// The line shown under the label, if any ("Including end-terrace").
    public var description: String?
    /// The prompt of a "please specify" detail, and whether it is a whole number.
    public var detailPrompt: String?
    /// The detail is a whole number ("5 or more": how many) rather than text.
    public var detailIsNumber: Bool
    /// It cannot be chosen with another option (a renderer may clear the others).
    public var exclusive: Bool
}

/// A roster's list screens (who lives here), worded for the response so far.
public struct PresentedList: Sendable {
    /// The roster's id (`residents`).
    public var roster: String
    /// The roster's title, if it has one.
    public var title: String?
    /// The question after each addition, and the list's heading on the summary.
    public var more: String?
    /// The heading of the list on the summary ("You said 3 people live here").
    public var summary: String?
    /// The add page's title for the next member (member n + 1).
    public var addNext: String?
    /// For each member: how it is named in the list, and its change and remove texts.
    public var members: [(item: String?, change: String?, remove: String?)]
}

extension Evaluator {
    /// The pages, questions and list screens that apply to `response`, rendered in the
    /// options' language (see ``Presentation``). An unreadable response presents nothing.
    public func present(_ response: JSONValue, options: EvaluationOptions = EvaluationOptions()) -> Presentation {
        let run = Run(self, options: options)
        _ = run.evaluate(response)
        return run.presentation()
    }

    /// Every question of the form for `response`'s members and pairs, in flow (paper) order,
    /// whether or not routing applies it: what a keyer sees for a paper return, where the
    /// respondent may have answered anything (routing is the evaluator's to judge afterwards,
    /// and its `not_applicable` findings are recorded, not shown as errors). Texts are piped
    /// and options ordered as in ``present(_:options:)``; content pages without questions
    /// are left out. Give the response as many members as the paper form has person blocks
    /// filled (empty member objects `{}` for blank blocks).
    public func presentAllQuestions(_ response: JSONValue, options: EvaluationOptions = EvaluationOptions()) -> Presentation {
        let run = Run(self, options: options)
        _ = run.evaluate(response)
        return run.presentation(ignoringRouting: true)
    }
}

extension Run {
    func presentation(ignoringRouting: Bool = false) -> Presentation {
        let schema = ev.schema
        // Units in flow order: a question (by index) or a content page (by its position).
        struct Unit { var position: Int; var question: Int?; var page: Int? }
        var units: [Unit] = []
        for (gi, _) in schema.questions.enumerated() { units.append(Unit(position: gi, question: gi, page: nil)) }
        for (k, c) in schema.containers.enumerated() where c.kind == .page && !c.body.isEmpty {
            // A page with questions is shown with them; one without is placed by its position.
            if !schema.questions.contains(where: { $0.container == c.id }) { units.append(Unit(position: c.position, question: nil, page: k)) }
        }
        units.sort { ($0.position, $0.question == nil ? 0 : 1) < ($1.position, $1.question == nil ? 0 : 1) }
        var pages: [PresentedPage] = []
        var k = 0
        while k < units.count {
            let scope = units[k].question.map { ev.questions[$0].scope } ?? ev.containers[units[k].page!].scope
            var end = k
            while end < units.count, (units[end].question.map { ev.questions[$0].scope } ?? ev.containers[units[end].page!].scope) == scope { end += 1 }
            let info = ev.scopes[scope]
            if !ignoringRouting, info.roster >= 0, !containerApplies(ev.rosters[info.roster].container, Ctx()) { k = end; continue }
            for i in 0..<frames[scope].count {
                for unit in units[k..<end] {
                    if let gi = unit.question {
                        guard ignoringRouting || applies(scope, ev.questions[gi].local, i) else { continue }
                        let q = presentQuestion(gi, scope, i)
                        let page = ev.questions[gi].container >= 0 && schema.containers[ev.questions[gi].container].kind == .page ? ev.questions[gi].container : -1
                        if page >= 0, let last = pages.last, last.id == schema.containers[page].id, last.path == basePath(scope: scope, instance: i) {
                            pages[pages.count - 1].questions.append(q)
                        } else {
                            pages.append(presentPage(page, scope, i, questions: [q]))
                        }
                    } else if !ignoringRouting, let page = unit.page, containerApplies(page, ctx(scope: scope, instance: i)) {
                        pages.append(presentPage(page, scope, i, questions: []))
                    }
                }
            }
            k = end
        }
        return Presentation(pages: pages, lists: ev.rosters.indices.map(presentList))
    }

    func text(_ t: LocalizedText?, _ s: Int, _ i: Int, _ container: Int) -> String? {
        t.map { render(localized($0), scope: s, instance: i, container: container) }
    }

    func presentPage(_ page: Int, _ s: Int, _ i: Int, questions: [PresentedQuestion]) -> PresentedPage {
        guard page >= 0 else { return PresentedPage(id: nil, path: basePath(scope: s, instance: i), title: nil, body: [], definitions: [], questions: questions) }
        let c = ev.schema.containers[page]
        return PresentedPage(
            id: c.id, path: basePath(scope: s, instance: i), title: text(c.title, s, i, page),
            body: c.body.compactMap { text($0, s, i, page) },
            definitions: c.definitions.map { PresentedDefinition(title: text($0.title, s, i, page) ?? "", body: text($0.body, s, i, page) ?? "") },
            questions: questions)
    }

    func presentQuestion(_ gi: Int, _ s: Int, _ i: Int) -> PresentedQuestion {
        let q = ev.schema.questions[gi]
        let info = ev.questions[gi]
        let container = info.container
        let c = ctx(scope: s, instance: i)
        var hints: [String] = []
        for (h, hint) in q.hints.enumerated() {
            if h < info.hintWhen.count, let w = info.hintWhen[h], eval(w, c) != .bool(true) { continue }
            hints.append(text(hint.text, s, i, container) ?? "")
        }
        var options: [PresentedOption] = []
        if let listID = q.type.choiceList, let list = ev.schema.choiceLists.first(where: { $0.id == listID }) {
            let order = variant.flatMap { list.orders[$0] } ?? list.options.map(\.id)
            for id in order {
                guard let k = list.options.firstIndex(where: { $0.id == id }) else { continue }
                let whens = plan.qOptionWhenNodes[gi]
                if k < whens.count, !holds(whens[k], c) { continue }
                let o = list.options[k]
                options.append(PresentedOption(
                    id: o.id, label: text(o.label, s, i, container) ?? "", description: text(o.description, s, i, container),
                    detailPrompt: text(o.specify?.prompt, s, i, container), detailIsNumber: o.specify?.number != nil, exclusive: o.exclusive))
            }
        }
        var multiline = false
        var suggestions: [String] = []
        var none: PresentedOption?
        if case .text(_, _, let textOptions) = q.type {
            multiline = textOptions.multiline
            if let id = textOptions.suggestions, let list = ev.schema.suggestions.first(where: { $0.id == id }) {
                suggestions = list.entries[language] ?? ev.schema.languages.first.flatMap { list.entries[$0] } ?? []
            }
            if let n = textOptions.noneOption {
                none = PresentedOption(id: n.id, label: text(n.label, s, i, container) ?? "", description: nil, detailPrompt: nil, detailIsNumber: false, exclusive: true)
            }
        }
        return PresentedQuestion(
            id: q.id, path: path(scope: s, instance: i, local: info.local), label: text(q.label, s, i, container) ?? "",
            hints: hints,
            definitions: q.definitions.map { PresentedDefinition(title: text($0.title, s, i, container) ?? "", body: text($0.body, s, i, container) ?? "") },
            kind: q.type.kindName, required: q.required, voluntary: q.voluntary, options: options, multiline: multiline,
            suggestions: suggestions, noneOption: none, answered: answer(s, info.local, i).isKnown)
    }

    func presentList(_ r: Int) -> PresentedList {
        let roster = ev.rosters[r]
        let c = ev.schema.containers[roster.container]
        let wording = c.listWording
        let s = roster.memberScope
        let n = memberCount[r]
        var members: [(item: String?, change: String?, remove: String?)] = []
        for i in 0..<n {
            members.append((text(wording?.item, s, i, roster.container), text(wording?.change, s, i, roster.container), text(wording?.remove, s, i, roster.container)))
        }
        // The next member does not exist yet: its add page is read as member n + 1 would be.
        var addNext: String?
        if let add = wording?.add, n < roster.maxMembers {
            frames[s].appendInstance()
            memberCount[r] = n + 1
            addNext = render(localized(add), scope: s, instance: n, container: roster.container)
            memberCount[r] = n
            frames[s].count -= 1
        }
        let outer = c.scope == .household ? 0 : ev.containers[roster.container].scope
        return PresentedList(
            roster: roster.id, title: text(c.title, outer, 0, c.parent.flatMap { ev.containerIndex[$0] } ?? -1),
            more: text(wording?.more, outer, 0, -1), summary: text(wording?.summary, outer, 0, -1), addNext: addNext, members: members)
    }
}
