import Foundation
import UnfinishedOutput

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `census` and `census-compile` do on Ctrl-C, `kill` or a closed terminal: the
/// executables' policy, kept out of the libraries (which only keep the bookkeeping,
/// ``Interruption``).
///
/// ``install()`` catches SIGINT, SIGTERM and SIGHUP with a handler that only writes the signal's
/// number to a pipe (async-signal-safe), whichever thread receives it, and a thread of its own
/// reads the pipe, so the cleanup runs as ordinary code, not in a signal handler. (Blocking the
/// signals and `sigwait` would not do: an async `main` leaves the main thread in
/// libdispatch's `sigsuspend` with an empty mask, where the default action would kill the
/// process with its unfinished output left behind.) On a
/// signal it asks ``Interruption/interrupt()`` to remove the unfinished output, says so on
/// standard error and exits with 128 + the signal number (130 for SIGINT, 143 for SIGTERM), as
/// a shell does. When the command's work was already committed (codes issued and their letters
/// published), it says so and lets the command finish; a second signal exits.
package enum SignalHandler {
    /// The signals handled.
    package static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var installed = false
        var exiting = false
    }

    private static let state = State()

    /// The pipe the signal handler writes the signal's number to, and the handling thread reads.
    nonisolated(unsafe) private static var pipeFDs: [Int32] = [-1, -1]
    /// Its write end, read by the signal handler (set before the handler is installed).
    nonisolated(unsafe) fileprivate static var writeFD: Int32 = -1

    /// Installs the handler and starts the thread that acts on the signals. Call it first
    /// thing in `main`.
    package static func install() {
        let first = state.lock.withLock {
            defer { state.installed = true }
            return !state.installed
        }
        guard first else { return }
        guard pipe(&pipeFDs) == 0 else { return }
        _ = fcntl(pipeFDs[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipeFDs[1], F_SETFD, FD_CLOEXEC)
        writeFD = pipeFDs[1]
        let readFD = pipeFDs[0]
        // A closed output pipe is an error on the write (EPIPE), handled by outputClosed(),
        // not a signal that kills the process half-way through its work.
        signal(SIGPIPE, SIG_IGN)
        // The interrupted thread keeps running while the cleanup does (it may fail because its
        // files are going away): it must not exit first, with its own status.
        atexit {
            if SignalHandler.isExiting { while true { pause() } }
        }
        let thread = Thread {
            var finishing = false
            while true {
                var byte: UInt8 = 0
                let n = read(readFD, &byte, 1)
                if n < 0 && errno == EINTR { continue }
                guard n == 1 else { return }
                let sig = Int32(byte)
                // A second signal while finishing stops at once, removing nothing.
                let outcome = finishing ? .removedUnfinishedOutput(removed: 0) : Interruption.interrupt(beforeRemoving: silence)
                if outcome == .workAlreadyCommitted {
                    finishing = true
                    FileIO.writeError("\(Console.program): \(name(sig)) after its work was committed; finishing (signal again to stop now)\n")
                    continue
                }
                exit(sig, outcome)
            }
        }
        thread.name = "\(Console.program)-signals"
        thread.stackSize = 1 << 18
        thread.start()
        for s in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = censusSignalHandler
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(s, &action, nil)
        }
    }

    private static var isExiting: Bool { state.lock.withLock { state.exiting } }

    /// Standard output was a pipe and its reader has gone (`census | head`): nobody will see
    /// the rest, so stop as if interrupted (unfinished output removed), silently, with the
    /// status a shell gives a process killed by SIGPIPE (141).
    package static func outputClosed() -> Never {
        let outcome = Interruption.interrupt(beforeRemoving: silence)
        if outcome == .workAlreadyCommitted { _exit(0) }
        _exit(128 + SIGPIPE)
    }

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
        FileIO.writeAll(Array("\(Console.program): \(name(sig))\(note)\n".utf8), fd: stderrCopy >= 0 ? stderrCopy : 2)
        _exit(128 + sig)
    }
}

/// The signal handler: only async-signal-safe work, writing the signal's number to the pipe
/// that the handling thread reads (errno is kept for the interrupted code).
private func censusSignalHandler(_ sig: Int32) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: sig)
    _ = write(SignalHandler.writeFD, &byte, 1)
    errno = saved
}
