import Aggregation
import ArgumentParser
import CensusCommandLine
import Foundation
import ResponseStore

/// `census aggregate`: the batch aggregator for statisticians and census managers.
struct Aggregate: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Named, not derived from the type's name: deriving it costs every `census` run a
        // look-up of the type's name in the runtime (see CensusMain.commandPath).
        commandName: "aggregate",
        abstract: "Turn the store into compressed exports, a data dictionary, progress against the online target, protected tables and a report.",
        discussion: """
            Reads every shard in parallel (one worker per core, a consistent snapshot of each, \
            safe while the server writes) using each household's authoritative return, and writes \
            into OUT (docs/outputs.md): export/ (gzip NDJSON and CSV per table and shard, with \
            manifest.json: check it with `census verify-export OUT`), dictionary/, progress/ \
            (per local authority, LSOA and day, against the expected rates and the 75% online \
            target), tables/ (cell key perturbation, counts below 10 withheld) and report.html.

            Run it again into the same OUT and it is incremental: only versions committed since \
            the previous run are read, with the same outputs as a full run. An interrupted run \
            leaves the previous outputs as they were.

            The compiled questionnaire schemas are read from STORE/schemas/*.json and --schema.

            Example:
              census aggregate --dir census-store --out census-outputs
            """
    )

    @Option(help: "The response store directory (with frame.sqlite unless --frame says otherwise).")
    var dir: String
    @Option(help: "The output directory (new, empty, or written by an earlier run).")
    var out: String
    @Option(help: "The address frame file (default: DIR/frame.sqlite).")
    var frame: String?
    @Option(help: "A compiled questionnaire schema the store's responses answer (repeatable; STORE/schemas/*.json are read too).")
    var schema: [String] = []
    @Option(help: "Table definitions (JSON; default: the census form's tables; see docs/outputs.md).")
    var tables: String?
    @Option(help: "Expected return rates by day (CSV; default: the curve in docs/outputs.md).")
    var expected: String?
    @Option(help: "The time zone whose days the progress is counted in.")
    var timeZone = "Europe/London"
    @Option(help: "Shard readers in parallel (default: one per core).")
    var workers: Int?
    @Flag(help: "Publish the tables without protection, marked UNPROTECTED (for checking; not for release).")
    var unprotected = false
    @Flag(help: "Read every shard from the start, not only what is new since the last run.")
    var full = false
    @Flag(help: "No progress bar and no summary.")
    var quiet = false

    func validate() throws {
        try PathArgument.directory(dir, "--dir")
        try PathArgument.directory(out, "--out")
        if let workers, !(1...256).contains(workers) { throw ValidationError("--workers must be between 1 and 256") }
        if TimeZone(identifier: timeZone) == nil { throw ValidationError("--time-zone \(timeZone) is not a time zone (e.g. Europe/London, UTC)") }
    }

    func run() throws {
        var options = AggregationOptions(store: URL(fileURLWithPath: dir), output: URL(fileURLWithPath: out))
        options.frame = frame.map { URL(fileURLWithPath: $0) }
        options.schemaFiles = schema.map { URL(fileURLWithPath: $0) }
        options.timeZone = TimeZone(identifier: timeZone)!
        options.unprotected = unprotected
        options.forceFull = full
        if let workers { options.workers = workers }
        do {
            if let tables { options.tables = try TableDefinitions.read(URL(fileURLWithPath: tables)) }
            if let expected { options.expectedRates = try ExpectedRates.read(URL(fileURLWithPath: expected)) }
        } catch let e as AggregationError {
            throw CLIError(e.description)
        }
        // A percentage only for a run that reads everything (an incremental one reads what is new).
        let incremental = !full && FileManager.default.fileExists(atPath: URL(fileURLWithPath: out).appendingPathComponent("current").path)
        let bar = ProgressBar("reading responses", total: nil, quiet: quiet)
        // Counting the versions reads every shard's index: only for a bar that is drawn.
        if bar.isEnabled && !incremental, let total = Self.versionTotal(dir) { bar.update(0, of: total) }
        let summary: AggregationSummary
        do {
            summary = try Aggregator.run(options) { households, versions in bar.update(versions, note: counted(households, "household", digitsGrouped: true)) }
        } catch let e as AggregationError {
            bar.finish()
            throw CLIError(remedy(e))
        }
        bar.finish()
        if quiet { return }
        print(Self.summary(summary, out: out))
    }

    /// The versions in the store, for the bar's percentage and time left.
    static func versionTotal(_ dir: String) -> Int? {
        guard let store = try? ResponseStore.openForReading(at: URL(fileURLWithPath: dir)) else { return nil }
        defer { store.close() }
        let counts = store.versionCounts()
        if counts.contains(where: { $0 == nil }) { return nil }
        return counts.reduce(0) { $0 + ($1 ?? 0) }
    }

    func remedy(_ e: AggregationError) -> String {
        // What went wrong, without a full stop of its own (a store's errors end with one):
        // the remedy adds the next sentence.
        var said = e.description
        if said.hasSuffix(".") { said.removeLast() }
        switch e {
        case .schemaNotGiven(let hashes, _) where hashes.isEmpty:
            return "no compiled questionnaire schema: give the form the responses answer with --schema FORM.json (from `census compile`), or put it in \(dir)/schemas/"
        case .schemaNotGiven:
            return "\(said): give the compiled form with --schema FILE (census compile prints its hash), or put it in \(dir)/schemas/. Nothing was published; the previous outputs are unchanged."
        case .invalidTableDefinition:
            return "\(said). Nothing was published."
        default:
            return "\(said). Nothing was published; the previous outputs are unchanged."
        }
    }

    static func summary(_ s: AggregationSummary, out: String) -> String {
        let kind = s.kind == "full" ? "full run" + (s.reason.map { " (\($0))" } ?? "") : "incremental run"
        var text = "census aggregate: \(kind), run \(s.run), \(String(format: "%.1f", s.seconds)) s\n"
        // Each count says what it counts, against the frame: a store filled for 5,000 households
        // has responses from fewer, and returns (a save alone is not one) from fewer still.
        let household = { (n: Int) in counted(n, "household", digitsGrouped: true) }
        let read = s.kind == "full" ? "with a response" : "with new versions since run \(s.run - 1)"
        text += "  read      \(household(s.householdsRead)) \(read), of the \(groupedDigits(s.householdsInFrame)) in the address frame "
            + "(\(counted(s.versionsRead, "version", digitsGrouped: true)), \(bytes(s.bytesIn)) of responses)\n"
        text += "  exported  \(household(s.households)) with a return (submitted online or on paper; a save alone is not one); "
            + s.rows.dropFirst().map { "\($0.table) \(groupedDigits($0.rows))" }.joined(separator: ", ") + "\n"
        if s.householdsNotInFrame > 0 {
            text += "  warning   \(household(s.householdsNotInFrame)) with a return \(s.householdsNotInFrame == 1 ? "is" : "are") not in the address frame: not counted\n"
        }
        text += "  wrote     \(bytes(s.bytesOut)) this run; the outputs hold \(bytes(s.outputBytes)) (\(out)/current -> \(s.generation.lastPathComponent))\n"
        text += "  report    \(s.report.path)\n"
        text += "  check     census verify-export \(out)"
        return text
    }

    static func bytes(_ n: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var v = Double(n), u = 0
        while v >= 1000 && u < units.count - 1 { v /= 1000; u += 1 }
        return u == 0 ? "\(n) B" : String(format: "%.1f %@", v, units[u])
    }
}
