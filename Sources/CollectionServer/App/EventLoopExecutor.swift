import NIOCore
import NIOPosix

/// Where a serving process runs its Swift tasks: by default on Swift's own global thread
/// pool; with `CENSUS_EXECUTOR=event-loops`, on the server's NIO event loops (swift-nio's
/// `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()`).
///
/// Hummingbird reads a request on an event loop thread and runs its handler as a task; with
/// two pools, every request crosses from one pool's thread to the other's and back. On the
/// event loops a handler's task runs on the loop that read its request: page requests with
/// autosave took 12-29% less CPU each and ran 13-39% faster in the quiet windows of
/// 2026-11-30/12-01 (4,858-5,133/s against 3,698-4,302/s, BENCHMARKS.md "Collection server").
/// But a connection's work then waits for its own loop, never for whichever thread is free:
/// complete-household API submissions (a CPU-heavy evaluation each) got 5-27% more
/// throughput with a p99 of 57-73 ms against 36-47 ms, past the API's 50 ms target. (Two
/// loops per core made both worse: API p99 67-107 ms.) Hence not the default: a deployment
/// that serves the household pages from their own nodes can opt in.
///
/// The event loop group is Hummingbird's default, `MultiThreadedEventLoopGroup.singleton`
/// (one thread per core, like Swift's pool). Handlers do not block for long: bcrypt and other
/// slow work run on `NIOThreadPool`, SQLite reads take microseconds, and shard commits run on
/// the shards' own writer threads.
public enum EventLoopExecutor {
    /// The environment variable that chooses the executor: `event-loops` installs the event
    /// loops; anything else (or nothing) keeps Swift's pool.
    public static let variable = "CENSUS_EXECUTOR"

    /// Installs the event loops as the global executor when ``variable`` is `event-loops`.
    /// Call it once, from the main thread, before the server starts (and before any other
    /// task is started: tasks already queued stay on Swift's pool). Returns whether it did.
    @discardableResult
    public static func install(environment: [String: String]) -> Bool {
        guard environment[variable] == "event-loops" else { return false }
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
