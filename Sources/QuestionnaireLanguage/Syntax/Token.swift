import Questionnaire

/// A token of the questionnaire language.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case word(String)  // identifiers and keywords
        case string(String)  // a string literal's value, escapes resolved
        case integer(Int)
        case decimal(Double)
        case date(CalendarDate)
        case monthYear(MonthYear)
        case duration(CalendarDuration)
        case symbol(Symbol)
        case end
    }

    enum Symbol: String, Sendable, CaseIterable {
        case leftBrace = "{", rightBrace = "}", leftParen = "(", rightParen = ")"
        case leftBracket = "[", rightBracket = "]", comma = ",", colon = ":", dot = "."
        case ellipsis = "...", equalEqual = "==", notEqual = "!=", lessEqual = "<=", greaterEqual = ">="
        case less = "<", greater = ">", plus = "+", minus = "-", star = "*", slash = "/", equal = "="
    }

    var kind: Kind
    var span: Span

    var word: String? { if case .word(let w) = kind { return w } else { return nil } }

    func isSymbol(_ s: Symbol) -> Bool { kind == .symbol(s) }
    func isWord(_ w: String) -> Bool { kind == .word(w) }

    /// How the token is described in "expected X, found Y" messages.
    var describe: String {
        switch kind {
        case .word(let w): return Keyword.all.contains(w) ? "keyword '\(w)'" : "'\(w)'"
        case .string: return "a string"
        case .integer(let i): return "number \(i)"
        case .decimal(let d): return "number \(d)"
        case .date(let d): return "date \(d)"
        case .monthYear(let m): return "month \(m)"
        case .duration(let d): return "duration \(d)"
        case .symbol(let s): return "'\(s.rawValue)'"
        case .end: return "the end of the file"
        }
    }
}

enum Keyword {
    /// Reserved words: they cannot name anything. Other words of the language (`min`, `max`,
    /// `for`, `on`, `specify`, `unrelated` ...) only mean something where they are expected, so
    /// they remain free as names.
    static let all: Set<String> = [
        "questionnaire", "choices", "section", "page", "roster", "relationships", "question", "let", "self",
        "required", "when", "hint", "error", "warning", "confirm", "census_date", "and", "or", "not", "in",
        "contains", "is", "answered", "true", "false",
    ]
    /// Words that begin a body item; the parser resynchronises on them after a syntax error.
    static let itemStarts: Set<String> = [
        "version", "title", "languages", "census_date", "choices", "section", "page", "roster", "relationships",
        "question", "let", "self", "error", "warning", "confirm", "unrelated", "end", "body", "definition",
        "individual_response", "suggestions", "variants", "messages",
    ]
}

extension Token.Kind {
    var isDate: Bool { if case .date = self { return true } else { return false } }
    var isString: Bool { if case .string = self { return true } else { return false } }
}
