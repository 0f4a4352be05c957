import ArgumentParser

struct Census: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "census",
        abstract: "The census collection platform.",
        subcommands: [FrameCommand.self, StoreCommand.self]
    )
}

Census.main()
