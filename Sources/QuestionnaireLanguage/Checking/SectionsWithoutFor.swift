extension Checker {
    /// `section person "About {name}" { ... }` with `for people` left out: every use of a
    /// member's answer inside it is then 'not clear which member', and any `self when` or
    /// `{self|proxy}` inside it is misplaced. That is one mistake: report it once, at the section.
    ///
    /// A section is taken to be meant per member when its title uses a member's answer, or when
    /// two or more of its items do (one slip in a household section keeps its own message).
    func foldSectionsMissingFor() {
        visitHouseholdSections(tree.items)
    }

    private func visitHouseholdSections(_ items: [Item]) {
        for item in items {
            guard case .block(let b) = item else { continue }
            switch b.kind {
            case .section(forRoster: nil):
                if !foldSectionMissingFor(b) { visitHouseholdSections(b.items) }
            case .page:
                visitHouseholdSections(b.items)
            case .section(forRoster: _?), .roster, .relationships:
                continue
            }
        }
    }

    private static let memberPrefix = "' is answered once per member of roster '"

    /// Whether the section was reported as missing its `for`.
    private func foldSectionMissingFor(_ b: BlockDecl) -> Bool {
        func inside(_ span: Span, _ outer: Span) -> Bool { span.start >= outer.start && span.end <= outer.end }
        let wrong = diagnostics.indices.filter {
            diagnostics[$0].code == "wrong-member" && diagnostics[$0].message.contains(Self.memberPrefix) && inside(diagnostics[$0].span, b.span)
        }
        guard let first = wrong.first else { return false }
        let titled = b.title.map { title in wrong.contains { inside(diagnostics[$0].span, title.span) } } ?? false
        let items = Set(wrong.compactMap { i in b.items.firstIndex { inside(diagnostics[i].span, $0.span) } })
        guard titled || items.count >= 2 else { return false }
        let message = diagnostics[first].message
        guard let range = message.firstRange(of: Self.memberPrefix),
            let end = message[range.upperBound...].firstIndex(of: "'")
        else { return false }
        let roster = String(message[range.upperBound..<end])
        let firstUse = diagnostics[first].span
        diagnostics.removeAll { d in
            guard inside(d.span, b.span) else { return false }
            switch d.code {
            case "wrong-member": return d.message.hasSuffix("roster '\(roster)', so here it is not clear which member is meant")
            case "misplaced": return d.message.hasPrefix("'self when' belongs in a per-member section")
            case "bad-template": return d.message.hasPrefix("the wording switch {self|proxy} is for questions about each member")
            default: return false
            }
        }
        error("wrong-member", "section '\(b.name.text)' uses the answers of each member of roster '\(roster)', but is not for a roster",
            at: b.name.span, hint: "ask it once per member: section \(b.name.text) \"...\" for \(roster) { ... }",
            notes: [.init("a member's answer is used here", at: firstUse)])
        return true
    }
}
