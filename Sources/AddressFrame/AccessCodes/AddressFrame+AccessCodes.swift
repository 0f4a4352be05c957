import DurableFiles
import Foundation
import GRDB

/// Which kind of letter carries a code.
public enum LetterKind: String, Sendable, Codable, CaseIterable {
    /// The first letter every household receives.
    case initial
    /// A reminder letter, with a new code.
    case reminder
}

/// Which households get new codes.
public enum CodeSelection: Sendable {
    /// Every household that has no code yet, or whose codes are all revoked.
    case withoutActiveCode
    /// The listed households (reissue). Each gets a new code; earlier codes
    /// keep working unless `revokePrevious` is set.
    case households([String])
}

extension AddressFrame {
    /// Checks that `hasher` uses the secret the frame's codes were issued
    /// with (by the secret's fingerprint), recording it on first use.
    func checkSecret(_ hasher: AccessCodeHasher, db: Database, record: Bool) throws {
        let stored = try String.fetchOne(db, sql: "SELECT value FROM frame_meta WHERE key = 'secret_fingerprint'")
        if let stored {
            if stored != hasher.fingerprint { throw SecretError.mismatch(expected: stored, actual: hasher.fingerprint) }
        } else if record {
            try db.execute(sql: "INSERT INTO frame_meta(key, value) VALUES ('secret_fingerprint', ?)", arguments: [hasher.fingerprint])
        }
    }

    /// Checks that `hasher` uses the secret this frame's codes were issued with (compared by
    /// the secret's fingerprint), so that a server started with the wrong secret says so at
    /// once instead of refusing every household's code.
    ///
    /// - throws: ``SecretError/mismatch(expected:actual:)``. A frame with no codes issued yet
    ///   accepts any secret.
    public func verifySecret(_ hasher: AccessCodeHasher) throws {
        try queue.read { db in try checkSecret(hasher, db: db, record: false) }
    }

    /// Finds the household of a typed access code: the login step of the online questionnaire.
    ///
    /// The text is normalised first (case, spaces and dashes ignored); a
    /// malformed code fails with ``CodeLookupError/malformed(_:)`` without
    /// touching the database.
    ///
    /// ```swift
    /// do {
    ///     let household = try frame.lookup(code: "k7qz 3xbm-pt9d-hc2r", hasher: hasher)
    /// } catch {
    ///     switch error {
    ///     case .malformed, .notFound, .revoked: ...        // the respondent's: 401
    ///     case .secretMismatch, .frameUnavailable: ...     // the deployment's: 503
    ///     }
    /// }
    /// ```
    ///
    /// - throws: ``CodeLookupError``, typed, so a front end can tell the respondent's mistake
    ///   from a fault of the deployment.
    public func lookup(code typed: String, hasher: AccessCodeHasher) throws(CodeLookupError) -> Household {
        let hash = try Self.storedHash(ofTyped: typed, hasher)
        do {
            return try queue.read { db in
                try checkSecret(hasher, db: db, record: false)
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT h.*, c.revoked_at FROM access_code c JOIN household h USING (household_id)
                    WHERE c.code_hash = ?
                    """, arguments: [hash]) else {
                    throw CodeLookupError.notFound
                }
                if let revokedAt: Int64 = row["revoked_at"] {
                    throw CodeLookupError.revoked(householdID: row["household_id"],
                                                  at: Date(timeIntervalSince1970: Double(revokedAt) / 1_000_000))
                }
                return AddressFrame.household(row)
            }
        } catch {
            throw lookupError(error)
        }
    }

    /// The keyed hash of a typed code, as the frame stores it; text that is not a code is
    /// ``CodeLookupError/malformed(_:)``.
    static func storedHash(ofTyped typed: String, _ hasher: AccessCodeHasher) throws(CodeLookupError) -> Data {
        do { return hasher.hash(try AccessCode(typed: typed)) } catch { throw .malformed(error) }
    }

    /// What a failed lookup (household or individual code) says: a ``CodeLookupError`` as it
    /// is, a secret that is not the frame's as ``CodeLookupError/secretMismatch(_:)``, anything
    /// else (SQLite's, a file's) as ``CodeLookupError/frameUnavailable(path:reason:)``.
    func lookupError(_ error: any Error) -> CodeLookupError {
        switch error {
        case let e as CodeLookupError: return e
        case let e as SecretError: return .secretMismatch(e)
        default:
            let reason = (error as? DatabaseError).map { $0.message ?? "\($0.resultCode)" } ?? DurableFile.reason(error)
            return .frameUnavailable(path: path, reason: reason)
        }
    }

    /// Revokes one code. Returns false when the code is unknown or already
    /// revoked.
    ///
    /// - Throws: ``CodeLookupError/malformed(_:)`` for text that is not a code;
    ///   ``SecretError/mismatch(expected:actual:)`` when `hasher`'s secret is not the one the
    ///   frame's codes were issued with; ``FrameError`` when the write fails.
    @discardableResult
    public func revoke(code typed: String, hasher: AccessCodeHasher, now: Date = Date()) throws -> Bool {
        let hash = try Self.storedHash(ofTyped: typed, hasher)
        let micros = Int64((now.timeIntervalSince1970 * 1_000_000).rounded())
        do {
            return try queue.write { db in
                try checkSecret(hasher, db: db, record: false)
                try db.execute(sql: "UPDATE access_code SET revoked_at = ? WHERE code_hash = ? AND revoked_at IS NULL",
                               arguments: [micros, hash])
                return db.changesCount == 1
            }
        } catch {
            throw FrameError.map(error, path: path)
        }
    }

    /// Revokes every active code of a household. Returns how many.
    ///
    /// - throws: ``FrameError/unknownHousehold(_:)`` when the household is
    ///   not in the frame.
    @discardableResult
    public func revokeAll(householdID: String, now: Date = Date()) throws -> Int {
        let micros = Int64((now.timeIntervalSince1970 * 1_000_000).rounded())
        do { return try queue.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM household WHERE household_id = ?", arguments: [householdID]) == true else {
                throw FrameError.unknownHousehold(householdID)
            }
            try db.execute(sql: "UPDATE access_code SET revoked_at = ? WHERE household_id = ? AND revoked_at IS NULL",
                           arguments: [micros, householdID])
            return db.changesCount
        } } catch {
            throw FrameError.map(error, path: path)
        }
    }

    /// Which secret the frame's codes are keyed with, by the fingerprint recorded when the
    /// first codes were issued.
    public enum SecretInUse: Sendable, Equatable {
        /// No code was issued yet.
        case none
        /// The public development secret (`--dev-secret`): demo only.
        case development
        /// A deployment secret, with its (non-secret) fingerprint.
        case deployment(fingerprint: String)
    }

    /// The secret the frame's codes are keyed with (`census frame stats` shows it).
    ///
    /// - Throws: GRDB's `DatabaseError` when the frame cannot be read.
    public func secretInUse() throws -> SecretInUse {
        let stored = try queue.read { try String.fetchOne($0, sql: "SELECT value FROM frame_meta WHERE key = 'secret_fingerprint'") }
        guard let stored else { return .none }
        return stored == AccessCodeHasher(secret: .development).fingerprint ? .development : .deployment(fingerprint: stored)
    }

    /// Counts of codes ever issued, of those not revoked, and of households holding at least
    /// one code not revoked.
    ///
    /// - Throws: GRDB's `DatabaseError` when the frame cannot be read.
    public func codeCounts() throws -> (issued: Int, active: Int, householdsWithActiveCode: Int) {
        try queue.read { db in
            let issued = try Int.fetchOne(db, sql: "SELECT count(*) FROM access_code") ?? 0
            let active = try Int.fetchOne(db, sql: "SELECT count(*) FROM access_code WHERE revoked_at IS NULL") ?? 0
            let hh = try Int.fetchOne(db, sql: "SELECT count(DISTINCT household_id) FROM access_code WHERE revoked_at IS NULL") ?? 0
            return (issued, active, hh)
        }
    }
}
