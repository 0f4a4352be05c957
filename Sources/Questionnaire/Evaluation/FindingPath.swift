/// Building the JSON paths of findings, and quoting response text inside messages.
///
/// Paths follow RFC 9535 (JSONPath): a key that is a plain name (`[A-Za-z_][A-Za-z0-9_]*`, as
/// every id a form declares is) is written `.name`; any other key, as the response spelled it, in
/// brackets and single quotes with the escapes of an RFC 9535 normalized path:
/// `$['residents[0].dob']`, `$['']`, `$['a\nb']`. So a path names exactly one place, and a key
/// that looks like a path cannot pass for another place.
enum FindingPath {
    /// `base` followed by the member `key`.
    static func member(_ base: String, _ key: String) -> String {
        isPlainName(key) ? base + "." + key : base + "['" + escaped(key) + "']"
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`.
    static func isPlainName(_ key: String) -> Bool {
        var first = true
        for b in key.utf8 {
            let letter = (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F
            if !(letter || (!first && b >= 0x30 && b <= 0x39)) { return false }
            first = false
        }
        return !first
    }

    /// RFC 9535 normalized-path escaping inside single quotes.
    static func escaped(_ key: String) -> String {
        var out = ""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "'": out += "\\'"
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || Echo.isInvisibleControl(scalar) {
                    out += Echo.hexEscape(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

/// Response text quoted in a message (an unknown key, an option that is not one, a postcode):
/// control characters and the invisible characters that reorder or hide text are written as
/// escapes, so a message stays one line and shows what was sent; and it is cut to
/// ``maximumCharacters``, so a response cannot make its findings arbitrarily long.
enum Echo {
    static let maximumCharacters = 40

    static func quoted(_ text: String, maximumCharacters: Int = Echo.maximumCharacters) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == maximumCharacters { return out + "…" }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) || isInvisibleControl(scalar) {
                    out += hexEscape(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
            count += 1
        }
        return out
    }

    /// `text` with its control and invisible characters escaped as in ``quoted(_:maximumCharacters:)``,
    /// not cut: for whole messages, whose piped answers are bounded by their questions' `max`.
    static func escapingControls(_ text: String) -> String {
        // Most messages are printable ASCII: nothing to do.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        return quoted(text, maximumCharacters: Int.max)
    }

    /// Bidirectional overrides and isolates (which can make text display in another order than
    /// it is stored), and the line and paragraph separators (which break a line).
    static func isInvisibleControl(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x7F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// `\u000b`, `\u202e`: JSON's spelling, four lowercase hex digits.
    static func hexEscape(_ s: Unicode.Scalar) -> String {
        let hex = String(s.value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
