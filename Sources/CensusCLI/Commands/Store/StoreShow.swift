import AddressFrame
import ArgumentParser
import Foundation
import ResponseStore

struct StoreShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "List a household's response versions and its authoritative return."
    )
    @OptionGroup var directory: StoreDirectory
    @OptionGroup var household: HouseholdArgument

    func run() throws {
        // Read-only: it also works on a read-only shard, store directory or mount.
        let store = try ResponseStore.openForReading(at: directory.url)
        defer { store.close() }
        let versions = try store.versions(of: household.id)
        let best = AuthoritativeReturn.choose(from: versions)
        let f = ISO8601DateFormatter()
        for v in versions {
            let mark = v.version == best?.version ? "*" : " "
            print("\(mark) \(v.receiptID) \(v.kind.rawValue) \(v.channel.rawValue) \(f.string(from: v.receivedAt)) \(String(format: "%.1f", v.completeness * 100))% complete \(v.schemaHash) key=\(v.idempotencyKey)")
        }
        if versions.isEmpty { print("no responses for \(household.id)") } else { print("* = authoritative return") }
    }
}
