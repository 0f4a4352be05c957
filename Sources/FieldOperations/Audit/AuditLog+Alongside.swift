import Foundation
import Synchronization

// MARK: Records written alongside the action they record

/// The audit rule for an action that writes to another file (a keyed paper return, stored in
/// a shard of the response store), as the server applies it:
///
/// **No action is acknowledged before its record is durable.** The record cannot share the
/// action's transaction (the log is its own SQLite file, so that no shard holds the chain), and
/// waiting for the action's fsync before starting the record's made a keyed save pay for two
/// fsyncs one after the other (+32% to +49% a save, BENCHMARKS.md). So:
/// 1. everything that can refuse the action without writing is checked first (the keyed form's
///    frame check, evaluation and judgement: `Collector.prepare`);
/// 2. the record is **begun** (``AuditLog/beginGrouped(actor:action:subject:detail:at:)``):
///    queued for the log's group-commit writer, naming the action by what is fixed before
///    its write (for a keyed return: the household and the page's save key, which name at most
///    one version in the store: its idempotency key), not by what the write returns (the
///    receipt, which the page shows);
/// 3. the action's write runs while the record is being committed: the two fsyncs overlap;
/// 4. the caller awaits the record (``PendingAuditRecord/committed()``) before it answers: a
///    record that cannot be committed makes the page answer 503, as before;
/// 5. if the write then stores nothing (it failed, or it was a retry of a save already
///    stored), a **follow-up** record says so (``AuditAction/keyedNotStored``, naming the
///    begun record's sequence number and why), appended before the page answers.
///
/// The chain stays one total order (one writer; a begun record takes its place when its batch
/// commits) and ``AuditLog/verify()`` checks it as before. A begun record with neither its
/// version in the store nor a follow-up means the server stopped (kill -9, power loss) between
/// the record's commit and the write's, before anything was acknowledged.
extension AuditLog {
    /// Queues one record for the group-commit writer and returns at once, without waiting for
    /// its commit: the caller does its own write meanwhile, then awaits
    /// ``PendingAuditRecord/committed()`` before acknowledging anything (the rule above).
    ///
    /// Records begun are committed in the order of their calls, interleaved with
    /// ``appendGrouped(actor:action:subject:detail:at:)``'s, each chained to the one before.
    ///
    /// - parameters: as ``append(actor:action:subject:detail:at:)``.
    /// - returns: the record's place in the writer's queue; its ``PendingAuditRecord/committed()``
    ///   throws ``FieldFileError/unwritable(path:reason:)`` when the log is closed or the
    ///   record's batch cannot be committed (nothing of the batch is in the log).
    public func beginGrouped(actor: String, action: AuditAction, subject: String, detail: String = "",
                             at: Date = Date()) -> PendingAuditRecord {
        let entry = Entry(actor: actor, action: action.rawValue, subject: subject, detail: detail, atMilliseconds: Self.milliseconds(at))
        let pending = PendingAuditRecord()
        guard let writer = groupWriter(), writer.enqueue(Pending(entry: entry, record: pending)) else {
            pending.complete(.failure(.unwritable(path: path, reason: "the audit log is closed")))
            return pending
        }
        return pending
    }
}

/// One record begun with ``AuditLog/beginGrouped(actor:action:subject:detail:at:)``: queued for
/// the log's writer, committed (or failed) later. Await ``committed()`` before acknowledging the
/// action it records.
///
/// Thread safety: `Sendable`; any number of tasks may await it, before or after the commit.
public final class PendingAuditRecord: Sendable {
    private struct State {
        var outcome: Result<AuditRecord, FieldFileError>?
        var waiters: [@Sendable (Result<AuditRecord, FieldFileError>) -> Void] = []
    }

    private let state = Mutex(State())

    init() {}

    /// Called once, by the writer's thread (or at once when the log is closed).
    func complete(_ outcome: Result<AuditRecord, FieldFileError>) {
        let waiters = state.withLock { state in
            state.outcome = outcome
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter(outcome) }
    }

    /// Calls `waiter` with the outcome once the record's batch is committed or has failed: at
    /// once, on the calling thread, if it already is; else on the log's writer thread (do not
    /// block in it).
    private func whenDone(_ waiter: @escaping @Sendable (Result<AuditRecord, FieldFileError>) -> Void) {
        let ready = state.withLock { state -> Result<AuditRecord, FieldFileError>? in
            if let outcome = state.outcome { return outcome }
            state.waiters.append(waiter)
            return nil
        }
        if let ready { waiter(ready) }
    }

    /// The record, once its batch is committed (`synchronous = FULL`: on disk).
    ///
    /// - throws: ``FieldFileError/unwritable(path:reason:)`` when it could not be committed
    ///   (the log closed, a full disk, an I/O error): it is not in the log.
    public func committed() async throws(FieldFileError) -> AuditRecord {
        // Committed already (often, beside a save whose own fsync took as long): no suspension.
        if let ready = state.withLock({ $0.outcome }) { return try ready.get() }
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Result<AuditRecord, FieldFileError>, Never>) in
            whenDone { continuation.resume(returning: $0) }
        }
        return try outcome.get()
    }
}
