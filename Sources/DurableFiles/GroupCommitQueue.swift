import Foundation

/// Group commit: one writer thread that takes *all* the work queued so far (up to
/// `maxBatchSize`) and hands it to `commit` as one batch, so that one transaction and one
/// fsync serve every write that arrived while the previous one was being synced.
///
/// The mechanism of the response store's shard writers (`ShardWriter`) and of the audit log
/// (`AuditLog`): each owns one queue and says, in `commit`, how a batch is written and how
/// each item's waiter is told. The queue only orders, batches and stops.
///
/// ```swift
/// let queue = GroupCommitQueue<Job>(name: "census-audit-writer", maxBatchSize: 256)
/// queue.start { batch in
///     // one BEGIN … COMMIT for the whole batch, then complete each job
/// }
/// queue.enqueue(job)          // false once stopping: the caller fails the job itself
/// queue.stop()                // commits what is queued, then ends the thread
/// ```
///
/// The thread starts in ``start(_:)``, not in `init`, so that an owner can keep the queue in a
/// `let` and give it a `commit` that calls back into the owner once the owner is initialised.
///
/// Thread safety: `enqueue` and `stop` may be called from any thread except the queue's own
/// (a `stop()` inside `commit` would wait for itself); `commit` runs on the queue's thread,
/// one batch at a time, batches and their items in the order the items were enqueued.
public final class GroupCommitQueue<Item>: @unchecked Sendable {
    private let name: String
    private let maxBatchSize: Int
    private let condition = NSCondition()
    // All guarded by `condition`.
    private var pending: [Item] = []
    private var started = false
    private var stopping = false
    private var finished = false

    /// How the queue's thread is scheduled against the process's other threads (Linux).
    public enum Scheduling: Sendable {
        /// The default policy: a woken writer preempts whichever thread is running.
        case normal
        /// Linux's `SCHED_BATCH` (sched(7)): a woken writer does not preempt the running thread;
        /// it runs when that thread's time slice ends or it waits, with the same share of the
        /// CPU as before. Threads the writer starts inherit it.
        ///
        /// For a process with many writers on few cores (the store's eight shard writers on two):
        /// each commit's fsync ends with a wake-up, and each wake-up preempted a request thread.
        /// Under API load on 2 cores the request threads spent about a third of their time
        /// preempted that way (`perf sched`, BENCHMARKS.md "Collection server", 2026-12-01).
        /// Elsewhere than Linux, and if the system refuses, the thread stays ``normal``.
        case batch
    }

    private let scheduling: Scheduling

    /// A queue whose thread will be named `name` (1 MiB of stack; the kernel shows it without a
    /// leading `census-`, at most 15 bytes: ``ThreadName``); call ``start(_:)``.
    ///
    /// - parameter maxBatchSize: the most items in one batch (at least 1).
    /// - parameter scheduling: how its thread is scheduled (``Scheduling/normal`` by default).
    public init(name: String, maxBatchSize: Int, scheduling: Scheduling = .normal) {
        self.name = name
        self.maxBatchSize = max(1, maxBatchSize)
        self.scheduling = scheduling
    }

    /// Starts the writer thread, which calls `commit` with each batch (items enqueued before
    /// the start are in the first one). Only the first call does anything; a call after
    /// ``stop()`` does nothing.
    ///
    /// - parameter commit: writes a batch and completes its items; called on the writer thread.
    ///   The thread holds it (and what it captures) until ``stop()`` ends the thread.
    public func start(_ commit: @escaping @Sendable ([Item]) -> Void) {
        condition.lock()
        defer { condition.unlock() }
        guard !started, !stopping else { return }
        started = true
        let scheduling = self.scheduling
        let name = self.name
        let thread = Thread {
            ThreadName.setCurrent(name)
            if scheduling == .batch { Self.useBatchScheduling() }
            self.run(commit)
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Queues an item for the next batch. Returns false, queuing nothing, once ``stop()`` has
    /// been called: the caller fails the item.
    public func enqueue(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if stopping { return false }
        pending.append(item)
        if pending.count == 1 { condition.signal() }
        return true
    }

    /// Stops accepting items, commits the queued ones, and waits for the writer thread to end.
    /// Later calls return at once. Never started, it has nothing to commit: what was queued
    /// stays uncommitted (its waiters are not called), which only a ``start(_:)`` forgotten by
    /// the owner could cause.
    public func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        if !started { finished = true }
        condition.broadcast()
        while !finished { condition.wait() }
    }

    /// Puts the calling thread under `SCHED_BATCH` (see ``Scheduling/batch``); a refusal
    /// leaves it as it was.
    static func useBatchScheduling() {
        #if os(Linux)
        var parameters = sched_param()  // priority 0, the only one SCHED_BATCH takes
        // SCHED_BATCH is 3 (<bits/sched.h>); Swift's Glibc does not export the name. On Linux a
        // pid of 0 is the calling thread.
        _ = sched_setscheduler(0, 3, &parameters)
        #endif
    }

    private func run(_ commit: ([Item]) -> Void) {
        while true {
            condition.lock()
            while pending.isEmpty && !stopping { condition.wait() }
            if pending.isEmpty && stopping {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            var batch: [Item]
            if pending.count <= maxBatchSize {
                batch = []
                batch.reserveCapacity(pending.count)
                swap(&batch, &pending)
            } else {
                batch = Array(pending.prefix(maxBatchSize))
                pending.removeFirst(maxBatchSize)
            }
            condition.unlock()
            commit(batch)
        }
    }
}
