import NIOCore
import NIOPosix

/// Where a serving process runs its Swift tasks: by default on the server's NIO event loops
/// (swift-nio's `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()`);
/// with `CENSUS_EXECUTOR=swift-pool`, on Swift's own global thread pool.
///
/// Hummingbird reads a request on an event loop thread and runs its handler as a task; with
/// two pools, every request crosses from one pool's thread to the other's and back. On the
/// event loops a handler's task runs on the loop that read its request, with no hop: page
/// requests with autosave take less CPU each and run faster (BENCHMARKS.md, "Collection
/// server"). With one loop per core a connection's work waited for its own loop, never for
/// whichever thread was free, and complete-household API submissions (a CPU-heavy evaluation
/// each) had a p99 of 60-76 ms, past the API's 50 ms target; with two loops per core (below)
/// the kernel shares the cores among more loops, as it did among Swift's pool and the loops.
///
/// The event loop group is Hummingbird's default, `MultiThreadedEventLoopGroup.singleton`, with
/// ``loopsPerCore`` loops per core (unless `NIO_SINGLETON_GROUP_LOOP_COUNT` says how many):
/// with more loops than cores the kernel shares the cores among them as it did among Swift's
/// pool and the loops, so a connection's requests wait behind fewer others. Handlers do not
/// block for long: bcrypt and other slow work run on `NIOThreadPool`, SQLite reads take
/// microseconds, and shard commits run on the shards' own writer threads.
public enum EventLoopExecutor {
    /// The environment variable that chooses the executor: `swift-pool` keeps Swift's pool;
    /// anything else (or nothing) installs the event loops.
    public static let variable = "CENSUS_EXECUTOR"

    /// Event loops per core when the executor is the event loops.
    public static let loopsPerCore = 2

    /// Installs the event loops as the global executor unless ``variable`` is `swift-pool`.
    /// Call it once, from the main thread, before the server starts (and before any other
    /// task is started: tasks already queued stay on Swift's pool). Returns whether it did.
    @discardableResult
    public static func install(environment: [String: String]) -> Bool {
        guard environment[variable] != "swift-pool" else { return false }
        if environment["NIO_SINGLETON_GROUP_LOOP_COUNT"] == nil {
            NIOSingletons.groupLoopCountSuggestion = loopsPerCore * System.coreCount
        }
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
