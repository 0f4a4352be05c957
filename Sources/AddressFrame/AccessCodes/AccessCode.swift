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
    public init(typed: String) throws(AccessCodeError) {
        value = try AccessCode.normalize(typed)
    }

    private init(unchecked value: String) { self.value = value }

    /// A new code from the system's cryptographic random source.
    public static func random() -> AccessCode {
        var rng = SystemRandomNumberGenerator()
        return random(using: &rng)
    }

    /// A new code from the given generator. Only tests should pass anything
    /// but a cryptographic generator.
    public static func random<G: RandomNumberGenerator>(using rng: inout G) -> AccessCode {
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
    case empty
    case wrongLength(Int)
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

/// Computes the keyed hash under which access codes are stored.
///
/// `HMAC-SHA256(key: deployment secret, message: normalised code)`. Without
/// the secret, a stolen frame database does not let anyone test guessed codes
/// offline.
public struct AccessCodeHasher: Sendable {
    private let key: SymmetricKey
    /// A short, non-secret fingerprint of the secret, stored in the frame so
    /// that using the wrong secret is reported as such rather than as "unknown
    /// code".
    public let fingerprint: String

    public init(secret: DeploymentSecret) {
        key = SymmetricKey(data: secret.bytes)
        let mac = HMAC<SHA256>.authenticationCode(for: Array("census-secret-fingerprint-v1".utf8), using: key)
        fingerprint = "hmac-sha256:" + mac.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// The 32-byte keyed hash of a code.
    public func hash(_ code: AccessCode) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Array(code.value.utf8), using: key))
    }
}

/// The deployment secret that keys access-code hashes.
///
/// Read, in order, from:
/// 1. the file named by `CENSUS_CODE_SECRET_FILE` (its bytes, trailing
///    newline removed), or
/// 2. the environment variable `CENSUS_CODE_SECRET`, or
/// 3. for demos and tests only, ``development`` — a fixed, public secret.
///    Never use it for real codes: anyone could verify guessed codes.
///
/// A secret must be at least 32 bytes.
public struct DeploymentSecret: Sendable {
    public static let fileVariable = "CENSUS_CODE_SECRET_FILE"
    public static let variable = "CENSUS_CODE_SECRET"
    public static let minimumLength = 32

    let bytes: [UInt8]
    /// Where the secret came from, for messages.
    public let source: String
    /// True for the public development secret.
    public let isDevelopment: Bool

    public init(bytes: [UInt8], source: String) throws(SecretError) {
        guard bytes.count >= DeploymentSecret.minimumLength else {
            throw .tooShort(source: source, length: bytes.count)
        }
        self.bytes = bytes
        self.source = source
        self.isDevelopment = false
    }

    private init(development: Void) {
        bytes = Array("census-development-secret-DO-NOT-USE-IN-PRODUCTION".utf8)
        source = "built-in development secret (public; demo only)"
        isDevelopment = true
    }

    /// The public development secret. Demo and tests only.
    public static let development = DeploymentSecret(development: ())

    /// Loads the secret from the environment, as described above.
    ///
    /// - parameter allowDevelopment: when true and nothing is configured,
    ///   returns ``development``; otherwise throws ``SecretError/notConfigured``.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment,
                            allowDevelopment: Bool) throws(SecretError) -> DeploymentSecret {
        if let path = environment[fileVariable], !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .unreadableFile(path: path)
            }
            var bytes = [UInt8](data)
            while let last = bytes.last, last == 10 || last == 13 { bytes.removeLast() }
            return try DeploymentSecret(bytes: bytes, source: "file \(path)")
        }
        if let value = environment[variable], !value.isEmpty {
            return try DeploymentSecret(bytes: Array(value.utf8), source: "environment variable \(variable)")
        }
        if allowDevelopment { return .development }
        throw .notConfigured
    }
}

/// Why the deployment secret could not be loaded.
public enum SecretError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    case notConfigured
    case unreadableFile(path: String)
    case tooShort(source: String, length: Int)
    case mismatch(expected: String, actual: String)

    public var description: String {
        switch self {
        case .notConfigured:
            return "no access-code secret configured. Set \(DeploymentSecret.fileVariable) to a file holding at least \(DeploymentSecret.minimumLength) random bytes (e.g. `head -c 48 /dev/urandom | base64 > secret`), or \(DeploymentSecret.variable); for a demo only, pass --dev-secret."
        case .unreadableFile(let path):
            return "cannot read the access-code secret file \(path) named by \(DeploymentSecret.fileVariable). Check the path and its permissions."
        case .tooShort(let source, let length):
            return "the access-code secret from \(source) is \(length) bytes; at least \(DeploymentSecret.minimumLength) are required."
        case .mismatch(let expected, let actual):
            return "the access-code secret does not match the one this frame's codes were issued with (frame has \(expected), this secret is \(actual)). Use the deployment's secret; codes cannot be checked with another."
        }
    }

    public var errorDescription: String? { description }
}
