import ArgumentParser

/// `census-bench`: the benchmarks behind BENCHMARKS.md. Build with `-c release`.
struct CensusBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "census-bench",
        abstract: "Benchmarks for the census platform (run with swift run -c release census-bench ...).",
        subcommands: [CompileBenchmark.self, StoreBenchmark.self, StoreWriterHelper.self, ValidateBenchmark.self]
    )
}

CensusBench.main()
