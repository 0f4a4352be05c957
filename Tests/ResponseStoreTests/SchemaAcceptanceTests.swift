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

    /// Every `census …` command suggested by an error message names a
    /// subcommand that exists.
    func testSuggestedCommandsExist() throws {
        let existing: Set<String> = [
            "census store init", "census store check", "census store accept-schema", "census store where",
            "census store show", "census store submit", "census store backup", "census frame import", "census frame generate",
            "census frame codes", "census frame lookup", "census frame stats", "census compile", "census demo",
            "census check",
        ]
        // The subcommands really are registered in the CLI sources.
        let cli = try swiftFiles(in: ["CensusCLI"]).map { try String(contentsOf: $0, encoding: .utf8) }.joined()
        for name in ["init", "check", "accept-schema", "where", "show", "submit", "backup", "import", "generate", "codes", "lookup", "stats"] {
            XCTAssertTrue(cli.contains("commandName: \"\(name)\""), name)
        }
        var checked = 0
        for file in try swiftFiles(in: ["ResponseStore", "AddressFrame", "DurableFiles", "CensusCollection"]) {
            let text = try String(contentsOf: file, encoding: .utf8)
            var rest = Substring(text)
            while let r = rest.range(of: "`census ") {
                let words = rest[r.lowerBound...].dropFirst().prefix { $0 != "`" }.split(separator: " ")
                let command = (["census"] + words.dropFirst().prefix(2)
                    .prefix { $0.allSatisfy { $0.isLowercase || $0 == "-" } && !$0.hasPrefix("-") })
                    .joined(separator: " ")
                XCTAssertTrue(existing.contains(command), "\(file.lastPathComponent): `\(words.joined(separator: " "))` is not a census command")
                checked += 1
                rest = rest[r.upperBound...]
            }
        }
        XCTAssertGreaterThan(checked, 5)
    }

    /// The Swift files of the given modules, in all their folders.
    private func swiftFiles(in modules: [String]) throws -> [URL] {
        modules.flatMap { module -> [URL] in
            let root = packageRoot.appendingPathComponent("Sources/\(module)")
            let all = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? []
            return all.filter { $0.pathExtension == "swift" }
        }
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
