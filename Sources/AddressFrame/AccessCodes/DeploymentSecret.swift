import DurableFiles
import Foundation

/// The deployment secret that keys access-code hashes.
///
/// Read, in order, from:
/// 1. the file named by `CENSUS_CODE_SECRET_FILE` (its bytes, trailing
///    newline removed), or
/// 2. the environment variable `CENSUS_CODE_SECRET`, or
/// 3. for demos and tests only, ``development`` — a fixed, public secret.
///    Never use it for real codes: anyone could verify guessed codes.
///
/// A secret must be at least 32 bytes, and look random: its estimated strength
/// (``estimatedBits(_:)``) at least ``minimumBits``. 32 × `a`, 32 spaces, 32 NUL bytes, a
/// repeated word or a run like `abcdef…` are refused (all were accepted before issue 13), and so
/// is the public development secret, unless it is asked for (`--dev-secret`).
public struct DeploymentSecret: Sendable {
    /// The environment variable naming a file that holds the secret (read first).
    public static let fileVariable = "CENSUS_CODE_SECRET_FILE"
    /// The environment variable holding the secret itself (read when no file is named).
    public static let variable = "CENSUS_CODE_SECRET"
    /// The fewest bytes a secret may have: 32 (256 bits if random), the HMAC-SHA256 key size.
    public static let minimumLength = 32
    /// The least estimated strength accepted, in bits. 80: a 32-character random hex string
    /// (128 real bits) estimates at 89–140 (mean 115), 32 random bytes at 140 or more, 48 random
    /// bytes in base64 at 300 or more; `password` repeated five times at 22.
    public static let minimumBits = 80.0

    let bytes: [UInt8]
    /// Where the secret came from, for messages.
    public let source: String
    /// True for the public development secret.
    public let isDevelopment: Bool

    /// A deployment secret.
    ///
    /// - throws: ``SecretError/tooShort(source:length:)``,
    ///   ``SecretError/tooWeak(source:estimatedBits:)``, or
    ///   ``SecretError/publicDevelopmentSecret(source:)`` for the development secret's bytes.
    public init(bytes: [UInt8], source: String) throws(SecretError) {
        if bytes == DeploymentSecret.developmentBytes { throw .publicDevelopmentSecret(source: source) }
        guard bytes.count >= DeploymentSecret.minimumLength else {
            throw .tooShort(source: source, length: bytes.count)
        }
        let bits = DeploymentSecret.estimatedBits(bytes)
        guard bits >= DeploymentSecret.minimumBits else { throw .tooWeak(source: source, estimatedBits: Int(bits)) }
        self.bytes = bytes
        self.source = source
        self.isDevelopment = false
    }

    private static let developmentBytes = Array("census-development-secret-DO-NOT-USE-IN-PRODUCTION".utf8)

    private init(development: Void) {
        bytes = DeploymentSecret.developmentBytes
        source = "built-in development secret (public; demo only)"
        isDevelopment = true
    }

    /// A conservative estimate of a secret's strength, in bits: the bytes that do not repeat
    /// an earlier stretch of 4 or more (`passwordpassword…` counts 8), times the smaller of two
    /// Shannon entropies per byte, of the bytes (few distinct bytes score low) and of the
    /// differences between bytes 1 to 4 apart (a run such as `abcdef…` or `012345…`, and a
    /// counter interleaved with a pattern such as `0102030405…0f10` or `a1b2c3…`, scores low;
    /// random secrets score as before: 3,000 random 32-character hex strings all stay at 89 or
    /// more). It cannot recognise words or keyboard walks: a long passphrase of dictionary words
    /// passes; make secrets with `head -c 48 /dev/urandom | base64`. (Only the first 4 KiB are
    /// looked at.)
    public static func estimatedBits(_ secret: [UInt8]) -> Double {
        let bytes = Array(secret.prefix(4096))
        guard bytes.count > 1 else { return 0 }
        func entropyPerByte(_ values: [UInt8]) -> Double {
            var counts = [Int](repeating: 0, count: 256)
            for v in values { counts[Int(v)] += 1 }
            return counts.reduce(0.0) { sum, c in
                guard c > 0 else { return sum }
                let p = Double(c) / Double(values.count)
                return sum - p * log2(p)
            }
        }
        // Differences at lags 1 to 4: a pattern with a period up to 4 has few distinct ones.
        let leastDifferenceEntropy = (1...4).filter { $0 < bytes.count }.map { lag in
            entropyPerByte(zip(bytes.dropFirst(lag), bytes).map { $0 &- $1 })
        }.min() ?? 0
        // Greedy parse, as LZ77 does: at each position the longest match with an earlier one;
        // a match of 4 or more is skipped whole, anything else is one novel byte.
        var novel = 0.0
        var i = 0
        while i < bytes.count {
            var longest = 0
            for j in 0..<i {
                var n = 0
                while i + n < bytes.count && bytes[j + n] == bytes[i + n] { n += 1 }
                longest = max(longest, n)
            }
            if longest >= 4 {
                i += longest
            } else {
                novel += 1
                i += 1
            }
        }
        return novel * min(entropyPerByte(bytes), leastDifferenceEntropy)
    }

    /// The public development secret. Demo and tests only.
    public static let development = DeploymentSecret(development: ())

    /// Loads the secret from the environment, as described above.
    ///
    /// - parameter allowDevelopment: when true and nothing is configured,
    ///   returns ``development``; otherwise throws ``SecretError/notConfigured``.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment,
                            allowDevelopment: Bool) throws(SecretError) -> DeploymentSecret {
        switch ConfiguredSecret.read(environment, fileVariable: fileVariable, variable: variable) {
        case .bytes(let bytes, let source): return try configured(bytes, source: source, allowDevelopment: allowDevelopment)
        case .unreadableFile(let path): throw .unreadableFile(path: path)
        case .none: break
        }
        if allowDevelopment { return .development }
        throw .notConfigured
    }

    /// A configured secret; the development secret's bytes only with `allowDevelopment` (and
    /// then as ``development``, so that the caller warns about it).
    private static func configured(_ bytes: [UInt8], source: String, allowDevelopment: Bool) throws(SecretError) -> DeploymentSecret {
        if bytes == developmentBytes {
            if allowDevelopment { return .development }
            throw .publicDevelopmentSecret(source: source)
        }
        return try DeploymentSecret(bytes: bytes, source: source)
    }
}

/// Why the deployment secret could not be loaded.
public enum SecretError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// Neither variable is set, and the development secret was not asked for.
    case notConfigured
    /// The file named by ``DeploymentSecret/fileVariable`` cannot be read.
    case unreadableFile(path: String)
    /// The secret has fewer than ``DeploymentSecret/minimumLength`` bytes (`length`), read from `source`.
    case tooShort(source: String, length: Int)
    /// The secret is long enough but not random enough (``DeploymentSecret/estimatedBits(_:)``).
    case tooWeak(source: String, estimatedBits: Int)
    /// The public development secret, configured as if it were the deployment's, without
    /// `--dev-secret` (`allowDevelopment`).
    case publicDevelopmentSecret(source: String)
    /// The frame's codes were issued under another secret: the frame's fingerprint (`expected`)
    /// and this secret's (`actual`).
    case mismatch(expected: String, actual: String)

    public var description: String {
        switch self {
        case .notConfigured:
            return "no access-code secret configured. Set \(DeploymentSecret.fileVariable) to a file holding at least \(DeploymentSecret.minimumLength) random bytes (e.g. `head -c 48 /dev/urandom | base64 > secret`), or \(DeploymentSecret.variable); for a demo only, pass --dev-secret."
        case .unreadableFile(let path):
            return "cannot read the access-code secret file \(path) named by \(DeploymentSecret.fileVariable). Check the path and its permissions."
        case .tooShort(let source, let length):
            return "the access-code secret from \(source) is \(length) bytes; at least \(DeploymentSecret.minimumLength) are required."
        case .tooWeak(let source, let bits):
            return "the access-code secret from \(source) is not random enough (estimated \(bits) bits, at least \(Int(DeploymentSecret.minimumBits)) required: it repeats a few characters, or runs like abcdef…). Make one with `head -c 48 /dev/urandom | base64 > secret`."
        case .publicDevelopmentSecret(let source):
            return "the access-code secret from \(source) is the public development secret, which anyone can use to check guessed codes. Configure the deployment's own secret (`head -c 48 /dev/urandom | base64 > secret`); for a demo only, pass --dev-secret."
        case .mismatch(let expected, let actual):
            let development = AccessCodeHasher(secret: .development).fingerprint
            let note = expected == development
                ? " This frame's codes were issued with the PUBLIC DEVELOPMENT SECRET (--dev-secret): they are not protected, and cannot be moved to another secret. For real use, import the households into a new frame and issue codes there with the deployment's secret."
                : actual == development ? " You are using the public development secret (--dev-secret); this frame's codes were issued with the deployment's secret: set \(DeploymentSecret.fileVariable)." : ""
            return "the access-code secret does not match the one this frame's codes were issued with (frame has \(expected), this secret is \(actual)). Use the deployment's secret; codes cannot be checked with another.\(note)"
        }
    }

    public var errorDescription: String? { description }
}
