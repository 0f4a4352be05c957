import NIOCore
import NIOPosix

/// The threads that check, evaluate and queue the API's submissions, off the event loops.
///
/// A loop owns its connections: a request waits for everything its loop does before it. With
/// the submissions' work on the loops, off-CPU profiles of the two loops under
/// `benchmarks/api/run.sh online 25000 5 64` in a quiet window (2026-12-01 W1, BENCHMARKS.md
/// "Collection server") found no long stop (no loop off the CPU for more than 12 ms, no stall
/// detector tick more than 25 ms late) but loops with no time to spare: in 12 s of loop time,
/// 0.4 s idle, 2.4 s preempted, and 1.4 s blocked on locks shared with other threads: GRDB's
/// reader-pool lock (a dispatch queue both loops take for every read of the address frame and
/// the shards, 1.0 s), glibc's allocator (0.24 s), the shard writer's queue (0.06 s). Requests
/// queued behind their loop's evaluations and lock waits, and the slowest waited 76-147 ms
/// (wrk's max; none over 50 ms inside the handler). Here the shard's read, the frame's, the
/// evaluation and the queueing for the writer run on a pool of their own with one queue: the
/// loops only read and write (idle half their time in the same profile), a thread that waits
/// delays its own submission while the others take the next, and the slowest submissions took
/// 59-66 ms (once 111 ms); about 10% fewer per second (two more thread hops per request).
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
