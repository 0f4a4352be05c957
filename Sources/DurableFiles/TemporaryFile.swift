import Foundation
import SystemReasons
import UnfinishedOutput

/// The temporary files commands write beside their output (`.NAME.TAG-UUID`), locked while in
/// use, so that the next run of a command can recognise and remove what a killed run left.
///
/// SIGKILL (or a power cut) cannot be caught: an import killed before it published its frame
/// left `.frame.sqlite.importing-…` files that survived every later run (issue 13). Each
/// temporary file is now created exclusively and held with an exclusive `flock` for as long as
/// its process uses it; ``removeStale(beside:tag:)`` removes the ones nobody holds (a lock dies
/// with its process). A file in use by another run (its lock held) is never touched.
package struct TemporaryFile {
    /// The temporary file's path.
    package let path: String
    /// Its open descriptor (write-only), holding the lock until ``close()``.
    package let fd: Int32

    /// `DIR/.NAME.TAG-UUID` for `target` = `DIR/NAME`.
    package static func path(beside target: URL, tag: String) -> String {
        target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(tag)-\(UUID().uuidString)").path
    }

    /// Creates a new temporary file beside `target` (never an existing one), registered for
    /// removal on interruption (``Interruption``) and locked.
    package init(beside target: URL, tag: String, mode: mode_t = 0o644) throws {
        path = TemporaryFile.path(beside: target, tag: tag)
        Interruption.register(path)
        fd = open(path, O_CREAT | O_EXCL | O_WRONLY, mode)
        guard fd >= 0 else {
            let code = errno
            Interruption.unregister(path)
            let reason = CreationFailure.explain(target.path, errno: code, doing: "creating \(path)")
            throw FileSystemError("cannot write \(target.path): \(reason)", reason: reason, code: code)
        }
        _ = flock(fd, LOCK_EX)
    }

    /// Closes the descriptor, releasing the lock (after SQLite has closed its own connections
    /// to the file: closing another descriptor of a file drops the process's POSIX locks on it).
    package func close() {
        Glibc.close(fd)
    }

    /// True when a live process holds the file's lock.
    package static func isInUse(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 { return errno == EWOULDBLOCK }
        flock(fd, LOCK_UN)
        return false
    }

    /// True for a name ``path(beside:tag:)`` gives for `target`'s name and `tag`.
    package static func isTemporaryName(_ name: String, of target: String, tag: String) -> Bool {
        let prefix = ".\(target).\(tag)-"
        guard name.hasPrefix(prefix) else { return false }
        return UUID(uuidString: String(name.dropFirst(prefix.count))) != nil
    }

    /// Removes the temporary files of `target` with `tag` (and their `-wal`, `-shm`, `-journal`)
    /// that no live process holds: left by a run that was killed. Returns how many.
    @discardableResult
    package static func removeStale(beside target: URL, tag: String) -> Int {
        let dir = target.deletingLastPathComponent()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return 0 }
        var removed = 0
        for name in names {
            // A SQLite temporary file's -wal, -shm or -journal goes with it (even if it is gone).
            let suffix = ["-wal", "-shm", "-journal"].first { name.hasSuffix($0) } ?? ""
            let base = String(name.dropLast(suffix.count))
            guard isTemporaryName(base, of: target.lastPathComponent, tag: tag),
                  !isInUse(dir.appendingPathComponent(base).path) else { continue }
            if unlink(dir.appendingPathComponent(name).path) == 0 && suffix.isEmpty { removed += 1 }
        }
        return removed
    }
}
