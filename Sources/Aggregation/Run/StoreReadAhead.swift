import DurableFiles
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the files a run scans into the kernel's page cache in file order, a little ahead of
/// the workers that scan them, with several reads in flight.
///
/// A worker reads its shard in household id order, and a shard's pages lie in the order the
/// versions arrived: when the pages are not in the page cache (a run after the server's
/// working set pushed them out, or the first run on a machine just started), the scan is one
/// small random read after another and the run waits on the disk (an hour's work of the
/// cores took more than ten minutes, the cores mostly idle). The same pages read in file order
/// come in long sequential reads, many times faster (BENCHMARKS.md, "Aggregation", stops 25
/// and 26). The part of a file already cached is not read again (`mincore`), so a run on warm
/// pages costs next to nothing more.
///
/// Order: the files in the order given (the address frame first: every worker looks
/// households up in it; then each shard's files in the order the workers take the shards).
/// ``readers`` threads take the next ``chunk`` of that sequence one after another, so that
/// many requests are in flight at once and the disk is never left idle between two of them. A
/// worker that takes shard `k` waits in ``waitForShard(_:)`` until shard `k`'s files have been
/// read, so its scan does not compete with the sequential reads for the disk; the readers go on
/// to at most `lookahead` shards beyond those taken. That bound matters when the disk is
/// faster than the workers: pages unread for about a minute are dropped by this machine's
/// reclaim even with free memory, so a file read far ahead of its scan could be read twice.
/// It also costs: a disk that must fetch the store comes in bursts, and in a burst the readers
/// reach the bound and leave the disk idle while the workers scan, to wait for it later (17 of
/// 62 s in a disk-cold run, BENCHMARKS.md, "Aggregation", stop 26).
///
/// Memory: one buffer of ``chunk`` bytes per reader. The pages read are the kernel's page
/// cache, not the process's memory: the kernel gives them back under pressure (the scan then
/// reads them again, as it would have without the read-ahead). At most `lookahead` shards are
/// read beyond those being scanned, and a file larger than ``largestFile`` is not read ahead.
///
/// Stopping (``stop()``, on every way out of a run, errors included) ends every reader within
/// one chunk and returns once they have all ended.
final class StoreReadAhead: @unchecked Sendable {
    /// A stretch of a file to read ahead: from byte `start` to the end of the file.
    struct Stretch: Sendable, Equatable {
        var path: String
        /// The first byte to read (0: the whole file). An incremental run reads each shard from
        /// where the file ended at the previous run: what was appended since, where its new
        /// versions and their index entries are.
        var start: Int = 0
        /// The shard whose worker waits for it (nil: no worker waits; the frame).
        var shard: Int?
    }

    /// Bytes read per `pread` (the kernel's own readahead sizes the disk's requests).
    static let chunk = 2 << 20
    /// Reading threads. The disk is kept busy by one when it is slow (the kernel's readahead
    /// has a few requests in flight then: measured first-touch reads ran at the same rate with
    /// 1, 4 and 16) and read up to twice as fast with four when it answers from its own cache
    /// (BENCHMARKS.md, "Aggregation", stop 26).
    static let defaultReaders = 4
    /// Files larger than an eighth of the machine's memory are not read ahead: with `lookahead`
    /// and the workers' files all cached, they would push each other out before being scanned.
    static var largestFile: Int { Int(min(ProcessInfo.processInfo.physicalMemory / 8, UInt64(Int.max))) }
    /// The name the reading threads carry (``ThreadName``: `/proc/PID/task/*/comm`, `top -H`).
    static let threadName = "read-ahead"

    /// A file being read: its descriptor, its chunks, and how many are being read.
    private final class OpenFile {
        let stretch: Stretch
        let fd: Int32
        let chunks: [Range<Int>]
        /// Mapped only to ask which pages are cached (`mincore`); never read through, so the
        /// process's resident memory does not grow by the file.
        let mapping: UnsafeMutableRawPointer?
        let mappedBytes: Int
        var next = 0
        var inFlight = 0

        init(stretch: Stretch, fd: Int32, chunks: [Range<Int>], mapping: UnsafeMutableRawPointer?, mappedBytes: Int) {
            self.stretch = stretch
            self.fd = fd
            self.chunks = chunks
            self.mapping = mapping
            self.mappedBytes = mappedBytes
        }

        func release() {
            if let mapping { munmap(mapping, mappedBytes) }
            _ = close(fd)
        }
    }

    private let stretches: [Stretch]
    private let lookahead: Int
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var taken = 0
    private var nextStretch = 0
    private var current: OpenFile?
    /// Per shard: its stretches not yet read.
    private var unread: [Int: Int] = [:]
    private var running: Int
    private var stopped = false

    /// Starts reading on `readers` threads of their own.
    ///
    /// - parameters:
    ///   - stretches: what to read, in order; a shard's stretches follow one another, shards in
    ///     the order the workers take them.
    ///   - lookahead: shards read beyond the last one taken (at least 1).
    ///   - readers: reading threads (at least 1).
    init(_ stretches: [Stretch], lookahead: Int, readers: Int = StoreReadAhead.defaultReaders) {
        self.stretches = stretches
        self.lookahead = max(1, lookahead)
        for s in stretches { if let shard = s.shard { unread[shard, default: 0] += 1 } }
        let count = max(1, readers)
        running = count
        for _ in 0..<count {
            let thread = Thread { [self] in
                ThreadName.setCurrent(Self.threadName)
                read()
            }
            thread.start()
        }
    }

    /// How much of each shard file a run reads ahead.
    enum ShardPart: Sendable, Equatable {
        /// Every shard from its first byte (a full run reads every page).
        case whole
        /// Each shard from the byte where its file ended at the previous run, `ends[k]` for shard
        /// `k` (an incremental run: the versions committed since, and their index entries, were
        /// appended there). A shard beyond `ends` (a previous state that did not record the
        /// sizes) is not read ahead.
        case appendedSince(ends: [Int])

        /// Where shard `k` is read from; nil when it is not read ahead.
        func start(ofShard k: Int) -> Int? {
            switch self {
            case .whole: return 0
            case .appendedSince(let ends): return k < ends.count ? ends[k] : nil
            }
        }
    }

    /// The stretches of a run: the frame, then each shard file (the part `shardPart` says) and
    /// its write-ahead log.
    ///
    /// - parameters:
    ///   - frame: the address frame file (nil: none).
    ///   - shards: the shard files, in the order the workers take them.
    ///   - shardPart: how much of each shard to read.
    static func stretches(frame: String?, shards: [String], shardPart: ShardPart) -> [Stretch] {
        var result: [Stretch] = []
        if let frame { result.append(Stretch(path: frame)) }
        for (k, path) in shards.enumerated() {
            guard let start = shardPart.start(ofShard: k) else { continue }
            result.append(Stretch(path: path, start: start, shard: k))
            // Commits the server made since its last checkpoint are in the log, which the scan
            // reads too (a few MB at most while the server checkpoints).
            result.append(Stretch(path: path + "-wal", shard: k))
        }
        return result
    }

    /// The chunks to read from `start` (rounded down to a page) to `size`: `chunk` bytes each,
    /// aligned to multiples of `chunk` after the first, in file order. Empty when there is
    /// nothing from `start` on.
    static func chunks(from start: Int, size: Int, chunk: Int = StoreReadAhead.chunk, page: Int = 4096) -> [Range<Int>] {
        guard chunk > 0, page > 0, size > 0, start < size else { return [] }
        var offset = max(0, start) / page * page
        var result: [Range<Int>] = []
        while offset < size {
            let end = min(size, (offset / chunk + 1) * chunk)
            result.append(offset..<end)
            offset = end
        }
        return result
    }

    /// The size of the file at `path` in bytes (nil: it cannot be read).
    static func fileSize(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// Called by a worker that takes shard `shard` (workers take them in increasing order):
    /// returns once the shard's stretches have been read (at once for a shard with none), or
    /// the read-ahead has stopped.
    func waitForShard(_ shard: Int) {
        condition.lock()
        taken = max(taken, shard + 1)
        condition.broadcast()
        while !stopped && running > 0 && (unread[shard] ?? 0) > 0 { condition.wait() }
        condition.unlock()
    }

    /// Stops reading (each reader within one chunk) and returns once every reader has ended.
    /// Safe to call more than once, and from any thread.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        current?.release()
        current = nil
        condition.unlock()
    }

    /// Reading threads still running (for tests).
    var runningReaders: Int {
        condition.lock()
        defer { condition.unlock() }
        return running
    }

    deinit {
        // Readers hold `self` while they run; by now they have all ended.
        current?.release()
    }

    // MARK: Reading

    private enum Next {
        case read(OpenFile, Range<Int>)
        case wait
        case end
    }

    /// One reader: takes the next chunk, reads it, until everything is read or it is stopped.
    private func read() {
        var buffer = [UInt8](repeating: 0, count: Self.chunk)
        var resident = [UInt8](repeating: 0, count: Self.chunk / Self.pageSize + 1)
        condition.lock()
        reading: while !stopped {
            switch nextChunk() {
            case .end: break reading
            case .wait: condition.wait()
            case .read(let file, let range):
                file.inFlight += 1
                condition.unlock()
                let ok = readChunk(file, range, buffer: &buffer, resident: &resident)
                condition.lock()
                file.inFlight -= 1
                // A file that cannot be read is left to the scan, which reports it.
                if !ok { file.next = file.chunks.count }
                if file.next == file.chunks.count && file.inFlight == 0 { finish(file) }
            }
        }
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// The next chunk to read (with `condition` held): of the file being read, or of the next
    /// stretch once its shard is within `lookahead` of those taken.
    private func nextChunk() -> Next {
        while true {
            if let file = current, file.next < file.chunks.count {
                file.next += 1
                return .read(file, file.chunks[file.next - 1])
            }
            guard nextStretch < stretches.count else { return .end }
            let stretch = stretches[nextStretch]
            if let shard = stretch.shard, shard >= taken + lookahead { return .wait }
            nextStretch += 1
            if let file = openStretch(stretch) {
                current = file
            } else {
                done(stretch)
            }
        }
    }

    /// Opens a stretch's file (nil: nothing to read: missing, empty, nothing past `start`, or
    /// larger than ``largestFile``).
    private func openStretch(_ stretch: Stretch) -> OpenFile? {
        let fd = open(stretch.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var info = stat()
        let size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        let chunks = size <= Self.largestFile ? Self.chunks(from: stretch.start, size: size) : []
        guard !chunks.isEmpty else {
            _ = close(fd)
            return nil
        }
        // Doubles the kernel's readahead window for this descriptor's reads.
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        let mapping = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
        return OpenFile(stretch: stretch, fd: fd, chunks: chunks, mapping: mapping == MAP_FAILED ? nil : mapping, mappedBytes: size)
    }

    /// A file all of whose chunks have been read (with `condition` held).
    private func finish(_ file: OpenFile) {
        file.release()
        if current === file { current = nil }
        done(file.stretch)
    }

    private func done(_ stretch: Stretch) {
        if let shard = stretch.shard { unread[shard, default: 1] -= 1 }
        condition.broadcast()
    }

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Reads one chunk unless its pages are all cached. False when the file cannot be read.
    private func readChunk(_ file: OpenFile, _ range: Range<Int>, buffer: inout [UInt8], resident: inout [UInt8]) -> Bool {
        if let mapping = file.mapping {
            let pages = (range.count + Self.pageSize - 1) / Self.pageSize
            let asked = resident.withUnsafeMutableBufferPointer { mincore(mapping + range.lowerBound, range.count, $0.baseAddress) }
            if asked == 0 && !resident[..<pages].contains(where: { $0 & 1 == 0 }) { return true }
        }
        var offset = range.lowerBound
        while offset < range.upperBound {
            let got = buffer.withUnsafeMutableBytes { pread(file.fd, $0.baseAddress, range.upperBound - offset, off_t(offset)) }
            if got <= 0 { return false }
            offset += got
        }
        return true
    }
}

