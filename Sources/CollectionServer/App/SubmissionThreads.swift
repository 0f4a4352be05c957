import NIOCore
import NIOPosix

/// The threads that check, evaluate and queue the API's submissions, off the event loops.
///
/// A loop owns its connections, so whatever holds it up holds up all of them. Off-CPU profiles of
/// the loops under `benchmarks/api/run.sh` (2026-12-01 stop 23, BENCHMARKS.md "Collection
/// server") found a submission blocking its loop, in order of time lost: on the mutex of its
/// shard writer's queue (`GroupCommitQueue.enqueue`, shared with the writer thread), on GRDB's
/// reader-pool lock (a dispatch queue shared by both loops: every submission reads the address
/// frame and its shard), on glibc's allocator locks, and on SQLite's WAL-index mutex; whenever
/// the lock's holder (the other loop, a writer thread) was off the CPU, the loop and its
/// connections waited with it. Here those steps run on a pool of their own threads with one
/// queue: a blocked or preempted thread delays its own submission, the others take the next,
/// and the loops go on reading and writing every connection.
///
/// The pool is the process's (one per process, like NIO's singletons, never shut down), with
/// ``threadCount`` threads: two per core, so that a thread waiting on a lock leaves a core's
/// worth of threads working. Bcrypt and the staff pages' other slow work keep to
/// `NIOThreadPool.singleton`, so a sign-in never waits behind submissions or the reverse.
enum SubmissionThreads {
    /// The pool's threads: two per core.
    static let threadCount = max(2, 2 * System.coreCount)

    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: threadCount)
        pool.start()
        return pool
    }()

    /// Runs `work` on a pool thread and returns what it completes with. `work` calls its
    /// completion exactly once, from any thread (a shard writer's, after the commit): the
    /// calling task waits without holding its thread.
    ///
    /// - throws: what `work` completes with; `CancellationError` if the pool is not running.
    static func run<T: Sendable>(_ work: @escaping @Sendable (_ done: @escaping @Sendable (Result<T, any Error>) -> Void) -> Void) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            pool.submit { state in
                guard case .active = state else {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                work { continuation.resume(with: $0) }
            }
        }
    }
}
