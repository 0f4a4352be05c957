import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bookkeeping that lets an interrupted command leave no unfinished output behind.
///
/// Commands write their output beside its final name and publish it only when it is complete
/// (rename or link): `out.ndjson.tmp-PID`, `.frame.sqlite.importing-…`,
/// `.letters.csv.partial-…`. Each such path is ``register(_:_:)``ed before it is created and
/// ``unregister(_:)``ed once published or removed. Work that must not be cut in half (commit
/// the codes, then publish their letters) runs in ``uninterruptible(_:)``.
///
/// This is only bookkeeping: no signal is caught here, and nothing exits. The executable owns
/// the signal policy (CensusCLI's `SignalHandler` blocks SIGINT, SIGTERM and SIGHUP, and on
/// one calls ``interrupt()`` then exits; a server shuts down through swift-service-lifecycle
/// instead). Without a handler, registering costs a lock and an array append.
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

    /// What ``interrupt()`` did.
    package enum Outcome: Sendable, Equatable {
        /// The registered paths were removed (`removed` of them existed). Exit now: an
        /// uninterruptible step will never start again.
        case removedUnfinishedOutput(removed: Int)
        /// The command's work was already committed (``commitPoint()``, after
        /// ``finishesAtCommit`` was set): nothing was removed; let the command finish.
        case workAlreadyCommitted
    }

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        let critical = NSRecursiveLock()
        var paths: [(path: String, kind: Kind)] = []
        var finishesAtCommit = false
        var committed = false
    }

    private static let state = State()

    /// Registers a path to remove if the process is interrupted. Register before creating it.
    package static func register(_ path: String, _ kind: Kind = .file) {
        state.lock.withLock { state.paths.append((path, kind)) }
    }

    /// Forgets a path: it was published or removed. Registrations nest: this forgets the most
    /// recent one of `path` (a step that registers the directory its caller registered
    /// leaves the caller's registration in place).
    package static func unregister(_ path: String) {
        state.lock.withLock {
            if let i = state.paths.lastIndex(where: { $0.path == path }) { state.paths.remove(at: i) }
        }
    }

    /// Runs `body` to its end even if the process is interrupted meanwhile; the interruption is
    /// handled after it.
    package static func uninterruptible<T>(_ body: () throws -> T) rethrows -> T {
        state.critical.lock()
        defer { state.critical.unlock() }
        return try body()
    }

    /// Set by a command whose whole result is one library commit (issuing codes, importing a
    /// frame, creating a store): once that commit is made, an interruption lets the command
    /// finish and report it rather than exiting as if it had failed.
    package static var finishesAtCommit: Bool {
        get { state.lock.withLock { state.finishesAtCommit } }
        set { state.lock.withLock { state.finishesAtCommit = newValue } }
    }

    /// Called by the library inside an ``uninterruptible(_:)`` step, once what the caller asked
    /// for is durable (the codes' transaction committed and their letters published).
    package static func commitPoint() {
        state.lock.withLock { state.committed = true }
    }

    /// The registered paths, most recent first (for tests).
    package static var registered: [String] {
        state.lock.withLock { state.paths.reversed().map(\.path) }
    }

    /// Handles an interruption: waits for an uninterruptible step to end, then either reports
    /// that the command's work is already committed, or calls `prepare` (the executable
    /// silences the interrupted thread there), removes every registered path (most recent
    /// first) and never lets an uninterruptible step start again.
    package static func interrupt(beforeRemoving prepare: () -> Void = {}) -> Outcome {
        state.critical.lock()
        let (finishing, paths) = state.lock.withLock { (state.finishesAtCommit && state.committed, state.paths.reversed()) }
        if finishing {
            state.critical.unlock()
            return .workAlreadyCommitted
        }
        // The critical lock stays held: the process is about to exit.
        prepare()
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
        return .removedUnfinishedOutput(removed: removed)
    }
}
