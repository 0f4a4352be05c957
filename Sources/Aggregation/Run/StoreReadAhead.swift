import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the files a full run scans into the kernel's page cache in file order, one file at a
/// time, a little ahead of the workers that scan them.
///
/// A worker reads its shard in household id order, and a shard's pages lie in the order the
/// versions arrived: when the pages are not in the page cache (a run after the server's
/// working set pushed them out, or the first run on a machine just started), the scan is one
/// small random read after another and the run waits on the disk (an hour's work of the
/// cores took more than ten minutes, the cores mostly idle). The same pages read in file order
/// come in long sequential reads, many times faster (BENCHMARKS.md, "Aggregation", stop 25).
/// The part of a file already cached is not read again (`mincore`), so a run on warm pages
/// costs next to nothing more.
///
/// Order: the address frame first (every worker looks households up in it), then the shards
/// in the order the workers take them. A worker that takes shard `k` waits in
/// ``waitForShard(_:)`` until shard `k` has been read, so its scan does not compete with the
/// sequential reads for the disk; the read-ahead goes on to at most `lookahead` shards beyond
/// those taken.
///
/// Memory: one buffer of ``chunk`` bytes. The pages read are the kernel's page cache, not the
/// process's memory: the kernel gives them back under pressure (the scan then reads them
/// again, as it would have without the read-ahead). At most `lookahead` shard files are read
/// beyond those being scanned, and a file larger than ``largestFile`` is not read ahead.
final class StoreReadAhead: @unchecked Sendable {
    /// Bytes read per `pread` (the kernel's own readahead sizes the disk's requests).
    static let chunk = 2 << 20
    /// Files larger than an eighth of the machine's memory are not read ahead: with `lookahead`
    /// and the workers' files all cached, they would push each other out before being scanned.
    static var largestFile: Int { Int(min(ProcessInfo.processInfo.physicalMemory / 8, UInt64(Int.max))) }

    private let frame: String?
    private let shards: [String]
    private let lookahead: Int
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var taken = 0
    private var read = 0
    private var finished = false
    private var stopped = false
    private let ended = DispatchSemaphore(value: 0)

    /// Starts reading on a thread of its own.
    ///
    /// - parameters:
    ///   - frame: the address frame file, read first (nil: none).
    ///   - shards: the shard files, in the order the workers take them.
    ///   - lookahead: shards read beyond the last one taken (at least 1).
    init(frame: String?, shards: [String], lookahead: Int) {
        self.frame = frame
        self.shards = shards
        self.lookahead = max(1, lookahead)
        let thread = Thread { [self] in
            defer { ended.signal() }
            var buffer = [UInt8](repeating: 0, count: Self.chunk)
            if let frame { readFile(frame, into: &buffer) }
            for i in shards.indices {
                condition.lock()
                while !stopped && i >= taken + self.lookahead { condition.wait() }
                let stop = stopped
                condition.unlock()
                if stop { break }
                readFile(shards[i], into: &buffer)
                condition.lock()
                read = i + 1
                condition.broadcast()
                condition.unlock()
            }
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        thread.start()
    }

    /// Called by a worker that takes shard `shard` (workers take them in increasing order):
    /// returns once the shard's file has been read (or the read-ahead has stopped).
    func waitForShard(_ shard: Int) {
        condition.lock()
        taken = max(taken, shard + 1)
        condition.broadcast()
        while !stopped && !finished && read <= shard { condition.wait() }
        condition.unlock()
    }

    /// Stops reading (within one chunk) and waits for the thread to end. Safe to call more than
    /// once.
    func stop() {
        condition.lock()
        let first = !stopped
        stopped = true
        condition.broadcast()
        condition.unlock()
        if first { ended.wait() }
    }

    private var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    /// Reads `path` from start to end into `buffer`, skipping the chunks whose pages are all in
    /// the page cache. A file that cannot be opened is left alone: the scan reports it.
    private func readFile(_ path: String, into buffer: inout [UInt8]) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return }
        let size = Int(info.st_size)
        guard size > 0, size <= Self.largestFile else { return }
        // Doubles the kernel's readahead window for this descriptor's reads.
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        // Mapped only to ask which pages are cached (`mincore`); never read through, so the
        // process's resident memory does not grow by the file.
        let mapping = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
        let cachedQuery = mapping != MAP_FAILED ? mapping : nil
        defer { if let cachedQuery { munmap(cachedQuery, size) } }
        var resident = [UInt8](repeating: 0, count: Self.chunk / page + 1)
        var offset = 0
        while offset < size && !isStopped {
            let length = min(Self.chunk, size - offset)
            if let cachedQuery {
                let pages = (length + page - 1) / page
                let asked = resident.withUnsafeMutableBufferPointer { mincore(cachedQuery + offset, length, $0.baseAddress) }
                if asked == 0 && !resident[..<pages].contains(where: { $0 & 1 == 0 }) {
                    offset += length
                    continue
                }
            }
            let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(offset)) }
            if got <= 0 { return }
            offset += got
        }
    }
}
