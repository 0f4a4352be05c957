import ArgumentParser
import Questionnaire
import QuestionnaireLanguage

/// How diagnostics are printed: for people (to standard error) or as JSON (to standard output).
package enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case human, json
}

/// The largest form source read (16 MiB; the 2021 household form is about 100 KB).
package let maximumSourceBytes = 16 << 20

/// Compiles each source and prints its diagnostics; shared by `check` and `compile`. Throws
/// ``ExitCode/notDone`` when a file cannot be read (after saying so).
package func compileSources(_ paths: [String], format: OutputFormat) throws -> [Compiler.Result] {
    var results: [Compiler.Result] = []
    for path in paths {
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path, limit: maximumSourceBytes) } catch {
            if format == .json {
                // JSON stays JSON: the file is one diagnostic, for editors and CI alike.
                let unreadable: JSONValue = .object([
                    "file": .string(path), "severity": "error", "code": "unreadable_file", "message": .string("\(error)"),
                ])
                FileIO.writeOut(JSONWriter(pretty: true).bytes(.object(["diagnostics": .array([unreadable])])))
            } else {
                Console.error("\(error)")
            }
            throw ExitCode.notDone
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
