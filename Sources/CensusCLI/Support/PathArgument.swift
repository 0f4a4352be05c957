import ArgumentParser

/// Checks of the paths named on the command line, shared by the subcommands: an empty string
/// would otherwise mean the current directory, and "-" a directory literally named "-".
enum PathArgument {
    /// A directory option (`--dir`, `--out`).
    static func directory(_ value: String, _ option: String) throws {
        if value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("\(option) is empty: give a directory (. for the current one)")
        }
        if value == "-" {
            throw ValidationError("\(option) -: this needs a directory, not standard input or output (write ./- for a directory named '-')")
        }
    }

    /// A file that is written once and must survive a crash (a letters file): not empty, not
    /// standard output.
    static func newFile(_ value: String, _ option: String, what: String) throws {
        if value.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("\(option) is empty: give the name of a new file for \(what)") }
        if value == "-" {
            throw ValidationError("\(option) -: \(what) go to a new file, not standard output (the codes must not be lost if the output is); give a file name")
        }
    }
}
