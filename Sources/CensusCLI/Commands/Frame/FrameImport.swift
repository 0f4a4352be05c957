import AddressFrame
import ArgumentParser
import CensusCommandLine
import DurableFiles
import Foundation
import UnfinishedOutput

struct FrameImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import households from a CSV file, all or nothing.",
        discussion: """
            The file's header is \(Household.csvHeader.joined(separator: ",")). \
            Every bad row is reported with its line number and then nothing is imported.
            """
    )

    @Argument(help: "The frame CSV file.")
    var file: String
    @Option(help: "Directory holding (or to hold) frame.sqlite.")
    var out: String

    func validate() throws {
        if file.isEmpty { throw ValidationError("the frame CSV file name is empty: give a file (or - for standard input)") }
        try PathArgument.directory(out, "--out")
    }

    func run() throws {
        Interruption.finishesAtCommit = true
        do {
            let summary = try AddressFrame.importCSV(at: URL(fileURLWithPath: file), intoFrameAt: frameURL(out))
            print("imported \(counted(summary.households, "household")) in \(counted(summary.localAuthorities, "local authority", plural: "local authorities")) into \(frameURL(out).path)")
        } catch let e as FrameImportError {
            Console.error(e.description)
            throw ExitCode.notDone
        }
    }
}
