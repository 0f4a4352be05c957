import DurableFiles
import Foundation

/// An exclusive `flock` on the store directory, held while the manifest is created or
/// replaced (`store init`, `accept-schema`), so that concurrent runs take turns.
///
/// A type of its own, not a `ResponseStore` extension: inside one, `open`/`close` would name
/// the store's own methods rather than the system calls.
struct StoreLock {
    private let fd: Int32

    init(_ directory: URL) throws {
        fd = open(directory.path, O_RDONLY)
        guard fd >= 0 else { throw DurableFile.posixError("cannot open the store directory \(directory.path)") }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR {
                let e = DurableFile.posixError("cannot lock the store directory \(directory.path)")
                close(fd)
                throw e
            }
        }
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
