import ArgumentParser
import Foundation

struct Compile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile a questionnaire source to its JSON schema.",
        discussion: """
            The schema (see docs/schema-format.md) has stable, deterministic bytes, a format \
            version and a SHA-256 content hash. Nothing is written when the source has errors. \
            Exits 0 on success, 1 when the source has problems, 2 when a file cannot be read \
            or written.

            Example:
              census compile questionnaires/census-household.census -o census.json
            """
    )

    @Argument(help: "The questionnaire source file (.census).")
    var file: String

    @Option(name: [.short, .customLong("output")], help: "Where to write the schema; - for standard output.")
    var output: String = "-"

    @Option(help: "Diagnostics format: human or json.")
    var format: OutputFormat = .human

    func run() throws {
        let results = try compileSources([file], format: format)
        guard let schema = results.first?.schema else { throw ExitCode.notInOrder }
        do { try FileIO.write(schema.canonicalBytes(), to: output) } catch {
            Console.error("\(error)")
            throw ExitCode.notDone
        }
        if output != "-" && format == .human {
            Console.note("wrote \(output) (\(schema.hash))")
        }
    }
}
