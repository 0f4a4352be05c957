import ArgumentParser
import CensusCommandLine
import Foundation
import Questionnaire
import SyntheticCensus

/// `census generate`: synthetic households for tests, fixtures and benchmarks.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate realistic synthetic household responses (NDJSON) that follow a form's routing.",
        discussion: """
            Households are shaped like England and Wales (mean size about 2.4, one-person \
            households mostly older, children and people over 80, relationships consistent with \
            ages, about one in seven people born abroad, paper and online returns, optional \
            answers sometimes skipped). The same --seed always gives the same households.

            On forms other than the census form, households the evaluator finds errors in are \
            repaired (the answers each error points at are drawn again, a roster is resized to \
            match a count). If some still have errors because the form makes a valid household \
            impossible, they are written anyway, standard error says which checks could not be \
            satisfied, and the exit status is 1.

            --invalid-rate R puts one realistic mistake into that share of households: a date of \
            birth in the future, an answer to a question the routing skips, or a missing \
            required answer. --mistakes FILE records each one (line, kind, finding code, path), \
            and standard error says how many there were of each. `census validate` counts a \
            household invalid for errors only: an answer to a skipped question is reported as \
            ignored (not_applicable) and makes the household invalid only with --strict, so \
            `validate --strict` finds exactly the households --mistakes lists.

            --cover-routes instead writes a small set of households that together take every \
            branch of the form (each condition true and false, each roster at its minimum and \
            maximum, each check passing and firing) and reports on standard error any branch it \
            could not reach.

            Examples:
              census generate --schema census.json --households 1000 --seed 7 > households.ndjson
              census generate --schema census.json --households 200 --seed 7 --invalid-rate 0.1 --mistakes mistakes.ndjson
              census generate --schema census.json --cover-routes > routes.ndjson
            """
    )

    @Option(name: .long, help: "The compiled schema (from `census compile`).")
    var schema: String

    @Option(name: .long, parsing: .unconditional, help: "How many households.")
    var households: Int = 100

    @Option(name: .long, parsing: .unconditional, help: "Random seed: equal seeds give equal output.")
    var seed: UInt64 = 1

    @Option(name: .long, parsing: .unconditional, help: "Share of households (0...1) given one realistic mistake.")
    var invalidRate: Double = 0

    @Option(name: .long, help: "Write the injected mistakes here as NDJSON ({line, kind, code, path}).")
    var mistakes: String?

    @Flag(name: .long, help: "Write a small set of households that covers every branch of the form.")
    var coverRoutes = false

    @Option(name: [.short, .long], help: "Output file (default: standard output).")
    var output: String?

    @Flag(name: .long, help: "Pretty-print (one household per block instead of one per line).")
    var pretty = false

    func validate() throws {
        guard households >= 0, households <= 10_000_000 else { throw ValidationError("--households must be 0...10000000") }
        guard (0...1).contains(invalidRate) else { throw ValidationError("--invalid-rate must be between 0 and 1") }
        if let mistakes, mistakes == (output ?? "-") {
            throw ValidationError(mistakes == "-"
                ? "--mistakes - and the households would both go to standard output; give --mistakes FILE or -o FILE"
                : "--mistakes and -o name the same file \(mistakes); give two different files")
        }
    }

    /// The file the households go to, or nil for standard output.
    var written: String? { output.flatMap { $0 == "-" ? nil : $0 } }

    func run() throws {
        let evaluator = try CLIFiles.evaluator(schema)
        let out = try CLIFiles.Output(path: output)
        let writer = JSONWriter(pretty: pretty)
        let generator = HouseholdGenerator(evaluator: evaluator, seed: seed)
        if coverRoutes {
            let report = RouteCoverage(generator: generator).cover()
            for h in report.households {
                out.write(bytes: writer.bytes(h))
                if !pretty { out.write("\n") }
            }
            try out.commit()
            let wrote = written.map { "wrote \(counted(report.households.count, "household")) to \($0), covering" }
                ?? "\(counted(report.households.count, "household")) cover\(report.households.count == 1 ? "s" : "")"
            Console.note("cover-routes: \(wrote) \(report.covered) of \(counted(report.total, "branch", plural: "branches"))")
            for miss in report.unreached { Console.detail("  not reached: \(miss)") }
            return
        }
        let mistakeOut = try mistakes.map { try CLIFiles.Output(path: $0) }
        var impossible = UnsatisfiedReport()
        var injected: [String: Int] = [:]
        let toTerminal = (output ?? "-") == "-" && isatty(1) == 1
        let bar = ProgressBar("generating households", total: households, quiet: toTerminal)
        defer { bar.finish() }
        for i in 0..<households {
            bar.update(i)
            let h = generator.household(i, invalidRate: invalidRate)
            impossible.add(h.unsatisfied, household: i + 1)
            out.write(bytes: writer.bytes(h.response))
            if !pretty { out.write("\n") }
            for m in h.mistakes { injected[m.code, default: 0] += 1 }
            for m in h.mistakes {
                guard let mistakeOut else { break }
                var o = m.json
                if case .object(var d) = o { d["line"] = .integer(i + 1); o = .object(d) }
                mistakeOut.write(bytes: JSONWriter().bytes(o))
                mistakeOut.write("\n")
            }
        }
        try out.commit()
        try mistakeOut?.commit()
        // What was written where, as `census compile` says it: the households to a file (to
        // standard output they are the output itself), and the mistakes' record.
        var wrote: [String] = []
        if let written { wrote.append("\(counted(households, "household")) to \(written)") }
        if let mistakes, mistakes != "-" { wrote.append("\(counted(injected.values.reduce(0, +), "mistake")) to \(mistakes)") }
        if !wrote.isEmpty { Console.note("wrote " + wrote.joined(separator: " and ")) }
        if invalidRate > 0 {
            // How the count relates to `census validate`'s (issue 14: 9 recorded, 5 invalid).
            let ignored = injected["not_applicable", default: 0]
            let total = injected.values.reduce(0, +)
            Console.note("\(counted(total, "household")) got a mistake: \(total - ignored) with an error, which validate counts as invalid, "
                + "and \(ignored) with an answer to a question the routing skips, which validate reports as ignored (invalid only with --strict)")
        }
        if let lines = impossible.lines(of: households) {
            Console.error(lines[0])
            lines.dropFirst().forEach(Console.detail)
            throw ExitCode.notInOrder
        }
    }
}

/// The errors `census generate` could not remove from some households, grouped by finding code.
struct UnsatisfiedReport {
    var households = 0
    var byCode: [String: (count: Int, first: Int, finding: Finding)] = [:]

    mutating func add(_ findings: [Finding], household line: Int) {
        guard !findings.isEmpty else { return }
        households += 1
        for f in findings {
            let key = f.check != nil ? f.code : "\(f.code) of \(f.question ?? f.path)"
            if let e = byCode[key] { byCode[key] = (e.count + 1, e.first, e.finding) } else { byCode[key] = (1, line, f) }
        }
    }

    func lines(of total: Int) -> [String]? {
        guard households > 0 else { return nil }
        var lines = ["\(households) of \(counted(total, "household")) \(households == 1 ? "is" : "are") not valid: the form's checks could not all be satisfied"
            + " (the form may make them impossible; the households were written anyway):"]
        for (key, e) in byCode.sorted(by: { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.key < $1.key }) {
            lines.append("  \(key): \(counted(e.count, "time")), first in household \(e.first) at \(e.finding.path): \(e.finding.message)")
        }
        return lines
    }
}
