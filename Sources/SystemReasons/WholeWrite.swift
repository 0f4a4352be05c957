#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing a buffer whole to a file descriptor: the one write loop of the package. The store's
/// and the frame's files (`DurableFile.writeAll`) and the commands' outputs (`FileIO`, in
/// `census-compile` too, which links no SQLite) all go through it, so it lives here, in a
/// module that needs only libc.
public enum WholeWrite {
    /// Writes every byte of `bytes` to `fd`, again after a signal interrupts a write (`EINTR`)
    /// and after a short write.
    ///
    /// - Returns: `nil` when every byte was written; else the `errno` of the failed write
    ///   (`ENOSPC` for a full disk, `EPIPE` for a closed pipe), or `EIO` for a write that
    ///   wrote nothing without an error.
    public static func write(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Int32? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
            let n = Glibc.write(fd, base + offset, bytes.count - offset)
            #else
            let n = Darwin.write(fd, base + offset, bytes.count - offset)
            #endif
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return EIO }
            offset += n
        }
        return nil
    }
}
