import ArgumentParser
import CensusCommandLine
import Foundation

/// The main job on built-in defaults: the demo census, served.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the demo census: the form, its address frame and letters, served to households on this machine.",
        discussion: """
            Compiles and checks the household form (questionnaires/census-household.census from \
            this repository unless --form names another source) and prints a summary of it. Then, \
            in --dir (replaced on each run): generates an address frame, issues access-code \
            letters, creates an 8-shard response store, and serves the census on 127.0.0.1 \
            (--port, or the next free port): it prints the address, the letters file, three \
            access codes to try, and the `census serve` command that serves the same store again. \
            It runs until Ctrl-C, which commits every save first.

            --simulate instead runs the census offline and exits: synthetic households answer \
            (online ones log in with the code from their letter; others return paper), every \
            response is validated against the schema and stored, and return rates and the online \
            share by local authority are reported from the store's authoritative returns.
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

    @Flag(help: "Simulate households answering, offline, report return rates and exit (no server).")
    var simulate = false

    @Option(help: "The first port to try for the demo server (the next free one is used).")
    var port: Int = 8080

    func validate() throws {
        guard (1...1_000_000).contains(households) else { throw ValidationError("--households must be 1...1000000") }
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535") }
    }

    /// The census form: found from the working directory, else beside this source file (so
    /// `swift run census` works from anywhere inside the checkout).
    static func defaultForm() -> String {
        let relative = "questionnaires/census-household.census"
        if FileIO.exists(relative) { return relative }
        // Up from this source file to the checkout's root, however deep the file sits.
        var root = #filePath
        while let slash = root.lastIndex(of: "/") {
            root = String(root[..<slash])
            if FileIO.exists(root + "/" + relative) { return root + "/" + relative }
        }
        return relative
    }

    func run() async throws {
        let path = form ?? Demo.defaultForm()
        let started = FileIO.now()
        let results = try compileSources([path], format: .human)
        let elapsed = FileIO.now() - started
        guard let schema = results.first?.schema else { throw ExitCode.notDone }
        FileIO.writeOut(FormSummary(schema: schema).text + "\n" + format3(elapsed * 1000) + " ms to compile and check \(path)\n\n")
        if formOnly { return }
        let directory = dir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("census-demo")
        if simulate {
            try DemoCensus(schema: schema, directory: directory, households: households, seed: seed).run()
        } else {
            try await DemoServer(schema: schema, directory: directory, households: households, seed: seed, firstPort: port).run()
        }
    }

    func format3(_ v: Double) -> String {
        let rounded = (v * 10).rounded() / 10
        return String(rounded)
    }
}
