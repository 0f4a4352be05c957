import CSwiftTaskHook
import NIOCore
import NIOPosix

/// Where a serving process runs its Swift tasks: by default on the server's NIO event loops
/// (the Swift runtime's global-enqueue hook, as swift-nio's
/// `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()`
/// sets it); with `CENSUS_EXECUTOR=swift-pool`, on Swift's own global thread pool.
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
    /// task is started: tasks already queued stay on Swift's pool). Returns whether it did:
    /// false when ``variable`` asks for Swift's pool, or when another hook was set first.
    ///
    /// The hook is set here rather than by swift-nio's
    /// `unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()`, which looks
    /// the runtime's hook up with `dlsym`: in the statically linked release `census` the
    /// runtime's symbols are not exported, the look-up failed, and every release server since
    /// the static link (896495b) had silently run on Swift's pool. The hook does what
    /// swift-nio's does: a task goes to the event loop the enqueueing thread runs (so a
    /// request's handler stays on the loop that read it), or else to the group's next loop.
    @discardableResult
    public static func install(environment: [String: String]) -> Bool {
        guard wantsEventLoops(environment) else { return false }
        // The runtime calls it as `void (*)(Job *, void (*original)(Job *))`, Swift calling
        // convention, no context: a thin Swift function of that shape (as swift-nio declares it).
        typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void
        let hook: EnqueueGlobalHook = { job, _ in
            MultiThreadedEventLoopGroup.singleton.any().enqueue(ExecutorJob(job))
        }
        return census_swift_task_install_enqueue_global_hook(unsafeBitCast(hook, to: UnsafeMutableRawPointer.self))
    }

    /// Whether a task started now runs on one of the event loops: what ``install(environment:)``
    /// is for, checked where it matters (a detached task's thread), not taken from the hook's
    /// return value. `census serve` checks it at start, says it in its log (`executor`), and
    /// warns when the loops were asked for and the tasks are elsewhere; CI runs the release
    /// `census` (linked statically, unlike the tests' debug builds) and requires the log line.
    public static func tasksRunOnEventLoops() async -> Bool {
        await Task.detached { MultiThreadedEventLoopGroup.currentEventLoop != nil }.value
    }

    /// Whether `environment` asks for the event loops (the default: ``variable`` is anything
    /// but `swift-pool`, or unset).
    public static func wantsEventLoops(_ environment: [String: String]) -> Bool {
        environment[variable] != "swift-pool"
    }
}
