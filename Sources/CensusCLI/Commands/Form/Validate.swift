import ArgumentParser
import CensusCommandLine
import Foundation
import Questionnaire

/// `census validate`: evaluate responses against a compiled schema.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check household responses against a compiled questionnaire schema.",
        discussion: """
            Reads one response (a JSON object) or a stream of responses (NDJSON: one per line) \
            from a file or from standard input (-), and reports for each: errors, warnings, \
            confirmations not yet given, and answers to questions that do not apply. Each \
            finding has a stable code and a JSON path into the response (see \
            docs/response-format.md).

            Exit status: 0 when every response is valid (no errors, no missing confirmations), \
            1 when any is not, 2 when the schema or the input cannot be read. With --strict, \
            warnings and answers to questions that do not apply also make a response invalid.

            Examples:
              census validate --schema census.json household.json
              census generate --schema census.json --households 100 --seed 1 | census validate --schema census.json -
            """
    )

    @Option(name: .long, help: "The compiled schema (from `census compile`).")
    var schema: String

    @Argument(help: "A response file (JSON or NDJSON), or - for standard input (the default).")
    var input: String?

    @Option(name: .long, help: "Output format: human or json (json: one result object per response, NDJSON for streams).")
    var format: OutputFormat = .human

    @Option(name: .long, help: "Language of the messages (default: the response's language, else the form's first).")
    var language: String?

    @Flag(name: .long, help: "Treat warnings and answers to questions that do not apply as failures too.")
    var strict = false

    @Flag(name: .long, help: "Only print invalid responses and the summary.")
    var quiet = false

    @Flag(name: .long, help: "Include the applicable questions and derived values in JSON output.")
    var details = false

    enum OutputFormat: String, ExpressibleByArgument { case human, json }

    func run() throws {
        let evaluator: Evaluator
        let bytes: [UInt8]
        let input = self.input ?? "-"
        do {
            evaluator = try CLIFiles.evaluator(schema)
            if self.input == nil && isatty(0) == 1 {
                // Otherwise it would wait silently for what the user thinks they already gave.
                Console.note("reading responses from standard input (paste them, then press Ctrl-D); name a file to read it instead, or - to read standard input without this note")
            }
            bytes = try CLIFiles.read(input, what: "the responses file")
            if let language, !evaluator.schema.languages.contains(language) {
                throw CLIError("--language \(language): the form has no such language; it has \(evaluator.schema.languages.joined(separator: ", "))")
            }
        } catch {
            Console.error("\(error)")
            throw ExitCode.notDone
        }
        let (items, stream) = ResponseInput.split(bytes)
        if items.isEmpty {
            // An empty input is a mistake (wrong file, failed pipe), not "all valid".
            let name = input == "-" ? "standard input" : input
            Console.error("\(name) holds no response (it is empty); give a JSON response or NDJSON, one response per line")
            throw ExitCode.notDone
        }
        let options = EvaluationOptions(language: language, includeApplicable: details, includeDerived: details)
        let out = try CLIFiles.Output()
        let session = evaluator.makeSession(options: options)
        var total = 0, invalid = 0, errors = 0, warnings = 0
        for item in items {
            let line = item.line
            total += 1
            let evaluation = session.evaluate(bytes: item.bytes)
            var ok = evaluation.isValid
            if strict && evaluation.findings.contains(where: { $0.severity == .warning || $0.severity == .notApplicable }) { ok = false }
            if !ok { invalid += 1 }
            errors += evaluation.count(.error)
            warnings += evaluation.count(.warning)
            switch format {
            case .json:
                if quiet && ok { continue }
                var json = evaluation.json
                if case .object(var o) = json {
                    o["valid"] = .bool(ok)
                    if stream { o["line"] = .integer(line) }
                    json = .object(o)
                }
                out.write(bytes: JSONWriter(pretty: !stream).bytes(json))
                if stream { out.write("\n") }
            case .human:
                if quiet && ok { continue }
                let label = stream ? "line \(line)" : input
                let counts = [
                    counted(evaluation.count(.error), "error"), counted(evaluation.count(.warning), "warning"),
                    counted(evaluation.count(.confirm), "confirmation") + " to give",
                    counted(evaluation.count(.notApplicable), "ignored answer"),
                ]
                out.write("\(label): \(ok ? "valid" : "INVALID") (\(counts.joined(separator: ", ")); \(percentText(evaluation.completeness)) complete)\n")
                for f in evaluation.findings {
                    let tag = f.severity == .notApplicable ? "ignored" : f.severity.rawValue
                    out.write("  \(tag.padding(toLength: 8, withPad: " ", startingAt: 0)) \(f.path)  [\(f.code)] \(f.message)\n")
                }
            }
        }
        if format == .human && stream {
            out.write("\(counted(total, "response")): \(total - invalid) valid, \(invalid) invalid; \(counted(errors, "error")), \(counted(warnings, "warning"))\n")
        }
        out.flush()
        if invalid > 0 { throw ExitCode.notInOrder }
    }
}
