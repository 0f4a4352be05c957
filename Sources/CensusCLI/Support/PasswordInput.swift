import ArgumentParser
import CensusCommandLine

/// `--password-stdin`: a password chosen by the operator, read from standard input rather than
/// given as an argument (a command line is visible to the machine's other users), for
/// `staff add` and `staff reset-password`.
struct PasswordInput: ParsableArguments {
    @Flag(help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    /// The first line of standard input with `--password-stdin`, nil without it (the account's
    /// password is then made by the command).
    /// - throws: ``CLIError`` when standard input is empty.
    func read() throws -> String? {
        guard passwordStdin else { return nil }
        guard let line = readLine(strippingNewline: true) else { throw CLIError("--password-stdin: standard input is empty") }
        return line
    }
}
