import Questionnaire

/// `end SECTION [when CONDITION]`: the routed statement that ends a section early (for a
/// per-member section, that member's). Everything after it in the section is skipped when it
/// fires; the satisfiability check then knows what it makes unreachable.
extension Checker {
    /// Checks an `end` statement and registers it; returns its id, or `nil` when it is wrong.
    func walkEnd(_ section: Name, _ condition: Expr?, _ span: Span, _ w: Walk, endedBy: [String]) -> String? {
        guard let target = w.sections.last(where: { $0.id == section.text }) else {
            let around = w.sections.map(\.id)
            let hint: String
            if around.isEmpty {
                hint = "'end' stands inside the section it ends"
            } else if let meant = Suggest.closest(to: section.text, among: around) {
                hint = "did you mean '\(meant)'?"
            } else {
                hint = "the sections around it: \(around.joined(separator: ", "))"
            }
            let what = containerNames[section.text] != nil ? "'\(section.text)' is not a section around this statement" : "there is no section '\(section.text)' around this statement"
            error("undefined-name", what, at: section.span, hint: hint)
            return nil
        }
        guard target.scope == w.scope else {
            error("misplaced", "'end \(section.text)' is inside \(w.scope.roster.map { "the members of roster '\($0)'" } ?? "another scope"), so it cannot end section '\(section.text)'",
                at: section.span, hint: "end a section asked once for the same people: the per-member section around it")
            return nil
        }
        var lowered: Expression?
        var context = Context(scope: w.scope, position: questionCount, subject: "the condition of 'end \(section.text)'")
        if let condition {
            let typed = checkCondition(condition, &context)
            guard typed.type != .error else { return nil }
            lowered = typed.expression
        }
        let id = "end_\(endings.count + 1)"
        endings.append(Ending(id: id, scope: w.scope, section: section.text, container: w.container, when: lowered))
        endingSpans[id] = span
        if let lowered, let own = condition {
            guards.append(Guard(kind: .ending, what: "'end \(section.text)'", scope: w.scope, own: lowered, ownSpan: own.span,
                container: w.container, endedBy: endedBy, span: span))
        }
        return id
    }
}
