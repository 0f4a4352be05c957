import Questionnaire

extension Checker {
    static let languageNames = ["en": "English", "cy": "Welsh", "ga": "Irish", "gd": "Scottish Gaelic", "fr": "French"]

    func languageName(_ code: String) -> String { Checker.languageNames[code].map { "\($0) (\(code))" } ?? "'\(code)'" }

    /// Every text in every declared language, and its `{piping}` valid in every language.
    func checkTexts() {
        var unknownTags: [String: (index: Int, repeats: Int)] = [:]
        for pending in pendingTexts {
            guard let node = pending.text else { continue }
            checkLanguages(of: node, pending.what, &unknownTags)
            if pending.languagesOnly { continue }
            var context = pending.context
            checkTemplates(node, &context)
        }
        for (id, info) in choiceLists.sorted(by: { $0.key < $1.key }) {
            for option in info.options {
                var context = inlineListContexts[id] ?? Context(scope: .household, position: 0, subject: "an option label")
                if inlineListContexts[id] == nil { context.sharedList = id }
                checkLanguages(of: option.label, "the label of option '\(option.name.text)' in '\(id)'", &unknownTags)
                checkTemplates(option.label, &context)
                if let prompt = option.specify?.prompt {
                    checkLanguages(of: prompt, "the 'please specify' prompt of option '\(option.name.text)'", &unknownTags)
                    checkTemplates(prompt, &context)
                }
                if let description = option.description {
                    checkLanguages(of: description, "the description of option '\(option.name.text)'", &unknownTags)
                    checkTemplates(description, &context)
                }
            }
        }
        for (_, use) in unknownTags where use.repeats > 1 {
            diagnostics[use.index].notes[diagnostics[use.index].notes.count - 1].message = "also used here, and in \(use.repeats - 1) more texts"
        }
    }

    /// One text's translations: each declared language once, and no other; none of them blank.
    private func checkLanguages(of node: TextNode, _ what: String, _ unknownTags: inout [String: (index: Int, repeats: Int)]) {
        checkNotBlank(node, what)
        guard languagesDeclared else { return }
        var seen: Set<String> = []
        // `"A" cym "A"`: a misspelt tag is one mistake, not also a missing translation.
        var missing = languages.dropFirst().filter { language in !node.translations.contains { $0.language.text == language } }
        for (tag, _) in node.translations {
            if !languages.contains(tag.text) {
                // `"A" gd "A"` where cy is missing: one mistake (the wrong tag), not also a
                // missing translation. A close tag is a typo; otherwise it stands in for the
                // first missing language.
                let meant = Suggest.closest(to: tag.text, among: missing)
                let standsFor = meant ?? missing.first
                if let standsFor { seen.insert(standsFor); missing.removeAll { $0 == standsFor } }
                if let first = unknownTags[tag.text] {
                    // The same tag in many texts is one mistake (usually in the languages line).
                    if first.repeats == 0 { diagnostics[first.index].notes.append(.init("also used here", at: tag.span)) }
                    unknownTags[tag.text]!.repeats += 1
                    continue
                }
                unknownTags[tag.text] = (diagnostics.count, 0)
                let declaredLine = "languages \(languages.joined(separator: ", "))"
                error("unknown-language", "'\(tag.text)' is not a declared language", at: tag.span,
                    hint: meant.map { "did you mean '\($0)'? This text has no \(languageName($0)) translation" }
                        ?? standsFor.map { "this text has no \(languageName($0)) translation: tag it \($0), or add \(tag.text) to '\(declaredLine)'" }
                        ?? "the questionnaire declares: \(declaredLine)")
            } else if tag.text == languages.first {
                error("duplicate-id", "\(what) gives the primary language \(languageName(tag.text)) twice", at: tag.span,
                    hint: "the first, untagged string is the \(languageName(tag.text)) text")
            } else if !seen.insert(tag.text).inserted {
                error("duplicate-id", "\(what) gives \(languageName(tag.text)) twice", at: tag.span)
            }
        }
        for language in languages.dropFirst() where !seen.contains(language) {
            error("missing-translation", "\(what) has no \(languageName(language)) text", at: node.span,
                hint: "add \(language) \"...\" after the \(languageName(languages[0])) text")
        }
    }

    /// Empty text is missing text: `""`, `"   "` (or only other blank characters, as
    /// ``AnswerText`` defines them) in any language is reported where it is written.
    private func checkNotBlank(_ node: TextNode, _ what: String) {
        if AnswerText.trimmed(node.primary.value) == nil {
            error("empty-text", "\(what) is empty", at: node.primary.span,
                hint: "write the \(languageName(languages.first ?? "en")) text between the quotes")
        }
        for (tag, text) in node.translations where text.span != tag.span && AnswerText.trimmed(text.value) == nil {
            error("empty-text", "the \(languageName(tag.text)) text of \(what) is empty", at: text.span,
                hint: "an empty translation is a missing one: write the \(languageName(tag.text)) text between the quotes")
        }
    }

    /// The piping of a text in every language. The translations pipe the same values, so a
    /// mistake they share (`{nmae}` in English and Welsh) is reported once, where it is first
    /// made, with a note at each repetition.
    private func checkTemplates(_ node: TextNode, _ context: inout Context) {
        let before = diagnostics.count
        checkTemplate(node.primary, &context)
        for (tag, text) in node.translations {
            let mark = diagnostics.count
            checkTemplate(text, &context)
            guard diagnostics.count > mark else { continue }
            var kept: [Diagnostic] = []
            for d in diagnostics[mark...] {
                if let first = diagnostics[before..<mark].firstIndex(where: { $0.code == d.code && $0.message == d.message }) {
                    diagnostics[first].notes.append(.init("the same in the \(languageName(tag.text)) text", at: d.span))
                } else {
                    kept.append(d)
                }
            }
            diagnostics.replaceSubrange(mark..., with: kept)
        }
    }

    /// Checks `{name}` piping and `{self|proxy}` switches in one string, reporting at the exact
    /// column inside the string.
    func checkTemplate(_ literal: StringLiteral, _ context: inout Context) {
        let start = literal.span.start + 1
        let end = max(start, literal.span.end - 1)
        guard end > start, end <= file.bytes.count else { return }
        checkTemplatePart(start, end, &context, inSwitch: false)
    }

    private func checkTemplatePart(_ from: Int, _ to: Int, _ context: inout Context, inSwitch: Bool) {
        let bytes = file.bytes
        let open = UInt8(ascii: "{")
        let close = UInt8(ascii: "}")
        var i = from
        while i < to {
            let c = bytes[i]
            if c == open {
                if i + 1 < to && bytes[i + 1] == open { i += 2; continue }
                var depth = 1
                var j = i + 1
                var bar: Int?
                var bars = 0
                var colon: Int?
                while j < to {
                    if bytes[j] == open { depth += 1 }
                    if bytes[j] == close { depth -= 1; if depth == 0 { break } }
                    if bytes[j] == UInt8(ascii: "|") && depth == 1 { bars += 1; bar = bar ?? j }
                    if bytes[j] == UInt8(ascii: ":") && depth == 1 && bar == nil && colon == nil { colon = j }
                    j += 1
                }
                if depth != 0 {
                    error("bad-template", "this '{' is not closed", at: Span(i, i + 1), hint: "close it with '}', or write '{{' for a brace")
                    return
                }
                if let head = switchHead(i + 1, colon ?? j, bar: bar) {
                    // {if VALUE: A|B}, {plural NUMBER: one|many}
                    checkSwitchSubject(head.keyword, head.from, head.to, &context)
                    let thenEnd = bar.flatMap { b in colon.map { $0 < b } == true ? b : nil } ?? j
                    checkTemplatePart(colon! + 1, thenEnd, &context, inSwitch: inSwitch)
                    if thenEnd < j { checkTemplatePart(thenEnd + 1, j, &context, inSwitch: inSwitch) }
                } else if let bar {
                    if !context.selfSwitchAvailable, context.scope == .household {
                        // Not about a member at all: there is only one wording to give.
                        error("bad-template", "the wording switch {self|proxy} is for questions about each member of a roster, not the household",
                            at: Span(i, j + 1), hint: "write one wording here; use {self|proxy} in a per-member section after 'self when ...'")
                    } else if !context.selfSwitchAvailable {
                        errorOnce("bad-template", "the wording switch {self|proxy} needs a 'self when ...' earlier in this per-member section",
                            at: Span(i, j + 1), hint: "declare who the respondent is first, e.g. self when is_you == yes")
                    } else if inSwitch {
                        error("bad-template", "wording switches cannot be nested", at: Span(i, j + 1))
                    } else if bars > 1 {
                        error("bad-template", "a wording switch has exactly two sides: {self wording|proxy wording}", at: Span(i, j + 1))
                    } else {
                        checkTemplatePart(i + 1, bar, &context, inSwitch: true)
                        checkTemplatePart(bar + 1, j, &context, inSwitch: true)
                    }
                } else {
                    checkPipe(i + 1, j, &context)
                }
                i = j + 1
            } else if c == close {
                if i + 1 < to && bytes[i + 1] == close { i += 2; continue }
                error("bad-template", "this '}' has no matching '{'", at: Span(i, i + 1), hint: "write '}}' for a literal brace")
                i += 1
            } else {
                i += 1
            }
        }
    }

    /// `if NAME` or `plural NAME` before a switch's colon: the keyword and the name's bytes.
    private func switchHead(_ from: Int, _ to: Int, bar: Int?) -> (keyword: String, from: Int, to: Int)? {
        guard to > from, to <= file.bytes.count else { return nil }
        var a = from
        while a < to && file.bytes[a] == 0x20 { a += 1 }
        var b = to
        while b > a && file.bytes[b - 1] == 0x20 { b -= 1 }
        let head = file.text(Span(a, b))
        for keyword in ["if", "plural"] where head.hasPrefix(keyword + " ") {
            var start = a + keyword.utf8.count + 1
            while start < b && file.bytes[start] == 0x20 { start += 1 }
            guard start < b, !file.bytes[start..<b].contains(0x20) else { continue }
            // `{if x: A|B}`: the colon comes before the bar.
            if let bar, bar < to { return nil }
            return (keyword, start, b)
        }
        return nil
    }

    private func checkSwitchSubject(_ keyword: String, _ from: Int, _ to: Int, _ context: inout Context) {
        guard let path = pipePath(from, to) else {
            error("bad-template", "'\(file.text(Span(from, to)))' does not name a value to switch on", at: Span(from, to),
                hint: keyword == "if" ? "write {if NAME: wording when true|wording otherwise}" : "write {plural NAME: one|many}")
            return
        }
        context.piping = true
        defer { context.piping = false }
        let typed = checkExpression(path, &context)
        if typed.type == .error { return }
        if keyword == "if", typed.type != .bool {
            error("bad-template", "'{if \(file.text(Span(from, to))): ...}' needs a condition (true or false), but this is \(typed.type)", at: Span(from, to),
                hint: "switch on a derived condition: let working = activity contains employee, then {if working: ...|...}")
        }
        if keyword == "plural", !typed.type.isNumeric {
            error("bad-template", "'{plural \(file.text(Span(from, to))): ...}' needs a number, but this is \(typed.type)", at: Span(from, to),
                hint: "the first wording is for exactly 1: {plural n: person|people}")
        }
    }

    /// A pipe's path as an expression: `name`, `person.name`, `address.town`,
    /// `residents[1].name` (`nil` when it is not one).
    func pipePath(_ a: Int, _ b: Int) -> Expr? {
        let bytes = file.bytes
        var i = a
        func identifier() -> Name? {
            let start = i
            guard i < b, Lexer.isLetter(bytes[i]) else { return nil }
            while i < b, Lexer.isLetter(bytes[i]) || Lexer.isDigit(bytes[i]) { i += 1 }
            // `{first-name}` for a name declared `first-name` (reported there): read as it is.
            var end = i
            while end < b, bytes[end] == UInt8(ascii: "-"), end + 1 < b, Lexer.isLetter(bytes[end + 1]) {
                end += 1
                while end < b, Lexer.isLetter(bytes[end]) || Lexer.isDigit(bytes[end]) { end += 1 }
                let meant = file.text(Span(start, end)).replacingOccurrences(of: "-", with: "_")
                if let declared = tree.hyphenatedNames[meant] {
                    hyphenatedUses.append((declared, Span(start, end)))
                    i = end
                    return Name(text: meant, span: Span(start, end))
                }
            }
            return Name(text: file.text(Span(start, i)), span: Span(start, i))
        }
        guard let first = identifier() else { return nil }
        var index: Int?
        if i < b, bytes[i] == UInt8(ascii: "[") {
            i += 1
            let start = i
            while i < b, Lexer.isDigit(bytes[i]) { i += 1 }
            guard i > start, i < b, bytes[i] == UInt8(ascii: "]"), let n = Int(file.text(Span(start, i))) else { return nil }
            index = n
            i += 1
        }
        var rest: [Name] = []
        while i < b, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard let n = identifier() else { return nil }
            rest.append(n)
        }
        guard i == b else { return nil }
        let span = Span(a, b)
        if let index {
            guard let field = rest.first, rest.count <= 2 else { return nil }
            var inner = Expr(kind: .name(field.text), span: field.span)
            if rest.count == 2 { inner = Expr(kind: .part(inner, rest[1]), span: field.span.to(rest[1].span), depth: 2) }
            return Expr(kind: .at(roster: first, position: index, inner), span: span, depth: 3)
        }
        switch rest.count {
        case 0: return Expr(kind: .name(first.text), span: span)
        case 1: return Expr(kind: .qualified(first, rest[0]), span: span)
        case 2:
            let q = Expr(kind: .qualified(first, rest[0]), span: first.span.to(rest[0].span))
            return Expr(kind: .part(q, rest[1]), span: span, depth: 2)
        default: return nil
        }
    }

    private func checkPipe(_ from: Int, _ to: Int, _ context: inout Context) {
        var a = from
        var b = to
        while a < b && file.bytes[a] == 0x20 { a += 1 }
        while b > a && file.bytes[b - 1] == 0x20 { b -= 1 }
        let text = file.text(Span(a, b))
        guard let path = pipePath(a, b) else {
            error("bad-template", text.isEmpty ? "empty '{}' in text" : "'{\(text)}' does not name an answer or derived value",
                at: Span(from - 1, to + 1), hint: "pipe a value with {name}; write '{{' and '}}' for literal braces")
            return
        }
        if let list = context.sharedList, text != "census_date", text != "household_address" {
            // Not "'x' is asked later in the flow": the list comes before every question.
            error("bad-template", "the options of choice list '\(list)' cannot pipe '{\(text)}': the list is not tied to one question",
                at: Span(a, b), hint: "list the options in the question that pipes it: one_of { ... } or any_of { ... }")
            return
        }
        context.piping = true
        defer { context.piping = false }
        let typed = checkExpression(path, &context)
        if typed.type == .bool {
            error("bad-template", "'{\(text)}' is a condition; only answers and values can be piped into text", at: Span(a, b),
                hint: "to choose a wording by it, write {if \(text): wording when true|wording otherwise}")
        }
    }
}
