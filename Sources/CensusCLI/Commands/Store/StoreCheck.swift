import ArgumentParser
import CensusCommandLine
import Foundation
import ResponseStore

struct StoreCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every shard: present, writable, matching the manifest, integrity_check ok.",
        discussion: """
            Exits with status 1 when any shard fails; each failure names its file and what to do. \
            A read-only shard (file or directory not writable) is checked read-only and reported \
            as READ-ONLY; it fails the check, because writers refuse it, unless --read-only says \
            that the store is a read-only copy (an archive, a read-only mount).
            """
    )
    @OptionGroup var directory: StoreDirectory
    @Flag(help: "The store is a read-only copy: read-only shards do not fail the check.")
    var readOnly = false

    func run() throws {
        let report = ResponseStore.check(at: directory.url)
        if let e = report.manifestError { throw e }
        print(report.description)
        if !report.isIntact { throw ExitCode.notInOrder }
        if !report.isHealthy && !readOnly {
            Console.error("read-only shards cannot take responses; fix their permissions, or pass --read-only to check a read-only copy")
            throw ExitCode.notInOrder
        }
    }
}
