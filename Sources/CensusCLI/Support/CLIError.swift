import ArgumentParser
import Foundation

/// A one-line CLI error, printed as `census COMMAND: description` with its exit status
/// (``ExitCode/notDone``, 2, unless said otherwise; see ``Console/conventions``).
struct CLIError: Error, CustomStringConvertible {
    var description: String
    var status: ExitCode
    init(_ description: String, status: ExitCode = .notDone) {
        self.description = description
        self.status = status
    }
}

/// The system's reason for a Foundation file error, not its NSError dump.
func systemReason(_ error: any Error) -> String {
    let ns = error as NSError
    if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(u.code)))
    }
    return ns.localizedDescription
}
