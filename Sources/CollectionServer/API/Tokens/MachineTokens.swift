import Crypto
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// What a machine token may do through the API (see `docs/server.md`, *Tokens and roles*).
public enum MachineRole: String, Sendable, CaseIterable, Codable {
    /// A paper-capture pipeline: submits keyed paper returns (`channel` `paper`) for any
    /// household in the frame, and reads any household's status.
    case ingest
    /// Field operations: reads any household's status (whether it has returned), nothing else.
    case status
}

/// One machine token as listed (never the token itself: only its hash is kept).
public struct MachineTokenRecord: Sendable, Equatable {
    /// The public id, `tok_` and 12 characters: shown by `census token list`, accepted by
    /// `census token revoke`, logged with the requests the token makes.
    public var id: String
    /// The name given at creation (unique among tokens not revoked).
    public var name: String
    /// What the token may do through the API.
    public var role: MachineRole
    /// When `census token create` made it (stored to the second).
    public var createdAt: Date
    /// When it stops working, or nil for never.
    public var expiresAt: Date?
    /// When `census token revoke` stopped it (it then authenticates nothing), or nil.
    public var revokedAt: Date?
    /// The last request it authenticated, to the minute (nil: never used).
    public var lastUsedAt: Date?

    /// Whether it authenticates requests at `now`.
    public func isActive(at now: Date = Date()) -> Bool {
        revokedAt == nil && (expiresAt.map { $0 > now } ?? true)
    }
}

/// Why a token operation failed.
public enum MachineTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The token file could not be opened, created or written.
    case unusable(path: String, reason: String)
    /// A name that is not 1–64 letters, digits, `.`, `_` or `-`.
    case invalidName(String)
    /// A token not revoked already has this name.
    case nameTaken(String)
    /// No token has this name or id.
    case notFound(String)

    /// The failure in words, for the CLI: what is wrong and what to do (names capped at 80 characters).
    public var description: String {
        switch self {
        case .unusable(let path, let reason): return "the token file \(path) cannot be used: \(reason)"
        case .invalidName(let name): return "the token name '\(name.prefix(80))' is not 1 to 64 letters, digits, '.', '_' or '-'"
        case .nameTaken(let name): return "a token named '\(name)' already exists (revoke it first, or choose another name)"
        case .notFound(let name): return "no token is named or has the id '\(name.prefix(80))'"
        }
    }
}

/// The machine tokens of a deployment: `tokens.sqlite` in the store directory (beside the
/// frame and the shards; mode 0600), made by `census token create`.
///
/// A token is `cen_m_` and 43 base64url characters (256 random bits); only its SHA-256 is
/// stored (a token is random and long, so a fast hash cannot be reversed by guessing, and
/// checking one costs microseconds per request). It is shown once, at creation.
///
/// Kept apart from the frame (which statisticians may be given) and from the shards (which
/// hold responses): credentials in a file of their own. The server reads it on every request
/// that carries a machine token, so a token created or revoked with the CLI takes effect at
/// once, with the server running.
///
/// ```swift
/// let tokens = try MachineTokens.open(at: dir.appendingPathComponent(MachineTokens.fileName), create: true)
/// let (token, record) = try tokens.create(name: "paper-capture", role: .ingest)
/// print(token)                         // cen_m_…, shown once
/// try tokens.revoke("paper-capture")   // by name or by record.id
/// ```
public final class MachineTokens: Sendable {
    /// The token file's name in a store directory.
    public static let fileName = "tokens.sqlite"
    static let prefix = "cen_m_"
    /// The token file's path, as opened.
    public let path: String
    private let pool: DatabasePool

    private init(path: String, pool: DatabasePool) {
        self.path = path
        self.pool = pool
    }

    /// Opens the token file; with `create`, makes it (mode 0600) when missing.
    ///
    /// - throws: ``MachineTokenError/unusable(path:reason:)`` (missing without `create`,
    ///   unreadable, not a token file).
    public static func open(at url: URL, create: Bool = false) throws(MachineTokenError) -> MachineTokens {
        let path = url.path
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists && !create { throw .unusable(path: path, reason: "no such file (make a token with `census token create`)") }
        if !exists {
            // Created empty with the right mode first: SQLite gives its -wal and -shm the same mode.
            let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            if fd < 0 && errno != EEXIST { throw .unusable(path: path, reason: String(cString: strerror(errno))) }
            if fd >= 0 { Glibc.close(fd) }
        }
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            configuration.label = "machine-tokens"
            let pool = try DatabasePool(path: path, configuration: configuration)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1-machine-tokens") { db in
                try db.execute(sql: """
                    CREATE TABLE machine_token (
                      id TEXT PRIMARY KEY,
                      name TEXT NOT NULL,
                      role TEXT NOT NULL,
                      token_sha256 BLOB NOT NULL UNIQUE,
                      created_at INTEGER NOT NULL,
                      expires_at INTEGER,
                      revoked_at INTEGER,
                      last_used_at INTEGER
                    );
                    CREATE UNIQUE INDEX machine_token_active_name ON machine_token(name) WHERE revoked_at IS NULL;
                    """)
            }
            try migrator.migrate(pool)
            return MachineTokens(path: path, pool: pool)
        } catch {
            throw .unusable(path: path, reason: "\(error)")
        }
    }

    /// Makes a token; returns it (shown once) and its record.
    ///
    /// - parameter expiresAt: when it stops working; nil for never (revoke it when done).
    /// - throws: ``MachineTokenError/invalidName(_:)``, ``MachineTokenError/nameTaken(_:)``,
    ///   ``MachineTokenError/unusable(path:reason:)``.
    public func create(name: String, role: MachineRole, expiresAt: Date? = nil, now: Date = Date()) throws(MachineTokenError) -> (token: String, record: MachineTokenRecord) {
        guard Self.isValidName(name) else { throw .invalidName(name) }
        var rng = SystemRandomNumberGenerator()
        let token = Self.prefix + Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let id = "tok_" + Base64URL.encode((0..<9).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let record = MachineTokenRecord(id: id, name: name, role: role, createdAt: Self.seconds(now), expiresAt: expiresAt.map(Self.seconds),
                                        revokedAt: nil, lastUsedAt: nil)
        do {
            try pool.write { db in
                if try Int.fetchOne(db, sql: "SELECT 1 FROM machine_token WHERE name = ? AND revoked_at IS NULL", arguments: [name]) != nil {
                    throw MachineTokenError.nameTaken(name)
                }
                try db.execute(sql: """
                    INSERT INTO machine_token (id, name, role, token_sha256, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [id, name, role.rawValue, Self.hash(token), Int64(now.timeIntervalSince1970),
                                     expiresAt.map { Int64($0.timeIntervalSince1970) }])
            }
        } catch let error as MachineTokenError {
            throw error
        } catch {
            throw .unusable(path: path, reason: "\(error)")
        }
        return (token, record)
    }

    /// Every token, in the order they were made (revoked ones too).
    public func list() throws(MachineTokenError) -> [MachineTokenRecord] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM machine_token ORDER BY rowid").map(Self.record)
            }
        } catch {
            throw .unusable(path: path, reason: "\(error)")
        }
    }

    /// Revokes the token not yet revoked with this name, else the token with this id; from
    /// now on the server refuses it (401). Revoking a revoked token changes nothing.
    ///
    /// - returns: the token's record, with ``MachineTokenRecord/revokedAt`` set.
    /// - throws: ``MachineTokenError/notFound(_:)``.
    public func revoke(_ nameOrID: String, now: Date = Date()) throws(MachineTokenError) -> MachineTokenRecord {
        do {
            return try pool.write { db in
                let row = try Row.fetchOne(db, sql: "SELECT * FROM machine_token WHERE name = ? AND revoked_at IS NULL", arguments: [nameOrID])
                    ?? Row.fetchOne(db, sql: "SELECT * FROM machine_token WHERE id = ?", arguments: [nameOrID])
                guard let row else { throw MachineTokenError.notFound(nameOrID) }
                var record = Self.record(row)
                if record.revokedAt == nil {
                    try db.execute(sql: "UPDATE machine_token SET revoked_at = ? WHERE id = ?", arguments: [Int64(now.timeIntervalSince1970), record.id])
                    record.revokedAt = Self.seconds(now)
                }
                return record
            }
        } catch let error as MachineTokenError {
            throw error
        } catch {
            throw .unusable(path: path, reason: "\(error)")
        }
    }

    /// What a presented token is.
    enum Verdict: Equatable {
        case valid(MachineTokenRecord)
        case unknown
        case revoked
        case expired
    }

    /// Looks a presented token up by its hash, and notes its use (at most once a minute).
    func verify(_ token: Substring, now: Date = Date()) throws -> Verdict {
        guard token.hasPrefix(Self.prefix), token.utf8.count < 128 else { return .unknown }
        let digest = Self.hash(String(token))
        guard let record = try pool.read({ db in
            try Row.fetchOne(db, sql: "SELECT * FROM machine_token WHERE token_sha256 = ?", arguments: [digest]).map(Self.record)
        }) else { return .unknown }
        if record.revokedAt != nil { return .revoked }
        if let expires = record.expiresAt, expires <= now { return .expired }
        if record.lastUsedAt.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
            // Best effort: a busy file must not fail the request it authenticates.
            try? pool.write { db in
                try db.execute(sql: "UPDATE machine_token SET last_used_at = ? WHERE id = ?", arguments: [Int64(now.timeIntervalSince1970), record.id])
            }
        }
        return .valid(record)
    }

    /// Whether `name` may name a token: 1–64 bytes of ASCII letters, digits, `.`, `_` or `-`
    /// (safe in logs and on a command line).
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x2D
        }
    }

    static func hash(_ token: String) -> Data {
        Data(SHA256.hash(data: Array(token.utf8)))
    }

    private static func seconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    private static func record(_ row: Row) -> MachineTokenRecord {
        let created: Int64 = row["created_at"]
        let expires: Int64? = row["expires_at"]
        let revoked: Int64? = row["revoked_at"]
        let used: Int64? = row["last_used_at"]
        return MachineTokenRecord(
            id: row["id"], name: row["name"], role: MachineRole(rawValue: row["role"]) ?? .status,
            createdAt: Date(timeIntervalSince1970: Double(created)),
            expiresAt: expires.map { Date(timeIntervalSince1970: Double($0)) },
            revokedAt: revoked.map { Date(timeIntervalSince1970: Double($0)) },
            lastUsedAt: used.map { Date(timeIntervalSince1970: Double($0)) })
    }
}
