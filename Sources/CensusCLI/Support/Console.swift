import ArgumentParser
import Foundation

/// How `census` reports on standard error, and what its exit statuses mean: one convention for
/// every command, stated in `census help` (``Console/conventions``) and tested for each.
///
/// - Messages about the run start with the command: `census store submit: household 'H1' is
///   not in the address frame …`; warnings with `census COMMAND: warning: `. A form's own
///   problems are compiler diagnostics, `FILE:LINE:COLUMN: error: …`, as editors expect.
/// - Results go to standard output; progress (on a terminal only) and messages to standard
///   error.
enum Console {
    /// The command being run, as typed: `census`, `census store submit`. Set once, by `main`,
    /// before the command runs.
    nonisolated(unsafe) static var command = "census"

    /// The text of `census help`'s section on messages and exit statuses.
    static let conventions = """
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
    static func error(_ message: String) { write("\(command): \(message)") }

    /// A warning line: `census COMMAND: warning: message`.
    static func warning(_ message: String) { write("\(command): warning: \(message)") }

    /// A report line that is not an error: `census COMMAND: message`.
    static func note(_ message: String) { write("\(command): \(message)") }

    /// A line of its own on standard error (a finding listed after an error line).
    static func detail(_ line: String) { write(line) }

    private static func write(_ line: String) { FileIO.writeError(line + "\n") }
}

extension ExitCode {
    /// Done, and something checked is not in order (see ``Console/conventions``).
    static let notInOrder = ExitCode(1)
    /// Not done: an input cannot be read or used, or the work failed.
    static let notDone = ExitCode(2)
    /// Usage: an unknown command or option, a bad option value (`EX_USAGE`).
    static let usage = ExitCode(64)
}
