import Foundation
import XCTest
@testable import Aggregation

#if canImport(Glibc)
import Glibc
#endif

/// The full run's read-ahead (``StoreReadAhead``): the files end up in the page cache, the
/// workers' waits end whatever order they take their shards in, and stopping early ends it.
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

    /// The share of the file's pages in the page cache (0...1).
    private func cachedShare(_ path: String) throws -> Double {
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
        return Double(resident.filter { $0 & 1 == 1 }.count) / Double(resident.count)
    }

    func testEveryFileIsInThePageCacheOnceItsShardIsWaitedFor() throws {
        let frame = try file("frame.sqlite", bytes: 3 << 20)
        let shards = try (0..<4).map { try file("shard-\($0).sqlite", bytes: (5 << 20) + 4096 * $0 + 100) }
        let before = try shards.map(cachedShare)
        if before.allSatisfy({ $0 > 0.99 }) {
            throw XCTSkip("this file system keeps the pages of a synced file cached (POSIX_FADV_DONTNEED left them)")
        }
        let readAhead = StoreReadAhead(frame: frame, shards: shards, lookahead: 1)
        defer { readAhead.stop() }
        for (i, path) in shards.enumerated() {
            readAhead.waitForShard(i)
            XCTAssertEqual(try cachedShare(path), 1, "shard \(i) not read when its worker was let go")
        }
        XCTAssertEqual(try cachedShare(frame), 1, "the frame was not read first")
    }

    func testWorkersTakingShardsTwoAtATimeAreAllLetGo() throws {
        let shards = try (0..<6).map { try file("shard-\($0).sqlite", bytes: 1 << 20) }
        let readAhead = StoreReadAhead(frame: nil, shards: shards, lookahead: 2)
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

    func testStoppingEarlyEndsTheReadingAndAMissingFileIsLeftToTheScan() throws {
        let shards = [directory.appendingPathComponent("missing.sqlite").path] + (try (0..<3).map { try file("shard-\($0).sqlite", bytes: 1 << 20) })
        let readAhead = StoreReadAhead(frame: nil, shards: shards, lookahead: 1)
        readAhead.waitForShard(0)
        // The thread now waits for shard 1 to be taken; a stop (a worker's error) ends it.
        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            readAhead.stop()
            stopped.signal()
        }
        XCTAssertEqual(stopped.wait(timeout: .now() + 10), .success, "the read-ahead did not end when stopped")
        readAhead.waitForShard(3)
        readAhead.stop()
    }
}
