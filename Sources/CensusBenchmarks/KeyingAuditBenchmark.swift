import AddressFrame
import ArgumentParser
import CensusCollection
import FieldOperations
import Foundation
import Questionnaire
import QuestionnaireLanguage
import ResponseStore
import SyntheticCensus

/// `census-bench keying-audit`: what the audit log adds to saving a keyed paper return, side
/// by side in one run. A save is what the keying page's Save does after reading the form: the
/// return through the collection path (`Collector`: frame check, evaluation, the shard's
/// group-commit writer, `synchronous = FULL`), then, with the audit log, one hash-chained
/// record appended to `audit.sqlite` (its own `synchronous = FULL` commit). Rounds with and
/// without the audit alternate, `--keyers` saving at once in each, so both see the same
/// machine; each round saves `--forms` generated paper returns into a fresh part of the frame.
struct KeyingAuditBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keying-audit",
        abstract: "The audit log's overhead on a keyed save, with and without, alternating rounds in one run."
    )

    @Option(help: "The census form (.census source).") var form = "questionnaires/census-household.census"
    @Option(help: "Saves per round.") var forms = 400
    @Option(help: "Rounds of each (alternating).") var rounds = 3
    @Option(help: "Saves at once (keyers).") var keyers = 50
    @Option(help: "Shards of the store.") var shards = 8

    func validate() throws {
        guard forms > 0, forms <= 20_000, rounds > 0, rounds <= 20, keyers > 0, keyers <= 500 else {
            throw ValidationError("--forms (1-20000), --rounds (1-20) and --keyers (1-500) must be in range")
        }
    }

    func run() async throws {
        let source = try String(contentsOfFile: form, encoding: .utf8)
        guard let schema = Compiler.compile(SourceFile(name: form, text: source), loadFile: Compiler.files(besides: form)).schema else {
            throw ValidationError("\(form) does not compile")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("census-keying-audit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let total = forms * rounds * 2
        let frame = try AddressFrame.open(at: dir.appendingPathComponent(AddressFrame.fileName), create: true)
        let homes = FrameGenerator(households: total, seed: 11).generate()
        try frame.insertGenerated(homes)
        let store = try ResponseStore.create(at: dir, shardCount: shards, questionnaireSchemas: [schema.hash])
        let evaluator = try Evaluator(schema: schema)
        let collector = try Collector(frame: frame, store: store, forms: [evaluator])
        let audit = try AuditLog.open(at: dir.appendingPathComponent(AuditLog.fileName))
        let generator = HouseholdGenerator(evaluator: evaluator, seed: 11)
        let bodies = (0..<64).map { Data(JSONWriter().bytes(generator.household($0, paper: true).response)) }
        print("keying-audit: \(rounds) rounds each of \(forms) saves with and without the audit log, \(keyers) at once, \(shards) shards; load \(KeyingBenchmark.loadAverage())")

        var next = 0
        var results: [Bool: [(seconds: Double, latencies: [UInt64])]] = [false: [], true: []]
        for round in 0..<(rounds * 2) {
            let audited = round % 2 == 1
            let ids = homes[next..<(next + forms)].map(\.householdID)
            next += forms
            let started = DispatchTime.now().uptimeNanoseconds
            let latencies = try await Self.saveAll(ids, bodies: bodies, collector: collector, audit: audited ? audit : nil, keyers: keyers)
            results[audited]!.append((Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9, latencies))
        }
        func summary(_ audited: Bool) -> (perSecond: Double, p50: Double, p99: Double) {
            let all = results[audited]!
            let seconds = all.reduce(0) { $0 + $1.seconds }
            let latencies = all.flatMap(\.latencies)
            func q(_ x: Double) -> Double { quantileMilliseconds(latencies, x) ?? .nan }
            return (Double(latencies.count) / seconds, q(0.5), q(0.99))
        }
        let without = summary(false), with = summary(true)
        print(String(format: "without the audit log: %.0f saves/s, save p50 %.2f ms, p99 %.2f ms", without.perSecond, without.p50, without.p99))
        print(String(format: "with the audit log:    %.0f saves/s, save p50 %.2f ms, p99 %.2f ms", with.perSecond, with.p50, with.p99))
        print(String(format: "audit overhead: %+.1f%% on p50, %+.1f%% on p99, %+.1f%% on time per save (throughput)",
                     (with.p50 / without.p50 - 1) * 100, (with.p99 / without.p99 - 1) * 100, (without.perSecond / with.perSecond - 1) * 100))
        print("per round (s): without \(results[false]!.map { String(format: "%.2f", $0.seconds) }.joined(separator: " ")); with \(results[true]!.map { String(format: "%.2f", $0.seconds) }.joined(separator: " "))")
        print("load after: \(KeyingBenchmark.loadAverage())")
        audit.close()
        store.close()
        try frame.close()
    }

    /// Saves one paper return per household, `keyers` at once; returns each save's latency (ns).
    static func saveAll(_ ids: [String], bodies: [Data], collector: Collector, audit: AuditLog?, keyers: Int) async throws -> [UInt64] {
        let next = Counter()
        return try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<keyers {
                group.addTask {
                    var latencies: [UInt64] = []
                    while true {
                        let k = next.take()
                        guard k < ids.count else { break }
                        let started = DispatchTime.now().uptimeNanoseconds
                        let outcome = try await collector.submit(CollectionRequest(
                            householdID: ids[k], body: bodies[k % bodies.count], kind: .paper, idempotencyKey: "bench-\(k)"))
                        if let audit {
                            _ = try audit.append(actor: "keyer\(k % keyers)", action: .keyed, subject: ids[k],
                                                 detail: "receipt \(outcome.receipt.receiptID), bench")
                        }
                        latencies.append(DispatchTime.now().uptimeNanoseconds - started)
                    }
                    return latencies
                }
            }
            var all: [UInt64] = []
            for try await l in group { all += l }
            return all
        }
    }
}
