import AddressFrame
import CensusTestSupport
import CensusCollection
import Foundation
import Questionnaire
import QuestionnaireLanguage
import ResponseStore
import SyntheticCensus
import XCTest
@testable import Aggregation

/// The census form, compiled from its source (so the tests follow the form as it changes).
let censusSchema: Schema = {
    let url = packageRoot.appendingPathComponent("questionnaires/census-household.census")
    let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    guard let schema = Compiler.compile(SourceFile(name: url.path, text: text), loadFile: Compiler.files(besides: url.path)).schema else {
        fatalError("questionnaires/census-household.census does not compile")
    }
    return schema
}()

/// A small census whose truth is known: a frame, a 4-shard store accepting the census form
/// (its compiled schema in STORE/schemas/), and generated households sent through the
/// collection path. What was sent is remembered, so tests can count the truth themselves.
final class TestCensus {
    let directory: URL
    let frame: AddressFrame
    let store: ResponseStore
    let collector: Collector
    let generator: HouseholdGenerator
    let homes: [Household]
    /// Per household id: the bodies sent, in order, with their kind.
    private(set) var sent: [String: [(kind: ResponseKind, body: JSONValue, time: Date)]] = [:]
    private var serial = 0

    init(_ test: XCTestCase, households: Int = 240, seed: UInt64 = 5, shards: Int = 4, name: String = #function) throws {
        directory = try makeTempDirectory(test, name)
        frame = try AddressFrame.open(at: directory.appendingPathComponent(AddressFrame.fileName), create: true)
        homes = FrameGenerator(households: households, seed: seed).generate()
        try frame.insertGenerated(homes)
        store = try ResponseStore.create(at: directory, shardCount: shards, questionnaireSchemas: [censusSchema.hash])
        let evaluator = try Evaluator(schema: censusSchema)
        collector = try Collector(frame: frame, store: store, forms: [evaluator])
        generator = HouseholdGenerator(evaluator: evaluator, seed: seed)
        let schemas = directory.appendingPathComponent("schemas")
        try FileManager.default.createDirectory(at: schemas, withIntermediateDirectories: true)
        try Data(censusSchema.canonicalBytes()).write(to: schemas.appendingPathComponent("census.json"))
    }

    deinit {
        store.close()
        try? frame.close()
    }

    /// Sends household `index`'s response (generated for the channel) through the collection
    /// path, received `day` days from census day.
    @discardableResult
    func send(_ index: Int, _ kind: ResponseKind, day: Int = 0, hour: Int = 12, transform: (inout [String: JSONValue]) -> Void = { _ in }) async throws -> CollectionOutcome {
        let home = homes[index]
        guard case .object(var top) = generator.household(index, paper: kind == .paper).response else { fatalError() }
        transform(&top)
        let time = Date(timeIntervalSince1970: Double((censusSchema.censusDate.dayNumber + day) * 86_400 + hour * 3600))
        serial += 1
        let body = JSONValue.object(top)
        let outcome = try await collector.submit(CollectionRequest(
            householdID: home.householdID, body: Data(JSONWriter().bytes(body)), kind: kind,
            idempotencyKey: "test-\(serial)", receivedAt: time))
        sent[home.householdID, default: []].append((outcome.storedKind, body, time))
        return outcome
    }

    /// A typical collection: most households online around census day, some on paper later,
    /// some not at all, a few saves that are never submitted.
    func collect(from range: Range<Int>? = nil) async throws {
        for i in range ?? 0..<homes.count {
            switch i % 10 {
            case 0: continue                                        // no response
            case 1, 2: try await send(i, .paper, day: 5 + i % 20)
            case 3 where i % 3 == 0: try await send(i, .partial, day: -2)  // saved, never submitted
            default: try await send(i, .submitted, day: (i % 15) - 7, hour: 8 + i % 14)
            }
        }
    }

    func options(_ out: URL) -> AggregationOptions {
        var o = AggregationOptions(store: directory, output: out)
        o.workers = 2
        o.blockSize = 8 * 1024  // small blocks: several per file, so splicing is exercised
        return o
    }
}

/// The rows of every gzip file of a table, as text lines (CSV without headers), sorted.
func rows(_ out: URL, table: String, format: String) throws -> [String] {
    let dir = out.appendingPathComponent("export/\(table)")
    var lines: [String] = []
    for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where name.hasSuffix(".\(format).gz") {
        let data = try Data(contentsOf: dir.appendingPathComponent(name))
        let text = String(decoding: try data.withUnsafeBytes { try GzipReader.decompress($0) }, as: UTF8.self)
        lines += text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("household_id,") }.map { line in
            // NDJSON leaves out empty columns except in a file's first row: compare the values.
            guard format == "ndjson", case .object(let o)? = try? JSONParser.parse(Array(line.utf8)) else { return line }
            return String(decoding: JSONWriter().bytes(.object(o.filter { !$0.value.isNull })), as: UTF8.self)
        }
    }
    return lines.sorted()
}

/// Every file of an output's generation, by relative path, except the run's own bookkeeping
/// (manifest times, state).
func outputFiles(_ out: URL) throws -> [String: Data] {
    let root = out.appendingPathComponent("current").resolvingSymlinksInPath()
    var files: [String: Data] = [:]
    for case let path as String in FileManager.default.enumerator(atPath: root.path)! {
        guard !path.hasPrefix("export/"), path != "manifest.json", path != ".state.json" else { continue }
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory)
        if !isDirectory.boolValue { files[path] = try Data(contentsOf: root.appendingPathComponent(path)) }
    }
    return files
}
