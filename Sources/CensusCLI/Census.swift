import ArgumentParser

/// `census`: the command-line front of the census collection platform.
///
/// Each subcommand is a thin layer over a library module; see `census help SUBCOMMAND`.
struct Census: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "census",
        abstract: "Write, check and run a national census: questionnaires, responses and stores.",
        discussion: """
            With no subcommand, runs the demo census on built-in defaults: it compiles and \
            checks the household form in questionnaires/, summarises it, then builds an address \
            frame, letters and an 8-shard store in a scratch directory, lets synthetic households \
            answer, and reports return rates and the online share (see `census demo --help`).

            \(Console.conventions)
            """,
        version: CensusMain.version,
        subcommands: [Demo.self, Check.self, Compile.self, FrameCommand.self, StoreCommand.self, Validate.self, Generate.self],
        defaultSubcommand: Demo.self
    )
}
