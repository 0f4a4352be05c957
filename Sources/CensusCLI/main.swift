import ArgumentParser

/// `census`: the command-line front of the census collection platform.
///
/// Each subcommand is a thin layer over a library module; see `census help SUBCOMMAND`.
struct Census: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "census",
        abstract: "Write, check and run a national census: questionnaires, responses and stores.",
        subcommands: [Validate.self, Generate.self]
    )
}

Census.main()
