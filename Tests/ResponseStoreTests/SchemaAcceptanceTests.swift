import CensusTestSupport
import Foundation
import XCTest
@testable import ResponseStore

final class SchemaAcceptanceTests: XCTestCase {
    let a = "sha256:" + String(repeating: "a", count: 64)
    let b = "sha256:" + String(repeating: "b", count: 64)
    let c = "sha256:" + String(repeating: "c", count: 64)

    func testAcceptSchemaAddsAtomicallyAndIsIdempotent() async throws {
        let dir = try makeTempDirectory(self)
        try ResponseStore.create(at: dir, shardCount: 2, questionnaireSchemas: [a]).close()

        // Refused before, as the error says; the suggested remedy exists.
        var store = try ResponseStore.open(at: dir)
        do {
            _ = try await store.submit(submission("H1", schema: b))
            XCTFail("accepted an unknown schema")
        } catch {
            XCTAssertTrue(error.description.contains("census store accept-schema --dir"), error.description)
            XCTAssertTrue(error.description.contains(b), error.description)
        }
        store.close()

        let first = try ResponseStore.acceptQuestionnaireSchemas([b], at: dir)
        XCTAssertEqual(first, SchemaAcceptanceResult(added: [b], alreadyAccepted: [], accepted: [a, b]))
        XCTAssertEqual(try StoreManifest.read(from: dir).questionnaireSchemas, [a, b])
        // No temporary files are left beside the manifest.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["manifest.json", "shards"])

        // Idempotent: the same call again changes nothing and does not rewrite the file.
        let before = try Data(contentsOf: dir.appendingPathComponent("manifest.json"))
        let again = try ResponseStore.acceptQuestionnaireSchemas([b, b], at: dir)
        XCTAssertEqual(again, SchemaAcceptanceResult(added: [], alreadyAccepted: [b], accepted: [a, b]))
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("manifest.json")), before)

        // A reopened store accepts it.
        store = try ResponseStore.open(at: dir)
        defer { store.close() }
        let r = try await store.submit(submission("H1", schema: b))
        XCTAssertFalse(r.isReplay)
    }

    func testConcurrentAcceptsDoNotLoseEachOther() throws {
        let dir = try makeTempDirectory(self)
        try ResponseStore.create(at: dir, shardCount: 1, questionnaireSchemas: [a]).close()
        let hashes = (0..<16).map { "sha256:" + String(format: "%064x", $0 + 100) }
        let failures = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: hashes.count) { i in
            do { try ResponseStore.acceptQuestionnaireSchemas([hashes[i]], at: dir) } catch { failures.increment() }
        }
        XCTAssertEqual(failures.value, 0)
        XCTAssertEqual(Set(try StoreManifest.read(from: dir).questionnaireSchemas), Set([a] + hashes))
    }

    func testAcceptSchemaRefusals() throws {
        let dir = try makeTempDirectory(self)
        // Not a store.
        XCTAssertThrowsError(try ResponseStore.acceptQuestionnaireSchemas([a], at: dir)) {
            guard case .manifestMissing? = $0 as? StoreError else { return XCTFail("\($0)") }
        }
        try ResponseStore.create(at: dir, shardCount: 1).close()
        // Not a hash.
        for bad in ["sha256:test", "abc", a.uppercased(), a + "0"] {
            XCTAssertThrowsError(try ResponseStore.acceptQuestionnaireSchemas([bad], at: dir)) {
                guard case .invalidSchemaHash(bad)? = $0 as? StoreError else { return XCTFail("\($0)") }
            }
        }
        // An accept-any store is only restricted on request.
        XCTAssertThrowsError(try ResponseStore.acceptQuestionnaireSchemas([a], at: dir)) {
            guard case .acceptsAnySchema? = $0 as? StoreError else { return XCTFail("\($0)") }
            XCTAssertTrue("\($0)".contains("--restrict"))
        }
        XCTAssertEqual(try StoreManifest.read(from: dir).questionnaireSchemas, [])
        let r = try ResponseStore.acceptQuestionnaireSchemas([a, c], at: dir, restrict: true)
        XCTAssertEqual(r.accepted, [a, c])
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
