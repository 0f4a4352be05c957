import Questionnaire

/// `messages gd { required "..." ... }`: the evaluator's own messages (a required question, an
/// answer out of range, ...) in a language of the form. English and Welsh are built in; for any
/// other declared language the form gives them here, or respondents reading that language get
/// them in English, which `check` says (a warning).
extension Checker {
    func readEvaluatorMessages() {
        var seen: [String: Span] = [:]
        for item in tree.items {
            guard case .messages(let language, let entries, _) = item else { continue }
            guard !languagesDeclared || languages.contains(language.text) else {
                error("unknown-language", "'\(language.text)' is not a declared language", at: language.span,
                    hint: "the questionnaire declares: languages \(languages.joined(separator: ", "))")
                continue
            }
            if let first = seen[language.text] {
                error("duplicate-id", "the messages in \(languageName(language.text)) are given twice", at: language.span,
                    notes: [.init("first given here", at: first)])
                continue
            }
            seen[language.text] = language.span
            var texts: [String: String] = [:]
            var keys: [String: Span] = [:]
            for (key, text) in entries {
                guard let message = EvaluatorMessage(rawValue: key.text) else {
                    let known = EvaluatorMessage.allCases.map(\.rawValue)
                    error("unknown-message", "the evaluator has no message called '\(key.text)'", at: key.span,
                        hint: Suggest.closest(to: key.text, among: known).map { "did you mean '\($0)'?" }
                            ?? "its messages are \(known.joined(separator: ", "))")
                    continue
                }
                if let first = keys[key.text] {
                    error("duplicate-id", "message '\(key.text)' is given twice", at: key.span, notes: [.init("first given here", at: first)])
                    continue
                }
                keys[key.text] = key.span
                if AnswerText.trimmed(text.value) == nil {
                    error("empty-text", "the \(languageName(language.text)) wording of message '\(key.text)' is empty", at: text.span,
                        hint: "write the message between the quotes")
                    continue
                }
                let unknown = message.unknownPlaceholders(in: text.value)
                if let first = unknown.first {
                    let has = message.placeholders.isEmpty ? "it pipes nothing" : "it pipes " + message.placeholders.map { "{\($0)}" }.joined(separator: ", ")
                    error("bad-template", "message '\(key.text)' has no '{\(first)}'", at: text.span,
                        hint: "\(has); write '{{' and '}}' for braces")
                    continue
                }
                texts[key.text] = text.value
            }
            if !texts.isEmpty { formMessages[language.text] = texts }
        }
        warnAboutLanguagesWithoutMessages()
    }

    /// A declared language the evaluator has no wording for, and the form gives none (or not all).
    func warnAboutLanguagesWithoutMessages() {
        guard languagesDeclared, let at = languagesSpan else { return }
        for language in languages where !EvaluatorMessage.builtInLanguages.contains(language) {
            let given = formMessages[language] ?? [:]
            let missing = EvaluatorMessage.allCases.filter { given[$0.rawValue] == nil }.map(\.rawValue)
            guard !missing.isEmpty else { continue }
            let which = given.isEmpty ? "has none of the evaluator's \(missing.count) messages" : "lacks \(missing.count) of the evaluator's messages (\(missing.prefix(4).joined(separator: ", "))\(missing.count > 4 ? ", ..." : ""))"
            diagnostics.append(Diagnostic(.warning, code: "missing-translation",
                "\(languageName(language)) \(which): respondents reading \(language) get them in English", at: at,
                hint: "give them in the form: messages \(language) { \(missing[0]) \"...\" ... } (docs/language.md, \"The evaluator's messages\")"))
        }
    }
}
