import DurableFiles
import Foundation
import GRDB
import HummingbirdBcrypt
import HummingbirdOTP

/// The staff accounts of a census: sign-in names, roles, areas, bcrypt password hashes and
/// TOTP secrets, in one SQLite file, `staff.sqlite`, beside the store's manifest (mode 0600:
/// it holds the TOTP secrets).
///
/// Passwords are hashed with bcrypt (hummingbird-auth's `HummingbirdBcrypt`) at cost
/// ``defaultBcryptCost`` (12: 2^12 rounds, about 0.25 s per hash on one core of the 2-core
/// development machine, OWASP's recommended minimum is 10). Second factors are TOTP
/// (`HummingbirdOTP`, RFC 6238: SHA-1, 6 digits, 30-second steps), checked one step either
/// side for clock drift, and a code is accepted once only.
///
/// After ``maximumFailures`` wrong passwords or codes in a row, the account is locked for
/// ``lockoutDuration`` (kept in the file, so a restart does not unlock it); a successful
/// sign-in resets the count.
///
/// ```swift
/// let staff = try StaffDirectory.open(at: dir.appendingPathComponent(StaffDirectory.fileName))
/// let made = try staff.add(name: "ada", role: .supervisor, areas: ["E06000001"], password: pw)
/// print(made.enrolment!.uri)                    // shown once
/// switch staff.checkSignIn(name: "ada", password: pw, code: "123456") { ... }
/// ```
///
/// Bcrypt is slow by design: call ``add(name:role:areas:password:now:)`` and
/// ``checkSignIn(name:password:code:now:)`` off an event loop (the server runs them on
/// NIO's thread pool).
public final class StaffDirectory: Sendable {
    /// The conventional file name in a store directory, beside the store's manifest.
    public static let fileName = "staff.sqlite"
    /// bcrypt's cost (log2 of the rounds) for new passwords.
    public static let defaultBcryptCost: UInt8 = 12
    /// Wrong passwords or codes in a row before an account is locked.
    public static let maximumFailures = 5
    /// How long a locked account stays locked.
    public static let lockoutDuration: TimeInterval = 15 * 60
    /// The issuer named in TOTP enrolments (shown by authenticator apps).
    public static let issuer = "Census field"

    /// The directory file.
    public let path: String
    let queue: DatabaseQueue
    let bcryptCost: UInt8
    /// A hash to check passwords of unknown names against, so that an unknown name takes as
    /// long to refuse as a wrong password.
    private let decoyLock = NSLock()
    nonisolated(unsafe) private var decoy: String?

    private init(path: String, queue: DatabaseQueue, bcryptCost: UInt8) {
        self.path = path
        self.queue = queue
        self.bcryptCost = bcryptCost
    }

    /// Made on first use (it costs one bcrypt hash).
    private var decoyHash: String {
        decoyLock.withLock {
            if let decoy { return decoy }
            let made = Bcrypt.hash(UUID().uuidString, cost: bcryptCost)
            decoy = made
            return made
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-staff") { db in
            try db.execute(sql: """
                CREATE TABLE staff_account (
                  name TEXT PRIMARY KEY NOT NULL,
                  role TEXT NOT NULL CHECK (role IN ('field', 'supervisor', 'administrator')),
                  areas TEXT NOT NULL,
                  password_hash TEXT NOT NULL,
                  totp_secret TEXT,
                  totp_last_step INTEGER NOT NULL DEFAULT 0,
                  failed_attempts INTEGER NOT NULL DEFAULT 0,
                  locked_until_ms INTEGER,
                  disabled_at_ms INTEGER,
                  created_at_ms INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        return m
    }

    /// Opens (creating when missing, with `create`) the directory at `url`.
    ///
    /// - parameter bcryptCost: the cost for passwords set through this instance (4...31);
    ///   tests use 4, everything else ``defaultBcryptCost``.
    public static func open(at url: URL, create: Bool = true, readOnly: Bool = false,
                            bcryptCost: UInt8 = defaultBcryptCost) throws(FieldFileError) -> StaffDirectory {
        let queue = try FieldDatabase.open(at: url, kind: "a staff directory", table: "staff_account",
                                           create: create && !readOnly, readOnly: readOnly, migrator: migrator)
        return StaffDirectory(path: url.path, queue: queue, bcryptCost: min(31, max(4, bcryptCost)))
    }

    /// Closes the file; the directory cannot be used after it.
    public func close() { try? queue.close() }

    // MARK: Accounts

    /// Adds an account. Supervisors and administrators are enrolled for TOTP: the returned
    /// enrolment is the only time the secret is shown.
    ///
    /// - parameter password: at least 12 characters, at most 72 bytes (bcrypt reads no more).
    /// - throws: ``StaffDirectoryError``.
    public func add(name typedName: String, role: StaffRole, areas: [String], password: String,
                    now: Date = Date()) throws(StaffDirectoryError) -> NewStaffAccount {
        guard let name = StaffAccount.normalisedName(typedName) else { throw .invalidName(typedName) }
        try Self.checkPassword(password)
        let areas = try Self.checkAreas(areas)
        let hash = Bcrypt.hash(password, cost: bcryptCost)
        var enrolment: SecondFactorEnrolment?
        var secret: String?
        if role.requiresSecondFactor {
            let made = Self.newTOTPSecret()
            secret = made
            let uri = TOTP(secret: made).createAuthenticatorURL(label: "\(Self.issuer):\(name)", issuer: Self.issuer)
            enrolment = SecondFactorEnrolment(uri: uri, base32Secret: Self.secretParameter(of: uri))
        }
        let createdMs = Self.milliseconds(now)
        do {
            try queue.write { db in
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM staff_account WHERE name = ?", arguments: [name]) == true {
                    throw StaffDirectoryError.nameTaken(name)
                }
                try db.execute(sql: """
                    INSERT INTO staff_account (name, role, areas, password_hash, totp_secret, created_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [name, role.rawValue, areas.joined(separator: ","), hash, secret, createdMs])
            }
        } catch let e as StaffDirectoryError {
            throw e
        } catch {
            throw .file(.unwritable(path: path, reason: DurableFile.reason(error)))
        }
        let account = StaffAccount(name: name, role: role, areas: areas, hasSecondFactor: secret != nil,
                                   disabledAt: nil, lockedUntil: nil, createdAt: Date(timeIntervalSince1970: Double(createdMs) / 1000))
        return NewStaffAccount(account: account, enrolment: enrolment)
    }

    /// Every account, by name.
    public func accounts() throws(StaffDirectoryError) -> [StaffAccount] {
        do {
            return try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM staff_account ORDER BY name").map(Self.account)
            }
        } catch {
            throw .file(.unreadable(path: path, reason: DurableFile.reason(error)))
        }
    }

    /// The account named `name` (as typed: trimmed and lower-cased), or nil.
    public func account(_ name: String) throws(StaffDirectoryError) -> StaffAccount? {
        guard let name = StaffAccount.normalisedName(name) else { return nil }
        do {
            return try queue.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM staff_account WHERE name = ?", arguments: [name]).map(Self.account)
            }
        } catch {
            throw .file(.unreadable(path: path, reason: DurableFile.reason(error)))
        }
    }

    /// Disables an account: it can no longer sign in, and its open sessions end at their next
    /// request (the server reads the account on every request). Disabling twice is harmless.
    ///
    /// - returns: whether the account was active before.
    @discardableResult
    public func disable(_ typedName: String, now: Date = Date()) throws(StaffDirectoryError) -> Bool {
        guard let name = StaffAccount.normalisedName(typedName) else { throw .unknownAccount(typedName) }
        do {
            return try queue.write { db in
                guard let disabled = try Row.fetchOne(db, sql: "SELECT disabled_at_ms FROM staff_account WHERE name = ?", arguments: [name]) else {
                    throw StaffDirectoryError.unknownAccount(name)
                }
                guard (disabled["disabled_at_ms"] as Int64?) == nil else { return false }
                try db.execute(sql: "UPDATE staff_account SET disabled_at_ms = ? WHERE name = ?", arguments: [Self.milliseconds(now), name])
                return true
            }
        } catch let e as StaffDirectoryError {
            throw e
        } catch {
            throw .file(.unwritable(path: path, reason: DurableFile.reason(error)))
        }
    }

    // MARK: Sign-in

    /// Checks a sign-in and records its outcome (the failure count, the lockout, the TOTP step
    /// used). The password is checked before the code; a right password with no code asks for
    /// the code without counting a failure.
    ///
    /// - parameter code: the 6-digit TOTP code (spaces ignored), or empty.
    public func checkSignIn(name typedName: String, password: String, code: String,
                            now: Date = Date()) -> SignInDecision {
        guard let name = StaffAccount.normalisedName(typedName),
              let row = try? queue.read({ db in try Row.fetchOne(db, sql: "SELECT * FROM staff_account WHERE name = ?", arguments: [name]) })
        else {
            _ = Bcrypt.verify(password, hash: decoyHash)
            return .refused(.unknownName)
        }
        let account = Self.account(row)
        if let until = account.lockedUntil, until > now {
            return .refused(.locked(until: until))
        }
        guard Bcrypt.verify(password, hash: row["password_hash"]) else {
            return recordFailure(account, .wrongPassword, now: now)
        }
        if account.isDisabled { return .refused(.disabled) }
        if let secret = row["totp_secret"] as String? {
            let typed = code.filter { !$0.isWhitespace }
            if typed.isEmpty { return .refused(.codeRequired) }
            guard typed.count == 6, let value = Int(typed),
                  let step = Self.matchingStep(secret: secret, code: value, now: now),
                  step > (row["totp_last_step"] as Int64? ?? 0)
            else { return recordFailure(account, .wrongCode, now: now) }
            _ = try? queue.write { db in
                try db.execute(sql: "UPDATE staff_account SET totp_last_step = ?, failed_attempts = 0, locked_until_ms = NULL WHERE name = ?",
                               arguments: [step, name])
            }
        } else {
            _ = try? queue.write { db in
                try db.execute(sql: "UPDATE staff_account SET failed_attempts = 0, locked_until_ms = NULL WHERE name = ?", arguments: [name])
            }
        }
        var signedIn = account
        signedIn.lockedUntil = nil
        return .signedIn(signedIn)
    }

    func recordFailure(_ account: StaffAccount, _ refusal: SignInRefusal, now: Date) -> SignInDecision {
        let lockedUntil: Date? = try? queue.write { db in
            let failures = (try Int.fetchOne(db, sql: "SELECT failed_attempts FROM staff_account WHERE name = ?", arguments: [account.name]) ?? 0) + 1
            if failures >= Self.maximumFailures {
                let until = now.addingTimeInterval(Self.lockoutDuration)
                try db.execute(sql: "UPDATE staff_account SET failed_attempts = 0, locked_until_ms = ? WHERE name = ?",
                               arguments: [Self.milliseconds(until), account.name])
                return until
            }
            try db.execute(sql: "UPDATE staff_account SET failed_attempts = ? WHERE name = ?", arguments: [failures, account.name])
            return nil
        }
        if let lockedUntil { return .refused(.lockedNow(after: refusal, until: lockedUntil)) }
        return .refused(refusal)
    }

    /// The 30-second step (one either side of now) whose TOTP is `code`, or nil.
    static func matchingStep(secret: String, code: Int, now: Date) -> Int64? {
        let totp = TOTP(secret: secret)
        for offset in [0, -1, 1] {
            let at = now.addingTimeInterval(Double(offset * totp.timeStep))
            if totp.compute(date: at) == code {
                return Int64(at.timeIntervalSince1970 / Double(totp.timeStep))
            }
        }
        return nil
    }

    // MARK: Helpers

    static func account(_ row: Row) -> StaffAccount {
        let areas: String = row["areas"]
        return StaffAccount(
            name: row["name"], role: StaffRole(rawValue: row["role"]) ?? .field,
            areas: areas.isEmpty ? [] : areas.split(separator: ",").map(String.init),
            hasSecondFactor: (row["totp_secret"] as String?) != nil,
            disabledAt: (row["disabled_at_ms"] as Int64?).map { Date(timeIntervalSince1970: Double($0) / 1000) },
            lockedUntil: (row["locked_until_ms"] as Int64?).map { Date(timeIntervalSince1970: Double($0) / 1000) },
            createdAt: Date(timeIntervalSince1970: Double(row["created_at_ms"] as Int64) / 1000))
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    static func checkPassword(_ password: String) throws(StaffDirectoryError) {
        if password.count < 12 { throw .weakPassword(reason: "it has fewer than 12 characters") }
        if password.utf8.count > 72 { throw .weakPassword(reason: "it is longer than 72 bytes, which bcrypt would cut short") }
        if password.contains(where: { $0.isNewline || $0 == "\0" }) { throw .weakPassword(reason: "it contains a line break or NUL") }
    }

    static func checkAreas(_ areas: [String]) throws(StaffDirectoryError) -> [String] {
        var result: [String] = []
        for area in areas.map({ $0.trimmingCharacters(in: .whitespaces).uppercased() }) where !area.isEmpty {
            guard area.count <= 16, area.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) }) else {
                throw .invalidArea(area)
            }
            if !result.contains(area) { result.append(area) }
        }
        return result
    }

    /// 32 random characters from a 62-letter alphabet (190 bits): TOTP's key is their UTF-8
    /// bytes, as `HummingbirdOTP` takes a secret.
    static func newTOTPSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var rng = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
    }

    /// A new password for an account: 4 groups of 4 from a 32-letter alphabet without look-alikes
    /// (80 bits), e.g. `k7qz-3xbm-pt9d-hc2r`.
    public static func newPassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var rng = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String((0..<4).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }) }
            .joined(separator: "-")
    }

    static func secretParameter(of uri: String) -> String {
        guard let components = URLComponents(string: uri),
              let secret = components.queryItems?.first(where: { $0.name == "secret" })?.value else { return "" }
        return secret
    }
}

/// The outcome of a sign-in attempt.
public enum SignInDecision: Sendable, Equatable {
    /// Password (and code, when the role needs one) right: the account, its lockout cleared.
    case signedIn(StaffAccount)
    /// Not signed in, and why (for the audit log; the page words it vaguely).
    case refused(SignInRefusal)
}

/// Why a sign-in was refused. The page says the same for every wrong name, password or code,
/// so it does not tell a guesser which part was wrong; the audit log records which.
public enum SignInRefusal: Sendable, Equatable {
    /// No account of that name (checked against a decoy hash, so it takes as long as a wrong password).
    case unknownName
    /// The password does not match (a failure towards the lockout, ``StaffDirectory/maximumFailures``).
    case wrongPassword
    /// The password was right; the account needs a one-time code and none was typed.
    case codeRequired
    /// The one-time code does not match a 30-second step within one of now, or its step was
    /// used already (a failure towards the lockout).
    case wrongCode
    /// The password was right but the account is disabled.
    case disabled
    /// The account is locked until then (after earlier failures).
    case locked(until: Date)
    /// This failure locked the account.
    indirect case lockedNow(after: SignInRefusal, until: Date)

    /// For the audit log.
    public var auditDetail: String {
        switch self {
        case .unknownName: return "unknown name"
        case .wrongPassword: return "wrong password"
        case .codeRequired: return "one-time code required"
        case .wrongCode: return "wrong or reused one-time code"
        case .disabled: return "account disabled"
        case .locked(let until): return "account locked until \(ISO8601DateFormatter().string(from: until))"
        case .lockedNow(let after, let until): return "\(after.auditDetail); locked until \(ISO8601DateFormatter().string(from: until))"
        }
    }
}
