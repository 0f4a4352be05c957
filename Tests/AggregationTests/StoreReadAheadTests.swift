import Foundation
import XCTest
@testable import Aggregation

#if canImport(Glibc)
import Glibc
#endif

/// The read-ahead (``StoreReadAhead``): what it plans to read, the files (or their new ends) in
/// the page cache once waited for, the workers' waits ending whatever order they take their
/// shards in, and no reading thread left once a run stops, however it stops.
final class StoreReadAheadTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("read-ahead-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A file of `bytes` bytes, written, fsynced and then dropped from the page cache (when the
    /// file system lets it be dropped).
    private func file(_ name: String, bytes: Int) throws -> String {
        let path = directory.appendingPathComponent(name).path
        var data = [UInt8](repeating: 0, count: bytes)
        for i in stride(from: 0, to: bytes, by: 4096) { data[i] = UInt8(truncatingIfNeeded: i / 4096 + 1) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        XCTAssertEqual(data.withUnsafeBytes { write(fd, $0.baseAddress, bytes) }, bytes)
        XCTAssertEqual(fsync(fd), 0)
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
        return path
    }

    /// Drops the file's pages from the page cache.
    private func evict(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
    }

    /// The share of the file's pages (of those in `range`: all when nil) in the page cache (0...1).
    private func cachedShare(_ path: String, in range: Range<Int>? = nil) throws -> Double {
        let fd = open(path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        var info = stat()
        XCTAssertEqual(fstat(fd, &info), 0)
        let size = Int(info.st_size)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let mapping = try XCTUnwrap(mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0))
        XCTAssertNotEqual(mapping, MAP_FAILED)
        defer { munmap(mapping, size) }
        var resident = [UInt8](repeating: 0, count: (size + page - 1) / page)
        XCTAssertEqual(resident.withUnsafeMutableBufferPointer { mincore(mapping, size, $0.baseAddress) }, 0)
        let pages = range.map { resident[($0.lowerBound / page)..<(($0.upperBound + page - 1) / page)] } ?? resident[...]
        return Double(pages.filter { $0 & 1 == 1 }.count) / Double(pages.count)
    }

    /// The reading threads of this process (by their name, `/proc/self/task/*/comm`) once their
    /// number is `expected`, or after `seconds` whatever it is: a thread takes a moment to name
    /// itself after it starts, and to leave after it has signalled its end.
    private func readerThreads(becoming expected: Int, within seconds: Double = 5) -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            let count = tasks.filter { task in
                let comm = (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) ?? ""
                return comm.trimmingCharacters(in: .whitespacesAndNewlines) == StoreReadAhead.threadName
            }.count
            if count == expected || Date() > deadline { return count }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    func testChunksCoverFromTheStartsPageToTheEndInAlignedPieces() {
        let chunk = StoreReadAhead.chunk
        XCTAssertEqual(StoreReadAhead.chunks(from: 0, size: 5 << 20), [0..<chunk, chunk..<2 * chunk, 2 * chunk..<(5 << 20)])
        // From the middle of a page: that page's start; then to the next chunk boundary.
        XCTAssertEqual(StoreReadAhead.chunks(from: chunk + 5000, size: 3 * chunk + 1),
                       [(chunk + 4096)..<2 * chunk, 2 * chunk..<3 * chunk, 3 * chunk..<(3 * chunk + 1)])
        XCTAssertEqual(StoreReadAhead.chunks(from: 100, size: 100), [])
        XCTAssertEqual(StoreReadAhead.chunks(from: 200, size: 100), [])
        XCTAssertEqual(StoreReadAhead.chunks(from: 0, size: 0), [])
        XCTAssertEqual(StoreReadAhead.chunks(from: 99, size: 100), [0..<100])
        for (start, size) in [(0, 1), (4095, 4097), (12_345, 7 * chunk + 17), (3 * chunk, 3 * chunk + 4096)] {
            let pieces = StoreReadAhead.chunks(from: start, size: size)
            XCTAssertEqual(pieces.first?.lowerBound, start / 4096 * 4096, "\(start) \(size)")
            XCTAssertEqual(pieces.last?.upperBound, size)
            for (a, b) in zip(pieces, pieces.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
            XCTAssertTrue(pieces.allSatisfy { $0.count <= chunk && $0.count > 0 })
            XCTAssertTrue(pieces.dropFirst().allSatisfy { $0.lowerBound % chunk == 0 })
        }
    }

    func testAFullRunReadsEveryShardWholeAndAnIncrementalRunTheirEndsOnly() {
        let shards = ["s0", "s1", "s2"]
        XCTAssertEqual(StoreReadAhead.stretches(frame: "f", shards: shards, shardPart: .whole), [
            .init(path: "f"),
            .init(path: "s0", shard: 0), .init(path: "s0-wal", shard: 0),
            .init(path: "s1", shard: 1), .init(path: "s1-wal", shard: 1),
            .init(path: "s2", shard: 2), .init(path: "s2-wal", shard: 2),
        ])
        XCTAssertEqual(StoreReadAhead.stretches(frame: "f", shards: shards, shardPart: .appendedSince(ends: [100, 200, 300])), [
            .init(path: "f"),
            .init(path: "s0", start: 100, shard: 0), .init(path: "s0-wal", shard: 0),
            .init(path: "s1", start: 200, shard: 1), .init(path: "s1-wal", shard: 1),
            .init(path: "s2", start: 300, shard: 2), .init(path: "s2-wal", shard: 2),
        ])
        // Ends recorded for fewer shards than there are: the others are not read ahead.
        XCTAssertEqual(StoreReadAhead.stretches(frame: "f", shards: shards, shardPart: .appendedSince(ends: [100])), [
            .init(path: "f"),
            .init(path: "s0", start: 100, shard: 0), .init(path: "s0-wal", shard: 0),
        ])
        // A previous state that did not record the sizes: the frame only.
        XCTAssertEqual(StoreReadAhead.stretches(frame: "f", shards: shards, shardPart: .appendedSince(ends: [])), [.init(path: "f")])
        XCTAssertEqual(StoreReadAhead.stretches(frame: nil, shards: [], shardPart: .whole), [])
    }

    func testEveryFileIsInThePageCacheOnceItsShardIsWaitedFor() throws {
        let frame = try file("frame.sqlite", bytes: 3 << 20)
        let shards = try (0..<4).map { try file("shard-\($0).sqlite", bytes: (5 << 20) + 4096 * $0 + 100) }
        let before = try shards.map { try cachedShare($0) }
        if before.allSatisfy({ $0 > 0.99 }) {
            throw XCTSkip("this file system keeps the pages of a synced file cached (POSIX_FADV_DONTNEED left them)")
        }
        for readers in [1, 3] {
            for path in [frame] + shards { try evict(path) }
            let readAhead = StoreReadAhead(StoreReadAhead.stretches(frame: frame, shards: shards, shardPart: .whole), lookahead: 1, readers: readers)
            defer { readAhead.stop() }
            for (i, path) in shards.enumerated() {
                readAhead.waitForShard(i)
                XCTAssertEqual(try cachedShare(path), 1, "shard \(i) not read when its worker was let go (\(readers) readers)")
            }
            XCTAssertEqual(try cachedShare(frame), 1, "the frame was not read (\(readers) readers)")
        }
    }

    func testAnIncrementalRunReadsAShardFromWhereItEndedBefore() throws {
        let shard = try file("shard-0.sqlite", bytes: 8 << 20)
        if try cachedShare(shard) > 0.99 {
            throw XCTSkip("this file system keeps the pages of a synced file cached (POSIX_FADV_DONTNEED left them)")
        }
        let readAhead = StoreReadAhead(StoreReadAhead.stretches(frame: nil, shards: [shard], shardPart: .appendedSince(ends: [6 << 20])), lookahead: 1)
        defer { readAhead.stop() }
        readAhead.waitForShard(0)
        XCTAssertEqual(try cachedShare(shard, in: (6 << 20)..<(8 << 20)), 1, "the end appended since was not read")
        XCTAssertLessThan(try cachedShare(shard, in: 0..<(4 << 20)), 0.5, "what the previous run read was read again")
    }

    func testTheReadersGoNoFurtherThanLookaheadShardsBeyondThoseTaken() throws {
        let shards = try (0..<4).map { try file("shard-\($0).sqlite", bytes: 4 << 20) }
        if try cachedShare(shards[3]) > 0.99 {
            throw XCTSkip("this file system keeps the pages of a synced file cached (POSIX_FADV_DONTNEED left them)")
        }
        let readAhead = StoreReadAhead(StoreReadAhead.stretches(frame: nil, shards: shards, shardPart: .whole), lookahead: 1, readers: 4)
        defer { readAhead.stop() }
        readAhead.waitForShard(0)
        // Shard 1 is within one of the one taken: read now; shards 2 and 3 wait for their turn.
        let deadline = Date().addingTimeInterval(10)
        while try cachedShare(shards[1]) < 1 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        XCTAssertEqual(try cachedShare(shards[1]), 1, "the shard after the one taken was not read")
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertLessThan(try cachedShare(shards[2]), 0.5, "read more than one shard beyond those taken")
        XCTAssertLessThan(try cachedShare(shards[3]), 0.5, "read more than one shard beyond those taken")
        readAhead.waitForShard(2)
        XCTAssertEqual(try cachedShare(shards[2]), 1)
    }

    func testWorkersTakingShardsTwoAtATimeAreAllLetGo() throws {
        let shards = try (0..<6).map { try file("shard-\($0).sqlite", bytes: 1 << 20) }
        let readAhead = StoreReadAhead(StoreReadAhead.stretches(frame: nil, shards: shards, shardPart: .whole), lookahead: 2, readers: 3)
        defer { readAhead.stop() }
        /// The next shard to take, as the aggregator's workers share it.
        final class NextShard: @unchecked Sendable {
            private let lock = NSLock()
            private var next = 0
            func take() -> Int {
                lock.lock()
                defer { lock.unlock() }
                next += 1
                return next - 1
            }
        }
        let next = NextShard()
        let group = DispatchGroup()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: group) {
                while true {
                    let shard = next.take()
                    if shard >= shards.count { return }
                    readAhead.waitForShard(shard)
                }
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 30), .success, "a worker waited for ever")
    }

    func testStoppingEarlyEndsEveryReaderAndAMissingFileIsLeftToTheScan() throws {
        let shards = [directory.appendingPathComponent("missing.sqlite").path] + (try (0..<3).map { try file("shard-\($0).sqlite", bytes: 1 << 20) })
        let readAhead = StoreReadAhead(StoreReadAhead.stretches(frame: nil, shards: shards, shardPart: .whole), lookahead: 1, readers: 4)
        readAhead.waitForShard(0)
        // The readers now wait for shard 1 to be taken; a stop (a worker's error) ends them.
        XCTAssertEqual(readAhead.runningReaders, 4)
        XCTAssertEqual(readerThreads(becoming: 4), 4, "the reading threads do not carry their name")
        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            readAhead.stop()
            stopped.signal()
        }
        XCTAssertEqual(stopped.wait(timeout: .now() + 10), .success, "the read-ahead did not end when stopped")
        XCTAssertEqual(readAhead.runningReaders, 0)
        XCTAssertEqual(readerThreads(becoming: 0), 0, "a reading thread outlived stop()")
        readAhead.waitForShard(3)
        readAhead.stop()
    }

    /// A run that fails after its read-ahead started (here: the previous run's file it must link
    /// is gone) leaves no reading thread behind: with one worker the readers wait for shard 1
    /// to be taken, which never happens, so only the run's stop ends them.
    func testARunThatFailsLeavesNoReaderRunning() async throws {
        let census = try TestCensus(self, households: 60)
        try await census.collect()
        let out = census.directory.appendingPathComponent("out")
        var options = census.options(out)
        options.workers = 1
        // The store checkpoints its log into the shard files on its own: a file may grow during
        // the run, so its size at the run's start lies between the sizes before and after.
        let sizes = { census.store.shardStatus.map { StoreReadAhead.fileSize($0.path) ?? -1 } }
        let before = sizes()
        let first = try Aggregator.run(options)
        let after = sizes()
        XCTAssertEqual(first.kind, "full")
        let state = try AggregationState.read(out.appendingPathComponent("current/.state.json"))
        let recorded = try XCTUnwrap(state.shardBytes, "the state keeps each shard's size for the next run's read-ahead")
        XCTAssertEqual(recorded.count, before.count)
        for (k, bytes) in recorded.enumerated() {
            XCTAssertTrue(before[k] <= bytes && bytes <= after[k], "shard \(k): \(bytes) bytes recorded, \(before[k]) before the run, \(after[k]) after")
        }
        let exported = try XCTUnwrap(state.parts.joined().flatMap(\.files).first)
        try FileManager.default.removeItem(at: out.appendingPathComponent("current/" + exported.path))
        XCTAssertThrowsError(try Aggregator.run(options)) { error in
            XCTAssertTrue("\(error)".contains("cannot link the previous run's file"), "\(error)")
        }
        XCTAssertEqual(readerThreads(becoming: 0), 0, "a reading thread outlived the failed run")
    }
}
