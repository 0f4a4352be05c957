import AddressFrame
import ArgumentParser
import CensusCollection
import CensusCommandLine
import DurableFiles
import Foundation
import Questionnaire
import ResponseStore
import SyntheticCensus

/// `census store fill`: a store full of synthetic returns, through the real write path.
struct StoreFill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fill",
        abstract: "Fill a store with generated households' returns through the collection path, in time order.",
        discussion: """
            The first run makes DIR: an address frame of --households households (frame.sqlite \
            and frame.csv, from --seed), a store of --shards shards accepting the form, and the \
            compiled form in DIR/schemas/ (where `census aggregate` finds it). Every household then \
            gets a plan from the return model (docs/generator.md: whether it responds, online or on \
            paper, saves first, when; census day peak, paper later, lower-response areas), and the \
            planned versions are sent in time order through the one collection path (frame check, \
            evaluation, kind rule, store), each with its planned time received. All of it is \
            deterministic by seed.

            --until TIME or --returns N stop early; the next run carries on from there (the \
            progress is kept in DIR/fill.json; a retried version is stored once, by its \
            idempotency key). So a collection can be replayed a day at a time:
              census store fill --dir d --households 100000 --until 2021-03-21T00:00:00Z
              census aggregate --dir d --out o
              census store fill --dir d --until 2021-03-22T00:00:00Z
              census aggregate --dir d --out o          # incremental
            """
    )

    @Option(help: "Store directory (created on the first run).")
    var dir: String
    @Option(help: "Households in the address frame (first run only).")
    var households: Int?
    @Option(help: "Random seed (first run only).")
    var seed: UInt64?
    @Option(help: "The questionnaire: a compiled schema (.json) or a source (.census); default: the census form (first run only).")
    var schema: String?
    @Option(help: "Shards of a new store.")
    var shards = 8
    @Option(help: "Send only versions received before this time (ISO 8601, e.g. 2021-03-21T18:00:00Z).")
    var until: String?
    @Option(help: "Send at most this many versions in this run.")
    var returns: Int?
    @Flag(help: "Print only the summary.")
    var quiet = false

    struct Plan: Codable {
        var households: Int
        var seed: UInt64
        var schemaHash: String
        /// Planned versions already sent, in time order.
        var sent: Int
        var total: Int
    }

    func validate() throws {
        try PathArgument.directory(dir, "--dir")
        if let households, !(1...10_000_000).contains(households) { throw ValidationError("--households must be 1...10000000") }
        if let returns, returns < 0 { throw ValidationError("--returns must not be negative") }
        if let until, ISO8601DateFormatter().date(from: until) == nil { throw ValidationError("--until \(until) is not an ISO 8601 time such as 2021-03-21T18:00:00Z") }
        guard (1...4096).contains(shards) else { throw ValidationError("--shards must be between 1 and 4096") }
    }

    func run() throws {
        let root = URL(fileURLWithPath: dir)
        let planURL = root.appendingPathComponent("fill.json")
        var plan: Plan
        let schema: Schema
        if let data = try? Data(contentsOf: planURL) {
            plan = try JSONDecoder().decode(Plan.self, from: data)
            if let households, households != plan.households { throw CLIError("\(dir) was filled for \(plan.households) households; leave out --households, or use a new --dir") }
            if let seed, seed != plan.seed { throw CLIError("\(dir) was filled with seed \(plan.seed); leave out --seed, or use a new --dir") }
            let file = root.appendingPathComponent("schemas/\(plan.schemaHash.dropFirst(7)).json")
            schema = try CLIFiles.schema(file.path)
        } else {
            guard let households else { throw CLIError("\(dir) has not been filled yet: give --households N (and --seed S)") }
            schema = try loadSchema()
            plan = Plan(households: households, seed: seed ?? 2021, schemaHash: schema.hash, sent: 0, total: 0)
            try create(root, schema: schema, plan: plan)
        }
        let evaluator: Evaluator
        do { evaluator = try Evaluator(schema: schema) } catch { throw CLIError("\(error)") }
        let timeline = ReturnTimeline(censusDate: schema.censusDate, seed: plan.seed)
        let events = planned(timeline, households: plan.households, seed: plan.seed)
        plan.total = events.count
        var end = events.count
        if let until, let limit = ISO8601DateFormatter().date(from: until) {
            let t = Int64(limit.timeIntervalSince1970)
            end = events.firstIndex { $0.time >= t } ?? events.count
        }
        if let returns { end = min(end, plan.sent + returns) }
        end = max(end, plan.sent)

        let frame = try AddressFrame.open(at: root.appendingPathComponent(AddressFrame.fileName), readOnly: true)
        defer { try? frame.close() }
        let store = try ResponseStore.open(at: root)
        defer { store.close() }
        let collector: Collector
        do { collector = try Collector(frame: frame, store: store, forms: [evaluator]) } catch { throw CLIError("\(error)") }
        let generator = HouseholdGenerator(evaluator: evaluator, seed: plan.seed)
        let started = Date()
        let first = plan.sent
        let sender = Sender(collector: collector, generator: generator, schema: schema, seed: plan.seed)
        let batch = 2048
        var position = plan.sent
        let bar = ProgressBar("planned versions sent", total: end - first, quiet: quiet)
        while position < end {
            let upTo = min(end, position + batch * 16)
            try sender.send(Array(events[position..<upTo]))
            position = upTo
            plan.sent = position
            try FileIO.write(Array(try JSONEncoder().encode(plan)), to: planURL.path)
            bar.update(position - first, note: "\(position) of \(events.count) planned")
        }
        bar.finish()
        let seconds = Date().timeIntervalSince(started)
        let sentNow = sender.stored + sender.replayed
        let next = plan.sent < events.count ? ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(events[plan.sent].time))) : nil
        // Which households the versions come from, against the frame: the return model plans no
        // response from some, so `census aggregate` reads fewer households than the frame holds.
        let responding = Self.households(in: events[...], of: plan.households)
        let sentFrom = Self.households(in: events[..<plan.sent], of: plan.households)
        let inFrame = "the \(counted(plan.households, "household", digitsGrouped: true)) in the frame"
        let silent = plan.households - responding
        let from = plan.sent < events.count
            ? "from \(groupedDigits(sentFrom)) of \(inFrame) so far (the plan has a response from \(groupedDigits(responding)))"
            : silent == 0 ? "from every one of \(inFrame)"
            : "from \(groupedDigits(responding)) of \(inFrame) (the return model plans no response from the other \(groupedDigits(silent)))"
        print("""
            census store fill: \(counted(sentNow, "version", digitsGrouped: true)) sent in \(String(format: "%.1f", seconds)) s (\(Int(Double(sentNow) / max(seconds, 0.001)))/s) through the collection path: \
            \(groupedDigits(sender.stored)) stored, \(groupedDigits(sender.replayed)) already stored (retries), \(groupedDigits(sender.refused)) refused
              \(groupedDigits(plan.sent)) of \(counted(events.count, "planned version", digitsGrouped: true)) sent, \(from)\(next.map { "; the next is received at \($0)" } ?? "; the collection is complete")
            """)
        if sender.refused > 0 { throw ExitCode.notInOrder }
    }

    /// How many households the planned versions come from (each household counted once).
    static func households(in versions: ArraySlice<PlannedVersion>, of total: Int) -> Int {
        var seen = [Bool](repeating: false, count: total)
        var count = 0
        for v in versions where !seen[Int(v.household)] {
            seen[Int(v.household)] = true
            count += 1
        }
        return count
    }

    // MARK: Setting up

    func loadSchema() throws -> Schema {
        let path = schema ?? Demo.defaultForm()
        if path.hasSuffix(".census") {
            guard let compiled = try compileSources([path], format: .human).first?.schema else { throw ExitCode.notDone }
            return compiled
        }
        return try CLIFiles.schema(path)
    }

    func create(_ root: URL, schema: Schema, plan: Plan) throws {
        if FileManager.default.fileExists(atPath: root.appendingPathComponent(StoreManifest.fileName).path) {
            throw CLIError("\(dir) already holds a store that `store fill` did not make (no fill.json); use a new --dir")
        }
        if !quiet { print("making \(dir): a frame of \(counted(plan.households, "household", digitsGrouped: true)) (seed \(plan.seed)), \(counted(shards, "shard")), the form \(schema.hash.prefix(19))…") }
        try AddressFrame.generate(FrameGenerator(households: plan.households, seed: plan.seed),
                                  csvAt: root.appendingPathComponent("frame.csv"),
                                  intoNewFrameAt: root.appendingPathComponent(AddressFrame.fileName))
        let store = try ResponseStore.create(at: root, shardCount: shards, questionnaireSchemas: [schema.hash])
        store.close()
        let schemas = root.appendingPathComponent("schemas")
        try FileSystemError.createDirectory(schemas, what: "the schemas directory")
        try FileIO.write(schema.canonicalBytes(), to: schemas.appendingPathComponent("\(schema.hash.dropFirst(7)).json").path)
        try FileIO.write(Array(try JSONEncoder().encode(plan)), to: root.appendingPathComponent("fill.json").path)
    }

    /// Every planned version, in time order (then household, then serial).
    func planned(_ timeline: ReturnTimeline, households: Int, seed: UInt64) -> [PlannedVersion] {
        var out: [PlannedVersion] = []
        out.reserveCapacity(households + households / 5)
        var index = 0
        FrameGenerator(households: households, seed: seed).forEach { h in
            let events = timeline.events(index: index, lsoa: h.lsoa, localAuthority: h.localAuthority)
            for e in events {
                out.append(PlannedVersion(time: Int64(e.time.timeIntervalSince1970), household: Int32(index), serial: Int8(e.serial),
                                          kind: e.kind == .paper ? 2 : e.kind == .submission ? 1 : 0))
            }
            index += 1
        }
        out.sort { ($0.time, $0.household, $0.serial) < ($1.time, $1.household, $1.serial) }
        return out
    }
}

/// One planned version, compactly (a million households fit in a few tens of MB).
struct PlannedVersion {
    var time: Int64
    var household: Int32
    var serial: Int8
    /// 0 save, 1 submission, 2 paper.
    var kind: Int8
}

/// Generates the bodies of planned versions on every core and sends them through the
/// collection path, a bounded number in flight.
final class Sender: @unchecked Sendable {
    let collector: Collector
    let generator: HouseholdGenerator
    let schema: Schema
    let seed: UInt64
    private let lock = NSLock()
    private(set) var stored = 0
    private(set) var replayed = 0
    private(set) var refused = 0
    private var firstRefusal: String?
    /// Member questions of the second half of the form: a save leaves them out.
    private let laterMemberQuestions: Set<String>

    init(collector: Collector, generator: HouseholdGenerator, schema: Schema, seed: UInt64) {
        self.collector = collector
        self.generator = generator
        self.schema = schema
        self.seed = seed
        let members = schema.questions.filter { if case .member = $0.scope { return true } else { return false } }
        laterMemberQuestions = Set(members.suffix(members.count / 2).map(\.id))
    }

    func send(_ versions: [PlannedVersion]) throws {
        let group = DispatchGroup()
        let inFlight = DispatchSemaphore(value: 4096)
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let next = Counter()
        for _ in 0..<workers {
            group.enter()
            Thread {
                defer { group.leave() }
                let writer = JSONWriter()
                while true {
                    let k = next.take()
                    if k >= versions.count { return }
                    let v = versions[k]
                    let request = self.request(v, writer: writer)
                    inFlight.wait()
                    group.enter()
                    self.collector.submit(request) { result in
                        self.lock.lock()
                        switch result {
                        case .success(let outcome): if outcome.receipt.isReplay { self.replayed += 1 } else { self.stored += 1 }
                        case .failure(let e):
                            self.refused += 1
                            if self.firstRefusal == nil { self.firstRefusal = "\(e)" }
                        }
                        self.lock.unlock()
                        inFlight.signal()
                        group.leave()
                    }
                }
            }.start()
        }
        group.wait()
        if let firstRefusal, stored == 0 && replayed == 0 { throw CLIError("every version was refused: \(firstRefusal)") }
    }

    /// `2021-03-21T19:04:11Z`.
    static func iso(_ seconds: Int64) -> String {
        let day = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let rest = Int(seconds) - day * 86_400
        guard let date = CalendarDate(dayNumber: day) else { return "" }
        return date.iso + "T" + String(format: "%02d:%02d:%02dZ", rest / 3600, rest % 3600 / 60, rest % 60)
    }

    func request(_ v: PlannedVersion, writer: JSONWriter) -> CollectionRequest {
        let index = Int(v.household)
        var response = generator.household(index, paper: v.kind == 2).response
        let time = Date(timeIntervalSince1970: Double(v.time))
        if case .object(var top) = response {
            top["startedAt"] = .string(Self.iso(v.time - Int64(600 + index % 1800)))
            top["submittedAt"] = .string(Self.iso(v.time))
            if v.kind == 0 {
                // A save: part of the form, not submitted.
                top["submittedAt"] = nil
                for (key, value) in top {
                    guard case .array(let members) = value else { continue }
                    top[key] = .array(members.map { m in
                        guard case .object(var o) = m else { return m }
                        for q in laterMemberQuestions { o[q] = nil }
                        return .object(o)
                    })
                }
            }
            response = .object(top)
        }
        let kind: ResponseKind = v.kind == 2 ? .paper : v.kind == 1 ? .submitted : .partial
        return CollectionRequest(householdID: "H" + String(format: "%09d", index + 1), body: Data(writer.bytes(response)), kind: kind,
                                 idempotencyKey: "fill-\(seed)-\(index)-\(v.serial)", receivedAt: time)
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
