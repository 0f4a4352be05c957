import AddressFrame
import ArgumentParser
import CensusCommandLine
import DurableFiles
import Foundation
import SyntheticCensus
import UnfinishedOutput

struct FrameGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a realistic synthetic address frame.",
        discussion: """
            Writes DIR/frame.csv and, unless --csv-only, imports it into DIR/frame.sqlite. \
            Households are spread over eight local authorities with nested LSOAs, output areas, \
            postcodes and streets; the same seed gives the same frame on every machine.
            """
    )

    @Option(parsing: .unconditional, help: "Number of households (e.g. 10000 to 1000000).")
    var households: Int = 10_000
    @Option(parsing: .unconditional, help: "Random seed; the same seed gives the same frame.")
    var seed: UInt64 = 1
    @Option(help: "Output directory.")
    var out: String
    @Flag(help: "Only write frame.csv; do not create frame.sqlite.")
    var csvOnly = false

    func validate() throws {
        guard households > 0 && households <= 50_000_000 else { throw ValidationError("--households must be between 1 and 50000000") }
        try PathArgument.directory(out, "--out")
    }

    func run() throws {
        Interruption.finishesAtCommit = true
        let dir = URL(fileURLWithPath: out)
        if !csvOnly && FileIO.exists(frameURL(out).path) {
            throw CLIError("\(frameURL(out).path) already exists; generate into a new directory (or pass --csv-only to write only frame.csv).")
        }
        // Streamed in batches: a million households need no more memory than ten thousand.
        let csvURL = dir.appendingPathComponent("frame.csv")
        let summary = try AddressFrame.generate(FrameGenerator(households: households, seed: seed), csvAt: csvURL,
                                                intoNewFrameAt: csvOnly ? nil : frameURL(out))
        print("wrote \(counted(summary.households, "household")) to \(csvURL.path)")
        if !csvOnly {
            print("imported \(counted(summary.households, "household")) in \(summary.localAuthorities == 1 ? "1 local authority" : "\(summary.localAuthorities) local authorities") into \(frameURL(out).path)")
        }
    }
}
