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
