import AddressFrame
import Aggregation
import CensusCollection
import CensusCommandLine
import DurableFiles
import Foundation
import Questionnaire
import ResponseStore
import SyntheticCensus
import UnfinishedOutput

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
        // Until the households have answered, the directory is unfinished: an interruption,
        // or a reader that stops reading (`census | head`), removes it rather than leave half a demo.
        Interruption.register(directory.path, .directory)
        let demo = try DemoSetup.create(schema: schema, directory: directory, households: households, seed: seed, report: out.row)
        defer { demo.close() }
        let homes = demo.households, codes = demo.codes

        // Households answer: online ones log in with the code from their letter.
        let evaluator = try Evaluator(schema: schema)
        let generator = HouseholdGenerator(evaluator: evaluator, seed: seed)
        // When and how each household answers: the return model (census day peak, paper
        // later, lower-response areas; docs/generator.md). The demo sends each household's
        // last planned version: its return, or the save of one that never submits.
        let timeline = ReturnTimeline(censusDate: schema.censusDate, seed: seed)
        var requests: [CollectionRequest] = []
        var online = 0, paper = 0, saves = 0
        let writer = JSONWriter()
        let answering = ProgressBar("households answering", total: homes.count)
        for (i, home) in homes.enumerated() {
            answering.update(i)
            guard let event = timeline.events(index: i, lsoa: home.lsoa, localAuthority: home.localAuthority).last else { continue }
            let isPaper = event.kind == .paper
            guard case .object(var top) = generator.household(i, invalidRate: 0.04, paper: isPaper).response else { continue }
            top["submittedAt"] = .string(Self.iso.string(from: event.time))
            top["startedAt"] = .string(Self.iso.string(from: event.time.addingTimeInterval(-1200)))
            let body = writer.bytes(.object(top))
            if isPaper {
                paper += 1
            } else {
                // The respondent types the code from the letter, in lower case with spaces.
                guard let code = codes[home.householdID] else { throw CLIError("no letter for \(home.householdID)") }
                let typed = code.lowercased().replacingOccurrences(of: "-", with: " ")
                guard try demo.frame.lookup(code: typed, hasher: demo.hasher).householdID == home.householdID else {
                    throw CLIError("the access code for \(home.householdID) opened another household")
                }
                if event.kind == .save { saves += 1 } else { online += 1 }
            }
            requests.append(CollectionRequest(
                householdID: home.householdID, body: Data(body), kind: isPaper ? .paper : event.kind == .save ? .partial : .submitted,
                idempotencyKey: "demo-\(i)", receivedAt: event.time))
        }
        answering.finish()
        out.row("answered", "\(requests.count) of \(homes.count) households sent a response: \(online) submitted online (each logged in with its letter's code), "
            + "\(paper) on paper, \(saves) saved online without submitting")

        // All at once, as the writers see a busy evening, then replay one retry.
        let started = Date()
        let storing = ProgressBar("checking and storing", total: requests.count)
        let outcomes = try collectAndWait(requests, by: demo.collector, progress: { done, _ in storing.update(done) })
        storing.finish()
        let seconds = Date().timeIntervalSince(started)
        let figures = DemoFigures(outcomes)
        let sent = figures.withoutErrors + figures.onlineWithErrors + figures.paperWithErrors
        let withErrors = figures.onlineWithErrors + figures.paperWithErrors
        var checked = "of the \(sent) sent as returns, \(figures.withoutErrors) with no errors; \(withErrors) with errors: "
        checked += "\(figures.onlineWithErrors) sent online, kept as unsubmitted saves (not returns: an online form with errors cannot be submitted), "
        checked += "\(figures.paperWithErrors) on paper, stored as returns with their errors recorded for editing"
        out.row("checked", checked)
        let retry = try collectAndWait(Array(requests.prefix(1)), by: demo.collector)
        let rate = seconds > 0 ? Int(Double(outcomes.count) / seconds) : outcomes.count
        out.row("stored", "\(counted(outcomes.count, "response")), one version each, in \(String(format: "%.2f", seconds)) s (\(rate) per second, each checked, then acknowledged after its commit)")
        out.row("", "a retry with the same idempotency key stored nothing: receipt \(retry[0].receipt.receiptID), replay \(retry[0].receipt.isReplay)")
        out.row("returned", "\(figures.returned) households have a return (a response that counts): \(figures.submittedOnline) submitted online + "
            + "\(figures.paperReturns) on paper; that is the \(outcomes.count) answered less \(figures.savedAsAsked) never submitted "
            + "and \(figures.onlineWithErrors) refused for errors")

        let table = try returnRates(homes, demo.store)
        demo.store.close()  // the check reads the shards with no writer active
        let check = ResponseStore.check(at: directory)
        Interruption.unregister(directory.path)  // complete: what follows only reports on it
        table.forEach(out.line)
        out.line("Store check: \(check.isHealthy ? "\(check.shards.count == 1 ? "the 1 shard passes" : "all \(check.shards.count) shards pass") PRAGMA integrity_check" : "PROBLEMS\n\(check)")")
        let outputs = directory.appendingPathComponent("outputs")
        let aggregated = try Aggregator.run(AggregationOptions(store: directory, output: outputs))
        out.line("Aggregated (\(String(format: "%.1f", aggregated.seconds)) s): exports, data dictionary, progress against the 75% online target, protected tables")
        out.line("  report: \(aggregated.report.path)")
        out.line("  again:  \(Self.command) aggregate --dir \(directory.path) --out \(outputs.path)")
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
        func percent(_ a: Int, _ b: Int) -> String { b == 0 ? "-" : percentText(Double(a) / Double(b), decimals: 1) }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func left(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        var lines = ["", "Returns by local authority: returned = households with a return (submitted online or on paper), "
                     + "rate = returned / households, online = the share of returns made online",
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

    nonisolated(unsafe) static let iso = ISO8601DateFormatter()

    static func date(_ iso: String?) -> Date? {
        guard let iso else { return nil }
        return ISO8601DateFormatter().date(from: iso)
    }
}

/// The demo's counts, from the collection path's outcomes: each figure the report prints, so
/// that they add up: the returns sent (submitted online or on paper) = no errors + online
/// with errors + paper with errors; returned = submitted online + paper = answered - never
/// submitted - online refused for errors.
struct DemoFigures {
    var withoutErrors = 0, onlineWithErrors = 0, paperWithErrors = 0
    var submittedOnline = 0, paperReturns = 0, savedAsAsked = 0

    init(_ outcomes: [CollectionOutcome]) {
        for o in outcomes {
            switch o.disposition {
            case .submitted: submittedOnline += 1
            case .paperReturn: paperReturns += 1
            case .saved: savedAsAsked += 1
            case .notSubmitted: break
            }
            // Only what was sent as a return is checked for it; a save is not.
            guard o.disposition != .saved else { continue }
            if o.evaluation.isValid { withoutErrors += 1 } else if o.disposition == .paperReturn { paperWithErrors += 1 } else { onlineWithErrors += 1 }
        }
    }

    var returned: Int { submittedOnline + paperReturns }
}

/// Aligned report lines, written to standard output as each stage finishes.
private struct Report {
    func line(_ s: String) { FileIO.writeOut(s + "\n") }
    func row(_ label: String, _ value: String) {
        line("  " + label + String(repeating: " ", count: max(1, 12 - label.count)) + value)
    }
}
