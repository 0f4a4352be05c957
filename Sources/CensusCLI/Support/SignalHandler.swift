import DurableFiles
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `census` does on Ctrl-C, `kill` or a closed terminal: the executable's policy, kept out
/// of the libraries (which only keep the bookkeeping, ``Interruption``).
///
/// ``install()`` blocks SIGINT, SIGTERM and SIGHUP in every thread and waits for them on a
/// thread of its own, so the cleanup runs as ordinary code, not in a signal handler. On a
/// signal it asks ``Interruption/interrupt()`` to remove the unfinished output, says so on
/// standard error and exits with 128 + the signal number (130 for SIGINT, 143 for SIGTERM), as
/// a shell does. When the command's work was already committed (codes issued and their letters
/// published), it says so and lets the command finish; a second signal exits.
enum SignalHandler {
    /// The signals handled.
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var installed = false
        var exiting = false
    }

    private static let state = State()

    /// Blocks the signals and starts the thread that handles them. Call it first thing in
    /// `main`, before any other thread exists: threads inherit the blocked set.
    static func install() {
        let first = state.lock.withLock {
            defer { state.installed = true }
            return !state.installed
        }
        guard first else { return }
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        // The interrupted thread keeps running while the cleanup does (it may fail because its
        // files are going away): it must not exit first, with its own status.
        atexit {
            if SignalHandler.isExiting { while true { pause() } }
        }
        let blocked = set
        let thread = Thread {
            var sig: Int32 = 0
            var waitSet = blocked
            var finishing = false
            while true {
                while sigwait(&waitSet, &sig) != 0 {}
                // A second signal while finishing stops at once, removing nothing.
                let outcome = finishing ? .removedUnfinishedOutput(removed: 0) : Interruption.interrupt(beforeRemoving: silence)
                if outcome == .workAlreadyCommitted {
                    finishing = true
                    FileIO.writeError("census: \(name(sig)) after its work was committed; finishing (signal again to stop now)\n")
                    continue
                }
                exit(sig, outcome)
            }
        }
        thread.name = "census-signals"
        thread.stackSize = 1 << 18
        thread.start()
    }

    private static var isExiting: Bool { state.lock.withLock { state.exiting } }

    private static func name(_ sig: Int32) -> String {
        sig == SIGINT ? "interrupted" : sig == SIGTERM ? "terminated" : "hung up"
    }

    /// Standard error as it was before ``silence()``.
    nonisolated(unsafe) private static var stderrCopy: Int32 = -1

    /// From now on the process exits here: whatever the interrupted thread says (a failure
    /// because its files are going away) is not the outcome, so it goes to /dev/null, and it
    /// cannot exit first with its own status (see the `atexit` hook).
    private static func silence() {
        state.lock.withLock {
            guard !state.exiting else { return }
            state.exiting = true
            stderrCopy = dup(2)
            let null = open("/dev/null", O_WRONLY)
            if null >= 0 { dup2(null, 1); dup2(null, 2) }
        }
    }

    private static func exit(_ sig: Int32, _ outcome: Interruption.Outcome) -> Never {
        silence()
        var removed = 0
        if case .removedUnfinishedOutput(let n) = outcome { removed = n }
        let note = removed == 0 ? "" : "; removed its unfinished output (\(removed) file\(removed == 1 ? "" : "s"))"
        FileIO.writeAll(Array("census: \(name(sig))\(note)\n".utf8), fd: stderrCopy >= 0 ? stderrCopy : 2)
        _exit(128 + sig)
    }
}
