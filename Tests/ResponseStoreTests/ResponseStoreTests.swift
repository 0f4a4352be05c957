import CensusTestSupport
import Foundation
import GRDB
import SyntheticCensus
import XCTest
@testable import ResponseStore

final class ResponseStoreTests: XCTestCase {
    func testCreateSubmitReopen() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 4)
        XCTAssertTrue(store.shardStatus.allSatisfy(\.isAvailable))
        let manifest = try StoreManifest.read(from: dir)
        XCTAssertEqual(manifest.shardCount, 4)
        XCTAssertEqual(manifest.shardFunction, ShardFunction.name)
        XCTAssertEqual(manifest.shardSchemaHash, ShardSchema.hash(upTo: ShardSchema.currentVersion))

        let s = submission("H000000001", body: #"{"q1":"yes"}"#)
        let receipt = try await store.submit(s)
        XCTAssertEqual(receipt.shard, ShardFunction.shard(for: "H000000001", count: 4))
        XCTAssertFalse(receipt.isReplay)
        XCTAssertEqual(receipt.receivedAt, s.receivedAt)
        XCTAssertTrue(receipt.receiptID.hasPrefix("R0\(receipt.shard)-"))
        store.close()

        let reopened = try ResponseStore.open(at: dir)
        defer { reopened.close() }
        let versions = try reopened.versions(of: "H000000001", includeBodies: true)
        XCTAssertEqual(versions.count, 1)
        XCTAssertEqual(versions[0].receiptID, receipt.receiptID)
        XCTAssertEqual(versions[0].body, Data(#"{"q1":"yes"}"#.utf8))
        XCTAssertEqual(versions[0].idempotencyKey, s.idempotencyKey)
        XCTAssertEqual(versions[0].receivedAt, s.receivedAt)
    }

    func testCreateRefusesExistingStore() throws {
        let dir = try makeTempDirectory(self)
        try ResponseStore.create(at: dir, shardCount: 2).close()
        XCTAssertThrowsError(try ResponseStore.create(at: dir, shardCount: 2)) {
            guard case .alreadyExists? = $0 as? StoreError else { return XCTFail("\($0)") }
        }
    }

    func testRetryWithSameIdempotencyKeyStoresNothingNew() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 2)
        defer { store.close() }
        let first = try await store.submit(submission("H1", key: "k-1", body: "{\"a\":1}"))
        // A retry of the same save, even at a later time, returns the same receipt.
        let retry = try await store.submit(submission("H1", at: 1_800_000_000, key: "k-1", body: "{\"a\":1}"))
        XCTAssertEqual(retry.receiptID, first.receiptID)
        XCTAssertEqual(retry.version, first.version)
        XCTAssertEqual(retry.receivedAt, first.receivedAt)
        XCTAssertTrue(retry.isReplay)
        XCTAssertEqual(try store.versions(of: "H1").count, 1)
        // The same key for another household is another save.
        let other = try await store.submit(submission("H2", key: "k-1"))
        XCTAssertNotEqual(other.receiptID, first.receiptID)

        // Concurrent retries (same group commit) also collapse to one version.
        let receipts = try await withThrowingTaskGroup(of: Receipt.self) { group in
            for _ in 0..<50 { group.addTask { try await store.submit(submission("H3", key: "same")) } }
            var all: [Receipt] = []
            for try await r in group { all.append(r) }
            return all
        }
        XCTAssertEqual(Set(receipts.map(\.receiptID)).count, 1)
        XCTAssertEqual(receipts.filter { !$0.isReplay }.count, 1)
        XCTAssertEqual(try store.versions(of: "H3").count, 1)
    }

    func testRetryWithSameKeyButDifferentSaveIsAConflict() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 2)
        defer { store.close() }
        let first = try await store.submit(submission("H1", kind: .partial, key: "k-1", body: "{\"a\":1}"))
        let variants: [(Submission, String)] = [
            (submission("H1", kind: .partial, key: "k-1", body: "{\"a\":2}"), "body"),
            (submission("H1", kind: .submitted, key: "k-1", body: "{\"a\":1}"), "kind"),
            (submission("H1", kind: .partial, key: "k-1", schema: "sha256:other", body: "{\"a\":1}"), "schema"),
        ]
        for (s, what) in variants {
            do {
                let r = try await store.submit(s)
                XCTFail("a retry with a different \(what) was accepted as \(r)")
            } catch {
                guard case .idempotencyConflict(let h, let k, let receipt, let reason) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(h, "H1")
                XCTAssertEqual(k, "k-1")
                XCTAssertEqual(receipt, first.receiptID)
                XCTAssertTrue(reason.contains(what), reason)
                XCTAssertTrue(error.description.contains("k-1") && error.description.contains("H1"), error.description)
            }
        }
        XCTAssertEqual(try store.versions(of: "H1").count, 1)
        // The identical retry is still a replay of the original.
        let replay = try await store.submit(submission("H1", kind: .partial, at: 1_800_000_000, key: "k-1", body: "{\"a\":1}"))
        XCTAssertTrue(replay.isReplay)
        XCTAssertEqual(replay.receiptID, first.receiptID)

        // In one group commit, a conflicting retry fails alone; the others are stored.
        let results = await withTaskGroup(of: (Int, Result<Receipt, StoreError>).self) { group in
            for i in 0..<40 {
                group.addTask {
                    let s = i == 7 ? submission("H2", key: "k-0", body: "{\"other\":true}")
                                   : submission("H2", key: "k-\(i)")
                    do throws(StoreError) { return (i, .success(try await store.submit(s))) } catch { return (i, .failure(error)) }
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        let failures = results.filter { if case .failure = $0.value { return true } else { return false } }
        // Exactly one of key k-0's two different saves lost (whichever came second).
        XCTAssertEqual(failures.count, 1, "\(failures)")
        XCTAssertTrue([0, 7].contains(failures.first!.key))
        XCTAssertEqual(try store.versions(of: "H2").count, 39)
    }

    func testManyConcurrentSubmissionsAllAcknowledgedAndStored() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 3)
        let n = 2000
        let receipts = try await withThrowingTaskGroup(of: Receipt.self) { group in
            for i in 0..<n { group.addTask { try await store.submit(submission("H\(i % 700)", key: "k\(i)")) } }
            var all: [Receipt] = []
            for try await r in group { all.append(r) }
            return all
        }
        XCTAssertEqual(Set(receipts.map(\.receiptID)).count, n)
        XCTAssertEqual(store.versionCounts().compactMap { $0 }.reduce(0, +), n)
        store.close()
    }

    func testAuthoritativeReturnRules() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 2)
        defer { store.close() }
        // Most complete wins, whatever its kind or time.
        _ = try await store.submit(submission("A", kind: .submitted, at: 100, completeness: 0.30))
        let a = try await store.submit(submission("A", kind: .partial, at: 50, completeness: 0.31))
        _ = try await store.submit(submission("A", kind: .paper, at: 200, completeness: 0.29))
        XCTAssertEqual(try store.authoritativeReturn(for: "A")?.receiptID, a.receiptID)

        // Equal completeness: submitted online > paper > unsubmitted online.
        _ = try await store.submit(submission("B", kind: .partial, at: 300, completeness: 0.20))
        let b = try await store.submit(submission("B", kind: .submitted, at: 100, completeness: 0.20))
        _ = try await store.submit(submission("B", kind: .paper, at: 200, completeness: 0.20))
        XCTAssertEqual(try store.authoritativeReturn(for: "B")?.receiptID, b.receiptID)
        _ = try await store.submit(submission("C", kind: .partial, at: 300, completeness: 0.20))
        let c = try await store.submit(submission("C", kind: .paper, at: 200, completeness: 0.20))
        XCTAssertEqual(try store.authoritativeReturn(for: "C")?.receiptID, c.receiptID)

        // Then the latest received; then the highest version.
        _ = try await store.submit(submission("D", kind: .submitted, at: 100, completeness: 0.20))
        let d = try await store.submit(submission("D", kind: .submitted, at: 150, completeness: 0.20))
        _ = try await store.submit(submission("D", kind: .submitted, at: 120, completeness: 0.20))
        XCTAssertEqual(try store.authoritativeReturn(for: "D")?.receiptID, d.receiptID)
        _ = try await store.submit(submission("E", kind: .paper, at: 100, completeness: 0.05))
        let e = try await store.submit(submission("E", kind: .paper, at: 100, completeness: 0.05))
        XCTAssertEqual(try store.authoritativeReturn(for: "E")?.receiptID, e.receiptID)

        XCTAssertNil(try store.authoritativeReturn(for: "nobody"))
    }

    func testSQLAndSwiftRulesAgree() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 2)
        defer { store.close() }
        var rng = SeededRandom(seed: 7 &+ SeededRandom.gamma)
        for h in 0..<60 {
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let kind = ResponseKind.allCases.randomElement(using: &rng)!
                _ = try await store.submit(submission("H\(h)", kind: kind, at: Double(Int.random(in: 0...3, using: &rng)),
                                                      completeness: Double(Int.random(in: 0...2, using: &rng)) / 2))
            }
            let versions = try store.versions(of: "H\(h)")
            XCTAssertEqual(AuthoritativeReturn.choose(from: versions)?.receiptID,
                           try store.authoritativeReturn(for: "H\(h)", includeBody: false)?.receiptID)
        }
    }

    func testVersionsAreAppendOnly() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 1)
        _ = try await store.submit(submission("H1"))
        store.close()
        let path = dir.appendingPathComponent(StoreManifest.shardFile(0)).path
        XCTAssertThrowsError(try executeSQL(path, "UPDATE response_version SET completeness = 0")) {
            XCTAssertTrue("\($0)".contains("append-only"), "\($0)")
        }
        XCTAssertThrowsError(try executeSQL(path, "DELETE FROM response_version"))
        XCTAssertEqual(try fetchInt(path, "SELECT count(*) FROM response_version"), 1)
    }

    func testQuestionnaireSchemaAndSubmissionValidation() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 1, questionnaireSchemas: ["sha256:aaa"])
        defer { store.close() }
        _ = try await store.submit(submission("H1", schema: "sha256:aaa"))
        do {
            _ = try await store.submit(submission("H1", schema: "sha256:bbb"))
            XCTFail("accepted an unknown schema")
        } catch {
            guard case .unknownQuestionnaireSchema(let hash, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(hash, "sha256:bbb")
        }
        do {
            _ = try await store.submit(submission("", schema: "sha256:aaa"))
            XCTFail("accepted an empty household id")
        } catch {
            guard case .invalidSubmission = error else { return XCTFail("\(error)") }
        }
    }

    // MARK: - Damaged shards

    /// Makes a 4-shard store with one household in every shard; returns the
    /// store dir and a household per shard.
    private func makePopulatedStore() async throws -> (URL, [String]) {
        let dir = try makeTempDirectory(self, name)
        let store = try ResponseStore.create(at: dir, shardCount: 4)
        var perShard = [String?](repeating: nil, count: 4)
        var i = 0
        while perShard.contains(where: { $0 == nil }) {
            let h = "H\(i)"
            if perShard[store.shard(for: h)] == nil { perShard[store.shard(for: h)] = h }
            i += 1
        }
        for h in perShard { _ = try await store.submit(submission(h!)) }
        store.close()
        return (dir, perShard.map { $0! })
    }

    private func assertOtherShardsWork(_ dir: URL, households: [String], broken: Int) async throws -> ResponseStore {
        let store = try ResponseStore.open(at: dir)
        for (i, status) in store.shardStatus.enumerated() where i != broken {
            XCTAssertTrue(status.isAvailable, "\(status)")
            XCTAssertEqual(try store.versions(of: households[i]).count, 1)
            let r = try await store.submit(submission(households[i]))
            XCTAssertEqual(r.shard, i)
        }
        XCTAssertThrowsError(try store.requireAllShards())
        do {
            _ = try await store.submit(submission(households[broken]))
            XCTFail("wrote to a broken shard")
        } catch {
            XCTAssertEqual(error.shard, broken)
        }
        return store
    }

    func testMissingShardIsReportedAndOthersWork() async throws {
        let (dir, households) = try await makePopulatedStore()
        let path = dir.appendingPathComponent(StoreManifest.shardFile(2)).path
        try FileManager.default.removeItem(atPath: path)
        let store = try await assertOtherShardsWork(dir, households: households, broken: 2)
        defer { store.close() }
        guard case .shardMissing(2, let p)? = store.shardStatus[2].error else { return XCTFail("\(store.shardStatus[2])") }
        XCTAssertEqual(p, path)
        XCTAssertTrue(store.shardStatus[2].error!.description.contains(path))
        XCTAssertTrue(store.shardStatus[2].error!.description.contains("backup"))
        // The missing file was not recreated.
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    func testCorruptShardIsReportedAndOthersWork() async throws {
        let (dir, households) = try await makePopulatedStore()
        let path = dir.appendingPathComponent(StoreManifest.shardFile(1)).path
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: path))
        try? FileManager.default.removeItem(atPath: path + "-wal")
        try? FileManager.default.removeItem(atPath: path + "-shm")
        let store = try await assertOtherShardsWork(dir, households: households, broken: 1)
        defer { store.close() }
        guard case .shardCorrupt(1, let p, _)? = store.shardStatus[1].error else { return XCTFail("\(store.shardStatus[1])") }
        XCTAssertEqual(p, path)
        // And the integrity check reports it by file.
        let report = ResponseStore.check(at: dir)
        XCTAssertFalse(report.isHealthy)
        XCTAssertEqual(report.shards.filter { !$0.ok }.map(\.index), [1])
    }

    func testReadOnlyShardIsReportedAndOthersWork() async throws {
        let (dir, households) = try await makePopulatedStore()
        let path = dir.appendingPathComponent(StoreManifest.shardFile(3)).path
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path) }
        let store = try await assertOtherShardsWork(dir, households: households, broken: 3)
        defer { store.close() }
        guard case .shardReadOnly(3, let p)? = store.shardStatus[3].error else { return XCTFail("\(store.shardStatus[3])") }
        XCTAssertEqual(p, path)
        XCTAssertTrue(store.shardStatus[3].error!.description.contains("chmod"))
    }

    func testShardFromAnotherPlaceIsASchemaMismatch() async throws {
        let (dir, households) = try await makePopulatedStore()
        let p0 = dir.appendingPathComponent(StoreManifest.shardFile(0)).path
        let p1 = dir.appendingPathComponent(StoreManifest.shardFile(1)).path
        try FileManager.default.removeItem(atPath: p1)
        try FileManager.default.copyItem(atPath: p0, toPath: p1)
        let store = try await assertOtherShardsWork(dir, households: households, broken: 1)
        defer { store.close() }
        guard case .schemaMismatch(1, p1, let reason)? = store.shardStatus[1].error else { return XCTFail("\(store.shardStatus[1])") }
        XCTAssertTrue(reason.contains("shard_index"), reason)
    }

    func testUnknownShardMigrationIsASchemaMismatch() async throws {
        let (dir, households) = try await makePopulatedStore()
        let p2 = dir.appendingPathComponent(StoreManifest.shardFile(2)).path
        try executeSQL(p2, "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')")
        let store = try await assertOtherShardsWork(dir, households: households, broken: 2)
        defer { store.close() }
        guard case .schemaMismatch(2, p2, let reason)? = store.shardStatus[2].error else { return XCTFail("\(store.shardStatus[2])") }
        XCTAssertTrue(reason.contains("unknown to this build"), reason)
    }

    func testMissingOrInvalidManifest() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertThrowsError(try ResponseStore.open(at: dir)) {
            guard case .manifestMissing(let p)? = $0 as? StoreError else { return XCTFail("\($0)") }
            XCTAssertTrue(p.hasSuffix("manifest.json"))
        }
        try Data("{nope".utf8).write(to: dir.appendingPathComponent("manifest.json"))
        XCTAssertThrowsError(try ResponseStore.open(at: dir)) {
            guard case .manifestInvalid? = $0 as? StoreError else { return XCTFail("\($0)") }
        }
    }

    func testIntegrityCheckOnHealthyStore() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 3)
        for i in 0..<30 { _ = try await store.submit(submission("H\(i)")) }
        store.close()
        let report = ResponseStore.check(at: dir)
        XCTAssertTrue(report.isHealthy, "\(report)")
        XCTAssertEqual(report.shards.map(\.versions).reduce(0, +), 30)
    }
}
