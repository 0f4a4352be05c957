import Foundation
import Questionnaire

/// Splits source bytes into tokens. Problems (an unterminated string, a stray character) become
/// diagnostics and the lexer carries on, so one run reports every error.
struct Lexer {
    let bytes: [UInt8]
    var index = 0
    var diagnostics: [Diagnostic] = []
    /// Names that are not names (`dŵr`, `1bed`), by text: the index of the diagnostic that
    /// reported the first, where later uses become notes.
    var reportedNames: [String: Int] = [:]

    init(bytes: [UInt8]) { self.bytes = bytes }

    static let unclosedString = "this string is not closed"

    static func tokenize(_ file: SourceFile) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(bytes: file.bytes)
        var tokens: [Token] = []
        tokens.reserveCapacity(file.bytes.count / 5)
        while true {
            let token = lexer.next()
            tokens.append(token)
            if token.kind == .end { break }
        }
        return (tokens, lexer.diagnostics)
    }

    @inline(__always) func peek(_ offset: Int = 0) -> UInt8 {
        index + offset < bytes.count ? bytes[index + offset] : 0
    }

    @inline(__always) static func isLetter(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == UInt8(ascii: "_")
    }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    mutating func error(_ message: String, _ span: Span, hint: String? = nil) {
        diagnostics.append(Diagnostic(code: "syntax", message, at: span, hint: hint))
    }

    /// A control character (U+0000-U+001F but tab and line feed, U+007F) or a text-direction
    /// override or isolate (U+202A-U+202E, U+2066-U+2069: the set Rust's
    /// `text_direction_codepoint_in_literal` refuses) at byte `i`, reported where it is: its
    /// length in bytes, or nil. Inside a string it would reach respondents unseen (a NUL, an
    /// escape sequence); a direction override can make a label, or a comment beside the code,
    /// read differently from what is stored ("Trojan Source", CVE-2021-42574).
    mutating func hiddenCharacter(at i: Int, in place: String) -> Int? {
        let b = bytes[i]
        if (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) || b == 0x7F {
            error("control character U+\(String(format: "%04X", b)) in \(place)", Span(i, i + 1),
                  hint: "remove it: it cannot be seen in the form's text; write \\n for a line break")
            return 1
        }
        guard b == 0xE2, i + 2 < bytes.count else { return nil }
        let (b1, b2) = (bytes[i + 1], bytes[i + 2])
        guard (b1 == 0x80 && (0xAA...0xAE).contains(b2)) || (b1 == 0x81 && (0xA6...0xA9).contains(b2)) else { return nil }
        let scalar = (UInt32(b & 0x0F) << 12) | (UInt32(b1 & 0x3F) << 6) | UInt32(b2 & 0x3F)
        error("text-direction character U+\(String(scalar, radix: 16, uppercase: true)) in \(place)", Span(i, i + 3),
              hint: "remove it: it makes the text display in an order other than the one stored; right-to-left text needs no such character")
        return 3
    }

    mutating func skipTrivia() {
        while index < bytes.count {
            let b = bytes[index]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                index += 1
            } else if b == UInt8(ascii: "#") {
                while index < bytes.count && bytes[index] != 0x0A {
                    if let length = hiddenCharacter(at: index, in: "a comment") { index += length } else { index += 1 }
                }
            } else {
                return
            }
        }
    }

    mutating func next() -> Token {
        while true {
            skipTrivia()
            guard index < bytes.count else { return Token(kind: .end, span: Span(bytes.count, bytes.count)) }
            let start = index
            let b = bytes[index]
            if Lexer.isLetter(b) || foreignLetterLength(at: index) != nil { return word(start) }
            if Lexer.isDigit(b) { return number(start) }
            if b == UInt8(ascii: "\"") { return string(start) }
            if let connective = connective() { return connective }
            if let written = foreignComparison() { return written }
            if let symbol = symbol() { return Token(kind: .symbol(symbol), span: Span(start, index)) }
            if b == 0xE2, peek(1) == 0x80, peek(2) == 0x9C { return curlyQuotedString(start) }
            for quote in Lexer.otherQuotes where bytes[start...].starts(with: quote.open) {
                if let token = singleQuotedString(start, quote) { return token }
            }
            // Skip one whole character (possibly multi-byte) and report it once.
            index += 1
            while index < bytes.count && bytes[index] & 0xC0 == 0x80 { index += 1 }
            let character = String(decoding: bytes[start..<index], as: UTF8.self)
            let shown = character.unicodeScalars.first.map { $0.value < 0x20 || $0.value == 0x7F ? "U+" + String($0.value, radix: 16, uppercase: true) : character } ?? character
            error("unexpected character '\(shown)'", Span(start, index),
                hint: b == UInt8(ascii: "'") ? "strings are written in double quotes: \"...\"" : nil)
            // Coalesce a run of junk into one diagnostic.
            while index < bytes.count, !Lexer.isLetter(bytes[index]), !Lexer.isDigit(bytes[index]), bytes[index] != UInt8(ascii: "\""),
                bytes[index] > 0x20, symbolAt(index) == nil, bytes[index] != UInt8(ascii: "#")
            {
                index += 1
            }
        }
    }

    mutating func word(_ start: Int) -> Token {
        var foreign = false
        while index < bytes.count {
            if Lexer.isLetter(bytes[index]) || Lexer.isDigit(bytes[index]) {
                index += 1
            } else if let length = foreignLetterLength(at: index) {
                index += length
                foreign = true
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if foreign {
            // `dŵr "Water"`: one mistake, reported once (later uses are notes); the name is still
            // read, so the rest of the line (and every use of the name) reads as meant.
            if let first = reportedNames[text] {
                diagnostics[first].notes.append(.init("also written here", at: Span(start, index)))
                return Token(kind: .word(text), span: Span(start, index))
            }
            reportedNames[text] = diagnostics.count
            error("'\(text)' is not a name: names are written with the letters a to z and A to Z, digits and _", Span(start, index),
                hint: Lexer.asciiName(for: text).map { "for example '\($0)'" } ?? "write it with the letters a to z and A to Z, digits and _")
        }
        return Token(kind: .word(text), span: Span(start, index))
    }

    /// The length in bytes of the letter (or accent) at `i` when it is not one a name may hold
    /// (`ŵ`, `é`, `ß`): such a letter is read as part of the name and reported once.
    func foreignLetterLength(at i: Int) -> Int? {
        guard i < bytes.count, bytes[i] >= 0xC0 else { return nil }
        var end = i + 1
        while end < bytes.count, end - i < 4, bytes[end] & 0xC0 == 0x80 { end += 1 }
        guard let scalar = String(decoding: bytes[i..<end], as: UTF8.self).unicodeScalars.first, scalar.value >= 0x80 else { return nil }
        let p = scalar.properties
        let mark = p.generalCategory == .nonspacingMark || p.generalCategory == .spacingMark
        return p.isAlphabetic || mark ? end - i : nil
    }

    /// A name the language accepts for one it does not (`dŵr` -> `dwr`, `1bed` -> `bed_1`).
    static func asciiName(for text: String) -> String? {
        let latin = text.applyingTransform(StringTransform("Latin-ASCII"), reverse: false) ?? text
        var name = String(latin.unicodeScalars.filter { $0.isASCII && (Lexer.isLetter(UInt8($0.value)) || Lexer.isDigit(UInt8($0.value))) }.map(Character.init))
        let digits = name.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty { name = name.dropFirst(digits.count) + "_" + digits }
        return name.isEmpty || name == "_" + digits || name == text ? nil : name
    }

    /// `&&`, `||`, `&`, `|` and `!` (without `=`), written for `and`, `or` and `not`: one mistake,
    /// reported once, and read as the word meant so that the expression goes on.
    mutating func connective() -> Token? {
        let b = peek()
        let meant: String
        var length = 1
        switch b {
        case UInt8(ascii: "&"): meant = "and"; if peek(1) == b { length = 2 }
        case UInt8(ascii: "|"): meant = "or"; if peek(1) == b { length = 2 }
        case UInt8(ascii: "!") where peek(1) != UInt8(ascii: "="): meant = "not"
        default: return nil
        }
        let start = index
        index += length
        let written = text(start)
        error("'\(written)' is not an operator here: write '\(meant)'", Span(start, index),
            hint: "conditions are joined with 'and' and 'or', and turned round with 'not': age >= 16 and not (x == y)")
        return Token(kind: .word(meant), span: Span(start, index))
    }

    /// Operators written as in other languages or typeset (`<>`, `===`, `!==`, `≠`, `≤`, `≥`, `−`,
    /// `×`, `÷`): one mistake each, reported once and read as the operator meant, so that the
    /// condition goes on (and nothing after it is reported as well).
    mutating func foreignComparison() -> Token? {
        let meant: Token.Symbol
        let length: Int
        switch (peek(), peek(1), peek(2)) {
        case (UInt8(ascii: "<"), UInt8(ascii: ">"), _): meant = .notEqual; length = 2
        case (UInt8(ascii: "="), UInt8(ascii: "="), UInt8(ascii: "=")): meant = .equalEqual; length = 3
        case (UInt8(ascii: "!"), UInt8(ascii: "="), UInt8(ascii: "=")): meant = .notEqual; length = 3
        case (0xE2, 0x89, 0xA0): meant = .notEqual; length = 3  // ≠
        case (0xE2, 0x89, 0xA4): meant = .lessEqual; length = 3  // ≤
        case (0xE2, 0x89, 0xA5): meant = .greaterEqual; length = 3  // ≥
        case (0xE2, 0x88, 0x92): meant = .minus; length = 3  // − (minus sign)
        case (0xC3, 0x97, _): meant = .star; length = 2  // ×
        case (0xC3, 0xB7, _): meant = .slash; length = 2  // ÷
        default: return nil
        }
        let start = index
        index += length
        // `====`: the run is one mistake.
        while meant == .equalEqual || meant == .notEqual, length == 3, peek() == UInt8(ascii: "=") { index += 1 }
        let written = text(start)
        error("'\(written)' is not an operator here: write '\(meant.rawValue)'", Span(start, index),
            hint: "the operators are == != < <= > >= + - * /, and 'and', 'or', 'not'")
        return Token(kind: .symbol(meant), span: Span(start, index))
    }

    /// The quotes other than double ones that text is written in by mistake, `'Yes'`, `‘Yes’` and
    /// `` `Yes` ``: their opening and closing bytes and what they are called. The lexer reads
    /// them as a string with one error; the parser reads a plain name in them as a name.
    static let otherQuotes: [(open: [UInt8], close: [UInt8], name: String)] = [
        ([UInt8(ascii: "'")], [UInt8(ascii: "'")], "single quotes"),
        ([0xE2, 0x80, 0x98], [0xE2, 0x80, 0x99], "curly single quotes"),
        ([UInt8(ascii: "`")], [UInt8(ascii: "`")], "backquotes"),
    ]

    /// A string in one of ``otherQuotes``, on one line. One mistake, read as a string (in an
    /// expression, as the option or name it spells: see ``Parser/parsePrimary()``).
    mutating func singleQuotedString(_ start: Int, _ quote: (open: [UInt8], close: [UInt8], name: String)) -> Token? {
        let (open, close, quotes) = (quote.open.count, quote.close, quote.name)
        var end = start + open
        while end < bytes.count, bytes[end] != 0x0A, !bytes[end...].starts(with: close) { end += 1 }
        guard end < bytes.count, bytes[end...].starts(with: close) else { return nil }
        let value = String(decoding: bytes[(start + open)..<end], as: UTF8.self)
        index = end + close.count
        let asName = Checker.isPlainName(value) ? ", an option or a name without quotes: \(value)" : ""
        error("this is in \(quotes)", Span(start, index), hint: "write text in double quotes: \"\(value)\"\(asName)")
        return Token(kind: .string(value), span: Span(start, index))
    }

    mutating func digits() {
        while index < bytes.count && Lexer.isDigit(bytes[index]) { index += 1 }
    }

    func text(_ start: Int) -> String { String(decoding: bytes[start..<index], as: UTF8.self) }

    mutating func number(_ start: Int) -> Token {
        digits()
        // 2021-03-21 and 2021-03: dates are written without spaces.
        if index - start == 4, peek() == UInt8(ascii: "-"), Lexer.isDigit(peek(1)), Lexer.isDigit(peek(2)) {
            let save = index
            index += 3
            if peek() == UInt8(ascii: "-"), Lexer.isDigit(peek(1)), Lexer.isDigit(peek(2)), !Lexer.isDigit(peek(3)) {
                index += 3
                let t = text(start)
                if let date = CalendarDate(iso: t) { return Token(kind: .date(date), span: Span(start, index)) }
                error("'\(t)' is not a valid date", Span(start, index), hint: "dates are YYYY-MM-DD with a real month and day")
                return Token(kind: .date(CalendarDate(year: 2000, month: 1, day: 1)!), span: Span(start, index))
            }
            if !Lexer.isDigit(peek()) {
                let t = text(start)
                if let m = MonthYear(iso: t) { return Token(kind: .monthYear(m), span: Span(start, index)) }
                error("'\(t)' is not a valid month", Span(start, index), hint: "month-years are YYYY-MM with a month from 01 to 12")
                return Token(kind: .monthYear(MonthYear(year: 2000, month: 1)!), span: Span(start, index))
            }
            index = save
        }
        if peek() == UInt8(ascii: "."), Lexer.isDigit(peek(1)) {
            index += 1
            digits()
            let t = text(start)
            return Token(kind: .decimal(Double(t) ?? 0), span: Span(start, index))
        }
        let digitsText = text(start)
        let b = peek()
        if let unit = CalendarDuration.Unit(rawValue: String(UnicodeScalar(b))), !Lexer.isLetter(peek(1)), !Lexer.isDigit(peek(1)) {
            index += 1
            guard let amount = Int(digitsText) else {
                error("duration \(digitsText) is too large", Span(start, index))
                return Token(kind: .duration(CalendarDuration(0, unit)), span: Span(start, index))
            }
            return Token(kind: .duration(CalendarDuration(amount, unit)), span: Span(start, index))
        }
        if Lexer.isLetter(b) || foreignLetterLength(at: index) != nil {
            // `1bed`: reported once, and read as the name meant (an option, a question), so that
            // nothing after it is misread as a stray number.
            while index < bytes.count, Lexer.isLetter(bytes[index]) || Lexer.isDigit(bytes[index]) || foreignLetterLength(at: index) != nil {
                index += foreignLetterLength(at: index) ?? 1
            }
            let written = text(start)
            if let first = reportedNames[written] {
                diagnostics[first].notes.append(.init("also written here", at: Span(start, index)))
                return Token(kind: .word(written), span: Span(start, index))
            }
            reportedNames[written] = diagnostics.count
            let example = Lexer.asciiName(for: written).map { "for example '\($0)'; " } ?? ""
            error("'\(written)' is not a name: a name starts with a letter (a to z, A to Z), then letters, digits and _", Span(start, index),
                hint: "\(example)a duration is a number and one of y, m, w, d (115y)")
            return Token(kind: .word(written), span: Span(start, index))
        }
        guard let value = Int(digitsText) else {
            error("number \(digitsText) is too large", Span(start, index))
            return Token(kind: .integer(0), span: Span(start, index))
        }
        return Token(kind: .integer(value), span: Span(start, index))
    }

    mutating func string(_ start: Int) -> Token {
        index += 1
        var value: [UInt8] = []
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                index += 1
                return Token(kind: .string(String(decoding: value, as: UTF8.self)), span: Span(start, index))
            }
            if b == 0x0A {
                if let close = closingQuoteOnNextLine(after: index) {
                    // `"Who is your` / `landlord?"`: one string over two lines, one mistake.
                    error("this string runs over two lines", Span(start, index), hint: "keep a string on one line; write \\n for a line break")
                    value.append(0x20)
                    value.append(contentsOf: bytes[(index + 1)..<close].drop { $0 == 0x20 || $0 == 0x09 })
                    index = close + 1
                    return Token(kind: .string(String(decoding: value, as: UTF8.self)), span: Span(start, index))
                }
                break
            }
            if b == UInt8(ascii: "\\") {
                let e = peek(1)
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): value.append(e); index += 2
                case UInt8(ascii: "n"): value.append(0x0A); index += 2
                default:
                    error("unknown escape '\\\(e < 0x80 && e >= 0x20 ? String(UnicodeScalar(e)) : "?")' in string", Span(index, index + 2),
                        hint: "strings understand \\\", \\\\ and \\n; a backslash itself is \\\\, as in pattern \"^\\\\d+$\"")
                    index += e == 0 || e == 0x0A ? 1 : 2
                }
                continue
            }
            if let length = hiddenCharacter(at: index, in: "a string") {
                index += length
                continue
            }
            value.append(b)
            index += 1
        }
        // `"Rooms? cy "Ystafelloedd"`: when the string before this one on the line ends in a
        // space, its closing quote is more likely the one missing.
        var before = start - 1
        while before >= 1 && bytes[before] != 0x0A && bytes[before] != UInt8(ascii: "\"") { before -= 1 }
        let earlier = before >= 1 && bytes[before] == UInt8(ascii: "\"") && bytes[before - 1] == 0x20
        let quoteEarlierOnLine = before >= 0 && before < start && bytes[before] == UInt8(ascii: "\"")
        if index == start + 1, !quoteEarlierOnLine {
            // `Who is your landlord?"`: a lone quote at the end of a line ends a string never opened.
            error(Lexer.unclosedString, Span(start, index), hint: "this '\"' ends the line: add the opening \" where the text starts")
        } else {
            error(Lexer.unclosedString, Span(start, index),
                hint: earlier ? "a closing \" is missing on this line, here or in an earlier string" : "add a closing \" before the end of the line")
        }
        return Token(kind: .string(String(decoding: value, as: UTF8.self)), span: Span(start, index))
    }

    /// `“Who is your landlord?”`, pasted from a word processor: one mistake, read as the string.
    mutating func curlyQuotedString(_ start: Int) -> Token {
        index += 3
        let from = index
        while index < bytes.count, bytes[index] != 0x0A, bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == 0xE2, peek(1) == 0x80, peek(2) == 0x9D { break }
            index += 1
        }
        let value = String(decoding: bytes[from..<index], as: UTF8.self)
        if index < bytes.count, bytes[index] == 0xE2 { index += 3 } else if index < bytes.count, bytes[index] == UInt8(ascii: "\"") { index += 1 }
        error("this string is in curly quotes", Span(start, index), hint: "write it in straight double quotes: \"\(value)\"")
        return Token(kind: .string(value), span: Span(start, index))
    }

    /// The first `"` on the line after `newline`, if that line has an odd number of them (so the
    /// first closes a string begun on the line before rather than opening one).
    func closingQuoteOnNextLine(after newline: Int) -> Int? {
        var i = newline + 1
        var first: Int?
        var count = 0
        while i < bytes.count, bytes[i] != 0x0A {
            if bytes[i] == UInt8(ascii: "\"") {
                first = first ?? i
                count += 1
            }
            if bytes[i] == UInt8(ascii: "\\") { i += 1 }
            i += 1
        }
        return count % 2 == 1 ? first : nil
    }

    func symbolAt(_ i: Int) -> Token.Symbol? {
        guard i < bytes.count else { return nil }
        let b = bytes[i]
        let n = i + 1 < bytes.count ? bytes[i + 1] : 0
        switch b {
        case UInt8(ascii: "{"): return .leftBrace
        case UInt8(ascii: "}"): return .rightBrace
        case UInt8(ascii: "("): return .leftParen
        case UInt8(ascii: ")"): return .rightParen
        case UInt8(ascii: "["): return .leftBracket
        case UInt8(ascii: "]"): return .rightBracket
        case UInt8(ascii: ","): return .comma
        case UInt8(ascii: ":"): return .colon
        case UInt8(ascii: "."):
            return n == UInt8(ascii: ".") && i + 2 < bytes.count && bytes[i + 2] == UInt8(ascii: ".") ? .ellipsis : .dot
        case UInt8(ascii: "="): return n == UInt8(ascii: "=") ? .equalEqual : .equal
        case UInt8(ascii: "!"): return n == UInt8(ascii: "=") ? .notEqual : nil
        case UInt8(ascii: "<"): return n == UInt8(ascii: "=") ? .lessEqual : .less
        case UInt8(ascii: ">"): return n == UInt8(ascii: "=") ? .greaterEqual : .greater
        case UInt8(ascii: "+"): return .plus
        case UInt8(ascii: "-"): return .minus
        case UInt8(ascii: "*"): return .star
        case UInt8(ascii: "/"): return .slash
        default: return nil
        }
    }

    mutating func symbol() -> Token.Symbol? {
        guard let s = symbolAt(index) else { return nil }
        index += s.rawValue.utf8.count
        return s
    }
}
