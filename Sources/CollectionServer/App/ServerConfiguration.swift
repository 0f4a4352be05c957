import AddressFrame
import DurableFiles
import FieldOperations
import Foundation
import ResponseStore

/// How a collection server runs: where it listens, what it serves, its secrets and limits.
///
/// ```swift
/// var configuration = ServerConfiguration(storeDirectory: dir, schemaFile: schemaURL,
///                                         codeSecret: try DeploymentSecret.load(allowDevelopment: false),
///                                         sessionKey: try SessionKey.load())
/// configuration.port = 8080
/// ```
public struct ServerConfiguration: Sendable {
    /// The address to listen on. Default `127.0.0.1` (this machine only).
    public var host: String = "127.0.0.1"
    /// The TCP port. Default 8080; 0 lets the system choose one.
    public var port: Int = 8080
    /// The store directory: `manifest.json`, `shards/` and `frame.sqlite` (as made by
    /// `census frame …` and `census store init`).
    public var storeDirectory: URL
    /// The compiled questionnaire schema (`census compile`) the households answer.
    public var schemaFile: URL
    /// The secret access codes were issued with (see `docs/storage.md`).
    public var codeSecret: DeploymentSecret
    /// The key that signs session cookies and derives CSRF tokens.
    public var sessionKey: SessionKey
    /// Mark cookies `Secure` (served over HTTPS, or behind a proxy that terminates TLS).
    public var secureCookies: Bool = false
    /// Trust `X-Forwarded-For` and `X-Forwarded-Proto` from a reverse proxy in front of the
    /// server: the client address for rate limits, and `Secure` cookies when the proxy says
    /// the request came over HTTPS. Off by default: a client could forge them.
    public var trustProxy: Bool = false
    /// A session ends after this long without a request (45 minutes, as the census's online
    /// service did); answers are kept, the household signs in again with its code.
    public var sessionTimeout: Duration = .seconds(45 * 60)
    /// How long a household's API token (`POST /api/v1/auth`) lasts: 30 minutes. Tokens are
    /// signed, not stored, so they cannot be revoked before they expire; an app signs in
    /// again with the code when its token has expired.
    public var householdTokenLifetime: Duration = .seconds(30 * 60)
    /// The largest request body accepted, in bytes (64 KiB): a page of answers is far
    /// smaller; anything bigger is refused with 413 before it is read.
    public var maxBodyBytes: Int = 64 * 1024
    /// A connection with no request in progress and nothing read or written for this long
    /// is closed (60 s, below the 75 s nginx keeps idle connections): a client that opens
    /// connections and never finishes a request, or an HTTP/1.0 client the server cannot
    /// tell to close, does not hold a file descriptor for ever.
    public var idleConnectionTimeout: Duration = .seconds(60)
    /// Access-code attempts before a lockout (see ``LoginLimits``); also the staff sign-in
    /// page's limit of wrong sign-ins per client address.
    public var loginLimits: LoginLimits = LoginLimits()
    /// A staff session ends after this long without a request (30 minutes: staff pages show
    /// households' returns, on shared office machines).
    public var staffSessionTimeout: Duration = .seconds(30 * 60)
    /// bcrypt's cost for staff passwords set by the server (see ``StaffDirectory/defaultBcryptCost``).
    /// Checking a password costs what its hash was made with, whatever this says.
    public var staffBcryptCost: UInt8 = StaffDirectory.defaultBcryptCost

    /// A configuration of what a deployment must supply (the store directory made by `census
    /// store init`, the compiled schema, the access-code secret, the session key); every
    /// other setting starts at the default documented beside it.
    public init(storeDirectory: URL, schemaFile: URL, codeSecret: DeploymentSecret, sessionKey: SessionKey) {
        self.storeDirectory = storeDirectory
        self.schemaFile = schemaFile
        self.codeSecret = codeSecret
        self.sessionKey = sessionKey
    }
}

/// How often access codes may be tried before entry is locked for a while.
///
/// Wrong codes are counted per client address (a guesser); successful sign-ins per household
/// (a code that leaked and is being used from many places). Either limit reached locks that
/// client or household out until its window has passed; the page says how long to wait.
public struct LoginLimits: Sendable {
    /// Wrong codes allowed from one client address within ``window``.
    public var failuresPerClient: Int = 10
    /// Sign-ins allowed to one household within ``window``.
    public var signInsPerHousehold: Int = 20
    /// The window, and the lockout once a limit is reached.
    public var window: Duration = .seconds(15 * 60)

    /// Limits as given; the defaults (10 wrong codes per client address, 20 sign-ins per
    /// household, in 15 minutes) are the server's.
    public init(failuresPerClient: Int = 10, signInsPerHousehold: Int = 20, window: Duration = .seconds(15 * 60)) {
        self.failuresPerClient = failuresPerClient
        self.signInsPerHousehold = signInsPerHousehold
        self.window = window
    }
}

/// The key that signs session cookies (HMAC-SHA256) and derives CSRF tokens.
///
/// Read from the file named by `CENSUS_SESSION_KEY_FILE`, else from `CENSUS_SESSION_KEY`;
/// at least 32 bytes. Every server node of a deployment needs the same key, and keeping it
/// across restarts is what lets a household carry on after one.
public struct SessionKey: Sendable {
    /// The environment variable naming a file that holds the key (read first).
    public static let fileVariable = "CENSUS_SESSION_KEY_FILE"
    /// The environment variable holding the key itself (when no file is named).
    public static let variable = "CENSUS_SESSION_KEY"
    /// The shortest key accepted, in bytes (256 bits, HMAC-SHA256's own key size).
    public static let minimumLength = 32

    let bytes: [UInt8]
    /// Where the key came from, for messages.
    public let source: String

    /// A key from its bytes; throws when shorter than ``minimumLength``.
    public init(bytes: [UInt8], source: String) throws(SessionKeyError) {
        guard bytes.count >= SessionKey.minimumLength else { throw .tooShort(source: source, length: bytes.count) }
        self.bytes = bytes
        self.source = source
    }

    /// A new random key (for tests and for the demo, which keeps it in a file of its store).
    public static func random() -> SessionKey {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<48).map { _ in UInt8.random(in: 0...255, using: &rng) }
        // 48 bytes always satisfy the minimum.
        return (try? SessionKey(bytes: bytes, source: "random")) ?? SessionKey(unchecked: bytes)
    }

    private init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
        self.source = "random"
    }

    /// Loads the key from the environment, as described above.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(SessionKeyError) -> SessionKey {
        switch ConfiguredSecret.read(environment, fileVariable: fileVariable, variable: variable) {
        case .bytes(let bytes, let source): return try SessionKey(bytes: bytes, source: source)
        case .unreadableFile(let path): throw .unreadableFile(path: path)
        case .none: break
        }
        throw .notConfigured
    }

    /// Writes a new random key to `url` (mode 0600, never over an existing file) and returns it.
    public static func createFile(at url: URL) throws -> SessionKey {
        let key = random()
        let text = Data(key.bytes.map { String(format: "%02x", $0) }.joined().utf8 + [10])
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw SessionKeyError.unwritableFile(path: url.path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == text.count, fsync(fd) == 0 else {
            throw SessionKeyError.unwritableFile(path: url.path, reason: String(cString: strerror(errno)))
        }
        return try SessionKey(bytes: Array(text.dropLast()), source: "file \(url.path)")
    }
}

/// Why the session key could not be loaded.
public enum SessionKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither ``SessionKey/fileVariable`` nor ``SessionKey/variable`` is set.
    case notConfigured
    /// The file named by ``SessionKey/fileVariable`` cannot be read.
    case unreadableFile(path: String)
    /// ``SessionKey/createFile(at:)`` could not write its file (it exists already, or the
    /// directory is not writable), with the system's reason.
    case unwritableFile(path: String, reason: String)
    /// The key has `length` bytes, fewer than ``SessionKey/minimumLength``.
    case tooShort(source: String, length: Int)

    /// What is wrong and what to do, as `census serve` prints it.
    public var description: String {
        switch self {
        case .notConfigured:
            return "no session key configured. Set \(SessionKey.fileVariable) to a file holding at least \(SessionKey.minimumLength) random bytes (e.g. `head -c 48 /dev/urandom | base64 > session.key`), or \(SessionKey.variable). Every server of a deployment needs the same key."
        case .unreadableFile(let path):
            return "cannot read the session key file \(path) named by \(SessionKey.fileVariable). Check the path and its permissions."
        case .unwritableFile(let path, let reason):
            return "cannot write the session key file \(path): \(reason)."
        case .tooShort(let source, let length):
            return "the session key from \(source) is \(length) bytes; at least \(SessionKey.minimumLength) are required."
        }
    }
}
