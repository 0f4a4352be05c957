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
