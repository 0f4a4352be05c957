import ArgumentParser
import Foundation
import ResponseStore
import SyntheticCensus

/// Synthetic census household responses: JSON, 3–6 KB each.
enum SyntheticResponses {
    static let ethnicities = ["White: English, Welsh, Scottish, Northern Irish or British", "Asian or Asian British: Indian",
                              "Black, Black British, Caribbean or African: African", "Mixed or Multiple ethnic groups",
                              "White: Irish", "Asian or Asian British: Pakistani", "Other ethnic group: Arab"]
    static let occupations = ["Registered nurse", "Software developer", "Secondary school teacher", "Retail assistant",
                              "Electrician", "Care worker", "Accountant", "Bus driver", "Student", "Retired"]
    static let words = ["the", "work", "house", "family", "school", "travel", "care", "shop", "council", "garden",
                        "health", "train", "office", "weekend", "kitchen", "community", "library", "market"]

    /// `count` bodies of 3–6 KB, deterministic for a seed.
    static func bodies(count: Int, seed: UInt64) -> [Data] {
        var rng = SeededRandom(seed: seed &+ SeededRandom.gamma)
        return (0..<count).map { _ in body(targetSize: Int.random(in: 3000...6000, using: &rng), rng: &rng) }
    }

    static func body(targetSize: Int, rng: inout SeededRandom) -> Data {
        var people: [[String: Any]] = []
        let residents = Int.random(in: 1...6, using: &rng)
        for p in 0..<residents {
            people.append([
                "person_number": p + 1,
                "first_name": ["Amira", "James", "Olu", "Siobhan", "Priya", "Tomasz", "Grace"].randomElement(using: &rng)!,
                "surname": ["Khan", "Smith", "Adeyemi", "Murphy", "Patel", "Nowak", "Jones"].randomElement(using: &rng)!,
                "date_of_birth": "\(Int.random(in: 1930...2020, using: &rng))-\(Int.random(in: 10...12, using: &rng))-\(Int.random(in: 10...28, using: &rng))",
                "sex": ["1", "2"].randomElement(using: &rng)!,
                "marital_status": Int.random(in: 1...6, using: &rng),
                "country_of_birth": ["England", "Wales", "Poland", "India", "Nigeria", "Ireland"].randomElement(using: &rng)!,
                "ethnic_group": ethnicities.randomElement(using: &rng)!,
                "religion": Int.random(in: 1...8, using: &rng),
                "main_language": ["English", "Welsh", "Polish", "Urdu", "Punjabi"].randomElement(using: &rng)!,
                "health": Int.random(in: 1...5, using: &rng),
                "unpaid_care_hours": Int.random(in: 0...4, using: &rng),
                "economic_activity": Int.random(in: 1...9, using: &rng),
                "occupation": occupations.randomElement(using: &rng)!,
                "hours_worked": Int.random(in: 0...60, using: &rng),
                "travel_to_work": Int.random(in: 1...11, using: &rng),
                "address_one_year_ago": "same",
            ])
        }
        var doc: [String: Any] = [
            "accommodation_type": Int.random(in: 1...7, using: &rng),
            "tenure": Int.random(in: 1...6, using: &rng),
            "bedrooms": Int.random(in: 1...6, using: &rng),
            "central_heating": ["gas", "electric", "heat pump"].randomElement(using: &rng)!,
            "vehicles": Int.random(in: 0...3, using: &rng),
            "residents": people,
        ]
        var data = try! JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])
        if data.count < targetSize {
            var text = ""
            while text.utf8.count < targetSize - data.count - 40 {
                text += words.randomElement(using: &rng)! + " "
            }
            doc["comments"] = text
            data = try! JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])
        }
        return data
    }
}

struct StoreBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Sustained durable inserts into the response store vs. the raw SQLite ceiling.",
        discussion: """
            For each shard count, creates a fresh store, keeps --clients submissions in flight \
            (async `submit`, as a web tier would) for --seconds, and counts acknowledged \
            households (each acknowledged only after its group commit). Then measures the raw \
            SQLite ceiling the same way: same table, same bodies, same files count and PRAGMAs, \
            one thread per file, --raw-batch rows per transaction, no store machinery. \
            Bodies are synthetic census households of 3-6 KB. Files go to --work-dir and are \
            deleted after each run.
            """
    )

    @Option(help: "Comma-separated shard counts.")
    var shards: String = "1,2,4,8,16"
    @Option(help: "Seconds per measurement.")
    var seconds: Double = 5
    @Option(help: "Submissions kept in flight by the in-process clients.")
    var clients: Int = 512
    @Option(help: "Durability: full, normal or both.")
    var durability: Choice<Durability> = .one(.full)
    @Option(help: "Rows per transaction for the raw SQLite ceiling.")
    var rawBatch: Int = 1000
    @Option(help: "Largest group commit of the store.")
    var maxBatch: Int = 4096
    @Option(help: "Directory for the temporary databases.")
    var workDir: String = NSTemporaryDirectory()
    @Flag(help: "Skip the raw SQLite ceiling.")
    var skipRaw = false
    @Option(help: "Checkpoint policy: background (the default), inline (before 2026-11-27) or both (side by side, alternating).")
    var checkpoint: Choice<CheckpointPolicy> = .one(.background)
    @Option(help: "Background policy: seconds between checkpoint passes of a shard.")
    var checkpointInterval: Double = StoreOptions().checkpointInterval
    @Option(help: "Background policy: log size in pages at which the writer checkpoints the rest itself.")
    var walRestartPages: Int = StoreOptions().walRestartPages
    @Option(help: "Runs of each configuration (with --checkpoint both: inline, background, inline, background, ...).")
    var `repeat`: Int = 1

    func run() throws {
        let counts = shards.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let modes = durability.values
        let bodies = SyntheticResponses.bodies(count: 512, seed: 42)
        let avg = bodies.reduce(0) { $0 + $1.count } / bodies.count
        print("census-bench store: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(seconds)s per run, \(clients) in flight, bodies 3-6 KB (mean \(avg) B), WAL")
        let policies = checkpoint.values
        let header = ["sync", "shards", "checkpoint", "store hh/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms",
                      "store MB/s", "raw rows/s", "store/raw"]
        print(row(header))
        print("| " + Array(repeating: "----------", count: header.count).joined(separator: " | ") + " |")
        // Side by side: for each shard count, every configuration in turn (full, normal; inline,
        // background), repeated, so that a noisy moment on the shared machine hits all of them.
        for n in counts {
            for _ in 0..<max(1, self.repeat) {
                for mode in modes {
                    for policy in policies {
                        let dir = URL(fileURLWithPath: workDir).appendingPathComponent("census-bench-\(UUID().uuidString)")
                        defer { try? FileManager.default.removeItem(at: dir) }
                        let store = try runStore(dir: dir.appendingPathComponent("store"), shards: n, mode: mode, policy: policy, bodies: bodies)
                        try? FileManager.default.removeItem(at: dir.appendingPathComponent("store"))
                        var rawText = "-", ratio = "-"
                        if !skipRaw {
                            let raw = try RawSQLiteCeiling.run(directory: dir.appendingPathComponent("raw"), files: n, seconds: seconds,
                                                               durability: mode, rowsPerTransaction: rawBatch, bodies: bodies)
                            rawText = String(format: "%.0f", raw.perSecond)
                            ratio = String(format: "%.0f%%", 100 * store.perSecond / raw.perSecond)
                        }
                        print(row([mode.rawValue, String(n), policy.rawValue, String(format: "%.0f", store.perSecond),
                                   String(format: "%.1f", store.p50 * 1000), String(format: "%.1f", store.p99 * 1000),
                                   String(format: "%.1f", store.p999 * 1000), String(format: "%.1f", store.max * 1000),
                                   String(format: "%.1f", store.mbPerSecond), rawText, ratio]))
                    }
                }
            }
        }
    }

    /// A Markdown table row.
    func row(_ cells: [String]) -> String {
        "| " + cells.map { $0.count < 10 ? $0 + String(repeating: " ", count: 10 - $0.count) : $0 }.joined(separator: " | ") + " |"
    }

    struct StoreResult {
        var perSecond: Double
        var p50: Double
        var p99: Double
        var p999: Double
        var max: Double
        var mbPerSecond: Double
    }

    func runStore(dir: URL, shards: Int, mode: Durability, policy: CheckpointPolicy, bodies: [Data]) throws -> StoreResult {
        var options = StoreOptions(durability: mode, maxBatchSize: maxBatch, checkpointPolicy: policy)
        options.checkpointInterval = checkpointInterval
        options.walRestartPages = walRestartPages
        let store = try ResponseStore.create(at: dir, shardCount: shards, options: options)
        // The durability measured is the one SQLite reports on every writer connection (until
        // issue 13, `full` measured NORMAL: GRDB had reset it).
        guard Set(store.durabilityInForce()) == [mode] else {
            throw ValidationError("the store's writers do not run with synchronous=\(mode.rawValue): \(store.durabilityInForce())")
        }
        let clients = self.clients
        let seconds = self.seconds
        let result = LockedResults()
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(seconds * 1e9)
        let done = DispatchSemaphore(value: 0)
        Task {
            await withTaskGroup(of: (Int, Int, [Double]).self) { group in
                for c in 0..<clients {
                    group.addTask {
                        var n = 0, bytes = 0
                        var latencies: [Double] = []
                        latencies.reserveCapacity(Int(seconds * 200))
                        while DispatchTime.now().uptimeNanoseconds < deadline {
                            let body = bodies[(c &* 7919 &+ n) % bodies.count]
                            let t0 = DispatchTime.now().uptimeNanoseconds
                            let s = Submission(householdID: "H\(c)-\(n)", kind: .submitted, channel: .online,
                                               receivedAt: Date(), schemaHash: "sha256:bench", idempotencyKey: "k\(c)-\(n)",
                                               completeness: 0.4, body: body)
                            do {
                                _ = try await store.submit(s)
                            } catch {
                                fatalError("submit failed: \(error)")
                            }
                            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
                            n += 1
                            bytes += body.count
                        }
                        return (n, bytes, latencies)
                    }
                }
                for await r in group { result.add(r) }
            }
            done.signal()
        }
        done.wait()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        store.close()
        let lat = result.latencies.sorted()
        func pct(_ p: Double) -> Double { lat.isEmpty ? 0 : lat[min(lat.count - 1, Int(Double(lat.count) * p))] }
        return StoreResult(perSecond: Double(result.count) / elapsed, p50: pct(0.5), p99: pct(0.99),
                           p999: pct(0.999), max: lat.last ?? 0, mbPerSecond: Double(result.bytes) / elapsed / 1e6)
    }
}

final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    var count = 0
    var bytes = 0
    var latencies: [Double] = []
    func add(_ r: (Int, Int, [Double])) {
        lock.lock()
        count += r.0
        bytes += r.1
        latencies += r.2
        lock.unlock()
    }
}

/// A writer process for the crash test: submits a bounded load and prints
/// each receipt as soon as it is acknowledged.
struct StoreWriterHelper: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-writer",
        abstract: "Crash-test helper: submit a bounded load, print `ACK household key receipt` per acknowledgement.",
        shouldDisplay: false
    )

    @Option(help: "Store directory (must exist).")
    var dir: String
    @Option(help: "Number of submissions.")
    var count: Int = 100_000
    @Option(help: "Submissions in flight.")
    var inFlight: Int = 256
    @Option(help: "Prefix of household ids and idempotency keys (unique per run).")
    var prefix: String
    @Option(help: "Durability: full or normal.")
    var durability: Durability = .full

    func run() throws {
        let store = try ResponseStore.open(at: URL(fileURLWithPath: dir),
                                           options: StoreOptions(durability: durability))
        try store.requireAllShards()
        let bodies = SyntheticResponses.bodies(count: 64, seed: 9)
        let window = DispatchSemaphore(value: inFlight)
        let finished = DispatchGroup()
        for i in 0..<count {
            window.wait()
            finished.enter()
            let s = Submission(householdID: "\(prefix)-H\(i % 5000)", kind: i % 3 == 0 ? .partial : .submitted,
                               channel: .online, receivedAt: Date(), schemaHash: "sha256:crash-test",
                               idempotencyKey: "\(prefix)-k\(i)", completeness: Double(i % 50) / 50, body: bodies[i % bodies.count])
            store.submit(s) { result in
                switch result {
                case .success(let r):
                    // One write(2) per line: atomic on a pipe, unbuffered.
                    let line = "ACK \(s.householdID) \(s.idempotencyKey) \(r.receiptID)\n"
                    line.utf8CString.withUnsafeBufferPointer { p in _ = write(1, p.baseAddress!, p.count - 1) }
                case .failure(let e):
                    let line = "ERR \(s.idempotencyKey) \(e)\n"
                    line.utf8CString.withUnsafeBufferPointer { p in _ = write(2, p.baseAddress!, p.count - 1) }
                }
                window.signal()
                finished.leave()
            }
        }
        finished.wait()
        store.close()
    }
}

extension Durability: ExpressibleByArgument {}
extension CheckpointPolicy: ExpressibleByArgument {}

/// One value of a closed set, or `both` of them, side by side in one run.
enum Choice<Value: ExpressibleByArgument & CaseIterable & RawRepresentable<String>>: ExpressibleByArgument {
    case one(Value)
    case both

    init?(argument: String) {
        if argument == "both" { self = .both } else if let v = Value(argument: argument) { self = .one(v) } else { return nil }
    }

    static var allValueStrings: [String] { Value.allCases.map(\.rawValue) + ["both"] }

    /// The values to run, in order (for `both`, every case in declaration order).
    var values: [Value] {
        switch self {
        case .one(let v): return [v]
        case .both: return Array(Value.allCases)
        }
    }
}
