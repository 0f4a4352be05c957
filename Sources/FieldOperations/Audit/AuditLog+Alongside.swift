import Foundation
import Synchronization

// MARK: Records written alongside the action they record

/// The audit rule for an action that writes to another file (a keyed paper return, stored in
/// a shard of the response store), as the server applies it:
///
/// **No action is acknowledged before its record is durable, or before the action's own durable
/// write carries what the record says (the keyer), from which a lost record is restored at
/// start-up.** The record cannot share the action's transaction (the log is its own SQLite
/// file, so that no shard holds the chain); waiting for the action's fsync before starting the
/// record's made a keyed save pay for two fsyncs one after the other (+32% to +49% a save,
/// BENCHMARKS.md); and over HTTP the log's group commit holds about one record, so each keyed
/// record paid a whole fsync of its own beside the shard's (13% of the save request's CPU,
/// BENCHMARKS.md, stop 25). So:
/// 1. everything that can refuse the action without writing is checked first (the keyed form's
///    frame check, evaluation and judgement: `Collector.prepare`);
/// 2. the record is **begun** (``AuditLog/beginGrouped(actor:action:subject:detail:at:backedByWrite:)``):
///    queued for the log's group-commit writer, naming the action by what is fixed before
///    its write (for a keyed return: the household and the page's save key, which name at most
///    one version in the store: its idempotency key), not by what the write returns (the
///    receipt, which the page shows). A keyed return's record is begun *backed*: the version
///    is stored with its keyer (`response_version.recorded_by`) in the same row and fsynced
///    transaction, so the version carries what the record says;
/// 3. the action's write runs while the record is being committed. A batch of backed records
///    alone commits without an fsync (`synchronous = NORMAL`: it survives kill -9; a power
///    loss can take the log's tail); any batch with an unbacked record commits with one
///    (`FULL`), making every record before it durable too;
/// 4. the caller awaits the record (``PendingAuditRecord/committed()``) before it answers: a
///    record that cannot be committed makes the page answer 503, as before;
/// 5. if the write then stores nothing (it failed, or it was a retry of a save already
///    stored), a **follow-up** record says so (``AuditAction/keyedNotStored``, naming the
///    begun record's sequence number and why), appended before the page answers. The
///    follow-up is unbacked: it commits FULL, and with it the begun record, which no version
///    then backs;
/// 6. at start-up, before any page is served, ``AuditLog/reconcileKeyed(versionsSince:)``
///    appends a `keyed` record for every keyed version near the log's end that no record
///    names (what a power loss can have taken: the records after the last one that survived).
///
/// The chain stays one total order (one writer; a begun record takes its place when its batch
/// commits) and ``AuditLog/verify()`` checks it as before. A begun record with neither its
/// version in the store nor a follow-up means the server stopped (kill -9, power loss) between
/// the record's commit and the write's, before anything was acknowledged. A version whose
/// record is a reconciled one (its detail says so) was stored while its record was not: a power
/// loss took the record, or the server stopped between the version's commit and the record's
/// (then it was never acknowledged).
extension AuditLog {
    /// Queues one record for the group-commit writer and returns at once, without waiting for
    /// its commit: the caller does its own write meanwhile, then awaits
    /// ``PendingAuditRecord/committed()`` before acknowledging anything (the rule above).
    ///
    /// Records begun are committed in the order of their calls, interleaved with
    /// ``appendGrouped(actor:action:subject:detail:at:)``'s, each chained to the one before.
    ///
    /// - parameters:
    ///   - backedByWrite: true only when the action's own write, committed with an fsync before
    ///     the caller answers, carries what the record says, so that
    ///     ``reconcileKeyed(versionsSince:)`` can restore the record from it (a keyed return
    ///     stored with its keyer, ``AuditAction/keyed``, naming its save key as
    ///     ``keyedDetail(saveKey:facts:)`` words it). Its batch then commits without an fsync
    ///     when every record in it is backed. False (the default): the record is durable when
    ///     ``PendingAuditRecord/committed()`` returns.
    ///   - others: as ``append(actor:action:subject:detail:at:)``.
    /// - returns: the record's place in the writer's queue; its ``PendingAuditRecord/committed()``
    ///   throws ``FieldFileError/unwritable(path:reason:)`` when the log is closed or the
    ///   record's batch cannot be committed (nothing of the batch is in the log).
    public func beginGrouped(actor: String, action: AuditAction, subject: String, detail: String = "",
                             at: Date = Date(), backedByWrite: Bool = false) -> PendingAuditRecord {
        let entry = Entry(actor: actor, action: action.rawValue, subject: subject, detail: detail, atMilliseconds: Self.milliseconds(at),
                          backed: backedByWrite)
        let pending = PendingAuditRecord()
        guard let writer = groupWriter(), writer.enqueue(Pending(entry: entry, record: pending)) else {
            pending.complete(.failure(.unwritable(path: path, reason: "the audit log is closed")))
            return pending
        }
        return pending
    }
}

/// One record begun with ``AuditLog/beginGrouped(actor:action:subject:detail:at:backedByWrite:)``: queued for
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

    /// The record, once its batch is committed: on disk (`synchronous = FULL`), or, for a
    /// record begun `backedByWrite` in a batch of such records alone, written to the log's WAL
    /// without an fsync (the action's own fsynced write backs it; see ``AuditLog``).
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
