import NIOCore
import NIOPosix

/// Where a serving process runs its Swift tasks: by default on the server's NIO event loops
/// (swift-nio's `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()`);
/// with `CENSUS_EXECUTOR=swift-pool`, on Swift's own global thread pool.
///
/// Hummingbird reads a request on an event loop thread and runs its handler as a task; with
/// two pools, every request crosses from one pool's thread to the other's and back. On the
/// event loops a handler's task runs on the loop that read its request, with no hop. In the
/// quiet window W2 of 2026-12-01 (BENCHMARKS.md "Collection server"): page requests with
/// autosave 4,872-5,220/s on the loops against 4,333-4,369/s on Swift's pool (331-355 µs of
/// server CPU each against 397-400 µs); complete-household API submissions 3,088-3,465/s
/// with a p99 of 41-52 ms, against 2,942/s and 35 ms on Swift's pool. On the loops both
/// targets (pages >= 5,000/s; API >= 2,000/s with p99 < 50 ms) were met in most runs (3 of 4,
/// 4 of 5); on Swift's pool pages missed in every run.
///
/// A loop owns its connections, so whatever stops a loop stops all of them. Until
/// 2026-12-01 the API's p99 on the loops was 57-73 ms (stalls of up to 300 ms), which kept
/// them opt-in; off-CPU profiles of the loops found why, and each cause is gone: they
/// queued on the read-only address frame's one connection (now a pool of readers), on
/// SQLite's memory-statistics mutex (off in serving processes: `SQLiteMemoryStatistics`),
/// and were preempted by the eight shard writers waking from each commit's fsync, a third of
/// their time under API load (the writers now run under `SCHED_BATCH`:
/// `GroupCommitQueue.Scheduling`). Two loops per core made both figures worse (measured
/// 2026-12-01 00:25-00:37): one per core.
///
/// The event loop group is Hummingbird's default, `MultiThreadedEventLoopGroup.singleton`
/// (one thread per core, like Swift's pool). Handlers do not block for long: bcrypt and other
/// slow work run on `NIOThreadPool`, SQLite reads take microseconds and never wait for each
/// other, and shard commits run on the shards' own writer threads.
public enum EventLoopExecutor {
    /// The environment variable that chooses the executor: `swift-pool` keeps Swift's pool;
    /// anything else (or nothing) installs the event loops.
    public static let variable = "CENSUS_EXECUTOR"

    /// Installs the event loops as the global executor unless ``variable`` is `swift-pool`.
    /// Call it once, from the main thread, before the server starts (and before any other
    /// task is started: tasks already queued stay on Swift's pool). Returns whether it did.
    @discardableResult
    public static func install(environment: [String: String]) -> Bool {
        guard environment[variable] != "swift-pool" else { return false }
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
