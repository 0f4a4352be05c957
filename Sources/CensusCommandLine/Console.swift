import ArgumentParser

#if canImport(Glibc)
import Glibc
private let exitProcess = Glibc.exit
#elseif canImport(Darwin)
import Darwin
private let exitProcess = Darwin.exit
#endif

/// How `census` reports on standard error, and what its exit statuses mean: one convention for
/// every command, stated in `census help` (``Console/conventions``) and tested for each.
///
/// - Messages about the run start with the command: `census store submit: household 'H1' is
///   not in the address frame …`; warnings with `census COMMAND: warning: `. A form's own
///   problems are compiler diagnostics, `FILE:LINE:COLUMN: error: …`, as editors expect.
/// - Results go to standard output; progress (on a terminal only) and messages to standard
///   error.
package enum Console {
    /// The command being run, as typed: `census`, `census store submit`, `census-compile`. Set
    /// once, by `main`, before the command runs.
    nonisolated(unsafe) package static var command = "census"

    /// The executable: the first word of ``command`` (`census`, `census-compile`).
    package static var program: Substring { command.prefix { $0 != " " } }

    /// The text of `census help`'s section on messages and exit statuses.
    package static let conventions = """
        Messages: results go to standard output. Everything else goes to standard error, each \
        line starting with the command (`census store submit: …`, `census validate: warning: …`), \
        except a form's problems, which are reported as FILE:LINE:COLUMN: error|warning: … \
        (the compiler's convention).

        Exit status:
          0    done, and everything checked is in order
          1    done, and something checked is not: a form with problems (check, compile), an \
        invalid response (validate), a response kept as a save rather than submitted (store \
        submit), a store that fails its check (store check), a code that opens no household \
        (frame lookup)
          2    not done: an input cannot be read or used, or the work failed (a missing or \
        unreadable file, a file that is not a schema or a frame CSV, a refused response, a store \
        or frame that cannot be opened or written, a full disk); nothing half-written is left
          64   usage: an unknown command or option, or a bad option value
          129, 130, 143   interrupted by SIGHUP, SIGINT (Ctrl-C) or SIGTERM; unfinished output \
        is removed
          141  the output was closed early (`census | head`); unfinished output is removed
        """

    /// An error line: `census COMMAND: message`.
    package static func error(_ message: String) { write("\(command): \(message)") }

    /// A warning line: `census COMMAND: warning: message`.
    package static func warning(_ message: String) { write("\(command): warning: \(message)") }

    /// A report line that is not an error: `census COMMAND: message`.
    package static func note(_ message: String) { write("\(command): \(message)") }

    /// A line of its own on standard error (a finding listed after an error line).
    package static func detail(_ line: String) { write(line) }

    private static func write(_ line: String) { FileIO.writeError(line + "\n") }

    /// Ends the process for the error a command of `root` ended with: help and version go to
    /// standard output (status 0); a usage error gets the usage (64); a command's own
    /// ``ExitCode`` has been explained by the command already; anything else is one line with
    /// the command's prefix, and ``CLIError/status`` or ``ExitCode/notDone``.
    ///
    /// `arguments` are those the root command was given (after the executable's name). With
    /// none at all, ArgumentParser answers a missing argument with the root's whole help
    /// (`ParserError.noArguments`), which hides what is missing; this reports it as any other
    /// omission instead: the error line, the argument's help and the usage, as `census compile`
    /// with no file does.
    package static func exit(for error: any Error, of root: any ParsableCommand.Type, arguments: [String]? = nil) -> Never {
        if let code = error as? ExitCode { exitProcess(code.rawValue) }
        if arguments?.isEmpty == true && root.exitCode(for: error) == .validationFailure {
            // `--` alone (the end of the options, and nothing after it) asks for the same as
            // nothing, and ArgumentParser reports its missing argument the ordinary way.
            do { _ = try root.parseAsRoot(["--"]) } catch { Console.exit(for: error, of: root) }
        }
        let code = root.exitCode(for: error)
        if code == .success {
            print(root.fullMessage(for: error))
            exitProcess(0)
        }
        if code == .validationFailure {
            let message = root.message(for: error)
            Console.error(message)
            // ArgumentParser's text after its own "Error: MESSAGE" line: help and usage.
            let full = root.fullMessage(for: error)
            let rest = full.split(separator: "\n", omittingEmptySubsequences: false).drop { $0.hasSuffix(message) || $0.isEmpty }
            if !rest.isEmpty { Console.detail(rest.joined(separator: "\n")) }
            exitProcess(ExitCode.usage.rawValue)
        }
        Console.error("\(error)")
        exitProcess(((error as? CLIError)?.status ?? .notDone).rawValue)
    }
}

extension ExitCode {
    /// Done, and something checked is not in order (see ``Console/conventions``).
    package static let notInOrder = ExitCode(1)
    /// Not done: an input cannot be read or used, or the work failed.
    package static let notDone = ExitCode(2)
    /// Usage: an unknown command or option, a bad option value (`EX_USAGE`).
    package static let usage = ExitCode(64)
}

extension Console {
    /// Ends the process for a command group run without one of its commands (`census store`):
    /// like a missing argument, the error line, the group's usage and where to read more (64),
    /// not the group's whole help with status 0, so that a script that left the command out
    /// fails. The error names the commands to choose from.
    package static func exitForMissingSubcommand(_ group: any ParsableCommand.Type, of root: any ParsableCommand.Type) -> Never {
        let names = group.configuration.subcommands.map { $0._commandName }
        Console.error("Missing expected subcommand (\(names.joined(separator: ", ")))")
        Console.detail("Usage: \(root.usageString(for: group))\n  See '\(command) --help' for more information.")
        exitProcess(ExitCode.usage.rawValue)
    }
}

/// "1 error", "2 errors", "1 local authority", "8 local authorities", "4,753 households": a count
/// and its noun, plural unless the count is 1. Every count the commands print goes through this,
/// so that none says "1 records". `plural` for a noun that does not just add "s";
/// `digitsGrouped` for a count that may run to thousands (as the aggregate summary prints them).
package func counted(_ n: Int, _ noun: String, plural: String? = nil, digitsGrouped: Bool = false) -> String {
    "\(digitsGrouped ? groupedDigits(n) : String(n)) \(n == 1 ? noun : plural ?? noun + "s")"
}

/// A whole number with its thousands grouped by commas: "4,753", "-1,000,000".
package func groupedDigits(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return n < 0 ? "-" + out : out
}
