import DurableFiles
import Foundation
import GRDB

/// The single writer of one shard, with group commit (``GroupCommitQueue``).
///
/// Each shard has exactly one writer: a dedicated thread that waits for
/// submissions, drains *all* pending ones (up to ``StoreOptions/maxBatchSize``)
/// into one `BEGIN IMMEDIATE … COMMIT` transaction, and only after the COMMIT
/// has returned calls each submission's completion with its receipt. While a
/// transaction is being written and synced, new submissions queue up and form
/// the next batch, so the cost of each fsync is shared by every submission
/// that arrived during the previous one.
///
/// If a transaction fails because one submission violates a constraint, the
/// batch is retried one submission per transaction so that only the bad one
/// fails. Any other failure (disk full, I/O error) fails the whole batch:
/// nothing of it was committed.
final class ShardWriter: @unchecked Sendable {
    typealias Completion = @Sendable (Result<Receipt, StoreError>) -> Void

    typealias PageCompletion = @Sendable (Result<Void, StoreError>) -> Void

    /// A queued write: a submission (a response version) or a page save.
    enum Pending {
        case submission(Submission, receivedAtMicros: Int64, completion: Completion)
        case pageSave(PageSave, completion: PageCompletion)
        /// Replaces a household's page saves 1…N by one row numbered N (``PageSave/sequence``).
        case compaction(PageSave, completion: PageCompletion)

        var bodyBytes: Int {
            switch self {
            case .submission(let s, _, _): return s.body.count
            case .pageSave(let p, _), .compaction(let p, _): return p.body.count
            }
        }
    }

    /// The outcome of one queued write.
    enum Outcome {
        case receipt(Result<Receipt, StoreError>)
        case saved(Result<Void, StoreError>)

        static func failure(_ error: StoreError, for pending: Pending) -> Outcome {
            switch pending {
            case .submission: return .receipt(.failure(error))
            case .pageSave, .compaction: return .saved(.failure(error))
            }
        }
    }

    let index: Int
    let path: String
    let pool: DatabasePool
    /// The writer thread and its queue.
    private let queue: GroupCommitQueue<Pending>
    /// The shard's checkpoint thread (``CheckpointPolicy/background``), or
    /// nil when SQLite checkpoints inside COMMIT (``CheckpointPolicy/inline``).
    let checkpointer: ShardCheckpointer?

    /// Told about each commit (``StoreOptions/commitObserver``).
    private let commitObserver: (@Sendable (ShardCommit) -> Void)?

    init(index: Int, path: String, pool: DatabasePool, maxBatchSize: Int, checkpointer: ShardCheckpointer? = nil,
         commitObserver: (@Sendable (ShardCommit) -> Void)? = nil) {
        self.index = index
        self.commitObserver = commitObserver
        self.path = path
        self.pool = pool
        self.checkpointer = checkpointer
        // SCHED_BATCH: a commit's wake-up does not preempt a request thread (nor does the
        // checkpoint thread, started from this one); see GroupCommitQueue.Scheduling.
        queue = GroupCommitQueue(name: "census-shard-writer-\(index)", maxBatchSize: maxBatchSize, scheduling: .batch)
        // The queue's thread holds the writer strongly until `stop()` ends it.
        queue.start { batch in self.writeAndAcknowledge(batch) }
    }

    /// Queues a submission. The completion is called on the writer thread
    /// after the transaction that stored it has committed (or failed).
    func enqueue(_ submission: Submission, completion: @escaping Completion) {
        let micros = Int64((submission.receivedAt.timeIntervalSince1970 * 1_000_000).rounded())
        enqueue(.submission(submission, receivedAtMicros: micros, completion: completion))
    }

    /// Queues a page save; the completion is called on the writer thread after its commit.
    func enqueue(_ save: PageSave, completion: @escaping PageCompletion) {
        enqueue(.pageSave(save, completion: completion))
    }

    /// Queues the compaction of a household's page saves into `archive` (see ``Pending/compaction``).
    func enqueue(compacting archive: PageSave, completion: @escaping PageCompletion) {
        enqueue(.compaction(archive, completion: completion))
    }

    private func enqueue(_ write: Pending) {
        if !queue.enqueue(write) { Self.complete(write, with: .failure(.closed, for: write)) }
    }

    private static func complete(_ write: Pending, with outcome: Outcome) {
        switch (write, outcome) {
        case (.submission(_, _, let completion), .receipt(let r)): completion(r)
        case (.pageSave(_, let completion), .saved(let r)), (.compaction(_, let completion), .saved(let r)): completion(r)
        case (.submission(_, _, let completion), .saved): completion(.failure(.closed))
        case (.pageSave(_, let completion), .receipt), (.compaction(_, let completion), .receipt): completion(.failure(.closed))
        }
    }

    /// Stops accepting submissions, commits the pending ones, and waits for
    /// the writer thread to finish.
    func stop() {
        queue.stop()
        checkpointer?.stop()
    }

    private let closeLock = NSLock()
    private var closed = false

    /// Stops the writer (see ``stop()``), then checkpoints and closes its connection
    /// (``ShardFile/closeWriter(_:)``). Only the first call does anything: GRDB does not guard
    /// a checkpoint on a closed connection.
    func close() {
        stop()
        let first = closeLock.withLock {
            defer { closed = true }
            return !closed
        }
        if first { ShardFile.closeWriter(pool) }
    }

    /// Writes one batch (on the queue's thread), acknowledges each write, tells the commit
    /// observer, then checkpoints if the log is long.
    private func writeAndAcknowledge(_ batch: [Pending]) {
        let started = DispatchTime.now().uptimeNanoseconds
        let results = write(batch)
        let elapsed = DispatchTime.now().uptimeNanoseconds - started
        for (p, r) in zip(batch, results) { Self.complete(p, with: r) }
        if let commitObserver { commitObserver(commit(batch, results, nanoseconds: elapsed)) }
        // Acknowledged first; only then, if the log is long, checkpoint
        // what the background passes left so the log can restart.
        if let checkpointer, checkpointer.afterCommit(bytes: batch.reduce(0) { $0 + $1.bodyBytes }) {
            checkpointer.writerPass(pool)
        }
    }

    /// What a batch did, for the commit observer.
    private func commit(_ batch: [Pending], _ results: [Outcome], nanoseconds: UInt64) -> ShardCommit {
        var commit = ShardCommit(shard: index, batchSize: batch.count, seconds: Double(nanoseconds) / 1e9,
                                 stored: [], replays: 0, pageSaves: 0, failures: 0, committed: false)
        for (p, r) in zip(batch, results) {
            switch (p, r) {
            case (.submission(let s, _, _), .receipt(.success(let receipt))):
                if receipt.isReplay { commit.replays += 1 } else { commit.stored.append((s.kind, s.channel)) }
            case (.pageSave, .saved(.success)):
                commit.pageSaves += 1
            default:
                commit.failures += 1
            }
        }
        commit.committed = commit.failures < batch.count
        return commit
    }

    /// Writes a batch in one transaction. Returns one result per submission.
    ///
    /// A submission whose idempotency key is already stored for its household
    /// is a retry: nothing is written and the stored version's receipt is
    /// returned with `isReplay`, provided the retry is the same save (same
    /// body, kind, channel and schema hash). Otherwise it fails with
    /// ``StoreError/idempotencyConflict(householdID:idempotencyKey:receiptID:reason:)``;
    /// the rest of the batch is unaffected.
    private func write(_ batch: [Pending]) -> [Outcome] {
        do {
            var results: [Outcome] = []
            results.reserveCapacity(batch.count)
            let shard = index
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    for p in batch {
                        switch p {
                        case .submission(let s, let micros, _):
                            results.append(.receipt(try insert(s, receivedAtMicros: micros, shard: shard, db)))
                        case .pageSave(let save, _):
                            results.append(.saved(try insert(save, db)))
                        case .compaction(let archive, _):
                            results.append(.saved(try compact(archive, db)))
                        }
                    }
                    return .commit
                }
            }
            return results
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT && batch.count > 1 {
            // Isolate the offending submission(s): one transaction each.
            return batch.flatMap { write([$0]) }
        } catch {
            let mapped = ShardFile.mapError(error, shard: index, path: path)
            return batch.map { .failure(mapped, for: $0) }
        }
    }

    /// The INSERT of a version without a keyer, which a store before `v3-recorded-by` takes too.
    private static let insertVersion = insertVersionSQL(keyed: false)
    /// The INSERT of a keyed version: ``insertVersion`` with `recorded_by` last.
    private static let insertKeyedVersion = insertVersionSQL(keyed: true)

    /// The INSERT of a version, its values bound in the order of the columns listed here; a
    /// retry's idempotency key stores nothing (see ``write(_:)``).
    private static func insertVersionSQL(keyed: Bool) -> String {
        let columns = ["household_id", "kind", "channel", "received_at", "schema_hash", "idempotency_key", "completeness", "body"]
            + (keyed ? ["recorded_by"] : [])
        return """
            INSERT INTO response_version (\(columns.joined(separator: ", ")))
            VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
            ON CONFLICT (household_id, idempotency_key) DO NOTHING
            """
    }

    /// Inserts a submission, or finds the stored version of a retry (see ``write(_:)``).
    private func insert(_ s: Submission, receivedAtMicros: Int64, shard: Int, _ db: Database) throws -> Result<Receipt, StoreError> {
        // `execute(arguments:)`, not `setUncheckedArguments`: GRDB's unchecked form resets with a
        // forced try (a crash on any SQLite error). Sizes were checked before queueing (ResponseStore.validate): SQLite's own
        // limit on a value ends the process in GRDB's bind.
        // The keyer, when there is one, in the version's own row and transaction (shard schema
        // v3-recorded-by, checked before queueing): committed, it carries what the save's audit
        // record says. Without one the column is left out, as before v3: a store not yet
        // upgraded still takes every other version.
        let insert = try db.cachedStatement(sql: s.recordedBy == nil ? Self.insertVersion : Self.insertKeyedVersion)
        var arguments: StatementArguments = [
            s.householdID, s.kind.rawValue, s.channel.rawValue, receivedAtMicros,
            s.schemaHash, s.idempotencyKey, s.completeness, s.body,
        ]
        if let keyer = s.recordedBy { arguments += [keyer] }
        try insert.execute(arguments: arguments)
        if db.changesCount == 1 {
            return .success(Receipt(
                shard: shard, version: db.lastInsertedRowID, householdID: s.householdID,
                receivedAt: Date(timeIntervalSince1970: Double(receivedAtMicros) / 1_000_000),
                isReplay: false))
        }
        let lookup = try db.cachedStatement(sql: """
            SELECT id, received_at, kind, channel, schema_hash, body FROM response_version
            WHERE household_id = ? AND idempotency_key = ?
            """)
        guard let row = try Row.fetchOne(lookup, arguments: [s.householdID, s.idempotencyKey]) else {
            throw StoreError.shardFailure(shard: shard, path: path, reason: "idempotency conflict without a stored row")
        }
        let version: Int64 = row["id"]
        if let reason = Self.difference(s, storedRow: row) {
            return .failure(.idempotencyConflict(
                householdID: s.householdID, idempotencyKey: s.idempotencyKey,
                receiptID: Receipt.makeID(shard: shard, version: version), reason: reason))
        }
        let micros: Int64 = row["received_at"]
        return .success(Receipt(
            shard: shard, version: version, householdID: s.householdID,
            receivedAt: Date(timeIntervalSince1970: Double(micros) / 1_000_000),
            isReplay: true))
    }

    /// Replaces the household's saves 1…N by `archive` (numbered N), provided N is still its
    /// last save (a save that arrived since makes it a conflict: nothing changes).
    private func compact(_ archive: PageSave, _ db: Database) throws -> Result<Void, StoreError> {
        let last = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM page_save WHERE household_id = ?", arguments: [archive.householdID])
        guard last == archive.sequence else {
            return .failure(.pageSaveConflict(householdID: archive.householdID, sequence: archive.sequence))
        }
        try db.execute(sql: "DELETE FROM page_save WHERE household_id = ? AND seq <= ?", arguments: [archive.householdID, archive.sequence])
        return try insert(archive, db)
    }

    /// Inserts a page save; a number already taken for the household is a conflict (nothing stored).
    private func insert(_ save: PageSave, _ db: Database) throws -> Result<Void, StoreError> {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO page_save (household_id, seq, saved_at, completeness, body) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (household_id, seq) DO NOTHING
            """)
        try insert.execute(arguments: [
            save.householdID, save.sequence, Int64(save.savedAt.timeIntervalSince1970.rounded(.down)),
            save.storedCompleteness, save.body,
        ])
        return db.changesCount == 1 ? .success(()) : .failure(.pageSaveConflict(householdID: save.householdID, sequence: save.sequence))
    }

    /// Why a retry is not the same save as the stored version, or nil when it
    /// is. The time received and completeness are not compared: the server
    /// stamps the time, and completeness is derived from the body.
    static func difference(_ s: Submission, storedRow row: Row) -> String? {
        let body: Data = row["body"]
        if body != s.body { return "the body differs from the stored one (\(s.body.count) bytes now, \(body.count) stored)" }
        let kind: String = row["kind"]
        if kind != s.kind.rawValue { return "the kind is \(s.kind.rawValue), the stored version's is \(kind)" }
        let channel: String = row["channel"]
        if channel != s.channel.rawValue { return "the channel is \(s.channel.rawValue), the stored version's is \(channel)" }
        let schema: String = row["schema_hash"]
        if schema != s.schemaHash { return "the schema hash is \(s.schemaHash), the stored version's is \(schema)" }
        return nil
    }
}
