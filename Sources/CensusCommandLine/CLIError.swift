import ArgumentParser

/// A one-line CLI error, printed as `census COMMAND: description` with its exit status
/// (``ExitCode/notDone``, 2, unless said otherwise; see ``Console/conventions``).
package struct CLIError: Error, CustomStringConvertible {
    package var description: String
    package var status: ExitCode
    package init(_ description: String, status: ExitCode = .notDone) {
        self.description = description
        self.status = status
    }
}
