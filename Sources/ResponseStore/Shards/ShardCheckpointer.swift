import DurableFiles
import Foundation
import GRDB

/// When a shard's write-ahead log is copied back into the database file.
///
/// `package`, not public: only the benchmark (`census-bench store --checkpoint both`) and
/// the tests choose the policy; every store runs ``background``.
package enum CheckpointPolicy: String, Sendable, CaseIterable {
    /// SQLite's automatic checkpoint (`wal_autocheckpoint = 4000` pages): the
    /// writer runs it inside the COMMIT that crosses 4,000 pages, so that
    /// batch's acknowledgements, and every submission queued behind it, wait
    /// for the whole checkpoint. The policy before 2026-11-27; kept for
    /// comparison (`census-bench store --checkpoint both`).
    case inline
    /// Checkpoints off the commit path (the default): a checkpoint thread per
    /// shard with its own connection runs `PASSIVE` checkpoints while the
    /// writer keeps committing; when the log has reached
    /// ``StoreOptions/walRestartPages``, the writer, between two batches and
    /// after acknowledging the first, checkpoints the few frames left itself
    /// (also `PASSIVE`) so the log restarts from its beginning.
    case background
}

/// The checkpoint thread of one shard (``CheckpointPolicy/background``).
///
/// After a commit it runs `PRAGMA wal_checkpoint(PASSIVE)` on a connection of
/// its own, at most once per ``StoreOptions/checkpointInterval``. `PASSIVE`
/// never waits for, or blocks, the writer or readers. Because the writer keeps
/// appending while a pass runs, a pass never catches up with the end of the
/// log, and the log would only grow; so when a pass finds the log at or past
/// ``StoreOptions/walRestartPages`` it asks the writer to finish the job
/// between two batches (``afterCommit(bytes:)``). That last pass copies only
/// what was written since this one, and then the next transaction starts the
/// log again from its beginning (and truncates it to `journal_size_limit`).
/// Should this thread fall behind (a slow disk, a busy machine), the writer
/// also checkpoints after every 2 × `walRestartPages` pages of bodies.
final class ShardCheckpointer: @unchecked Sendable {
    private let path: String
    /// The thread's name: `census-checkpointer-N` for shard N (`checkpointer-N` in `ps -L`).
    private let threadName: String
    private let options: StoreOptions
    /// Opened by the first pass, so a store opened for one submission opens
    /// no extra connection.
    private var queue: DatabaseQueue?
    private let interval: TimeInterval
    private let restartPages: Int
    private let condition = NSCondition()
    private var commits = 0
    private var restartWanted = false
    /// Body bytes committed since the writer's last pass: a hard bound on the
    /// log that does not depend on this thread being scheduled in time.
    private var bytesSinceWriterPass = 0
    private let hardCapBytes: Int
    private var started = false
    private var stopping = false
    private var finished = false
    /// Held during any checkpoint of this shard, so the writer and the
    /// checkpoint thread never run one at the same time.
    let passLock = NSLock()

    private(set) var passes = 0
    private(set) var writerPasses = 0
    private(set) var largestLog = 0

    /// - parameter shard: the shard's number, for the thread's name.
    init(shard: Int, path: String, options: StoreOptions) {
        self.path = path
        threadName = "census-checkpointer-\(shard)"
        self.options = options
        interval = options.checkpointInterval
        restartPages = max(1, options.walRestartPages)
        hardCapBytes = 2 * restartPages * 4096
    }

    /// Started by the shard's first commit, so a store opened only to read (or a command that
    /// commits nothing) starts no thread, and an idle server shows none until a shard is written
    /// (docs/server.md). Called with `condition` held.
    private func startIfNeeded() {
        guard !started else { return }
        started = true
        let name = threadName
        let thread = Thread {
            ThreadName.setCurrent(name)
            self.run()
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Called by the writer after each commit, with the body bytes it
    /// committed. True when the writer should checkpoint the rest of the log
    /// itself (``writerPass(_:)``): once after a background pass found the
    /// log at or past ``StoreOptions/walRestartPages``, or when the writer
    /// has committed twice that many pages of bodies since its last pass
    /// (the background passes fell behind).
    func afterCommit(bytes: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        startIfNeeded()
        commits += 1
        if commits == 1 { condition.signal() }
        bytesSinceWriterPass += bytes
        let wanted = restartWanted || bytesSinceWriterPass >= hardCapBytes
        restartWanted = false
        return wanted
    }

    /// The writer's last pass, on the writer's own connection, between two
    /// batches. Waits for a running background pass first (it copies most of
    /// what is left).
    func writerPass(_ pool: DatabasePool) {
        passLock.lock()
        defer { passLock.unlock() }
        _ = try? pool.writeWithoutTransaction { db in try Self.passive(db) }
        condition.lock()
        writerPasses += 1
        bytesSinceWriterPass = 0
        condition.unlock()
    }

    /// `PRAGMA wal_checkpoint(PASSIVE)`: frames in the log, frames checkpointed.
    static func passive(_ db: Database) throws -> (log: Int, checkpointed: Int) {
        guard let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") else { return (0, 0) }
        return (row[1] ?? 0, row[2] ?? 0)
    }

    /// The `PRAGMA synchronous` level of this thread's connection, nil before its first pass.
    func synchronousInForce() -> SQLiteSynchronous? {
        passLock.lock()
        defer { passLock.unlock() }
        return queue.flatMap { try? SQLiteSynchronous.current(on: $0) }
    }

    /// Stops the thread (after its current pass) and closes its connection.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while started && !finished { condition.wait() }
        condition.unlock()
        try? queue?.close()
    }

    private func pass() throws -> (log: Int, checkpointed: Int) {
        let queue = try self.queue ?? {
            // It writes the database file: the same durability as the writer (see SQLiteSynchronous).
            let q = try DatabaseQueue(path: path, configuration: ShardFile.configuration(options))
            try SQLiteSynchronous.enforce(options.durability.level, on: q, path: path)
            return q
        }()
        self.queue = queue
        return try queue.inDatabase { db in try Self.passive(db) }
    }

    private func run() {
        while true {
            condition.lock()
            while commits == 0 && !stopping { condition.wait() }
            if stopping {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            commits = 0
            condition.unlock()

            passLock.lock()
            let result = try? pass()
            passLock.unlock()

            condition.lock()
            passes += 1
            if let result {
                largestLog = max(largestLog, result.log)
                if result.log >= restartPages { restartWanted = true }
            } else {
                // This connection cannot checkpoint: the writer does it.
                restartWanted = true
            }
            // Wait out the interval (a stop ends the wait early).
            let until = Date().addingTimeInterval(interval)
            while !stopping && Date() < until { _ = condition.wait(until: until) }
            condition.unlock()
        }
    }
}
