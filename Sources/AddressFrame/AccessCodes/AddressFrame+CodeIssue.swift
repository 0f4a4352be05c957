import DurableFiles
import Foundation
import GRDB
import UnfinishedOutput

#if canImport(Glibc)
import Glibc
#endif

/// The outcome of issuing codes.
public struct CodeIssueSummary: Sendable {
    /// The number of codes issued (one per household).
    public var issued: Int
    /// The number of earlier codes revoked (`revokePrevious`).
    public var revoked: Int
    /// The letters file written ("" when nothing was issued: no file is written then).
    public var lettersFile: String
    /// Earlier runs that were interrupted after their codes were committed and before their
    /// letters file was published, and what this run did about each (see ``InterruptedIssue``).
    public var recovered: [InterruptedIssue] = []
}

/// A run of `codes issue` or `codes reissue` that was interrupted (killed, a power cut) after
/// its codes were committed but before its letters file was published, found and settled by
/// the next run (``AddressFrame/issueCodes(_:letter:hasher:lettersFile:revokePrevious:now:progress:)``).
public struct InterruptedIssue: Sendable, Equatable {
    /// What the next run did with the interrupted run's codes.
    public enum Outcome: Sendable, Equatable {
        /// Its letters file was intact (checked against its SHA-256, recorded with the codes):
        /// it was published under its name, as the interrupted run would have.
        case published
        /// Its letters could not be published (`reason`: the temporary file is missing or
        /// damaged, or the name is taken): its codes were revoked, so that no live code exists
        /// without a letter. Their households have no active code again: `codes issue` gives
        /// them new ones (this run does, when it is `codes issue`).
        case revoked(reason: String)
    }

    /// The letters file the interrupted run was writing.
    public var lettersFile: String
    /// The number of codes it had issued.
    public var codes: Int
    /// Whether its letters were published or its codes revoked.
    public var outcome: Outcome
}

extension AddressFrame {
    /// The number of households read, drawn and written at a time: memory stays bounded by it.
    static let issueBatchSize = 10_000

    /// Issues a new code to each selected household and writes the codes, once, to a letters
    /// file for printing and mailing.
    ///
    /// The letters file is CSV:
    /// `household_id,letter,access_code,address_line_1,address_line_2,address_line_3,postcode`,
    /// each cell neutralised for spreadsheets (``CSV/neutralized(_:)``). The codes exist nowhere
    /// else: the frame keeps only their keyed hashes. It is a new file, mode 0600; an existing
    /// name, even a symbolic link to nothing, is refused before anything is done.
    ///
    /// Order, so that a code is on disk before any letter with it is published, and no code is
    /// live without its letter:
    /// 1. one `BEGIN IMMEDIATE` transaction (a second issuing process waits for it, up to 10 s,
    ///    then sees these codes): first, earlier interrupted runs are settled
    ///    (``InterruptedIssue``); then households are read, given codes and written to a
    ///    temporary letters file beside `lettersFile` (`.NAME.partial-…`), ``issueBatchSize`` at
    ///    a time, so memory does not grow with the frame (1,000,000 households: see BENCHMARKS.md);
    /// 2. the temporary file is fsynced (and its directory); the transaction records it (path,
    ///    number of codes, SHA-256) and commits, fsynced (`synchronous = FULL`);
    /// 3. the file is hard-linked to `lettersFile` (never overwriting), the directory fsynced,
    ///    and the run marked published.
    /// A failure before 2 rolls everything back and removes the temporary file. A kill between
    /// 2 and 3 leaves committed codes and a complete temporary file: the next run finds them
    /// and publishes the file, or, if it cannot (missing, damaged, name taken), revokes those
    /// codes, and says which in ``CodeIssueSummary/recovered``.
    ///
    /// Codes come from the system's cryptographic random source (`getrandom(2)`), waited for at
    /// most 30 s when it is not ready; a code that already exists is drawn again, at most 16
    /// times in a row
    /// (``AccessCodeRandomnessError``, nothing issued).
    ///
    /// - parameter revokePrevious: revoke the household's earlier codes (for a lost or
    ///   compromised letter). By default earlier codes keep working.
    /// - parameter progress: called now and then (every 4,096 households, and at the end) with
    ///   the households given a code so far and the households selected, on the calling
    ///   thread; a million codes take tens of seconds.
    @discardableResult
    public func issueCodes(
        _ selection: CodeSelection,
        letter: LetterKind,
        hasher: AccessCodeHasher,
        lettersFile: URL,
        revokePrevious: Bool = false,
        now: Date = Date(),
        progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> CodeIssueSummary {
        var drawing = AccessCodeDrawing(source: SystemRandomSource())
        return try issueCodes(selection, letter: letter, hasher: hasher, lettersFile: lettersFile,
                              revokePrevious: revokePrevious, now: now, drawing: &drawing, progress: progress)
    }

    /// ``issueCodes(_:letter:hasher:lettersFile:revokePrevious:now:progress:)`` with codes from
    /// `drawing` (`package`: tests give it a source that stalls or repeats itself).
    @discardableResult
    package func issueCodes<Source: RandomByteSource>(
        _ selection: CodeSelection,
        letter: LetterKind,
        hasher: AccessCodeHasher,
        lettersFile: URL,
        revokePrevious: Bool = false,
        now: Date = Date(),
        drawing: inout AccessCodeDrawing<Source>,
        progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> CodeIssueSummary {
        let target = lettersFile.standardizedFileURL
        var st = stat()
        if lstat(target.path, &st) == 0 {
            let link = (st.st_mode & S_IFMT) == S_IFLNK && stat(target.path, &st) != 0
            throw FrameError.lettersFileExists(path: target.path + (link ? " (a symbolic link to a file that does not exist)" : ""))
        }
        let dir = target.deletingLastPathComponent()
        try DurableFile.createDirectory(dir, what: "the directory of the letters file")
        let micros = Int64((now.timeIntervalSince1970 * 1_000_000).rounded())
        let letters = try LettersFile(beside: target)
        defer { letters.discard() }

        var summary = CodeIssueSummary(issued: 0, revoked: 0, lettersFile: "")
        try issueTransaction(publishing: letters, as: target, now: micros) { db in
            try checkSecret(hasher, db: db, record: false)
            summary.recovered = try settleInterruptedIssues(db, now: micros)
            LettersFile.removeStale(in: dir, db: db)
            try db.execute(sql: """
                INSERT INTO code_issue (letters_file, partial_file, codes, letters_sha256, issued_at)
                VALUES (?, ?, 0, '', ?)
                """, arguments: [target.path, letters.path, micros])
            let issueID = db.lastInsertedRowID
            try letters.write(CSV.line(["household_id", "letter", "access_code", "address_line_1", "address_line_2", "address_line_3", "postcode"]))
            let insert = try db.makeStatement(sql: """
                INSERT INTO access_code (code_hash, household_id, letter, issued_at, issue_id) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (code_hash) DO NOTHING
                """)
            let revoke = try db.makeStatement(sql: "UPDATE access_code SET revoked_at = ? WHERE household_id = ? AND revoked_at IS NULL AND issue_id IS NOT ?")
            let selected = progress == nil ? 0 : try countSelected(selection, db: db)
            try forEachSelected(selection, db: db) { h in
                if revokePrevious {
                    try revoke.execute(arguments: [micros, h.householdID, issueID])
                    summary.revoked += db.changesCount
                }
                var attempts = 0
                while true {
                    let code = try drawing.next()
                    try insert.execute(arguments: [hasher.hash(code), h.householdID, letter.rawValue, micros, issueID])
                    if db.changesCount == 1 {
                        try letters.write(CSV.line([h.householdID, letter.rawValue, code.formatted, h.addressLine1, h.addressLine2, h.addressLine3, h.postcode]))
                        break
                    }
                    attempts += 1
                    if attempts >= AccessCodeDrawing<Source>.maximumCollisions {
                        throw AccessCodeRandomnessError.repeating(attempts: attempts)
                    }
                }
                summary.issued += 1
                if summary.issued % 4096 == 0 { progress?(summary.issued, selected) }
            }
            progress?(summary.issued, selected)
            if summary.issued == 0 {
                // Nothing to issue: no letters file (an empty one would only confuse),
                // but what was settled of earlier runs is kept.
                try db.execute(sql: "DELETE FROM code_issue WHERE id = ?", arguments: [issueID])
                try Interruption.uninterruptible {
                    try db.execute(sql: "COMMIT")
                    Interruption.commitPoint()
                }
                return nil
            }
            try checkSecret(hasher, db: db, record: true)
            let sha256 = try letters.finish()
            try db.execute(sql: "UPDATE code_issue SET codes = ?, letters_sha256 = ? WHERE id = ?",
                           arguments: [summary.issued, sha256, issueID])
            return issueID
        }
        if summary.issued > 0 { summary.lettersFile = target.path }
        return summary
    }

    /// The number of households `selection` gives codes to (for progress only).
    private func countSelected(_ selection: CodeSelection, db: Database) throws -> Int {
        switch selection {
        case .withoutActiveCode:
            return try Int.fetchOne(db, sql: """
                SELECT count(*) FROM household h
                WHERE NOT EXISTS (SELECT 1 FROM access_code c WHERE c.household_id = h.household_id AND c.revoked_at IS NULL)
                """) ?? 0
        case .households(let ids):
            return ids.count
        }
    }

    /// Calls `body` for each selected household, ``issueBatchSize`` read at a time (by id, so
    /// each batch starts after the last one whatever codes were added meanwhile).
    private func forEachSelected(_ selection: CodeSelection, db: Database, _ body: (Household) throws -> Void) throws {
        switch selection {
        case .withoutActiveCode:
            var after = ""
            while true {
                let batch = try Row.fetchAll(db, sql: """
                    SELECT * FROM household h
                    WHERE household_id > ?
                      AND NOT EXISTS (SELECT 1 FROM access_code c WHERE c.household_id = h.household_id AND c.revoked_at IS NULL)
                    ORDER BY household_id LIMIT ?
                    """, arguments: [after, Self.issueBatchSize]).map(AddressFrame.household)
                guard let last = batch.last else { return }
                for h in batch { try body(h) }
                after = last.householdID
            }
        case .households(let ids):
            let find = try db.makeStatement(sql: "SELECT * FROM household WHERE household_id = ?")
            for id in ids {
                guard let row = try Row.fetchOne(find, arguments: [id]) else { throw FrameError.unknownHousehold(id) }
                try body(AddressFrame.household(row))
            }
        }
    }

    /// One issuing run's transaction, for household and individual codes alike: `BEGIN
    /// IMMEDIATE`, then `body`, which writes the run's codes and letters and returns its
    /// `code_issue` id, or nil when it has committed on its own (nothing to publish); a throw
    /// rolls everything back. Then the commit and the letters' publication, together
    /// (``commitAndPublish(_:as:issue:db:now:)``).
    ///
    /// - throws: ``FrameError``, ``IndividualCodeError`` and ``AccessCodeRandomnessError`` as
    ///   they are; any other error (SQLite's, a file's) as ``FrameError`` (``FrameError/map(_:path:)``).
    func issueTransaction(publishing letters: LettersFile, as target: URL, now: Int64,
                          _ body: (Database) throws -> Int64?) throws {
        do {
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                let issueID: Int64
                do {
                    guard let written = try body(db) else { return }
                    issueID = written
                } catch {
                    try? db.execute(sql: "ROLLBACK")
                    throw error
                }
                try commitAndPublish(letters, as: target, issue: issueID, db: db, now: now)
            }
        } catch let e as FrameError {
            throw e
        } catch let e as IndividualCodeError {
            throw e
        } catch let e as AccessCodeRandomnessError {
            throw e
        } catch {
            throw FrameError.map(error, path: path)
        }
    }

    /// Commits the run's transaction and publishes its letters file, together: an interruption
    /// (Ctrl-C) waits for both; a kill in between is what ``settleInterruptedIssues(_:now:only:)``
    /// is for. Once issued and published, an interruption lets the command finish.
    func commitAndPublish(_ letters: LettersFile, as target: URL, issue: Int64, db: Database, now: Int64) throws {
        try Interruption.uninterruptible {
            do { try db.execute(sql: "COMMIT") } catch {
                try? db.execute(sql: "ROLLBACK")
                throw error
            }
            letters.keep()
            try publish(letters.path, as: target.path, issue: issue, db: db, now: now)
            Interruption.commitPoint()
        }
    }

    /// Links a complete, committed letters file to its name and records it as published.
    /// Another run may have published it already (then the name is the same file).
    func publish(_ partial: String, as target: String, issue: Int64, db: Database, now: Int64) throws {
        if link(partial, target) != 0 {
            let reason = errno == EEXIST ? "a file of that name was created meanwhile" : String(cString: strerror(errno))
            if !LettersFile.sameFile(partial, target) {
                // The codes are committed; without their letters they must not stay live.
                let settled = try settleInterruptedIssues(db, now: now, only: issue)
                throw FrameError.lettersNotPublished(path: target, reason: reason, revoked: settled.first?.codes ?? 0)
            }
        }
        DurableFile.syncDirectory(URL(fileURLWithPath: target).deletingLastPathComponent())
        try db.execute(sql: "UPDATE code_issue SET published_at = ? WHERE id = ?", arguments: [now, issue])
        unlink(partial)
    }

    /// Settles the runs that committed codes but did not publish their letters (or only
    /// `only`): each one's letters file is published if its temporary file is intact and its
    /// name free, otherwise its codes are revoked. A run still in progress in another process
    /// (its temporary file locked) is left alone.
    func settleInterruptedIssues(_ db: Database, now: Int64, only: Int64? = nil) throws -> [InterruptedIssue] {
        guard try db.tableExists("code_issue") else { return [] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, letters_file, partial_file, codes, letters_sha256 FROM code_issue
            WHERE published_at IS NULL AND revoked_at IS NULL AND codes > 0 AND (? IS NULL OR id = ?)
            ORDER BY id
            """, arguments: [only, only])
        var settled: [InterruptedIssue] = []
        for row in rows {
            let id: Int64 = row["id"]
            let target: String = row["letters_file"]
            let partial: String = row["partial_file"]
            let codes: Int = row["codes"]
            if only == nil && LettersFile.isInUse(partial) { continue }
            let problem: String?
            if LettersFile.sameFile(partial, target) {
                problem = nil  // linked before the kill; only the record was missing
            } else if let damage = LettersFile.check(partial, sha256: row["letters_sha256"]) {
                problem = damage
            } else {
                var st = stat()
                if lstat(target, &st) == 0 {
                    problem = "\(target) exists already"
                } else if link(partial, target) != 0 {
                    problem = "it could not be linked to \(target): \(String(cString: strerror(errno)))"
                } else {
                    problem = nil
                    DurableFile.syncDirectory(URL(fileURLWithPath: target).deletingLastPathComponent())
                }
            }
            if let problem {
                try db.execute(sql: "UPDATE access_code SET revoked_at = ? WHERE issue_id = ? AND revoked_at IS NULL", arguments: [now, id])
                if try db.tableExists("individual_code") {
                    try db.execute(sql: "UPDATE individual_code SET revoked_at = ? WHERE issue_id = ? AND revoked_at IS NULL", arguments: [now, id])
                }
                try db.execute(sql: "UPDATE code_issue SET revoked_at = ?, revoked_reason = ? WHERE id = ?", arguments: [now, problem, id])
                settled.append(InterruptedIssue(lettersFile: target, codes: codes, outcome: .revoked(reason: problem)))
            } else {
                try db.execute(sql: "UPDATE code_issue SET published_at = ? WHERE id = ?", arguments: [now, id])
                settled.append(InterruptedIssue(lettersFile: target, codes: codes, outcome: .published))
            }
            unlink(partial)
        }
        return settled
    }

    /// The runs whose letters were never published, and how many codes each holds (for
    /// `frame stats`: the next `codes issue` settles them).
    ///
    /// - Throws: GRDB's `DatabaseError` when the frame cannot be read.
    public func interruptedIssues() throws -> [(lettersFile: String, codes: Int)] {
        try queue.read { db in
            guard try db.tableExists("code_issue") else { return [] }
            return try Row.fetchAll(db, sql: """
                SELECT letters_file, codes FROM code_issue WHERE published_at IS NULL AND revoked_at IS NULL AND codes > 0 ORDER BY id
                """).map { ($0["letters_file"], $0["codes"]) }
        }
    }
}
