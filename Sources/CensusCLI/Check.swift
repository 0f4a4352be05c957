import ArgumentParser
import Questionnaire
import QuestionnaireLanguage

/// How diagnostics are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case human, json
}

/// Compiles each source and prints its diagnostics; shared by `check` and `compile`.
func compileSources(_ paths: [String], format: OutputFormat) throws -> [Compiler.Result] {
    var results: [Compiler.Result] = []
    for path in paths {
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch {
            FileIO.writeError("census: \(error)\n")
            throw ExitCode(2)
        }
        results.append(Compiler.compile(SourceFile(name: path, bytes: bytes), loadFile: Compiler.files(besides: path)))
    }
    switch format {
    case .human:
        for result in results where !result.diagnostics.isEmpty { FileIO.writeError(result.render() + "\n") }
        let all = results.flatMap(\.diagnostics)
        let errors = all.filter { $0.severity == .error }.count
        let warnings = all.count - errors
        let tally = [(errors, "error"), (warnings, "warning")].filter { $0.0 > 0 }.map { counted($0.0, $0.1) }
        if !tally.isEmpty { FileIO.writeError("\(tally.joined(separator: " and ")) found.\n") }
    case .json:
        var all: [JSONValue] = []
        for result in results {
            let renderer = DiagnosticRenderer(file: result.file)
            all += result.diagnostics.map(renderer.json)
        }
        FileIO.writeOut(JSONWriter(pretty: true).bytes(.object(["diagnostics": .array(all)])))
    }
    return results
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
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
        if results.contains(where: { !$0.diagnostics.isEmpty }) { throw ExitCode(1) }
        if format == .human {
            FileIO.writeError("\(files.count == 1 ? files[0] : "\(files.count) files"): no problems found.\n")
        }
    }
}

struct Compile: ParsableCommand {
    static let configuration = CommandConfiguration(
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
        guard let schema = results.first?.schema else { throw ExitCode(1) }
        do { try FileIO.write(schema.canonicalBytes(), to: output) } catch {
            FileIO.writeError("census: \(error)\n")
            throw ExitCode(2)
        }
        if output != "-" && format == .human {
            FileIO.writeError("wrote \(output) (\(schema.hash))\n")
        }
    }
}
