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

    /// The first character a written answer may not hold, or `nil`: the C0 and C1 control
    /// characters (U+0000-U+001F, U+007F-U+009F) and the bidirectional embeddings, overrides and
    /// isolates (U+202A-U+202E, U+2066-U+2069), which show nothing yet reorder or hide what
    /// follows on every screen and export that shows the text. A `multiline` answer (a text
    /// area) may hold tabs and line breaks (U+0009, U+000A, U+000D, U+2028, U+2029); any other
    /// may not. The directional marks U+200E and U+200F, which reorder nothing beyond
    /// themselves, are allowed. Used on the answer without its blank ends (``trimmed(_:)``).
    @inline(__always)
    public static func refusedCharacter(in text: String, multiline: Bool) -> Unicode.Scalar? {
        // Visible ASCII (most answers) has nothing to refuse: one pass over the bytes. Anything
        // else (a control byte, or any non-ASCII text, such as Welsh accents) is decoded and its
        // scalars checked one by one.
        var clean = true
        for byte in text.utf8 where byte < 0x20 || byte >= 0x7F { clean = false; break }
        if clean { return nil }
        return refusedCharacterSlow(in: text, multiline: multiline)
    }

    static func refusedCharacterSlow(in text: String, multiline: Bool) -> Unicode.Scalar? {
        text.unicodeScalars.first { isRefused($0, multiline: multiline) }
    }

    /// Whether ``refusedCharacter(in:multiline:)`` refuses `scalar`.
    public static func isRefused(_ scalar: Unicode.Scalar, multiline: Bool) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x2028, 0x2029: return !multiline
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// `U+202E`: how a finding names a refused character (at least four hex digits, as Unicode writes them).
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Whether a character shows nothing (see ``AnswerText``).
    public static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF: return true
        default: return scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
        }
    }
}
