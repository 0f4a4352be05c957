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

    /// A queue whose thread will be named `name` (1 MiB of stack); call ``start(_:)``.
    ///
    /// - parameter maxBatchSize: the most items in one batch (at least 1).
    public init(name: String, maxBatchSize: Int) {
        self.name = name
        self.maxBatchSize = max(1, maxBatchSize)
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
        let thread = Thread { self.run(commit) }
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
