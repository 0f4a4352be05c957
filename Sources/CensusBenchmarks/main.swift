import ArgumentParser

struct CensusBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "census-bench",
        abstract: "Benchmarks of the census collection platform.",
        subcommands: [StoreBenchmark.self, StoreWriterHelper.self]
    )
}

CensusBench.main()
