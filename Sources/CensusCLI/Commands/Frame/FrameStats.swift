import AddressFrame
import ArgumentParser
import CensusCommandLine
import Foundation

struct FrameStats: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Count households and codes; say which secret keys them and whether a run is unfinished."
    )
    @OptionGroup var frame: FrameDirectory

    func run() throws {
        let f = try AddressFrame.open(at: frame.file, readOnly: true)
        let c = try f.codeCounts()
        print("households: \(try f.householdCount())")
        print("codes issued: \(c.issued), active: \(c.active), households with an active code: \(c.householdsWithActiveCode)")
        switch try f.secretInUse() {
        case .none: print("access-code secret: none recorded yet (no code issued)")
        case .deployment(let fingerprint): print("access-code secret: the deployment's (fingerprint \(fingerprint))")
        case .development:
            print("access-code secret: the PUBLIC DEVELOPMENT SECRET (--dev-secret): anyone can check guessed codes against this frame; demo only. Its codes cannot be moved to another secret: for real use, import the households into a new frame and issue codes with the deployment's secret")
        }
        for issue in try f.interruptedIssues() {
            print("unfinished: a run issued \(counted(issue.codes, "code")) for \(issue.lettersFile) and was interrupted before publishing it; the next `census frame codes issue` publishes those letters or revokes those codes")
        }
    }
}
