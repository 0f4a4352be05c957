import AddressFrame
import ArgumentParser
import Foundation

struct FrameStats: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Count households and codes."
    )
    @Option(help: "Directory holding frame.sqlite.")
    var dir: String

    func validate() throws { try PathArgument.directory(dir, "--dir") }

    func run() throws {
        let f = try AddressFrame.open(at: frameURL(dir), readOnly: true)
        let c = try f.codeCounts()
        print("households: \(try f.householdCount())")
        print("codes issued: \(c.issued), active: \(c.active), households with an active code: \(c.householdsWithActiveCode)")
    }
}
