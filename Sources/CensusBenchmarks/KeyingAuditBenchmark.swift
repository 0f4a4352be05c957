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
/// group-commit writer, `synchronous = FULL`) and, with the audit log, one hash-chained record
/// in `audit.sqlite` (`synchronous = FULL`, the log's group-commit writer). Three modes:
/// - without the audit log;
/// - **alongside** (what the server does now, `AuditLog+Alongside.swift`): the record begun
///   (``AuditLog/beginGrouped(actor:action:subject:detail:at:backedByWrite:)``) between `Collector.prepare`
///   and `Collector.write`, backed by the version (stored with its keyer, `recorded_by`), so
///   a batch of such records commits without an fsync of the log's own, then awaited;
/// - **after the save** (what the server did before): ``AuditLog/appendGrouped(actor:action:subject:detail:at:)``
///   once the save has committed, naming its receipt: the two fsyncs one after the other.
/// With `--think S` each keyer pauses a random 0.5 S to 1.5 S (uniform) before each save, as a
/// keyer typing the next form, and starts at a random moment in the first S: the saves then
/// meet an idle machine, as on a keying floor, and the latency is the save's own (its commits),
/// not a queue for the CPU. Without it the keyers are a closed loop (capacity).
/// Rounds of the three alternate (after one unmeasured warm-up round of each; each pass starts
/// with the next mode), `--keyers` saving at once in each, so all see the same machine; each
/// round saves `--forms` generated paper returns into a fresh part of the frame.
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
    @Option(help: "Seconds a keyer types before each save (each a random 0.5x-1.5x of it); 0: none, a closed loop.") var think = 0.0
    @Option(help: "Run one mode alone, for a profile of it (without, alongside, after): no comparison is printed.") var only: String?

    /// The modes run: all, or the one named by `--only`.
    var chosen: [Mode] { only.map { name in Mode.allCases.filter { "\($0)" == name } } ?? Mode.allCases }

    func validate() throws {
        guard forms > 0, forms <= 20_000, rounds > 0, rounds <= 20, keyers > 0, keyers <= 500, think >= 0, think <= 60 else {
            throw ValidationError("--forms (1-20000), --rounds (1-20), --keyers (1-500) and --think (0-60) must be in range")
        }
        guard !chosen.isEmpty else {
            throw ValidationError("--only names one of: " + Mode.allCases.map { "\($0)" }.joined(separator: ", "))
        }
    }

    func run() async throws {
        let source = try String(contentsOfFile: form, encoding: .utf8)
        guard let schema = Compiler.compile(SourceFile(name: form, text: source), loadFile: Compiler.files(besides: form)).schema else {
            throw ValidationError("\(form) does not compile")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("census-keying-audit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        // One unmeasured warm-up round of each mode first (caches, threads, the files' first pages).
        let modes = chosen
        let total = forms * (rounds + 1) * modes.count
        let frame = try AddressFrame.open(at: dir.appendingPathComponent(AddressFrame.fileName), create: true)
        let homes = FrameGenerator(households: total, seed: 11).generate()
        try frame.insertGenerated(homes)
        let store = try ResponseStore.create(at: dir, shardCount: shards, questionnaireSchemas: [schema.hash])
        let evaluator = try Evaluator(schema: schema)
        let collector = try Collector(frame: frame, store: store, forms: [evaluator])
        let audit = try AuditLog.open(at: dir.appendingPathComponent(AuditLog.fileName))
        let generator = HouseholdGenerator(evaluator: evaluator, seed: 11)
        let bodies = (0..<64).map { Data(JSONWriter().bytes(generator.household($0, paper: true).response)) }
        print("keying-audit: \(rounds) rounds (after a warm-up round) of each of three modes, \(forms) saves a round, \(keyers) at once, \(think > 0 ? "each typing \(think) s a form (0.5x-1.5x)" : "no pause (closed loop)"), \(shards) shards; load \(KeyingBenchmark.loadAverage())")

        var next = 0
        var results: [Mode: [(seconds: Double, latencies: [UInt64])]] = [:]
        var tallies: [Mode: AuditCommitTally] = [:]
        for round in 0..<((rounds + 1) * modes.count) {
            // Each pass of the three modes starts with the next one (ABC, BCA, CAB, …), so no
            // mode always follows the same one.
            let pass = round / modes.count
            let mode = modes[(round + pass) % modes.count]
            let ids = homes[next..<(next + forms)].map(\.householdID)
            next += forms
            let started = DispatchTime.now().uptimeNanoseconds
            let before = audit.commitTally
            let latencies = try await Self.saveAll(ids, bodies: bodies, collector: collector, audit: audit, mode: mode, keyers: keyers, think: think)
            if pass > 0 {
                results[mode, default: []].append((Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9, latencies))
                let after = audit.commitTally
                tallies[mode, default: AuditCommitTally()].add(after, minus: before)
            }
        }
        func summary(_ mode: Mode) -> (perSecond: Double, p50: Double, p99: Double) {
            let all = results[mode, default: []]
            let seconds = all.reduce(0) { $0 + $1.seconds }
            let latencies = all.flatMap(\.latencies)
            func q(_ x: Double) -> Double { quantileMilliseconds(latencies, x) ?? .nan }
            return (Double(latencies.count) / seconds, q(0.5), q(0.99))
        }
        let without = summary(.without)
        for mode in modes {
            let m = summary(mode)
            print(String(format: "%@: %.0f saves/s, save p50 %.2f ms, p99 %.2f ms", mode.rawValue, m.perSecond, m.p50, m.p99))
        }
        for mode in [Mode.alongside, .after] where modes.count == Mode.allCases.count {
            let with = summary(mode)
            print(String(format: "audit overhead, %@: %+.1f%% on p50, %+.1f%% on p99, %+.1f%% on time per save (throughput)", mode.rawValue,
                         (with.p50 / without.p50 - 1) * 100, (with.p99 / without.p99 - 1) * 100, (without.perSecond / with.perSecond - 1) * 100))
        }
        print("per round (s): " + modes.map { mode in
            "\(mode.rawValue) " + results[mode, default: []].map { String(format: "%.2f", $0.seconds) }.joined(separator: " ")
        }.joined(separator: "; "))
        for mode in modes where mode != .without {
            let t = tallies[mode, default: AuditCommitTally()]
            print(String(format: "audit log commits, %@: %d records in %d commits (%.2f a commit); %d without an fsync (%d records), %d with one (%d records)",
                         mode.rawValue, t.records, t.commits, Double(t.records) / Double(max(1, t.commits)),
                         t.lazyCommits, t.lazyRecords, t.durableCommits, t.durableRecords))
        }
        print("load after: \(KeyingBenchmark.loadAverage())")
        // Every save of the two audited modes has its record, in one intact chain.
        let chain = try audit.verify()
        let expected = forms * (rounds + 1) * modes.filter { $0 != .without }.count
        print("audit log: \(chain.count) records (\(expected) saves audited), chain \(chain.isIntact ? "intact" : "BROKEN")")
        guard chain.isIntact, chain.count == expected else { throw ValidationError("the audit log does not hold one record per audited save") }
        audit.close()
        store.close()
        try frame.close()
    }

    /// A round's saves: without the audit log; with its record begun before the shard's write
    /// and awaited after it (the server now); with it appended after the save (before).
    enum Mode: String, CaseIterable {
        case without = "without the audit log"
        case alongside = "audit log, record alongside the save (server now)"
        case after = "audit log, record after the save (before)"
    }

    /// Saves one paper return per household, `keyers` at once, each with its audit record as
    /// `mode` says; returns each save's latency (ns).
    static func saveAll(_ ids: [String], bodies: [Data], collector: Collector, audit: AuditLog, mode: Mode, keyers: Int, think: Double = 0) async throws -> [UInt64] {
        let next = Counter()
        return try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<keyers {
                group.addTask {
                    var latencies: [UInt64] = []
                    if think > 0 { try await Task.sleep(nanoseconds: UInt64(Double.random(in: 0..<think) * 1e9)) }
                    while true {
                        let k = next.take()
                        guard k < ids.count else { break }
                        if think > 0 { try await Task.sleep(nanoseconds: UInt64(Double.random(in: 0.5...1.5) * think * 1e9)) }
                        let started = DispatchTime.now().uptimeNanoseconds
                        let request = CollectionRequest(householdID: ids[k], body: bodies[k % bodies.count], kind: .paper, idempotencyKey: "bench-\(k)")
                        switch mode {
                        case .without:
                            _ = try await collector.submit(request)
                        case .alongside:
                            // As KeyingRoutes.save: refusals first, the record begun, the write, the record awaited.
                            var keyed = request
                            keyed.recordedBy = "keyer\(k % keyers)"
                            let prepared = try collector.prepare(keyed)
                            let record = audit.beginGrouped(actor: "keyer\(k % keyers)", action: .keyed, subject: ids[k],
                                                            detail: AuditLog.keyedDetail(saveKey: prepared.idempotencyKey, facts: "bench"),
                                                            backedByWrite: true)
                            do { _ = try await collector.write(prepared) } catch {
                                let begun = try await record.committed()
                                try await audit.appendGrouped(actor: "keyer\(k % keyers)", action: .keyedNotStored, subject: ids[k],
                                                              detail: "record \(begun.sequence): nothing was stored, bench")
                                throw error
                            }
                            _ = try await record.committed()
                        case .after:
                            let outcome = try await collector.submit(request)
                            _ = try await audit.appendGrouped(actor: "keyer\(k % keyers)", action: .keyed, subject: ids[k],
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

extension AuditCommitTally {
    /// Adds the commits counted between two readings of ``AuditLog/commitTally``.
    mutating func add(_ later: AuditCommitTally, minus earlier: AuditCommitTally) {
        durableCommits += later.durableCommits - earlier.durableCommits
        durableRecords += later.durableRecords - earlier.durableRecords
        lazyCommits += later.lazyCommits - earlier.lazyCommits
        lazyRecords += later.lazyRecords - earlier.lazyRecords
    }
}
