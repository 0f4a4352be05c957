import ArgumentParser
import CensusCommandLine

/// `census`: the command-line front of the census collection platform.
///
/// Each subcommand is a thin layer over a library module; see `census help SUBCOMMAND`.
struct Census: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "census",
        abstract: "Write, check and run a national census: questionnaires, responses and stores.",
        discussion: """
            With no subcommand, runs the demo census on built-in defaults: it compiles and \
            checks the household form in questionnaires/, summarises it, builds an address frame, \
            letters and an 8-shard store in a scratch directory, and serves the census on \
            127.0.0.1 until Ctrl-C, printing the address and access codes to try \
            (see `census demo --help`; `census demo --simulate` runs it offline instead).

            \(Console.conventions)
            """,
        version: CensusMain.version,
        subcommands: [Demo.self, Serve.self, Check.self, Compile.self, FrameCommand.self, StoreCommand.self, StaffCommand.self, AuditCommand.self, TokenCommand.self, Validate.self, Generate.self,
                      Aggregate.self, VerifyExport.self],
        defaultSubcommand: Demo.self
    )
}

/// Commands that run a server: swift-service-lifecycle handles SIGINT and SIGTERM for them
/// (a graceful shutdown that commits every save), so `SignalHandler` must not take the signals.
protocol ServesUntilStopped {
    var servesUntilStopped: Bool { get }
}

extension Serve: ServesUntilStopped { var servesUntilStopped: Bool { true } }
extension Demo: ServesUntilStopped { var servesUntilStopped: Bool { !simulate && !formOnly } }
