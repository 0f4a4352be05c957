import Foundation

/// The calling thread's scheduler statistics (Linux `/proc/thread-self/schedstat`,
/// Documentation/scheduler/sched-stats.rst): nanoseconds on a CPU, nanoseconds runnable but
/// waiting for one. Both zero (``isKnown`` false) where the kernel gives none.
struct ThreadSchedStat: Sendable, Equatable {
    var runNanoseconds: UInt64 = 0
    var waitNanoseconds: UInt64 = 0
    var isKnown: Bool { runNanoseconds != 0 }

    /// Parses the file's line, "RUN WAIT TIMESLICES" (decimal); nil for anything else.
    init?(line: some StringProtocol) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2,
              let run = UInt64(fields[0].trimmingCharacters(in: .whitespacesAndNewlines)),
              let wait = UInt64(fields[1].trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        runNanoseconds = run
        waitNanoseconds = wait
    }

    init() {}
}

/// Reads ``ThreadSchedStat`` of the thread that made it (the file is opened once, by that
/// thread, and re-read with `pread`: one system call a reading). Use it on that thread only.
/// The file is closed when the reader goes (a stopped probe's), so servers started one after
/// another in one process (the tests) do not collect open descriptors.
final class ThreadSchedStatReader: Sendable {
    private let descriptor: Int32

    /// Nil where the file cannot be opened (not Linux, or no schedstats).
    init?() {
        let fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        descriptor = fd
    }

    deinit { close(descriptor) }

    func read() -> ThreadSchedStat? {
        var buffer = [UInt8](repeating: 0, count: 96)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return ThreadSchedStat(line: String(decoding: buffer[0..<count], as: UTF8.self))
    }
}
