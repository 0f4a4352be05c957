import Aggregation
import ArgumentParser
import CensusCommandLine
import Foundation

/// `census verify-export OUT`.
struct VerifyExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-export",
        abstract: "Check an aggregation's output against its manifest: every file's size, SHA-256 and rows.",
        discussion: "Exits with status 1 and names the first file that does not match (missing, changed, cut short), or a file under export/ the manifest does not list."
    )

    @Argument(help: "The output directory of `census aggregate` (or one of its runs/NNNNNN).")
    var out: String

    func validate() throws { try PathArgument.directory(out, "OUT") }

    func run() throws {
        let report: ExportVerifier.Report
        do { report = try ExportVerifier.verify(URL(fileURLWithPath: out)) } catch let e as AggregationError {
            throw CLIError(e.description)
        }
        if let (path, problem) = report.firstMismatch {
            Console.error("\(path) does not match the manifest: \(problem)")
            if report.mismatches.count > 1 { Console.error("\(report.mismatches.count - 1) more files do not match") }
            throw ExitCode.notInOrder
        }
        if let extra = report.unlisted.first {
            Console.error("\(extra) is not in the manifest (\(report.unlisted.count) such files)")
            throw ExitCode.notInOrder
        }
        print("ok: \(counted(report.filesChecked, "file")), \(Aggregate.bytes(report.bytesChecked)), match the manifest of \(out)")
    }
}
