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
/// let queue = GroupCommitQueue<Job>(name: "census-audit-writer", maxBatchSize: 256) { batch in
///     // one BEGIN … COMMIT for the whole batch, then complete each job
/// }
/// queue.enqueue(job)          // false once stopping: the caller fails the job itself
/// queue.stop()                // commits what is queued, then ends the thread
/// ```
///
/// Thread safety: `enqueue` and `stop` may be called from any thread; `commit` runs on the
/// queue's own thread, one batch at a time, in the order items were enqueued.
public final class GroupCommitQueue<Item>: @unchecked Sendable {
    private let maxBatchSize: Int
    private let commit: ([Item]) -> Void
    private let condition = NSCondition()
    private var pending: [Item] = []
    private var stopping = false
    private var finished = false

    /// Starts the writer thread (named `name`, 1 MiB of stack).
    ///
    /// - parameter maxBatchSize: the most items in one batch (at least 1).
    /// - parameter commit: writes a batch and completes its items; called on the writer thread.
    public init(name: String, maxBatchSize: Int, commit: @escaping ([Item]) -> Void) {
        self.maxBatchSize = max(1, maxBatchSize)
        self.commit = commit
        // The thread holds the queue strongly until `stop()` ends it.
        let thread = Thread { self.run() }
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
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
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
