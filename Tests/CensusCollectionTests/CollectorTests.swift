import CensusTestSupport
import Foundation
import Questionnaire
import AddressFrame
import ResponseStore
import XCTest
@testable import CensusCollection

/// The one collection path: frame, form, evaluation, kind rule, store; refusals store nothing.
final class CollectorTests: XCTestCase {
    func testAValidOnlineSubmissionIsStoredAsSubmittedWithItsCompleteness() async throws {
        let c = try makeCollection(self)
        let outcome = try await c.collector.submit(request("H000000001", valid, .submitted, key: "k1"))
        XCTAssertEqual(outcome.disposition, .submitted)
        XCTAssertEqual(outcome.storedKind, .submitted)
        XCTAssertEqual(outcome.household.postcode, "LS1 4BN")
        XCTAssertEqual(outcome.schemaHash, c.evaluator.schema.hash)
        XCTAssertTrue(outcome.evaluation.isValid)
        let stored = try XCTUnwrap(try c.store.authoritativeReturn(for: "H000000001"))
        XCTAssertEqual(stored.receiptID, outcome.receipt.receiptID)
        XCTAssertEqual(stored.kind, .submitted)
        XCTAssertEqual(stored.channel, .online)
        XCTAssertEqual(stored.completeness, outcome.evaluation.completeness)
        XCTAssertGreaterThan(stored.completeness, 0.9)
        XCTAssertEqual(stored.body, Data(valid.utf8))
    }

    func testAnOnlineSubmissionWithErrorsIsKeptAsAnUnsubmittedSave() async throws {
        let c = try makeCollection(self)
        let outcome = try await c.collector.submit(request("H000000002", invalid, .submitted))
        XCTAssertEqual(outcome.disposition, .notSubmitted)
        XCTAssertEqual(outcome.storedKind, .partial)
        XCTAssertTrue(outcome.evaluation.findings.contains { $0.code == invalidMistake.code && $0.path == invalidMistake.path })
        XCTAssertEqual(try c.store.versions(of: "H000000002").map(\.kind), [.partial])
    }

    func testSavesAndPaperReturnsAreStoredAsAskedWhateverTheirFindings() async throws {
        let c = try makeCollection(self)
        let saved = try await c.collector.submit(request("H000000003", invalid, .partial))
        XCTAssertEqual(saved.disposition, .saved)
        let paper = try await c.collector.submit(request("H000000003", invalid, .paper))
        XCTAssertEqual(paper.disposition, .paperReturn)
        XCTAssertFalse(paper.evaluation.isValid)
        let versions = try c.store.versions(of: "H000000003")
        XCTAssertEqual(versions.map(\.kind), [.partial, .paper])
        XCTAssertEqual(versions.map(\.channel), [.online, .paper])
    }

    /// A body checked first (a keying screen's hard-error check) is stored with that
    /// evaluation; a checked evaluation of other bytes is never used: the request's own body
    /// is evaluated and judged.
    func testACheckedBodyIsStoredWithItsEvaluationAndOnlyItsOwn() async throws {
        let c = try makeCollection(self)
        let checked = try c.collector.check(Data(invalid.utf8))
        XCTAssertFalse(checked.evaluation.isValid)
        XCTAssertEqual(checked.schemaHash, c.evaluator.schema.hash)
        let paper = try await c.collector.submit(request("H000000004", invalid, .paper), checked: checked)
        XCTAssertEqual(paper.disposition, .paperReturn)
        XCTAssertEqual(paper.evaluation.completeness, checked.evaluation.completeness)
        XCTAssertEqual(paper.evaluation.findings.map(\.code), checked.evaluation.findings.map(\.code))
        XCTAssertEqual(try c.store.versions(of: "H000000004").map(\.completeness), [checked.evaluation.completeness])
        let other = try await c.collector.submit(request("H000000005", valid, .submitted), checked: checked)
        XCTAssertEqual(other.disposition, .submitted, "judged on its own body, not on the checked one")
        XCTAssertTrue(other.evaluation.isValid)
    }

    /// Issue 13: nothing limited a body below SQLite's 1 GB. Refused first: not parsed, not
    /// evaluated (a 100 MB body is not worth reading), nothing stored.
    func testABodyOverTheStoresLimitIsRefusedBeforeItIsRead() async throws {
        let c = try makeCollection(self)
        let huge = "{\"x\":\"" + String(repeating: "a", count: 1 << 20) + "\"}"
        await assertRefused(c, request("H000000001", huge, .submitted)) {
            XCTAssertEqual($0, .responseTooLarge(bytes: huge.utf8.count, limit: 1 << 20))
            XCTAssertEqual($0.description, "the response is \(huge.utf8.count) bytes, more than the 1048576 bytes the store takes; nothing was stored")
        }
        XCTAssertThrowsError(try c.collector.evaluate(Data(huge.utf8))) {
            XCTAssertEqual($0 as? CollectionError, .responseTooLarge(bytes: huge.utf8.count, limit: 1 << 20))
        }
    }

    func testAHouseholdNotInTheFrameIsRefused() async throws {
        let c = try makeCollection(self)
        for id in ["H999999999", "", "H1 ", "../H1"] {
            await assertRefused(c, request(id, valid, .submitted)) {
                guard case .unknownHousehold(id) = $0 else { return XCTFail("\(id): \($0)") }
            }
        }
    }

    /// Issue 14: `{"foo":1}` was stored and replaced a valid earlier return.
    func testABodyThatAnswersNoFormStoresNothingAndLeavesTheReturnAsItWas() async throws {
        let c = try makeCollection(self)
        let first = try await c.collector.submit(request("H000000004", valid, .submitted))
        await assertRefused(c, request("H000000004", #"{"foo":1}"#, .submitted), storedBefore: 1) {
            guard case .formNotCollected(nil, [c.evaluator.schema.hash]) = $0 else { return XCTFail("\($0)") }
        }
        await assertRefused(c, request("H000000004", #"{"foo":1}"#, .paper), storedBefore: 1) {
            guard case .formNotCollected = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try c.store.authoritativeReturn(for: "H000000004")?.receiptID, first.receipt.receiptID)
    }

    func testBodiesThatAreNotResponsesAreRefusedWithTheEvaluatorsFinding() async throws {
        let c = try makeCollection(self)
        for (body, code) in [("{\"schema\":", "json"), ("[1, 2]", "type"), ("", "json"), ("\"text\"", "type")] {
            await assertRefused(c, request("H000000005", body, .paper)) {
                guard case .notAResponse(let f) = $0, f.code == code, f.path == "$" else { return XCTFail("\(body): \($0)") }
            }
        }
    }

    func testAResponseToAnotherVersionOfTheFormIsRefused() async throws {
        let c = try makeCollection(self)
        let other = "sha256:" + String(repeating: "a", count: 64)
        let body = valid.replacingOccurrences(of: c.evaluator.schema.hash, with: other)
        await assertRefused(c, request("H000000006", body, .submitted)) {
            guard case .formNotCollected(other, [c.evaluator.schema.hash]) = $0 else { return XCTFail("\($0)") }
        }
    }

    func testAResponseThatAnswersNothingIsRefused() async throws {
        let c = try makeCollection(self)
        let empty = #"{"schema":{"id":"census_household","hash":"\#(c.evaluator.schema.hash)"},"channel":"paper"}"#
        await assertRefused(c, request("H000000007", empty, .paper)) {
            guard case .nothingAnswered(let findings) = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue(findings.contains { $0.code == "required" })
        }
    }

    func testARetryStoresNothingAndAReusedKeyIsAConflict() async throws {
        let c = try makeCollection(self)
        let first = try await c.collector.submit(request("H000000008", valid, .submitted, key: "same"))
        let retry = try await c.collector.submit(request("H000000008", valid, .submitted, key: "same"))
        XCTAssertTrue(retry.receipt.isReplay)
        XCTAssertEqual(retry.receipt.receiptID, first.receipt.receiptID)
        await assertRefused(c, request("H000000008", invalid, .paper, key: "same"), storedBefore: 1) {
            guard case .idempotencyConflict("H000000008", "same", first.receipt.receiptID, _) = $0 else { return XCTFail("\($0)") }
        }
        await assertRefused(c, request("H000000008", valid, .submitted, key: ""), storedBefore: 1) {
            guard case .invalidRequest = $0 else { return XCTFail("\($0)") }
        }
    }

    func testAStoreThatDoesNotAcceptTheFormIsRefusedAtTheStart() throws {
        let dir = try makeTempDirectory(self)
        let frame = try AddressFrame.open(at: dir.appendingPathComponent(AddressFrame.fileName), create: true)
        defer { try? frame.close() }
        let other = "sha256:" + String(repeating: "b", count: 64)
        let store = try ResponseStore.create(at: dir, shardCount: 2, questionnaireSchemas: [other])
        defer { store.close() }
        XCTAssertThrowsError(try Collector(frame: frame, store: store, forms: [try fixtureEvaluator()])) {
            guard case .formNotCollected(_, [other])? = $0 as? CollectionError else { return XCTFail("\($0)") }
        }
    }

    func testEvaluatingStoresNothing() throws {
        let c = try makeCollection(self)
        let (hash, evaluation) = try c.collector.evaluate(Data(invalid.utf8))
        XCTAssertEqual(hash, c.evaluator.schema.hash)
        XCTAssertFalse(evaluation.isValid)
        XCTAssertEqual(c.store.versionCounts().compactMap { $0 }.reduce(0, +), 0)
    }

    /// Many server tasks at once: every response evaluated once (sessions are not shared) and
    /// stored once, with the outcome its body deserves.
    func testConcurrentSubmissionsFromManyTasks() async throws {
        let c = try makeCollection(self)
        let ids = try c.frame.householdIDs().prefix(200)
        let collector = c.collector, good = valid, bad = invalid
        let outcomes = try await withThrowingTaskGroup(of: CollectionOutcome.self) { group in
            for (i, id) in ids.enumerated() {
                group.addTask { try await collector.submit(request(id, i % 4 == 0 ? bad : good, .submitted)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(outcomes.count, 200)
        XCTAssertEqual(outcomes.filter { $0.disposition == .notSubmitted }.count, 50)
        XCTAssertEqual(outcomes.filter { $0.disposition == .submitted }.count, 150)
        XCTAssertEqual(c.store.versionCounts().compactMap { $0 }.reduce(0, +), 200)
    }

    // MARK: Support

    private func assertRefused(_ c: Collection, _ r: CollectionRequest, storedBefore: Int = 0,
                               file: StaticString = #filePath, line: UInt = #line,
                               _ check: (CollectionError) -> Void) async {
        do {
            let outcome = try await c.collector.submit(r)
            XCTFail("stored \(outcome.receipt) for \(r.householdID)", file: file, line: line)
        } catch {
            check(error)
        }
        XCTAssertEqual(c.store.versionCounts().compactMap { $0 }.reduce(0, +), storedBefore, "something was stored", file: file, line: line)
    }
}

private let households = packageRoot.appendingPathComponent("fixtures/households")
/// A valid household response (line 1 of the valid fixtures) and an invalid one (line 1 of
/// the invalid fixtures: one mistake, the first line of invalid.mistakes.ndjson says which).
private let valid = fixtureLine("valid.ndjson")
private let invalid = fixtureLine("invalid.ndjson")
private let invalidMistake: (code: String, path: String) = {
    let line = fixtureLine("invalid.mistakes.ndjson")
    let object = try? JSONParser.parse(Array(line.utf8))
    return (object?["code"]?.stringValue ?? "", object?["path"]?.stringValue ?? "")
}()

private func fixtureLine(_ name: String) -> String {
    let text = (try? String(contentsOf: households.appendingPathComponent(name), encoding: .utf8)) ?? ""
    return String(text.split(separator: "\n").first ?? "")
}

func fixtureEvaluator() throws -> Evaluator {
    try Evaluator(schema: Schema(jsonBytes: Array(Data(contentsOf: households.appendingPathComponent("census-household.schema.json")))))
}

private func request(_ id: String, _ body: String, _ kind: ResponseKind, key: String = UUID().uuidString) -> CollectionRequest {
    CollectionRequest(householdID: id, body: Data(body.utf8), kind: kind, idempotencyKey: key)
}

struct Collection {
    var frame: AddressFrame
    var store: ResponseStore
    var evaluator: Evaluator
    var collector: Collector
}

/// A frame of the 250 fixture households, a 4-shard store accepting the census form, and the
/// collector over them; closed and removed when the test ends.
func makeCollection(_ test: XCTestCase) throws -> Collection {
    let dir = try makeTempDirectory(test)
    let frame = try AddressFrame.open(at: dir.appendingPathComponent(AddressFrame.fileName), create: true)
    try frame.importCSV(at: packageRoot.appendingPathComponent("fixtures/frame-small.csv"))
    let evaluator = try fixtureEvaluator()
    let store = try ResponseStore.create(at: dir, shardCount: 4, questionnaireSchemas: [evaluator.schema.hash])
    test.addTeardownBlock {
        store.close()
        try? frame.close()
    }
    return Collection(frame: frame, store: store, evaluator: evaluator,
                      collector: try Collector(frame: frame, store: store, forms: [evaluator]))
}
