import Crypto
import Foundation

/// A household access code, as printed on a letter.
///
/// An access code is 16 characters from a 27-letter alphabet without vowels
/// (A E I O U, and Y) and without look-alikes (no `0`, `1`, `W`):
///
/// ```
/// BCDFGHJKLMNPQRSTVXZ23456789
/// ```
///
/// 27¹⁶ ≈ 2⁷⁶, so a code carries about 76 bits drawn from the operating
/// system's cryptographic random source (`SystemRandomNumberGenerator`:
/// `getrandom(2)` on Linux, `arc4random` on Apple platforms), without modulo
/// bias. It is shown as four blocks of four: `BCDF-GHJK-LMNP-QRST`.
///
/// Typing is forgiving: ``normalize(_:)`` ignores case, spaces and dashes,
/// then checks the length and the alphabet with an error that says what is
/// wrong.
///
/// ```swift
/// let code = AccessCode.random()
/// code.formatted                     // "K7QZ-3XBM-PT9D-HC2R"
/// try AccessCode(typed: " k7qz 3xbm-pt9d hc2r ") == code   // true
/// ```
///
/// Codes are never stored: only ``AccessCodeHasher/hash(_:)``, a keyed
/// HMAC-SHA256, is.
public struct AccessCode: Sendable, Hashable, CustomStringConvertible {
    /// The 27 characters codes are made of.
    public static let alphabet: [Character] = Array("BCDFGHJKLMNPQRSTVXZ23456789")
    /// The number of characters in a code.
    public static let length = 16
    /// The entropy of a code, in bits (about 76.1).
    public static let entropyBits = Double(length) * log2(Double(alphabet.count))

    private static let allowed: Set<Character> = Set(alphabet)

    /// The 16 characters, uppercase, without separators.
    public let value: String

    /// The code as printed: four blocks of four separated by dashes.
    public var formatted: String {
        let chars = Array(value)
        return stride(from: 0, to: chars.count, by: 4).map { String(chars[$0..<min($0 + 4, chars.count)]) }
            .joined(separator: "-")
    }

    public var description: String { formatted }

    /// Parses a code as typed by a person: case, spaces and dashes are
    /// ignored.
    ///
    /// ```swift
    /// try AccessCode(typed: "bcdf ghjk-lmnp 2345").formatted   // "BCDF-GHJK-LMNP-2345"
    /// ```
    /// - Throws: ``AccessCodeError``: nothing typed, not 16 characters, or a character outside
    ///   the code alphabet (with a hint for the usual slips: `0` for `O`, `1` for `I`).
    public init(typed: String) throws(AccessCodeError) {
        value = try AccessCode.normalize(typed)
    }

    init(unchecked value: String) { self.value = value }

    /// A new code from the system's cryptographic random source.
    public static func random() -> AccessCode {
        var rng = SystemRandomNumberGenerator()
        return random(using: &rng)
    }

    /// A new code from the given generator (a cryptographic one: the code's only secret is
    /// its randomness).
    static func random<G: RandomNumberGenerator>(using rng: inout G) -> AccessCode {
        var s = ""
        s.reserveCapacity(length)
        for _ in 0..<length {
            // `Int.random(in:using:)` is unbiased (rejection sampling).
            s.append(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)])
        }
        return AccessCode(unchecked: s)
    }

    /// Normalises a typed code: uppercases it, removes spaces, tabs and
    /// dashes (including typographic dashes), then validates it.
    ///
    /// - throws: ``AccessCodeError`` saying what is wrong.
    public static func normalize(_ typed: String) throws(AccessCodeError) -> String {
        var out = ""
        for ch in typed.uppercased() {
            if ch.isWhitespace || ch == "-" || ch == "\u{2010}" || ch == "\u{2011}" || ch == "\u{2012}"
                || ch == "\u{2013}" || ch == "\u{2014}" || ch == "\u{2212}" {
                continue
            }
            guard allowed.contains(ch) else {
                throw .invalidCharacter(ch, hint: hint(for: ch))
            }
            out.append(ch)
        }
        if out.isEmpty { throw .empty }
        guard out.count == length else { throw .wrongLength(out.count) }
        return out
    }

    private static func hint(for ch: Character) -> String? {
        switch ch {
        case "0", "O": return "codes have no letter O or zero; check the letter"
        case "1", "I": return "codes have no I or 1; did you mean L?"
        case "A", "E", "U", "Y": return "codes have no vowels"
        case "W": return "codes have no W"
        default: return nil
        }
    }
}

/// Why a typed access code was refused.
public enum AccessCodeError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// Nothing but whitespace and dashes was typed.
    case empty
    /// The code does not have 16 characters once whitespace and dashes are removed; the count typed.
    case wrongLength(Int)
    /// A character outside the code alphabet (`BCDFGHJKLMNPQRSTVXZ` and `2`–`9`), with what the
    /// respondent probably meant when there is a likely slip (`0` for `O`, a vowel).
    case invalidCharacter(Character, hint: String?)

    public var description: String {
        switch self {
        case .empty:
            return "no access code entered. It is the 16-character code on your letter."
        case .wrongLength(let n):
            return "an access code has 16 characters (4 groups of 4); \(n) were entered."
        case .invalidCharacter(let ch, let hint):
            return "'\(ch)' cannot appear in an access code" + (hint.map { " (\($0))" } ?? "")
                + ". Codes use only BCDFGHJKLMNPQRSTVXZ and 2-9."
        }
    }

    public var errorDescription: String? { description }
}
