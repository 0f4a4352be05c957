import SystemReasons
import UnfinishedOutput

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain POSIX file access: the executables avoid Foundation on their hot paths so that
/// checking a form costs milliseconds as a whole process.
package enum FileIO {
    /// A file that cannot be read or written: `cannot read PATH: REASON`, the system's reason.
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// The most any file is read whole unless a caller says otherwise (512 MiB): an input with
    /// no end (`/dev/zero`, `yes |`) or a multi-gigabyte file given by mistake fails with a
    /// message instead of growing until the allocator kills the process.
    package static let defaultLimit = 512 << 20

    /// The bytes of a file, or of standard input for "-": at most `limit` of them (a larger
    /// input fails as soon as it passes the limit, before more is held).
    package static func read(_ path: String, limit: Int = defaultLimit) throws -> [UInt8] {
        let fd = path == "-" ? 0 : open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { if fd != 0 { close(fd) } }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            if out.count + n > limit {
                throw Failure(description: "cannot read \(path): it is larger than \(limit) bytes, the most it can be")
            }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    /// Writes a whole file atomically (a temporary file renamed into place, so a reader never
    /// sees half a file), or to standard output for "-". Like other compilers it does not fsync:
    /// the output can be made again from its source.
    package static func write(_ bytes: [UInt8], to path: String) throws {
        if path == "-" {
            writeOut(bytes)
            return
        }
        // Devices and pipes (/dev/null, /dev/stdout) are written in place: only a regular file
        // may be replaced by renaming.
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG {
            let fd = open(path, O_WRONLY)
            guard fd >= 0 else { throw Failure(description: "cannot write \(path): \(CreationFailure.explain(path, errno: errno, doing: "opening it"))") }
            defer { close(fd) }
            writeAll(bytes, fd: fd)
            return
        }
        let temporary = path + ".tmp-\(getpid())"
        Interruption.register(temporary)
        defer { Interruption.unregister(temporary) }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // The reason names the failing call (the temporary file beside the output) and what it
        // means there: "No such file or directory" alone misleads for /proc, which exists.
        guard fd >= 0 else { throw Failure(description: "cannot write \(path): \(CreationFailure.explain(path, errno: errno, doing: "creating \(temporary)"))") }
        if let failure = writeAll(bytes, to: fd) {
            close(fd)
            unlink(temporary)
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(failure)))")
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw Failure(description: "cannot write \(path): \(CreationFailure.explain(path, errno: code, doing: "renaming \(temporary) to it"))")
        }
    }

    /// Writes bytes to standard output.
    package static func writeOut(_ bytes: [UInt8]) { writeAll(bytes, fd: 1) }

    /// Writes to standard output or error. When standard output is a pipe that was closed
    /// (`census … | head`), the run stops as if interrupted: its unfinished output is removed.
    package static func writeAll(_ bytes: [UInt8], fd: Int32) {
        if writeAll(bytes, to: fd) == EPIPE && fd == 1 { SignalHandler.outputClosed() }
    }

    /// Writes every byte (``WholeWrite``); the `errno` of a failure, or `nil`.
    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        bytes.withUnsafeBytes { WholeWrite.write($0, to: fd) }
    }

    /// Writes text to standard output.
    package static func writeOut(_ text: String) { writeOut(Array(text.utf8)) }

    /// Writes text to standard error.
    package static func writeError(_ text: String) {
        writeAll(Array(text.utf8), fd: 2)
    }

    /// Whether something exists at `path`.
    package static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Monotonic time in seconds, for the timings the CLI prints.
    package static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
