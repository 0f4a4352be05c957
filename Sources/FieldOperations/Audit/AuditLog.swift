import Crypto
import DurableFiles
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// The append-only audit log of field operations: who keyed, settled, reissued, revoked,
/// signed in or failed to, and when. One SQLite file, `audit.sqlite`, beside the store's
/// manifest, holding nothing else.
///
/// Each record carries the hash of the one before it (SHA-256, see ``AuditRecord/computeHash()``),
/// so a record changed or deleted after it was written breaks the chain, which ``verify()``
/// finds. SQLite triggers refuse `UPDATE` and `DELETE` on the table, so the only way to
/// change a record is to bypass SQLite or drop the triggers, and the chain catches that.
/// A removed *last* record leaves a valid shorter chain: compare ``AuditVerification/headHash``
/// with one recorded elsewhere (e.g. the daily operations report) to detect truncation.
///
/// No action is acknowledged before its record is durable, or before the action's own durable
/// write carries what the record says. Appends commit with `PRAGMA synchronous = FULL` (the log's
/// WAL is fsynced before the commit returns), except a group commit whose records are all
/// *backed*: begun with `backedByWrite` for an action whose own write, committed with an fsync
/// before the page answers, carries the record's facts (a keyed return's version carries its
/// keyer and save key, `response_version.recorded_by`). Such a batch commits with
/// `synchronous = NORMAL`: written to the WAL, no fsync; it survives a crash of the process
/// (kill -9: the operating system holds the write), and a power loss can take only the WAL's
/// tail, never corrupt it. The next batch holding an unbacked record (a sign-in, a settle, a
/// `keyed_not_stored` follow-up) commits FULL, which makes every record before it durable too.
/// A record a power loss took is restored at start-up from the version that backs it
/// (``reconcileKeyed(versionsSince:)``, `AuditLog+Reconcile.swift`).
///
/// The server's appends (``appendGrouped(actor:action:subject:detail:at:)``)
/// are group-committed by a ``GroupCommitQueue``, the response store's shard writers' mechanism:
/// the records of concurrent actions go in one transaction, in order, each chained to the one
/// before, so many keyers' records share one fsync instead of queuing behind each other's.
/// A record of an action that writes elsewhere (a keyed return) is begun before that write and
/// committed while it is synced (``beginGrouped(actor:action:subject:detail:at:backedByWrite:)``): the rule,
/// with what a record then names and the follow-up when the write fails, is in
/// `AuditLog+Alongside.swift`.
///
/// ```swift
/// let log = try AuditLog.open(at: dir.appendingPathComponent(AuditLog.fileName))
/// try log.append(actor: "ada", action: .signedIn, subject: "ada", detail: "from 127.0.0.1")
/// let report = try log.verify()      // .isIntact, .count, .headHash, .firstBreak
/// ```
///
/// Thread safety: `Sendable`; appends of both kinds are serialised by the file's one writer
/// connection, so they form one chain.
public final class AuditLog: Sendable {
    /// The conventional file name in a store directory.
    public static let fileName = "audit.sqlite"
    /// The `previousHash` of the first record: 64 zeros.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The log file.
    public let path: String
    let queue: DatabaseQueue
    /// The group-commit writer of ``appendGrouped(actor:action:subject:detail:at:)``, started by
    /// the first, and whether ``close()`` was called (no writer starts after it).
    private let writer = Mutex<(queue: GroupCommitQueue<Pending>?, closed: Bool)>((nil, false))
    /// The writer connection's `synchronous` level and the group commits' tally: changed only
    /// inside the database queue's access, so the level read there is the one in force.
    let commitState = AuditCommitState()
    /// The most records in one group commit.
    static let maxBatchSize = 512

    /// A test seam, never set in production: `CENSUS_TEST_AUDIT_COMMIT_DELAY_MS` (0-1000) makes
    /// the group-commit writer wait that long before each batch, widening the moment between a
    /// keyed return's commit and its record's, so that a kill -9 test (KeyingKillTests) tells a
    /// page that waited for its record from one that did not. In microseconds; 0 when unset.
    static let testCommitDelay: UInt32 = {
        guard let text = ProcessInfo.processInfo.environment["CENSUS_TEST_AUDIT_COMMIT_DELAY_MS"], let ms = UInt32(text) else { return 0 }
        return min(ms, 1000) * 1000
    }()

    /// What a record says, before it has a place in the chain.
    struct Entry: Sendable {
        let actor: String, action: String, subject: String, detail: String, atMilliseconds: Int64
        /// Whether the action's own durable write carries what the record says (see the type's
        /// documentation): a batch of such records alone commits without an fsync.
        var backed = false
    }

    /// A record waiting for the group-commit writer, and who waits for it.
    struct Pending {
        let entry: Entry
        /// Told the outcome by the writer (no closure a record: one allocation fewer on the save's path).
        let record: PendingAuditRecord
    }

    private init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
    }

    /// A log dropped without ``close()`` still commits its queued appends (the writer's thread
    /// does not hold the log, only its database queue).
    deinit {
        writer.withLock { $0.queue }?.stop()
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-audit") { db in
            try db.execute(sql: """
                CREATE TABLE audit_record (
                  seq INTEGER PRIMARY KEY NOT NULL,
                  at_ms INTEGER NOT NULL,
                  actor TEXT NOT NULL,
                  action TEXT NOT NULL,
                  subject TEXT NOT NULL,
                  detail TEXT NOT NULL,
                  previous_hash TEXT NOT NULL,
                  hash TEXT NOT NULL
                );
                CREATE INDEX audit_record_actor ON audit_record(actor, seq);
                CREATE INDEX audit_record_at ON audit_record(at_ms);
                CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_record
                  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record
                  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
        }
        // No index by actor: a group commit's records (one per keyer, 50 keyers at once) landed
        // in as many places of it, so a commit of ~15 records wrote ~13 pages to the log's WAL
        // instead of ~5, and the log's writer is ~10% of a keyed save's CPU (BENCHMARKS.md,
        // stop 23). `census audit show --who` reads the records newest first instead, as
        // `--subject` always has (0.5 s for 2 million); the time index went in v3.
        m.registerMigration("v2-audit-no-actor-index") { db in
            try db.execute(sql: "DROP INDEX IF EXISTS audit_record_actor")
        }
        // No index by time either: it was one more B-tree written by every record (a keyed save's)
        // and one to two more WAL pages a commit, for `census audit show --since` alone, which now
        // reads the records newest first and keeps those at or after the time, as `--who` and
        // `--subject` do (0.5 s for 2 million records, BENCHMARKS.md, stop 23).
        m.registerMigration("v3-audit-no-time-index") { db in
            try db.execute(sql: "DROP INDEX IF EXISTS audit_record_at")
        }
        return m
    }

    /// Opens the log at `url`, creating it when it does not exist (with `create`).
    ///
    /// - parameter readOnly: open for reading only (`census audit show` and `verify`): nothing
    ///   is written, the file must exist.
    /// - throws: ``FieldFileError`` when the file is missing (and not to be created), is not an
    ///   audit log, or cannot be opened or made durable.
    public static func open(at url: URL, create: Bool = true, readOnly: Bool = false) throws(FieldFileError) -> AuditLog {
        let queue = try FieldDatabase.open(at: url, kind: "an audit log", table: "audit_record", create: create && !readOnly,
                                           readOnly: readOnly, migrator: migrator)
        return AuditLog(path: url.path, queue: queue)
    }

    /// Appends one record and returns it, committed.
    ///
    /// - parameters:
    ///   - actor: the staff sign-in name who acted (`"cli:USER"`, the operating-system user, for a `census` command run on the
    ///     server, `"-"` for an unknown name at sign-in).
    ///   - action: what was done.
    ///   - subject: what it was done to: a household id, a staff name, a keying batch.
    ///   - detail: free text with the facts (never a household's answers, codes or passwords).
    ///   - at: when (now by default).
    /// - throws: ``FieldFileError/unwritable(path:reason:)`` when the record cannot be committed.
    @discardableResult
    public func append(actor: String, action: AuditAction, subject: String, detail: String = "", at: Date = Date()) throws(FieldFileError) -> AuditRecord {
        let entry = Entry(actor: actor, action: action.rawValue, subject: subject, detail: detail, atMilliseconds: Self.milliseconds(at))
        do {
            return try queue.writeWithoutTransaction { db in
                try commitState.ensure(.full, db, path: path)
                var records: [AuditRecord] = []
                try db.inTransaction {
                    records = try Self.insert([entry], db)
                    return .commit
                }
                return records[0]
            }
        } catch {
            throw .unwritable(path: path, reason: DurableFile.reason(error))
        }
    }

    /// Appends one record and returns it, committed (`synchronous = FULL`), as
    /// ``append(actor:action:subject:detail:at:)`` does, but group-committed: the records of
    /// the appends waiting meanwhile go into one transaction with it, in the order they were
    /// called, each chained to the one before, and one fsync serves them all. What the server
    /// uses; the caller suspends, no thread blocks on the fsync.
    ///
    /// The first call starts the log's writer thread; ``close()`` commits what is queued and
    /// ends it. A batch that cannot be committed fails every append in it: nothing of it is
    /// in the log.
    ///
    /// - parameters: as ``append(actor:action:subject:detail:at:)``.
    /// - throws: ``FieldFileError/unwritable(path:reason:)`` when the record cannot be committed,
    ///   or the log is closed.
    @discardableResult
    public func appendGrouped(actor: String, action: AuditAction, subject: String, detail: String = "",
                              at: Date = Date()) async throws(FieldFileError) -> AuditRecord {
        try await beginGrouped(actor: actor, action: action, subject: subject, detail: detail, at: at).committed()
    }

    /// The group-commit writer, started on first use; nil once the log is closed.
    func groupWriter() -> GroupCommitQueue<Pending>? {
        writer.withLock { state in
            if state.closed { return nil }
            if let running = state.queue { return running }
            // The default scheduling, not the shard writers' SCHED_BATCH: every keyed save waits
            // for this one thread's commit, and a writer that waits for a running thread to yield
            // measured slower by time in the closed loop (BENCHMARKS.md, stop 24), for a few more
            // records a commit.
            let made = GroupCommitQueue<Pending>(name: "census-audit-writer", maxBatchSize: Self.maxBatchSize)
            let delay = Self.testCommitDelay
            made.start { [queue, path, commitState] batch in
                if delay > 0 { usleep(delay) }
                do {
                    // Every record backed by its action's own fsynced write: no fsync of the log's
                    // own (the type's documentation); any other record makes the batch FULL.
                    let level: SQLiteSynchronous = batch.allSatisfy(\.entry.backed) ? .normal : .full
                    let records = try queue.writeWithoutTransaction { db in
                        try commitState.ensure(level, db, path: path)
                        var records: [AuditRecord] = []
                        try db.inTransaction {
                            records = try Self.insert(batch.map(\.entry), db)
                            return .commit
                        }
                        commitState.counted(records.count, at: level)
                        return records
                    }
                    for (p, r) in zip(batch, records) { p.record.complete(.success(r)) }
                } catch {
                    let failure = FieldFileError.unwritable(path: path, reason: DurableFile.reason(error))
                    for p in batch { p.record.complete(.failure(failure)) }
                }
            }
            state.queue = made
            return made
        }
    }

    /// The group commits since the log was opened: how many at each level and the records they
    /// held (records a commit; how many needed no fsync of the log's own).
    public var commitTally: AuditCommitTally { commitState.tally }

    /// Inserts the records in order, each chained to the one before; in the caller's transaction.
    static func insert(_ entries: [Entry], _ db: Database) throws -> [AuditRecord] {
        // Cached: the query was parsed again for every batch (SQLite's parser was 5-10% of the
        // group-commit writer's SQLite time in a profile, BENCHMARKS.md, stop 23). Read in the batch's own
        // transaction, so a record appended by another process (`census staff add`) is chained.
        var (sequence, previous) = try chainHead(db.cachedStatement(sql: "SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1"), db)
        var records: [AuditRecord] = []
        records.reserveCapacity(entries.count)
        let statement = try db.cachedStatement(sql: """
            INSERT INTO audit_record (seq, at_ms, actor, action, subject, detail, previous_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for e in entries {
            sequence += 1
            var record = AuditRecord(sequence: sequence, atMilliseconds: e.atMilliseconds, actor: e.actor, action: e.action,
                                     subject: e.subject, detail: e.detail, previousHash: previous, hash: "")
            record.hash = record.computeHash()
            try insert(record, with: statement, db)
            previous = record.hash
            records.append(record)
        }
        return records
    }

    /// The last record's sequence number and hash (0 and ``genesisHash`` for an empty log), read
    /// with SQLite's own calls, as the insert is: GRDB's `Row` copied the row (its columns by name)
    /// once a commit, and over HTTP, with one or two records a commit, that was per-record work on
    /// the log's writer (BENCHMARKS.md, stop 25).
    private static func chainHead(_ statement: Statement, _ db: Database) throws -> (sequence: Int64, hash: String) {
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        defer { sqlite3_reset(s) }
        switch sqlite3_step(s) {
        case SQLITE_DONE:
            return (0, genesisHash)
        case SQLITE_ROW:
            guard let text = sqlite3_column_text(s, 1) else {
                throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "the last audit record has no hash", sql: statement.sql)
            }
            return (sqlite3_column_int64(s, 0), String(cString: text))
        case let code:
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: statement.sql)
        }
    }

    /// One record through the cached `INSERT`, bound and stepped with SQLite's own calls: GRDB's
    /// arguments (an array of existentials, each made a `DatabaseValue`, then checked and bound)
    /// were per-record work on the log's one writer thread, which every keyed save waits for.
    private static func insert(_ record: AuditRecord, with statement: Statement, _ db: Database) throws {
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        defer {
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
        }
        // SQLITE_TRANSIENT (the C macro is not imported): SQLite copies each text before the call
        // returns, so the Swift strings need not outlive it.
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        // As GRDB binds a String (up to a NUL, which no field holds): the records read back the same.
        func bind(_ column: Int32, _ text: String) -> Int32 { sqlite3_bind_text(s, column, text, -1, transient) }
        var code = sqlite3_bind_int64(s, 1, record.sequence)
        if code == SQLITE_OK { code = sqlite3_bind_int64(s, 2, record.atMilliseconds) }
        if code == SQLITE_OK { code = bind(3, record.actor) }
        if code == SQLITE_OK { code = bind(4, record.action) }
        if code == SQLITE_OK { code = bind(5, record.subject) }
        if code == SQLITE_OK { code = bind(6, record.detail) }
        if code == SQLITE_OK { code = bind(7, record.previousHash) }
        if code == SQLITE_OK { code = bind(8, record.hash) }
        if code == SQLITE_OK { code = sqlite3_step(s) }
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: statement.sql)
        }
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    /// Records, oldest first, filtered.
    ///
    /// - parameters:
    ///   - since: only records at or after this time.
    ///   - actor: only this actor's records.
    ///   - subject: only records about this subject (a household id, a staff name).
    ///   - limit: at most this many (the newest, still returned oldest first); nil for all.
    public func records(since: Date? = nil, actor: String? = nil, subject: String? = nil, limit: Int? = nil) throws(FieldFileError) -> [AuditRecord] {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let since {
            conditions.append("at_ms >= ?")
            arguments.append(Int64((since.timeIntervalSince1970 * 1000).rounded(.down)))
        }
        if let actor { conditions.append("actor = ?"); arguments.append(actor) }
        if let subject { conditions.append("subject = ?"); arguments.append(subject) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let limitClause = limit.map { "LIMIT \(max(0, $0))" } ?? ""
        do {
            let rows = try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM audit_record \(whereClause) ORDER BY seq DESC \(limitClause)",
                                 arguments: StatementArguments(arguments))
            }
            return rows.reversed().map(Self.record)
        } catch {
            throw .unreadable(path: path, reason: DurableFile.reason(error))
        }
    }

    /// Walks the whole chain and reports the first record that does not fit: a hash that is
    /// not its content's, a `previousHash` that is not its predecessor's, or a gap in the
    /// sequence (a deleted record).
    public func verify() throws(FieldFileError) -> AuditVerification {
        do {
            return try queue.read { db in
                var expectedPrevious = Self.genesisHash
                var expectedSequence: Int64 = 1
                var count = 0
                let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit_record ORDER BY seq")
                while let row = try cursor.next() {
                    let record = Self.record(row)
                    if record.sequence != expectedSequence {
                        return AuditVerification(count: count, headHash: expectedPrevious, firstBreak: .init(
                            sequence: record.sequence,
                            reason: "record \(expectedSequence)\(record.sequence > expectedSequence + 1 ? "-\(record.sequence - 1)" : "") is missing (deleted)"))
                    }
                    if record.previousHash != expectedPrevious {
                        return AuditVerification(count: count, headHash: expectedPrevious, firstBreak: .init(
                            sequence: record.sequence, reason: "its previous hash is not the hash of record \(record.sequence - 1) (a record before it was changed or replaced)"))
                    }
                    if record.computeHash() != record.hash {
                        return AuditVerification(count: count, headHash: expectedPrevious, firstBreak: .init(
                            sequence: record.sequence, reason: "its content does not match its hash (the record was changed)"))
                    }
                    expectedPrevious = record.hash
                    expectedSequence += 1
                    count += 1
                }
                return AuditVerification(count: count, headHash: expectedPrevious, firstBreak: nil)
            }
        } catch {
            throw .unreadable(path: path, reason: DurableFile.reason(error))
        }
    }

    /// Commits the group-committed appends still queued (their callers get their records), ends
    /// the writer thread, then closes the file. Later appends fail (``FieldFileError/unwritable(path:reason:)``).
    public func close() {
        let running = writer.withLock { state in
            state.closed = true
            return state.queue
        }
        running?.stop()
        try? queue.close()
    }

    private static func record(_ row: Row) -> AuditRecord {
        AuditRecord(sequence: row["seq"], atMilliseconds: row["at_ms"], actor: row["actor"], action: row["action"],
                    subject: row["subject"], detail: row["detail"], previousHash: row["previous_hash"], hash: row["hash"])
    }
}

/// One record of the ``AuditLog``.
public struct AuditRecord: Sendable, Equatable {
    /// 1, 2, 3, … without gaps.
    public var sequence: Int64
    /// When, in milliseconds since 1970 (UTC).
    public var atMilliseconds: Int64
    /// The staff sign-in name who acted.
    public var actor: String
    /// An ``AuditAction`` raw value (kept as text so a newer build's actions still read).
    public var action: String
    /// What the action was done to.
    public var subject: String
    /// The facts of the action.
    public var detail: String
    /// The hash of the record before (``AuditLog/genesisHash`` for the first).
    public var previousHash: String
    /// SHA-256 (hex) of this record's fields and `previousHash`.
    public var hash: String

    /// The time as a date.
    public var at: Date { Date(timeIntervalSince1970: Double(atMilliseconds) / 1000) }

    /// SHA-256, in lower-case hex, of the fields joined with a unit separator (U+001F), which
    /// no field can hold unnoticed: each field is length-prefixed.
    public func computeHash() -> String {
        // One buffer, the numbers written as digits into it: the log's writer hashes every record
        // of a keyed save on its one thread, and built an array of seven strings (two of them
        // made from numbers) to do it. Same text, fewer allocations.
        var text: [UInt8] = []
        text.reserveCapacity(200 + actor.utf8.count + subject.utf8.count + detail.utf8.count)
        Self.appendField(decimal: sequence, to: &text)
        Self.appendField(decimal: atMilliseconds, to: &text)
        Self.appendField(actor, to: &text)
        Self.appendField(action, to: &text)
        Self.appendField(subject, to: &text)
        Self.appendField(detail, to: &text)
        Self.appendField(previousHash, to: &text)
        // Hex digits by table: `String(format: "%02x")` per byte was most of an append's CPU
        // beside the server's keyed saves (32 formatted strings a record). Same text.
        let digest = SHA256.hash(data: text)
        return String(unsafeUninitializedCapacity: 64) { hex in
            var i = 0
            for byte in digest {
                hex[i] = Self.hexDigits[Int(byte >> 4)]
                hex[i + 1] = Self.hexDigits[Int(byte & 0x0F)]
                i += 2
            }
            return i
        }
    }

    /// Appends `length:field` and the unit separator (the hashed text's form of one field).
    private static func appendField(_ field: String, to text: inout [UInt8]) {
        appendDecimal(field.utf8.count, to: &text)
        text.append(UInt8(ascii: ":"))
        text.append(contentsOf: field.utf8)
        text.append(0x1F)
    }

    /// ``appendField(_:to:)`` of a number's decimal digits (as `String(value)` writes them).
    private static func appendField(decimal value: Int64, to text: inout [UInt8]) {
        var length = value < 0 ? 2 : 1
        var rest = value.magnitude / 10
        while rest > 0 { length += 1; rest /= 10 }
        appendDecimal(length, to: &text)
        text.append(UInt8(ascii: ":"))
        appendDecimal(value, to: &text)
        text.append(0x1F)
    }

    /// The decimal digits of `value`, with a leading `-` when negative (as `String(value)`).
    private static func appendDecimal<Value: BinaryInteger>(_ value: Value, to text: inout [UInt8]) {
        if value < 0 { text.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = text.count
        repeat {
            text.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        text[start...].reverse()
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

/// What ``AuditLog/verify()`` found.
public struct AuditVerification: Sendable, Equatable {
    /// Where the chain first breaks.
    public struct Break: Sendable, Equatable {
        /// The sequence number of the first record that does not fit.
        public var sequence: Int64
        /// Why, in words.
        public var reason: String
    }

    /// Records checked and found sound (before any break).
    public var count: Int
    /// The hash of the last sound record (``AuditLog/genesisHash`` for an empty log): record
    /// it elsewhere to detect a later truncation.
    public var headHash: String
    /// The first break, or nil when the whole chain is intact.
    public var firstBreak: Break?

    /// Whether every record is intact and chained.
    public var isIntact: Bool { firstBreak == nil }
}

/// What an audited action was. Stored as its raw value.
public enum AuditAction: String, Sendable, CaseIterable {
    /// A staff member signed in (subject: their name).
    case signedIn = "sign_in"
    /// A sign-in was refused (subject: the name typed; detail: why).
    case signInFailed = "sign_in_failed"
    /// An account was locked after repeated failures.
    case lockedOut = "locked_out"
    /// A staff member signed out.
    case signedOut = "sign_out"
    /// A staff account was added (subject: its name; detail: role and areas).
    case staffAdded = "staff_added"
    /// A staff account was disabled.
    case staffDisabled = "staff_disabled"
    /// A page was refused for the staff member's role (subject: the path).
    case accessDenied = "access_denied"
    /// A paper return was keyed (subject: the household id). The server begins the record
    /// while the return is being stored (``AuditLog/beginGrouped(actor:action:subject:detail:at:backedByWrite:)``),
    /// so it names the page's save key, not the receipt; a ``keyedNotStored`` record follows
    /// when that save stored nothing.
    case keyed = "keyed"
    /// A `keyed` record's save stored no new version: the store refused or failed, or the same
    /// page had been saved before (subject: the household id; detail: the `keyed` record's
    /// sequence number and why).
    case keyedNotStored = "keyed_not_stored"
    /// A double-keyed return was settled (subject: the household id).
    case settled = "settled"
    /// An access code was reissued (subject: the household id).
    case codeReissued = "code_reissued"
    /// Access codes were revoked (subject: the household id).
    case codesRevoked = "codes_revoked"
    /// Double keying was turned on or off, or its sample changed.
    case doubleKeyingSet = "double_keying_set"
    /// An individual access code was issued (subject: the household id).
    case individualCodeIssued = "individual_code_issued"
    /// A member changed their own password (subject: their name).
    case passwordChanged = "password_changed"
    /// A password change was refused (subject: the member's name; detail: why).
    case passwordChangeFailed = "password_change_failed"
    /// An administrator reset an account's password (subject: the account's name).
    case passwordReset = "password_reset"
    /// An administrator enrolled a new second factor for an account (subject: its name).
    case secondFactorReenrolled = "second_factor_reenrolled"
}
