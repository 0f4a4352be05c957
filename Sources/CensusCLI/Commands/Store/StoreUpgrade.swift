import ArgumentParser
import Foundation
import ResponseStore

/// `census store upgrade`: ``ResponseStore/upgrade(at:options:)``.
struct StoreUpgrade: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Bring a store made by an earlier build up to this build's shard schema.",
        discussion: """
            Applies the shard migrations this build has and the store lacks (v2-page-saves: the \
            page-by-page saves of the online questionnaire; v3-recorded-by: a keyed paper \
            return's keyer, which its audit record relies on) to every shard, then records the new \
            shard schema in the manifest. Stop the store's writers (a running `census serve`) first. \
            Running it again finishes an interrupted upgrade; on a current store it changes nothing.
            """
    )
    @OptionGroup var directory: StoreDirectory

    func run() throws {
        let dir = directory.dir
        let result = try ResponseStore.upgrade(at: directory.url)
        if result.applied.isEmpty {
            print("the store in \(dir) is already at shard schema \(result.to); nothing changed")
        } else {
            print("upgraded the store in \(dir) from \(result.from) to \(result.to) (applied \(result.applied.joined(separator: ", ")))")
        }
    }
}
