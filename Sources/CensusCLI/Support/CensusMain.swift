import ArgumentParser
import CensusCommandLine
import CollectionServer
import DurableFiles
import Foundation
import QuestionnaireLanguage

/// Runs `census`: finds the command, runs it, and reports its outcome by the one convention of
/// ``Console`` (messages prefixed with the command, exit statuses as `census help` states).
///
/// ArgumentParser parses and validates; this adds what a default subcommand hides: an unknown
/// command (`census valdiate`) is an unknown command with a did-you-mean, not an unknown
/// option of `census demo`, and so is `census help nonexistent`.
enum CensusMain {
    /// `census --version`.
    static let version = "0.1.0"

    /// On the main actor, so that everything before the first suspension (parsing, and
    /// ``SignalHandler/install()`` blocking the signals) runs on the main thread: the kernel
    /// delivers SIGINT to a thread that does not block it, and libdispatch's worker threads
    /// block it already, so a handler installed on any other thread leaves the main thread to
    /// be killed by the signal, with the unfinished output left behind.
    @MainActor
    static func run(_ arguments: [String]) async -> Never {
        if arguments.first == "--version" {
            print("census \(version)")
            exit(0)
        }
        switch commandPath(arguments) {
        case .failure(let unknown):
            Console.command = (["census"] + unknown.parent).joined(separator: " ")
            Console.error(unknown.message)
            let help = unknown.parent.first == "help" ? "census help" : Console.command + " --help"
            Console.detail("See '\(help)' for what each does.")
            exit(ExitCode.usage.rawValue)
        case .success(let path):
            Console.command = (["census"] + path).joined(separator: " ")
        }
        do {
            let command = try Census.parseAsRoot(negativeNumbersAsValues(arguments))
            // A group given no command of its own (`census store`): ArgumentParser would print
            // the group's help and exit 0; say what is missing instead, as for a missing argument.
            let parsed = type(of: command)
            if parsed != Census.self && !parsed.configuration.subcommands.isEmpty {
                Console.exitForMissingSubcommand(parsed, of: Census.self)
            }
            // First, before any other thread exists: for the commands that do not serve,
            // Ctrl-C and SIGTERM remove unfinished output.
            if !servesUntilStopped(command) { SignalHandler.install() }
            // A server's tasks run on its event loops (no thread hop per request; CENSUS_EXECUTOR=
            // swift-pool keeps Swift's pool), installed here, on the main thread, before any task
            // has started.
            if servesUntilStopped(command) {
                // Whether it took is checked where it matters, by ServeLoop (a task's thread).
                EventLoopExecutor.install(environment: ProcessInfo.processInfo.environment)
            }
            // A server runs SQLite on many threads at once: no process-wide lock on each of its
            // allocations (before any database is opened; see SQLiteMemoryStatistics).
            if servesUntilStopped(command) { SQLiteMemoryStatistics.disable() }
            // Every command, serving ones too (`census | head` builds the demo before serving
            // it): a closed output pipe is an error on the write, which removes unfinished
            // output (SignalHandler.outputClosed), not a signal that kills the process half-way.
            signal(SIGPIPE, SIG_IGN)
            try await execute(command)
            exit(0)
        } catch {
            report(error)
        }
    }

    private nonisolated static func servesUntilStopped(_ command: any ParsableCommand) -> Bool {
        (command as? ServesUntilStopped)?.servesUntilStopped == true
    }

    /// Runs the command, off the main actor: it is handed over, never used by the caller again.
    /// An async command's async `run()` (on an existential, plain `run()` picks the synchronous one).
    private nonisolated static func execute(_ command: sending any ParsableCommand) async throws {
        if let asyncCommand = command as? any AsyncParsableCommand {
            try await runOpened(asyncCommand)
        } else {
            var command = command
            try command.run()
        }
    }

    private nonisolated static func runOpened<Command: AsyncParsableCommand>(_ command: Command) async throws {
        var command = command
        try await command.run()
    }

    /// `--limit -5` as `--limit=-5`: ArgumentParser reads a word starting with `-` as an option,
    /// so a negative number was reported as a missing value ("Missing value for '--limit'");
    /// joined, it reaches the option, whose own check says what is wrong with it.
    static func negativeNumbersAsValues(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var i = arguments.startIndex
        while i < arguments.endIndex {
            let word = arguments[i]
            if word.hasPrefix("--"), word.count > 2, !word.contains("="), i + 1 < arguments.endIndex,
               arguments[i + 1].wholeMatch(of: /-[0-9][0-9_.]*/) != nil {
                out.append(word + "=" + arguments[i + 1])
                i += 2
            } else {
                out.append(word)
                i += 1
            }
        }
        return out
    }

    /// The error a command ended with, reported by the one convention (``Console/exit(for:of:)``).
    static func report(_ error: any Error) -> Never { Console.exit(for: error, of: Census.self) }

    struct UnknownCommand: Error {
        var parent: [String]
        var message: String
    }

    /// The subcommand path the arguments name (`["store", "submit"]`), or which word is not a
    /// command. Options end the path; so does a command without subcommands (its arguments).
    static func commandPath(_ arguments: [String]) -> Result<[String], UnknownCommand> {
        var tokens = arguments[...]
        var isHelp = false
        if tokens.first == "help" {
            isHelp = true
            tokens = tokens.dropFirst()
        }
        var type: any ParsableCommand.Type = Census.self
        var path: [String] = []
        while let word = tokens.first, !word.hasPrefix("-") {
            let subcommands = type.configuration.subcommands
            if subcommands.isEmpty { break }
            // The name ArgumentParser matches: the configured one, else derived from the type.
            let names = subcommands.map { $0._commandName }
            if let i = names.firstIndex(of: word) {
                type = subcommands[i]
                path.append(word)
                tokens = tokens.dropFirst()
                continue
            }
            let parent = isHelp ? ["help"] + path : path
            let shown = word.count > 40 ? word.prefix(40) + "…" : word
            var message = "'\(shown)' is not a command"
            if let meant = Suggest.closest(to: word, among: names) { message += "; did you mean '\(meant)'?" }
            message += " (commands: \(names.joined(separator: ", ")))"
            return .failure(UnknownCommand(parent: parent, message: message))
        }
        return .success(isHelp ? ["help"] + path : path)
    }
}
