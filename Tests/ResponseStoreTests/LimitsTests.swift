import CensusTestSupport
import Foundation
import XCTest
@testable import ResponseStore

/// Limits checked before anything is queued (issue 13): a 100 MB body was stored for good, and
/// one over SQLite's 1 GB limit ended the writer process (GRDB's fatalError binding it), with
/// every submission in flight.
final class LimitsTests: XCTestCase {
    func testABodyOverTheLimitIsRefusedBeforeItIsQueued() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 2)
        defer { store.close() }
        XCTAssertEqual(store.options.maximumBodyBytes, 1 << 20)
        let big = String(repeating: "x", count: (1 << 20) + 1)
        do {
            _ = try await store.submit(submission("H1", key: "k", body: big))
            XCTFail("stored a body over the limit")
        } catch {
            XCTAssertEqual(error, .responseTooLarge(householdID: "H1", bytes: (1 << 20) + 1, limit: 1 << 20))
            XCTAssertEqual(error.description, "the response of household H1 is 1048577 bytes, more than the store's limit of 1048576 bytes; nothing was stored")
        }
        // At the limit it is stored, and the store goes on working.
        _ = try await store.submit(submission("H1", key: "k", body: String(repeating: "x", count: 1 << 20)))
        XCTAssertEqual(try store.versions(of: "H1").count, 1)
    }

    func testTheLimitCannotBeRaisedNearSQLitesOwn() async throws {
        let dir = try makeTempDirectory(self)
        var options = StoreOptions()
        options.maximumBodyBytes = .max
        let store = try ResponseStore.create(at: dir, shardCount: 1, options: options)
        defer { store.close() }
        let body = Data(count: StoreOptions.ceilingBodyBytes + 1)
        let s = Submission(householdID: "H1", kind: .partial, channel: .online, receivedAt: Date(), schemaHash: "sha256:t",
                           idempotencyKey: "k", completeness: 0.5, body: body)
        do {
            _ = try await store.submit(s)
            XCTFail("stored a body over the ceiling")
        } catch {
            XCTAssertEqual(error, .responseTooLarge(householdID: "H1", bytes: StoreOptions.ceilingBodyBytes + 1, limit: StoreOptions.ceilingBodyBytes))
        }
    }

    func testFieldsAndCompletenessAreBounded() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 1)
        defer { store.close() }
        let cases: [(Submission, String)] = [
            (submission("H1", key: String(repeating: "k", count: 257)), "the idempotency key is 257 bytes long, at most 256"),
            (submission(String(repeating: "H", count: 300), key: "k"), "the household id is 300 bytes long, at most 256"),
            (submission("H1", key: "k", schema: "sha256:" + String(repeating: "0", count: 300)), "the schema hash is 307 bytes long, at most 256"),
            (submission("H1", key: "k", completeness: 1e308), "completeness must be between 0 and 1 (answered / applicable questions), not 1e+308"),
            (submission("H1", key: "k", completeness: -0.01), "completeness must be between 0 and 1 (answered / applicable questions), not -0.01"),
            (submission("H1", key: "k", completeness: .nan), "completeness must be between 0 and 1 (answered / applicable questions), not nan"),
        ]
        for (s, reason) in cases {
            do {
                _ = try await store.submit(s)
                XCTFail("stored \(reason)")
            } catch {
                XCTAssertEqual(error, .invalidSubmission(reason: reason))
            }
        }
        XCTAssertEqual(store.versionCounts(), [0])
    }

}
