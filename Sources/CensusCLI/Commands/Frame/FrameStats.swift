import AddressFrame
import ArgumentParser
import Foundation

struct FrameStats: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Count households and codes."
    )
    @OptionGroup var frame: FrameDirectory

    func run() throws {
        let f = try AddressFrame.open(at: frame.file, readOnly: true)
        let c = try f.codeCounts()
        print("households: \(try f.householdCount())")
        print("codes issued: \(c.issued), active: \(c.active), households with an active code: \(c.householdsWithActiveCode)")
    }
}
