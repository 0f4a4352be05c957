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
    @Argument(help: "Household id.")
    var household: String

    func validate() throws {
        try checkHouseholdID(household)
    }

    func run() throws {
        let m = try StoreManifest.read(from: directory.url)
        let s = ShardFunction.shard(for: household, count: m.shardCount)
        print("\(household) -> shard \(s) (\(m.shardFiles[s]))")
    }
}
