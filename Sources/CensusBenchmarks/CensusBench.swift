import ArgumentParser

/// `census-bench`: the benchmarks behind BENCHMARKS.md. Build with `-c release`.
@main
struct CensusBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "census-bench",
        abstract: "Benchmarks for the census platform (run with swift run -c release census-bench ...).",
        subcommands: [CompileBenchmark.self, StoreBenchmark.self, StoreWriterHelper.self, ValidateBenchmark.self, JourneyBenchmark.self,
                      KeyingBenchmark.self, KeyingAuditBenchmark.self]
    )
}
