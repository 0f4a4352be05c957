import Foundation
import ArgumentParser
import Questionnaire
import QuestionnaireLanguage

/// The main job on built-in defaults: the demo census.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the demo census: the form, its address frame and letters, and households answering it.",
        discussion: """
            Compiles and checks the household form (questionnaires/census-household.census from \
            this repository unless --form names another source) and prints a summary of it. Then, \
            in --dir (replaced on each run): generates an address frame, issues access-code \
            letters, creates an 8-shard response store, lets synthetic households answer (online \
            ones log in with the code from their letter; others return paper), validates every \
            response against the schema, stores them, and reports return rates and the online \
            share by local authority from the store's authoritative returns.
            The access codes are keyed with the public development secret: demo only.
            """
    )

    @Option(help: "The questionnaire source to use.")
    var form: String?

    @Option(help: "Where to write the demo's frame, letters and store (default: census-demo in the temporary directory).")
    var dir: String?

    @Option(help: "How many households the address frame holds.")
    var households: Int = 2000

    @Option(help: "Random seed for the frame and the households.")
    var seed: UInt64 = 2021

    @Flag(help: "Only compile and summarise the form.")
    var formOnly = false

    func validate() throws {
        guard (1...1_000_000).contains(households) else { throw ValidationError("--households must be 1...1000000") }
    }

    /// The census form: found from the working directory, else beside this source file (so
    /// `swift run census` works from anywhere inside the checkout).
    static func defaultForm() -> String {
        let relative = "questionnaires/census-household.census"
        if FileIO.exists(relative) { return relative }
        var root = #filePath
        for _ in 0..<3 { root = String(root[..<(root.lastIndex(of: "/") ?? root.startIndex)]) }
        return root + "/" + relative
    }

    func run() throws {
        let path = form ?? Demo.defaultForm()
        let started = FileIO.now()
        let results = try compileSources([path], format: .human)
        let elapsed = FileIO.now() - started
        guard let schema = results.first?.schema else { throw ExitCode(1) }
        FileIO.writeOut(Summary(schema: schema).text + "\n" + format3(elapsed * 1000) + " ms to compile and check \(path)\n\n")
        if formOnly { return }
        let directory = dir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("census-demo")
        try DemoCensus(schema: schema, directory: directory, households: households, seed: seed).run()
    }

    func format3(_ v: Double) -> String {
        let rounded = (v * 10).rounded() / 10
        return String(rounded)
    }
}

/// A short description of a compiled schema, for people.
struct Summary {
    let schema: Schema

    var text: String {
        var out = "\(schema.title[schema.languages[0]] ?? schema.id) (\(schema.id) version \(schema.version))\n"
        out += "  census date     \(schema.censusDate.iso)\n"
        out += "  languages       \(schema.languages.joined(separator: ", "))\n"
        let sections = schema.containers.filter { $0.kind == .section }
        let pages = schema.containers.filter { $0.kind == .page }
        let topLevel = sections.filter { $0.parent == nil }.map(\.id)
        out += "  sections        \(sections.count): \(topLevel.count) at the top (\(topLevel.joined(separator: ", "))), \(sections.count - topLevel.count) nested\n"
        out += "  pages           \(pages.count) grouped, plus one per ungrouped question\n"
        var byScope: [String: Int] = [:]
        for q in schema.questions { byScope[q.scope.description, default: 0] += 1 }
        out += "  questions       \(schema.questions.count): " + byScope.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + "\n"
        out += "  required        \(schema.questions.filter(\.required).count)\n"
        out += "  routed          \(counted(schema.questions.filter { $0.when != nil }.count, "question")) and \(counted(schema.containers.filter { $0.when != nil }.count, "block")) with conditions, \(counted(schema.endings.count, "early end"))\n"
        if !schema.variants.isEmpty { out += "  variants        \(schema.variants.joined(separator: ", "))\n" }
        for roster in schema.containers where roster.kind == .roster {
            out += "  roster          \(roster.id): \(roster.minMembers ?? 0) to \(roster.maxMembers ?? 0) members\n"
        }
        for block in schema.containers where block.kind == .relationships {
            out += "  relationships   \(block.id) over \(block.roster ?? "?") (every pair once; unrelated shortcut: \(block.unrelatedOption ?? "none"))\n"
        }
        var severities: [String: Int] = [:]
        for c in schema.checks { severities[c.severity.rawValue, default: 0] += 1 }
        out += "  checks          \(schema.checks.count): " + severityOrder.compactMap { s in severities[s].map { "\($0) \(s)" } }.joined(separator: ", ") + "\n"
        out += "  derived values  \(schema.derived.map(\.id).joined(separator: ", "))\n"
        out += "  choice lists    \(schema.choiceLists.count)\n"
        out += "  schema hash     \(schema.hash)\n"
        return out
    }

    private var severityOrder: [String] { ["error", "warning", "confirm"] }
}
