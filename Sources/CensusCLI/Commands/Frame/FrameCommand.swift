import AddressFrame
import ArgumentParser
import Foundation

struct FrameCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frame",
        abstract: "The address frame: households and their access codes.",
        discussion: """
            The frame lives in DIR/frame.sqlite (normally the store directory). Households come \
            from a CSV file (`import`) or are synthesised (`generate`); access codes are issued \
            with `codes`, and only their keyed hashes are kept.
            """,
        subcommands: [FrameGenerate.self, FrameImport.self, FrameCodes.self, FrameLookup.self, FrameStats.self]
    )
}
