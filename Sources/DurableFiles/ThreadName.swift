import Foundation

/// The name the kernel shows for a thread (`ps -L`, `top -H`, perf, /proc/PID/task/TID/comm).
///
/// Foundation's `Thread.name` does not reach the kernel for names longer than Linux's 15 bytes
/// (TASK_COMM_LEN less the terminating NUL): `pthread_setname_np` refuses them (ERANGE), and the
/// thread keeps the name of the thread that started it. So a running server's shard writers
/// showed a dispatch or event-loop thread's name instead of theirs (read back with
/// `ps -L`, 2026-12-01). The writer threads call ``setCurrent(_:)`` first thing.
package enum ThreadName {
    /// The most bytes of a thread name Linux keeps.
    package static let limit = 15

    /// `name` as the kernel can keep it: without a leading `census-` (the process is `census`),
    /// then at most ``limit`` bytes of UTF-8, cut at a character boundary. For example
    /// `census-shard-writer-3` is `shard-writer-3`.
    package static func kernelName(_ name: String) -> String {
        let bare = name.hasPrefix("census-") ? String(name.dropFirst("census-".count)) : name
        var kept = ""
        for character in bare {
            if kept.utf8.count + String(character).utf8.count > limit { break }
            kept.append(character)
        }
        return kept
    }

    /// Names the calling thread ``kernelName(_:)`` of `name` (Linux; elsewhere nothing). A
    /// refusal leaves the name as it was: a thread's name only helps people read `ps`.
    package static func setCurrent(_ name: String) {
        #if os(Linux)
        // Swift's Glibc does not export pthread_setname_np (a GNU extension) and prctl is
        // variadic: the thread's own comm file in /proc does the same (Linux 3.17 and later).
        let fd = open("/proc/thread-self/comm", O_WRONLY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(kernelName(name).utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        #endif
    }

    /// The calling thread's name as the kernel shows it, or `nil` where it cannot be read
    /// (not Linux). The same file ``setCurrent(_:)`` writes.
    package static func current() -> String? {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8) else { return nil }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
        #else
        return nil
        #endif
    }
}
