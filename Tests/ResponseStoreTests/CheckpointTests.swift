import CensusTestSupport
import Foundation
import XCTest
@testable import ResponseStore

/// The background checkpoint policy keeps the write-ahead log bounded under
/// sustained load, although no checkpoint runs inside a COMMIT.
final class CheckpointTests: XCTestCase {
    /// Submits `count` bodies of about 4 KB with `inFlight` outstanding and
    /// returns the largest `-wal` file size seen while they were written.
    private func load(_ store: ResponseStore, walPath: String, count: Int, inFlight: Int = 128) -> Int {
        let body = Data((0..<4000).map { UInt8(65 + ($0 * 7) % 26) })
        let window = DispatchSemaphore(value: inFlight)
        let group = DispatchGroup()
        let failures = LockedCount()
        var largest = 0
        for i in 0..<count {
            window.wait()
            group.enter()
            store.submit(Submission(householdID: "H\(i)", kind: .submitted, channel: .online, receivedAt: Date(),
                                    schemaHash: "sha256:test", idempotencyKey: "k\(i)", completeness: 1, body: body)) { r in
                if case .failure = r { failures.add() }
                window.signal()
                group.leave()
            }
            if i % 250 == 0 { largest = max(largest, Self.fileSize(walPath)) }
        }
        group.wait()
        XCTAssertEqual(failures.value, 0)
        return max(largest, Self.fileSize(walPath))
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// The names of this process's threads (`/proc/self/task/*/comm`, Linux).
    static func threadNames() -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// docs/server.md: a shard's checkpoint thread starts with the shard's first commit, named
    /// `checkpointer-N` for shard N; an open store that has written nothing has none.
    func testACheckpointThreadStartsWithItsShardsFirstCommit() async throws {
        #if os(Linux)
        // Counted by name, before and after: stores of other tests in this process may have theirs.
        let checkpointers = { () -> [String: Int] in
            Self.threadNames().filter { $0.hasPrefix("checkpointer-") }.reduce(into: [:]) { $0[$1, default: 0] += 1 }
        }
        let before = checkpointers()
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 4)
        defer { store.close() }
        XCTAssertEqual(checkpointers(), before, "opened, nothing committed: no checkpoint thread")
        let household = "H000000042"
        _ = try await store.submit(submission(household))
        var expected = before
        expected["checkpointer-\(store.shard(for: household))", default: 0] += 1
        // The writer starts it after acknowledging the commit, and the thread names itself.
        let deadline = Date().addingTimeInterval(5)
        while checkpointers() != expected && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        XCTAssertEqual(checkpointers(), expected, "one thread, for the shard written, named after it")
        #else
        throw XCTSkip("thread names are read from /proc")
        #endif
    }

    func testWALStaysBoundedUnderSustainedLoad() throws {
        let dir = try makeTempDirectory(self)
        var options = StoreOptions()
        XCTAssertEqual(options.checkpointPolicy, .background, "the default policy")
        options.walRestartPages = 500   // 2 MB of 4 KB pages
        options.checkpointInterval = 0.01
        try ResponseStore.create(at: dir, shardCount: 1, options: options).close()
        let store = try ResponseStore.open(at: dir, options: options)
        try store.requireAllShards()
        let shard = dir.appendingPathComponent("shards/shard-000.sqlite").path
        // 6,000 × 4 KB ≈ 25 MB through the log: without the writer's restart
        // pass the log never catches up and grows past 25 MB. With it, the
        // writer checkpoints after 4 MB of bodies at the latest.
        let largest = load(store, walPath: shard + "-wal", count: 6000)
        XCTAssertEqual(store.versionCounts().compactMap { $0 }.reduce(0, +), 6000)
        store.close()
        XCTAssertGreaterThan(largest, 0, "the log was never seen")
        XCTAssertLessThan(largest, 10 << 20, "the write-ahead log grew to \(largest) bytes (restart at 500 pages ≈ 2 MB)")
        XCTAssertTrue(ResponseStore.check(at: dir).isHealthy)
        XCTAssertEqual(try fetchInt(shard, "SELECT count(*) FROM response_version"), 6000)
    }

    func testInlinePolicyStillCommitsEverything() throws {
        let dir = try makeTempDirectory(self)
        let options = StoreOptions(checkpointPolicy: .inline)
        try ResponseStore.create(at: dir, shardCount: 2, options: options).close()
        let store = try ResponseStore.open(at: dir, options: options)
        let shard = dir.appendingPathComponent("shards/shard-000.sqlite").path
        _ = load(store, walPath: shard + "-wal", count: 1000)
        store.close()
        XCTAssertTrue(ResponseStore.check(at: dir).isHealthy)
        let stored = try [0, 1].map { try fetchInt(dir.appendingPathComponent("shards/shard-00\($0).sqlite").path,
                                                  "SELECT count(*) FROM response_version") ?? 0 }
        XCTAssertEqual(stored.reduce(0, +), 1000)
    }
}

final class LockedCount: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
