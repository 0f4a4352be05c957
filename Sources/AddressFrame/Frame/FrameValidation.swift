import Foundation

/// Field checks for frame rows.
public enum FrameValidation {
    /// 1–32 ASCII letters, digits, `-` or `_`.
    public static func isHouseholdID(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 32 && s.utf8.allSatisfy { b in
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 45 || b == 95
        }
    }

    /// The longest field accepted. A longer one is a broken export (a stray quote that swallowed
    /// the rows after it), not an address.
    public static let maximumFieldLength = 200

    /// Why a field cannot go on a letter, or nil. Line breaks inside a quoted address are allowed.
    public static func fieldProblem(_ s: String) -> String? {
        if s.count > maximumFieldLength { return "is \(s.count) characters long, at most \(maximumFieldLength) (a stray quote?)" }
        if s.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t") || $0.value == 0x7F }) {
            return "contains a control character"
        }
        return nil
    }

    /// A GSS code: an uppercase letter and eight digits.
    public static func isGSSCode(_ s: String) -> Bool {
        let b = Array(s.utf8)
        return b.count == 9 && b[0] >= 65 && b[0] <= 90 && b[1...].allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// The postcode in normal form (`SW1A 1AA`), or nil when it is not a UK
    /// postcode. Accepts any case and spacing.
    public static func normalizedPostcode(_ s: String) -> String? {
        let compact = s.uppercased().filter { !$0.isWhitespace }
        let c = Array(compact.utf8)
        guard c.count >= 5 && c.count <= 7 else { return nil }
        func letter(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
        func digit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        // Inward code: digit letter letter.
        let inward = c.suffix(3)
        let i = Array(inward)
        guard digit(i[0]), letter(i[1]), letter(i[2]) else { return nil }
        // Outward code: A9, A99, AA9, AA99, A9A, AA9A.
        let o = Array(c.prefix(c.count - 3))
        let ok: Bool
        switch o.count {
        case 2: ok = letter(o[0]) && digit(o[1])
        case 3: ok = letter(o[0]) && ((digit(o[1]) && (digit(o[2]) || letter(o[2]))) || (letter(o[1]) && digit(o[2])))
        case 4: ok = letter(o[0]) && letter(o[1]) && digit(o[2]) && (digit(o[3]) || letter(o[3]))
        default: ok = false
        }
        guard ok else { return nil }
        return String(decoding: o, as: UTF8.self) + " " + String(decoding: i, as: UTF8.self)
    }
}
