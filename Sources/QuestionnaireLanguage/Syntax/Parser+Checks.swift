import Questionnaire

/// Checks: `error|warning|confirm NAME when CONDITION [on QUESTION] "message" cy "..."`.
extension Parser {
    mutating func parseCheck() throws(Abort) -> CheckDecl {
        let keyword = advance()
        let severity: Check.Severity = keyword.isWord("error") ? .error : keyword.isWord("warning") ? .warning : .confirm
        let n = try name("a name for the check", declaring: true)
        var check = CheckDecl(severity: severity, name: n, when: nil, target: nil, message: nil, span: keyword.span)
        while true {
            if current.isWord("when") {
                let keyword = advance().span
                do { check.when = try parseExpression() } catch { check.when = recoverCondition(at: keyword) }
            } else if current.isWord("on") {
                advance()
                check.target = try name("the question the check is about")
            } else if case .string = current.kind, check.message == nil {
                check.message = try parseText("the message")
            } else if let w = current.word, w == "required" || w == "hint", onSameLineAsPrevious(current) {
                // Question clauses do not apply to checks: report and read on.
                report("a check has no '\(w)'", at: current.span,
                    hint: w == "hint" ? "a check has only its message" : "a check is not answered: error blocks, warning informs, confirm asks")
                advance()
                if w == "hint", case .string = current.kind { _ = try parseText("the hint") }
            } else if correctClauseTypo(["when"], in: "check '\(n.text)'") {
                continue
            } else {
                break
            }
        }
        check.span = keyword.span.to(Span(previousEnd, previousEnd))
        if check.when == nil {
            report("check '\(n.text)' has no condition", at: n.span, hint: "write: \(keyword.word!) \(n.text) when CONDITION \"message\"")
        }
        if check.message == nil {
            report("check '\(n.text)' has no message", at: n.span, hint: "add the message shown when it fires, as a string")
        }
        return check
    }
}
