import ArgumentParser
import CensusCommandLine

/// `census-bench`: the benchmarks behind BENCHMARKS.md. Build with `-c release`.
@main
struct CensusBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "census-bench",
        abstract: "Benchmarks for the census platform (run with swift run -c release census-bench ...).",
        subcommands: [CompileBenchmark.self, StoreBenchmark.self, StoreWriterHelper.self, ValidateBenchmark.self, JourneyBenchmark.self,
                      KeyingBenchmark.self, KeyingAuditBenchmark.self]
    )

    /// Runs the benchmark the arguments name. With none, says that one is missing and shows
    /// the usage (64), as `census store` does, rather than the whole help with status 0, so that
    /// a script that left the benchmark out fails.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.isEmpty {
            Console.command = "census-bench"
            Console.exitForMissingSubcommand(CensusBench.self, of: CensusBench.self)
        }
        await main(arguments)
    }
}
