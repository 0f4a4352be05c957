import AddressFrame
import ArgumentParser
import Foundation
import ResponseStore

struct StoreWhere: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "where",
        abstract: "Print the shard and file that hold a household."
    )
    @OptionGroup var directory: StoreDirectory
    @OptionGroup var household: HouseholdArgument

    func run() throws {
        let m = try StoreManifest.read(from: directory.url)
        let s = ShardFunction.shard(for: household.id, count: m.shardCount)
        print("\(household.id) -> shard \(s) (\(m.shardFiles[s]))")
    }
}
