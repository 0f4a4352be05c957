import ArgumentParser

/// `census compile`: a questionnaire source to its JSON schema (``CompileOptions``).
package struct Compile: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: CompileOptions.abstract,
        discussion: CompileOptions.discussion(command: "census compile") + """


            `census-compile FILE -o OUT` does the same in an executable of its own that \
            starts faster (it links only the compiler): for builds and scripts that compile \
            often.
            """
    )

    @OptionGroup package var options: CompileOptions

    package init() {}

    package func run() throws { try options.compile() }
}

/// What `census compile` and `census-compile` take, and the compile they run: one source
/// file, its schema written atomically (or to standard output), its diagnostics reported.
package struct CompileOptions: ParsableArguments {
    /// The one-line summary in help.
    package static let abstract = "Compile a questionnaire source to its JSON schema."

    /// The help text's discussion, with an example of `command`.
    package static func discussion(command: String) -> String {
        """
        The schema (see docs/schema-format.md) has stable, deterministic bytes, a format \
        version and a SHA-256 content hash. Nothing is written when the source has errors. \
        Exits 0 on success, 1 when the source has problems, 2 when a file cannot be read \
        or written.

        Example:
          \(command) questionnaires/census-household.census -o census.json
        """
    }

    @Argument(help: "The questionnaire source file (.census).")
    package var file: String

    @Option(name: [.short, .customLong("output")], help: "Where to write the schema; - for standard output.")
    package var output: String = "-"

    @Option(help: "Diagnostics format: human or json.")
    package var format: OutputFormat = .human

    package init() {}

    /// Compiles ``file`` and writes its schema to ``output``. Throws ``ExitCode/notInOrder``
    /// when the source has errors (nothing written), ``ExitCode/notDone`` when a file cannot be
    /// read or written, each after saying so on standard error.
    package func compile() throws {
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
