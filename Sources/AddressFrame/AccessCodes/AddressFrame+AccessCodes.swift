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

/// The outcome of issuing codes.
public struct CodeIssueSummary: Sendable {
    /// The number of codes issued (one per household).
    public var issued: Int
    /// The number of earlier codes revoked.
    public var revoked: Int
    /// The letters file written.
    public var lettersFile: String
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

    /// Issues a new code to each selected household and writes the codes,
    /// once, to a letters file for printing and mailing.
    ///
    /// The letters file is CSV:
    /// `household_id,letter,access_code,address_line_1,address_line_2,address_line_3,postcode`.
    /// The codes exist nowhere else: the frame keeps only their keyed hashes.
    ///
    /// Crash safety: the letters are first written to a temporary file beside
    /// `lettersFile` and fsynced; then the code hashes are committed in one
    /// transaction; then the file is linked to its final name (never
    /// overwriting an existing file). If the transaction fails, the temporary
    /// file is deleted and no code was issued.
    ///
    /// - parameter revokePrevious: revoke the household's earlier codes (for
    ///   a lost or compromised letter). By default earlier codes keep working.
    @discardableResult
    public func issueCodes(
        _ selection: CodeSelection,
        letter: LetterKind,
        hasher: AccessCodeHasher,
        lettersFile: URL,
        revokePrevious: Bool = false,
        now: Date = Date()
    ) throws -> CodeIssueSummary {
        let fm = FileManager.default
        if fm.fileExists(atPath: lettersFile.path) { throw FrameError.lettersFileExists(path: lettersFile.path) }

        // Choose the households, noting how many codes exist: if another process issues codes
        // before this one commits, the choice is stale (see the transaction below).
        var codesAtSelection = 0
        let households: [Household] = try queue.read { db in
            try checkSecret(hasher, db: db, record: false)
            codesAtSelection = try Int.fetchOne(db, sql: "SELECT count(*) FROM access_code") ?? 0
            switch selection {
            case .withoutActiveCode:
                return try Row.fetchAll(db, sql: """
                    SELECT * FROM household h
                    WHERE NOT EXISTS (SELECT 1 FROM access_code c
                                      WHERE c.household_id = h.household_id AND c.revoked_at IS NULL)
                    ORDER BY household_id
                    """).map(AddressFrame.household)
            case .households(let ids):
                return try ids.map { id in
                    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM household WHERE household_id = ?", arguments: [id]) else {
                        throw FrameError.unknownHousehold(id)
                    }
                    return AddressFrame.household(row)
                }
            }
        }

        // Nothing to issue: no letters file either (an empty one would only confuse).
        if households.isEmpty { return CodeIssueSummary(issued: 0, revoked: 0, lettersFile: "") }

        // Draw codes (distinct within the batch; collisions with stored codes
        // are caught by the primary key and redrawn below).
        var codes: [AccessCode] = []
        codes.reserveCapacity(households.count)
        var drawn = Set<String>()
        for _ in households {
            var c = AccessCode.random()
            while !drawn.insert(c.value).inserted { c = AccessCode.random() }
            codes.append(c)
        }
        var hashes = codes.map(hasher.hash)

        // Make sure no drawn code already exists (probability ~ n²/2⁷⁶).
        try queue.read { db in
            for i in hashes.indices {
                var attempts = 0
                while try Bool.fetchOne(db, sql: "SELECT 1 FROM access_code WHERE code_hash = ?", arguments: [hashes[i]]) == true {
                    attempts += 1
                    precondition(attempts < 100, "random source is broken")
                    codes[i] = AccessCode.random()
                    hashes[i] = hasher.hash(codes[i])
                }
            }
        }

        // 1. Letters to a temporary file, fsynced.
        let dir = lettersFile.deletingLastPathComponent()
        try DurableFile.createDirectory(dir, what: "the directory of the letters file")
        let tmp = dir.appendingPathComponent(".\(lettersFile.lastPathComponent).partial-\(UUID().uuidString)")
        var text = CSV.line(["household_id", "letter", "access_code", "address_line_1", "address_line_2", "address_line_3", "postcode"])
        for (h, c) in zip(households, codes) {
            text += CSV.line([h.householdID, letter.rawValue, c.formatted, h.addressLine1, h.addressLine2, h.addressLine3, h.postcode])
        }
        Interruption.register(tmp.path)
        defer { Interruption.unregister(tmp.path) }
        var committed = false
        defer { if !committed { unlink(tmp.path) } }
        try DurableFile.writeNew(Data(text.utf8), to: tmp)

        // 2. Hashes, in one transaction, and 3. the letters published: an interruption
        // (Ctrl-C) waits for both, so codes never exist without their letters file.
        let micros = Int64((now.timeIntervalSince1970 * 1_000_000).rounded())
        var revoked = 0
        do { try Interruption.uninterruptible {
            // BEGIN IMMEDIATE: the count below and the inserts see the same state.
            try queue.writeWithoutTransaction { db in try db.inTransaction(.immediate) {
                try checkSecret(hasher, db: db, record: true)
                // Codes are only ever added, so a different count means another process issued
                // codes since the households were chosen: for first codes, some of them may now
                // have one. Refuse rather than give them two.
                if case .withoutActiveCode = selection,
                   try Int.fetchOne(db, sql: "SELECT count(*) FROM access_code") != codesAtSelection {
                    throw FrameError.concurrentIssue
                }
                if revokePrevious {
                    let revoke = try db.makeStatement(sql: "UPDATE access_code SET revoked_at = ? WHERE household_id = ? AND revoked_at IS NULL")
                    for h in households {
                        try revoke.execute(arguments: [micros, h.householdID])
                        revoked += db.changesCount
                    }
                }
                let insert = try db.makeStatement(sql: "INSERT INTO access_code(code_hash, household_id, letter, issued_at) VALUES (?, ?, ?, ?)")
                for (h, hash) in zip(households, hashes) {
                    try insert.execute(arguments: [hash, h.householdID, letter.rawValue, micros])
                }
                return .commit
            } }
            committed = true

            // 3. Publish the letters file under its final name, never overwriting.
            guard link(tmp.path, lettersFile.path) == 0 else {
                let reason = String(cString: strerror(errno))
                Interruption.unregister(tmp.path)  // it holds the only copy of the issued codes
                throw FrameError.unreadable(path: lettersFile.path, reason: "codes were issued and their letters are in \(tmp.path), but it could not be linked to \(lettersFile.path) (\(reason)); rename it by hand")
            }
            // Published: the temporary name is no longer unfinished output (an interruption
            // from here on removes nothing and reports the codes as issued).
            unlink(tmp.path)
            Interruption.unregister(tmp.path)
            Interruption.commitPoint()
        } } catch {
            throw FrameError.map(error, path: path)
        }
        DurableFile.syncDirectory(dir)
        return CodeIssueSummary(issued: households.count, revoked: revoked, lettersFile: lettersFile.path)
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
        let code: AccessCode
        do {
            code = try AccessCode(typed: typed)
        } catch {
            throw .malformed(error)
        }
        let hash = hasher.hash(code)
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
        } catch let e as CodeLookupError {
            throw e
        } catch let e as SecretError {
            throw .secretMismatch(e)
        } catch {
            let reason = (error as? DatabaseError).map { $0.message ?? "\($0.resultCode)" } ?? DurableFile.reason(error)
            throw .frameUnavailable(path: path, reason: reason)
        }
    }

    /// Revokes one code. Returns false when the code is unknown or already
    /// revoked.
    @discardableResult
    public func revoke(code typed: String, hasher: AccessCodeHasher, now: Date = Date()) throws -> Bool {
        let code: AccessCode
        do { code = try AccessCode(typed: typed) } catch { throw CodeLookupError.malformed(error) }
        let hash = hasher.hash(code)
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

    /// Counts of issued and active codes.
    public func codeCounts() throws -> (issued: Int, active: Int, householdsWithActiveCode: Int) {
        try queue.read { db in
            let issued = try Int.fetchOne(db, sql: "SELECT count(*) FROM access_code") ?? 0
            let active = try Int.fetchOne(db, sql: "SELECT count(*) FROM access_code WHERE revoked_at IS NULL") ?? 0
            let hh = try Int.fetchOne(db, sql: "SELECT count(DISTINCT household_id) FROM access_code WHERE revoked_at IS NULL") ?? 0
            return (issued, active, hh)
        }
    }
}
