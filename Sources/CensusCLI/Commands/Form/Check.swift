import ArgumentParser
import CensusCommandLine

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check questionnaire sources and report every problem found.",
        discussion: """
            Prints each problem with file:line:column, the source line, a caret under the \
            problem and a hint. Exits 0 when every file is clean, 1 when any has a problem \
            (a warning too: it compiles, but says something the author did not mean), \
            2 when a file cannot be read.

            Example:
              census check questionnaires/census-household.census
              census check --format json form.census    # for editors and CI
            """
    )

    @Argument(help: "Questionnaire source files (.census); - reads standard input.")
    var files: [String]

    @Option(help: "Output format: human (to standard error) or json (to standard output).")
    var format: OutputFormat = .human

    func run() throws {
        let results = try compileSources(files, format: format)
        if results.contains(where: { !$0.diagnostics.isEmpty }) { throw ExitCode.notInOrder }
        if format == .human {
            FileIO.writeError("\(files.count == 1 ? files[0] : "\(files.count) files"): no problems found.\n")
        }
    }
}
