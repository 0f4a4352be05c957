import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Removes unfinished output when a command is interrupted (Ctrl-C, `kill`, a closed terminal).
///
/// Commands write their output beside its final name and publish it only when it is complete
/// (rename or link). Without this, SIGINT or SIGTERM between the two left the temporary file
/// (`out.ndjson.tmp-PID`, `.frame.sqlite.importing-…`, `.letters.csv.partial-…`) behind.
///
/// ``install()`` blocks SIGINT, SIGTERM and SIGHUP in every thread and waits for them on a
/// thread of its own (so the cleanup runs as ordinary code, not in a signal handler). On a
/// signal it removes every registered path, says so on standard error, and exits with
/// 128 + the signal number (130 for SIGINT, 143 for SIGTERM), as a shell does.
///
/// Work that must not be cut in half (commit the codes, then publish their letters) runs in
/// ``uninterruptible(_:)``: a signal that arrives meanwhile is handled when it ends.
///
/// Without ``install()`` (a library user, the tests) registering is only bookkeeping.
package enum Interruption {
    /// What to remove for a registered path.
    package enum Kind: Sendable {
        /// A file, and the SQLite files beside it (`-wal`, `-shm`, `-journal`).
        case file
        /// A directory this command created: removed with everything in it.
        case directory
        /// A directory this command created: removed only if empty.
        case emptyDirectory
    }

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        let critical = NSRecursiveLock()
        var paths: [(path: String, kind: Kind)] = []
        var installed = false
        var handling = false
    }

    private static let state = State()

    /// The signals handled.
    package static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Blocks the signals and starts the thread that handles them. Call it first thing in
    /// `main`, before any other thread exists: threads inherit the blocked set.
    package static func install() {
        state.lock.lock()
        defer { state.lock.unlock() }
        if state.installed { return }
        state.installed = true
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        // The interrupted thread keeps running while the cleanup does (it may fail because its
        // files are going away): it must not exit first, with its own status.
        atexit {
            if Interruption.isHandling { while true { pause() } }
        }
        let blocked = set
        let thread = Thread {
            var sig: Int32 = 0
            var waitSet = blocked
            while sigwait(&waitSet, &sig) != 0 {}
            handle(sig)
        }
        thread.name = "census-interrupts"
        thread.stackSize = 1 << 18
        thread.start()
    }

    /// Registers a path to remove if the process is interrupted. Register before creating it.
    package static func register(_ path: String, _ kind: Kind = .file) {
        state.lock.lock()
        state.paths.append((path, kind))
        state.lock.unlock()
    }

    /// Forgets a path: it was published or removed.
    package static func unregister(_ path: String) {
        state.lock.lock()
        state.paths.removeAll { $0.path == path }
        state.lock.unlock()
    }

    /// Runs `body` to its end even if a signal arrives meanwhile; the signal is handled after.
    package static func uninterruptible<T>(_ body: () throws -> T) rethrows -> T {
        state.critical.lock()
        defer { state.critical.unlock() }
        return try body()
    }

    /// The registered paths, most recent first (for tests).
    package static var registered: [String] {
        state.lock.lock()
        defer { state.lock.unlock() }
        return state.paths.reversed().map(\.path)
    }

    private static var isHandling: Bool {
        state.lock.lock()
        defer { state.lock.unlock() }
        return state.handling
    }

    private static func handle(_ sig: Int32) -> Never {
        state.critical.lock()  // wait for an uninterruptible step to finish; never released
        state.lock.lock()
        state.handling = true
        let paths = state.paths.reversed()
        state.lock.unlock()
        // Whatever the interrupted thread says from now on (a failure because its files are
        // going away) is not the outcome: silence it, and report the interruption.
        let stderrCopy = dup(2)
        let null = open("/dev/null", O_WRONLY)
        if null >= 0 { dup2(null, 1); dup2(null, 2) }
        var removed = 0
        for (path, kind) in paths {
            switch kind {
            case .file:
                if unlink(path) == 0 { removed += 1 }
                for suffix in ["-wal", "-shm", "-journal"] { unlink(path + suffix) }
            case .directory:
                // Moved aside first: the interrupted thread is still running and cannot put
                // new files into a directory that is no longer there.
                let aside = path + ".removing-\(getpid())"
                let target = rename(path, aside) == 0 ? aside : path
                if (try? FileManager.default.removeItem(atPath: target)) != nil { removed += 1 }
            case .emptyDirectory:
                rmdir(path)
            }
        }
        let name = sig == SIGINT ? "interrupted" : sig == SIGTERM ? "terminated" : "hung up"
        let note = removed == 0 ? "" : "; removed its unfinished output (\(removed) file\(removed == 1 ? "" : "s"))"
        let message = "census: \(name)\(note)\n"
        _ = message.withCString { write(stderrCopy >= 0 ? stderrCopy : 2, $0, strlen($0)) }
        _exit(128 + sig)
    }
}
