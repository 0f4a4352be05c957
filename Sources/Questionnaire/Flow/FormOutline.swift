/// The form as a respondent meets it: its pages in flow order, grouped into the parts a
/// page-by-page front end (the household pages, a keying screen) walks through.
///
/// Everything here is read from the compiled schema; nothing is specific to one form:
/// - a `page` container is one page with all its questions; a question outside a page is a
///   page of its own;
/// - a roster is a list part: its own questions (directly in the roster or in its pages) are
///   the "add a person" / "change" form, asked once per member as the list is built;
/// - a relationship block is asked one person at a time: person P (2…n) answers its pair
///   questions about every earlier member O < P;
/// - a per-member section (`section … for residents`) is asked for each member in turn, its
///   pages in flow order for member 1, then member 2, …;
/// - plain sections only group pages (their titles are captions).
///
/// ```swift
/// let outline = FormOutline(schema: schema)
/// for part in outline.parts { print(part) }
/// outline.home(ofCheck: "confirm_age")   // the page whose answers decide the check
/// ```
public struct FormOutline: Sendable {
    /// One page: the questions shown (and saved) together; a content page has none (text to
    /// read: the container's body and definitions).
    public struct Page: Sendable, Hashable {
        /// The page container's id, or the question's id for a question outside a page.
        public var id: String
        /// The `page` container, or nil for a question outside a page.
        public var container: String?
        /// The page's questions in flow order.
        public var questions: [String]
        /// Household, or member of a roster (pages of per-member sections and roster forms).
        public var scope: Scope
        /// The enclosing sections, outermost first (for captions and piped titles).
        public var sections: [String]
    }

    /// A part of the flow.
    public enum Part: Sendable, Hashable {
        /// A household page.
        case page(Page)
        /// A roster's list screen and its add/change form (the roster's own questions).
        case roster(id: String, form: [Page])
        /// A relationship block: one screen per person P ≥ 2 with the pair questions about
        /// every earlier member.
        case relationships(id: String, roster: String, questions: [String])
        /// A per-member section, asked for each member of `roster` in turn.
        case memberSection(id: String, roster: String, pages: [Page])

        /// The part's id: the page, roster, relationship block or section id.
        public var id: String {
            switch self {
            case .page(let p): return p.id
            case .roster(let id, _), .relationships(let id, _, _), .memberSection(let id, _, _): return id
            }
        }
    }

    /// Where a check's finding belongs: the page whose answer completes what the check reads.
    public struct CheckHome: Sendable, Hashable {
        /// Index into ``parts``.
        public var part: Int
        /// The page within the part (for ``Part/memberSection(id:roster:pages:)`` and a roster's
        /// form); nil for a household page, a roster's list screen or a relationship screen.
        public var page: String?
    }

    /// The compiled form the outline was made from.
    public let schema: Schema
    /// The parts in flow order.
    public let parts: [Part]
    /// Where each question is asked: its part index and page id.
    public let questionHome: [String: (part: Int, page: String)]
    /// For each check, the latest page (in flow order) among the pages of the answers and
    /// rosters it reads and of its target: asking it earlier would judge answers not yet given.
    /// Checks that cannot be shown beside one page of their own scope (a household check
    /// reading per-member answers, say) are absent: a front end shows them before submission.
    public let checkHomes: [String: CheckHome]

    /// Lays out `schema`'s containers and questions as parts and pages in flow order, and finds
    /// each check's home page. Never fails: a compiled schema always has an outline.
    public init(schema: Schema) {
        self.schema = schema
        var children: [String?: [Child]] = [:]
        var containers: [String: Container] = [:]
        for c in schema.containers { containers[c.id] = c }
        var hasQuestions = Set<String>()
        for (i, q) in schema.questions.enumerated() {
            children[q.container, default: []].append(.question(q.id, i))
            var c = q.container
            while let id = c, let container = containers[id] {
                if !hasQuestions.insert(id).inserted { break }
                c = container.parent
            }
        }
        for c in schema.containers {
            // A container without questions has nothing to ask, unless it is a content page
            // (text to read), placed by its position in the flow.
            guard hasQuestions.contains(c.id) || (c.kind == .page && !c.body.isEmpty) else { continue }
            children[c.parent, default: []].append(.container(c.id, c.position))
        }
        // In flow order; a container before the question at its position (its first one).
        for key in Array(children.keys) {
            children[key]!.sort { ($0.position, $0.isQuestion ? 1 : 0) < ($1.position, $1.isQuestion ? 1 : 0) }
        }

        var parts: [Part] = []
        func pages(in id: String?, scope: Scope, sections: [String], into out: inout [Page]) {
            for child in children[id] ?? [] {
                switch child {
                case .question(let q, _):
                    out.append(Page(id: q, container: nil, questions: [q], scope: scope, sections: sections))
                case .container(let cid, _):
                    guard let c = containers[cid] else { continue }
                    switch c.kind {
                    case .page:
                        out.append(Page(id: cid, container: cid, questions: Self.questions(under: cid, children), scope: scope, sections: sections))
                    case .section:
                        pages(in: cid, scope: scope, sections: sections + [cid], into: &out)
                    case .roster, .relationships:
                        break  // handled as parts of their own
                    }
                }
            }
        }
        func walk(_ id: String?, sections: [String]) {
            for child in children[id] ?? [] {
                switch child {
                case .question(let q, _):
                    parts.append(.page(Page(id: q, container: nil, questions: [q], scope: .household, sections: sections)))
                case .container(let cid, _):
                    guard let c = containers[cid] else { continue }
                    switch c.kind {
                    case .page:
                        parts.append(.page(Page(id: cid, container: cid, questions: Self.questions(under: cid, children), scope: .household, sections: sections)))
                    case .section:
                        if case .member(let roster) = c.scope {
                            var inner: [Page] = []
                            pages(in: cid, scope: c.scope, sections: [cid], into: &inner)
                            parts.append(.memberSection(id: cid, roster: roster, pages: inner))
                        } else {
                            walk(cid, sections: sections + [cid])
                        }
                    case .roster:
                        var form: [Page] = []
                        var nested: [Child] = []
                        for grandchild in children[cid] ?? [] {
                            if case .container(let g, _) = grandchild, containers[g]?.kind == .section { nested.append(grandchild) }
                        }
                        pages(in: cid, scope: .member(roster: cid), sections: sections, into: &form)
                        // Sections nested in a roster are per-member sections asked after its list.
                        let nestedIDs = Set(nested.compactMap { if case .container(let g, _) = $0 { return g } else { return nil } })
                        let nestedQuestions = Set(nestedIDs.flatMap { Self.questions(under: $0, children) })
                        form = form.compactMap { page in
                            let kept = page.questions.filter { !nestedQuestions.contains($0) }
                            if kept.isEmpty { return nil }
                            var p = page
                            p.questions = kept
                            if let first = p.sections.firstIndex(where: { nestedIDs.contains($0) }) { p.sections.removeSubrange(first...) }
                            return p
                        }
                        parts.append(.roster(id: cid, form: form))
                        for case .container(let g, _) in nested {
                            var inner: [Page] = []
                            pages(in: g, scope: .member(roster: cid), sections: [g], into: &inner)
                            parts.append(.memberSection(id: g, roster: cid, pages: inner))
                        }
                    case .relationships:
                        parts.append(.relationships(id: cid, roster: c.roster ?? "", questions: Self.questions(under: cid, children)))
                    }
                }
            }
        }
        walk(nil, sections: [])
        self.parts = parts

        var home: [String: (part: Int, page: String)] = [:]
        for (k, part) in parts.enumerated() {
            switch part {
            case .page(let p): for q in p.questions { home[q] = (k, p.id) }
            case .roster(_, let form), .memberSection(_, _, let form):
                for p in form { for q in p.questions { home[q] = (k, p.id) } }
            case .relationships(let id, _, let questions): for q in questions { home[q] = (k, id) }
            }
        }
        questionHome = home
        checkHomes = Self.checkHomes(schema: schema, parts: parts, questionHome: home)
    }

    private enum Child {
        case question(String, Int)
        case container(String, Int)
        var position: Int {
            switch self {
            case .question(_, let p), .container(_, let p): return p
            }
        }

        var isQuestion: Bool { if case .question = self { return true } else { return false } }
    }

    private static func questions(under id: String, _ children: [String?: [Child]]) -> [String] {
        var out: [String] = []
        for child in children[id] ?? [] {
            switch child {
            case .question(let q, _): out.append(q)
            case .container(let c, _): out += questions(under: c, children)
            }
        }
        return out
    }

    /// The page of a part (by id), or nil for a part that is one screen.
    public func page(_ id: String, inPart part: Int) -> Page? {
        switch parts[part] {
        case .page(let p): return p.id == id ? p : nil
        case .roster(_, let form), .memberSection(_, _, let form): return form.first { $0.id == id }
        case .relationships: return nil
        }
    }

    // MARK: Where checks belong

    private static func checkHomes(schema: Schema, parts: [Part], questionHome: [String: (part: Int, page: String)]) -> [String: CheckHome] {
        var rosterPart: [String: Int] = [:]
        for (k, part) in parts.enumerated() { if case .roster(let id, _) = part { rosterPart[id] = k } }
        var derived: [String: Expression] = [:]
        for d in schema.derived { derived[d.id] = d.expression }
        var out: [String: CheckHome] = [:]
        for check in schema.checks {
            var refs = ExpressionReferences()
            refs.collect(check.when, derived: derived)
            refs.questions.insert(check.target)
            // Positions in flow order: (part, page order within the part).
            var best: (part: Int, order: Int, page: String?)?
            func consider(_ part: Int, _ page: String?) {
                var order = 0
                if let page {
                    switch parts[part] {
                    case .roster(_, let form), .memberSection(_, _, let form): order = (form.firstIndex { $0.id == page } ?? 0) + 1
                    default: order = 0
                    }
                }
                if best == nil || (part, order) > (best!.part, best!.order) { best = (part, order, page) }
            }
            for q in refs.questions {
                if let h = questionHome[q] {
                    switch parts[h.part] {
                    case .page, .relationships: consider(h.part, nil)
                    default: consider(h.part, h.page)
                    }
                } else if let r = rosterPart[q] {
                    consider(r, nil)  // the target of a roster-size check is the roster
                }
            }
            for r in refs.rosters { if let k = rosterPart[r] { consider(k, nil) } }
            guard let best else { continue }
            // Shown beside a page only when that page is asked in the check's own scope.
            let fits: Bool
            switch (parts[best.part], check.scope) {
            case (.page, .household): fits = true
            case (.roster, .household): fits = best.page == nil
            case (.roster(let id, _), .member(let r)): fits = id == r && best.page != nil
            case (.memberSection(_, let roster, _), .member(let r)): fits = roster == r
            case (.relationships(_, let roster, _), .pair(let r)): fits = roster == r
            default: fits = false
            }
            if fits { out[check.id] = CheckHome(part: best.part, page: best.page) }
        }
        return out
    }
}

/// The answers, derived values and rosters an expression reads (derived values followed to
/// the answers they are computed from).
public struct ExpressionReferences: Sendable, Hashable {
    /// Question ids read, of any subject.
    public var questions: Set<String> = []
    /// Rosters counted or ranged over (`count`, `any`, `count_where`).
    public var rosters: Set<String> = []
    /// Derived values read.
    public var derived: Set<String> = []

    /// No references yet; ``collect(_:derived:)`` adds them.
    public init() {}

    /// Adds what `expression` reads; `derived` gives each derived value's expression so its
    /// own references are followed (each at most once).
    public mutating func collect(_ expression: Expression, derived definitions: [String: Expression]) {
        switch expression {
        case .literal, .position, .respondent, .builtin: break
        case .answer(let id, _): questions.insert(id)
        case .at(let roster, _, let e):
            rosters.insert(roster)
            collect(e, derived: definitions)
        case .addressPart(let e, _): collect(e, derived: definitions)
        case .derived(let id, _):
            if derived.insert(id).inserted, let e = definitions[id] { collect(e, derived: definitions) }
        case .count(let roster): rosters.insert(roster)
        case .any(let roster, let e), .countWhere(let roster, let e):
            rosters.insert(roster)
            collect(e, derived: definitions)
        case .unary(_, let e), .answered(let e, _): collect(e, derived: definitions)
        case .binary(_, let a, let b):
            collect(a, derived: definitions)
            collect(b, derived: definitions)
        case .member(let e, let items, _):
            collect(e, derived: definitions)
            for item in items { collect(item, derived: definitions) }
        case .call(_, let args): for a in args { collect(a, derived: definitions) }
        }
    }
}
