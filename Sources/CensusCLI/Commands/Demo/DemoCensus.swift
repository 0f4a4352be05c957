import AddressFrame
import CensusCollection
import Foundation
import Questionnaire
import ResponseStore
import SyntheticCensus

/// `census demo`: the demo census after the form. Synthetic households answer it: online ones
/// log in with the code from their letter, others return paper; every response goes through
/// the collection path (frame, evaluation, kind rule, store); then the return rates are
/// counted from the store.
struct DemoCensus {
    let schema: Schema
    let directory: URL
    let households: Int
    let seed: UInt64

    func run() throws {
        let out = Report()
        out.line("Demo census in \(directory.path) (replaced on each run)")
        let demo = try DemoSetup.create(schema: schema, directory: directory, households: households, seed: seed, report: out.row)
        defer { demo.close() }
        let homes = demo.households, codes = demo.codes

        // Households answer: online ones log in with the code from their letter.
        let evaluator = try Evaluator(schema: schema)
        let generator = HouseholdGenerator(evaluator: evaluator, seed: seed)
        var rng = SeededRandom(seed: (seed ^ 0xD3E0) &+ SeededRandom.gamma)
        let responseRate = Dictionary(uniqueKeysWithValues: FrameGenerator.authorities.map {
            ($0.code, Double.random(in: 0.62...0.92, using: &rng))
        })
        var requests: [CollectionRequest] = []
        var online = 0, paper = 0
        let writer = JSONWriter()
        for (i, home) in homes.enumerated() where Double.random(in: 0..<1, using: &rng) < responseRate[home.localAuthority, default: 0.8] {
            let generated = generator.household(i, invalidRate: 0.04)
            let body = writer.bytes(generated.response)
            let isPaper = generated.response["channel"]?.stringValue == "paper"
            if isPaper {
                paper += 1
            } else {
                // The respondent types the code from the letter, in lower case with spaces.
                guard let code = codes[home.householdID] else { throw CLIError("no letter for \(home.householdID)") }
                let typed = code.lowercased().replacingOccurrences(of: "-", with: " ")
                guard try demo.frame.lookup(code: typed, hasher: demo.hasher).householdID == home.householdID else {
                    throw CLIError("the access code for \(home.householdID) opened another household")
                }
                online += 1
            }
            requests.append(CollectionRequest(
                householdID: home.householdID, body: Data(body), kind: isPaper ? .paper : .submitted,
                idempotencyKey: "demo-\(i)", receivedAt: Self.date(generated.response["submittedAt"]?.stringValue)))
        }
        out.row("responses", "\(requests.count) households answered: \(online) online (each logged in with its letter's code), \(paper) on paper")

        // All at once, as the writers see a busy evening, then replay one retry.
        let started = Date()
        let outcomes = try collectAndWait(requests, by: demo.collector)
        let seconds = Date().timeIntervalSince(started)
        let invalid = outcomes.filter { !$0.evaluation.isValid }.count
        out.row("", "\(outcomes.count - invalid) valid; \(invalid) with errors (online ones kept as unsubmitted saves)")
        let retry = try collectAndWait(Array(requests.prefix(1)), by: demo.collector)
        let rate = seconds > 0 ? Int(Double(outcomes.count) / seconds) : outcomes.count
        out.row("stored", "\(outcomes.count) versions in \(String(format: "%.2f", seconds)) s (\(rate) per second, each evaluated, then acknowledged after its commit)")
        out.row("", "a retry with the same idempotency key stored nothing: receipt \(retry[0].receipt.receiptID), replay \(retry[0].receipt.isReplay)")

        try returnRates(homes, demo.store).forEach(out.line)
        demo.store.close()  // the check reads the shards with no writer active
        let check = ResponseStore.check(at: directory)
        out.line("Store check: \(check.isHealthy ? "all \(check.shards.count) shards pass PRAGMA integrity_check" : "PROBLEMS\n\(check)")")
        let sample = requests.first { $0.channel == .online }?.householdID ?? homes[0].householdID
        out.line("""
            Explore it:
              \(Self.command) store show --dir \(directory.path) \(sample)
              \(Self.command) frame lookup --dir \(directory.path) --dev-secret "\(codes[sample] ?? "CODE")"
              \(Self.command) store check --dir \(directory.path)
            """)
    }

    /// How to run `census` again from here: after `swift run census` it is not on the PATH,
    /// so name the built binary (relative to the current directory when inside it).
    static var command: String {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        guard binary.contains("/.build/") else { return "census" }
        var parts = binary.split(separator: "/", omittingEmptySubsequences: false)
        // `.build/x86_64-unknown-linux-gnu/debug/census` is also `.build/debug/census`.
        if let b = parts.lastIndex(of: ".build"), parts.count - b == 4 { parts.remove(at: b + 1) }
        let path = parts.joined(separator: "/")
        let here = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(here) ? String(path.dropFirst(here.count)) : path
    }

    /// Return rate and online share per local authority, read from the store's authoritative returns.
    func returnRates(_ homes: [Household], _ store: ResponseStore) throws -> [String] {
        var rows: [String: (households: Int, returned: Int, online: Int)] = [:]
        for home in homes {
            var row = rows[home.localAuthority, default: (0, 0, 0)]
            row.households += 1
            if let best = try store.authoritativeReturn(for: home.householdID, includeBody: false), best.kind != .partial {
                row.returned += 1
                if best.channel == .online { row.online += 1 }
            }
            rows[home.localAuthority] = row
        }
        func percent(_ a: Int, _ b: Int) -> String { b == 0 ? "-" : String(format: "%.1f%%", 100 * Double(a) / Double(b)) }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func left(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        var lines = ["", "Returns by local authority (authoritative return submitted online or on paper)",
                     "  " + pad("local authority", 28) + left("households", 11) + left("returned", 10) + left("rate", 8) + left("online", 9)]
        var total = (households: 0, returned: 0, online: 0)
        for a in FrameGenerator.authorities {
            guard let r = rows[a.code] else { continue }
            total.households += r.households; total.returned += r.returned; total.online += r.online
            lines.append("  " + pad("\(a.code) \(a.name)", 28) + left("\(r.households)", 11) + left("\(r.returned)", 10)
                + left(percent(r.returned, r.households), 8) + left(percent(r.online, r.returned), 9))
        }
        lines.append("  " + pad("all", 28) + left("\(total.households)", 11) + left("\(total.returned)", 10)
            + left(percent(total.returned, total.households), 8) + left(percent(total.online, total.returned), 9))
        let share = total.returned == 0 ? 0 : Double(total.online) / Double(total.returned)
        lines.append("  online share \(percent(total.online, total.returned)) against the 75% target: \(share >= 0.75 ? "met" : "not met")")
        lines.append("")
        return lines
    }

    static func date(_ iso: String?) -> Date? {
        guard let iso else { return nil }
        return ISO8601DateFormatter().date(from: iso)
    }
}

/// Aligned report lines, written to standard output as each stage finishes.
private struct Report {
    func line(_ s: String) { FileIO.writeOut(s + "\n") }
    func row(_ label: String, _ value: String) {
        line("  " + label + String(repeating: " ", count: max(1, 12 - label.count)) + value)
    }
}
