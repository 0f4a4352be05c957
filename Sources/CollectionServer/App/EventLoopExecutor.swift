import NIOCore
import NIOPosix

/// Where a serving process runs its Swift tasks: on the server's own NIO event loops rather
/// than Swift's separate global thread pool (swift-nio's
/// `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()`).
///
/// Hummingbird reads a request on an event loop thread and runs its handler as a task; with
/// two pools, every request crosses from one pool's thread to the other's and back (and again
/// when a page save's commit resumes it), each crossing a wake-up of another thread. On the
/// two cores this server is measured on, that was a large share of a page request's CPU
/// (BENCHMARKS.md, "Where a request's CPU goes"). With the event loops as the global executor,
/// a handler's task runs on the loop that read its request.
///
/// The event loop group is Hummingbird's default, `MultiThreadedEventLoopGroup.singleton`
/// (one thread per core, like Swift's pool). Handlers must not block for long (they never
/// did: bcrypt and other slow work run on `NIOThreadPool`, SQLite reads take microseconds,
/// and shard commits run on the shards' own writer threads).
public enum EventLoopExecutor {
    /// The environment variable that keeps Swift's own pool when set to `default` (to compare,
    /// or should a library ever block in a task).
    public static let variable = "CENSUS_EXECUTOR"

    /// Installs the event loops as the global executor, unless ``variable`` says `default`.
    /// Call it once, from the main thread, before the server starts (and before any other
    /// task is started: tasks already queued stay on Swift's pool). Returns whether it did.
    @discardableResult
    public static func install(environment: [String: String]) -> Bool {
        guard environment[variable] != "default" else { return false }
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
