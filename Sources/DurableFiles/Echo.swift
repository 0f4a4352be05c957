/// Input quoted in a message: capped, with control characters escaped.
///
/// A message that names the bad value helps; one that echoes it whole does not (an 8 MB line
/// of a CSV file with CR-only line ends was printed entire, issue 13), and a control character
/// in it could break a log line or a terminal. Every message of the frame, the store and the
/// collection path that repeats input goes through ``quoted(_:limit:)``.
package enum Echo {
    /// The longest echo, in characters, before `…`.
    package static let defaultLimit = 64

    /// `'value'`, at most `limit` characters of it, then `…` (and how long it was); control
    /// characters as `\u{…}`.
    package static func quoted(_ value: String, limit: Int = defaultLimit) -> String {
        var out = "'"
        var count = 0
        for ch in value.unicodeScalars {
            if count == limit {
                return out + "…' (\(value.unicodeScalars.count) characters)"
            }
            if ch.value < 0x20 || ch.value == 0x7F { out += "\\u{\(String(ch.value, radix: 16))}" } else { out.unicodeScalars.append(ch) }
            count += 1
        }
        return out + "'"
    }
}
