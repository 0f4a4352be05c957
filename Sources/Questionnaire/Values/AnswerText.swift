/// What the evaluator reads from a written answer (a text question, a "please specify" detail,
/// an address field): the text without the blank characters around it, or nothing at all when
/// it is only blank characters. So `" "`, `"\t"` and `"\u{3000}"` are not answered, just as
/// `""` is (the ONS eQ runner also strips answers before its required check), and `"Ann "`
/// (a phone keyboard's trailing space) is the same answer as `"Ann"` in lengths, patterns,
/// comparisons and piping.
///
/// Blank means: Unicode White_Space (space, tab, line breaks, no-break space, the en/em/ideographic
/// spaces, ...), control characters, and the zero-width characters U+200B, U+200C, U+200D,
/// U+2060 and U+FEFF, which show nothing either.
public enum AnswerText {
    /// The answer without blank characters at either end; `nil` when nothing else is left.
    @inline(__always)
    public static func trimmed(_ text: String) -> String? {
        // Most answers start and end with a visible ASCII character: nothing to do.
        if let first = text.utf8.first, let last = text.utf8.last,
            first > 0x20, first < 0x7F, last > 0x20, last < 0x7F
        {
            return text
        }
        return trimmedSlow(text)
    }

    static func trimmedSlow(_ text: String) -> String? {
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !isBlank($0) }) else { return nil }
        // A non-blank scalar exists, so lastIndex finds one.
        let end = scalars.lastIndex(where: { !isBlank($0) }) ?? start
        if start == scalars.startIndex && scalars.index(after: end) == scalars.endIndex { return text }
        return String(scalars[start...end])
    }

    /// Whether a character shows nothing (see ``AnswerText``).
    public static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF: return true
        default: return scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
        }
    }
}
