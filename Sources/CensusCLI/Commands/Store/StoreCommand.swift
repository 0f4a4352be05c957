import ArgumentParser
import Foundation

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "The sharded response store.",
        discussion: """
            A store is a directory with manifest.json and shards/shard-NNN.sqlite. The manifest \
            records the shard count, the shard function (FNV-1a 64 of the household id, mod N) \
            and schema hashes, so every tool agrees where a household lives.
            """,
        subcommands: [StoreInit.self, StoreCheck.self, StoreUpgrade.self, StoreAcceptSchema.self, StoreWhere.self, StoreShow.self, StoreSubmit.self, StoreFill.self, StoreBackup.self]
    )
}
