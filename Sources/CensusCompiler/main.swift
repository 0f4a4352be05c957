import ArgumentParser
import CensusCommandLine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `census-compile`: `census compile` as an executable of its own, which links the compiler
/// and nothing else, so that compiling a form as a whole process is not dominated by loading
/// the server, the store and SQLite (see Package.swift). Same options, output, messages and
/// exit statuses as `census compile` (``CompileOptions``).
struct CensusCompile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "census-compile",
        abstract: CompileOptions.abstract,
        discussion: CompileOptions.discussion(command: "census-compile") + """


            The same as `census compile`, in an executable that starts faster.

            \(Console.conventions)
            """
    )

    @OptionGroup var options: CompileOptions

    func run() throws { try options.compile() }
}

Console.command = "census-compile"
let arguments = Array(CommandLine.arguments.dropFirst())
do {
    let command = try CensusCompile.parseAsRoot(arguments)
    // Ctrl-C and SIGTERM while the schema is written remove the unfinished file.
    SignalHandler.install()
    var runnable = command
    try runnable.run()
    exit(0)
} catch {
    Console.exit(for: error, of: CensusCompile.self, arguments: arguments)
}
