import AddressFrame
import ArgumentParser
import Foundation
import ResponseStore

struct StoreWhere: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "where",
        abstract: "Print the shard and file that hold a household."
    )
    @Option(help: "Store directory.")
    var dir: String
    @Argument(help: "Household id.")
    var household: String

    func validate() throws {
        try PathArgument.directory(dir, "--dir")
        try checkHouseholdID(household)
    }

    func run() throws {
        let m = try StoreManifest.read(from: URL(fileURLWithPath: dir))
        let s = ShardFunction.shard(for: household, count: m.shardCount)
        print("\(household) -> shard \(s) (\(m.shardFiles[s]))")
    }
}
