import ArgumentParser
import Foundation
import AddressFrame
import ResponseStore

struct StoreBackup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a store (and its frame.sqlite) to a new directory, safely while it is in use.",
        discussion: """
            Each shard, and DIR/frame.sqlite when there is one, is copied with SQLite's online \
            backup: a consistent snapshot that holds every committed response, including those \
            still in the -wal file, taken without stopping the writers. Every copied shard is \
            checked (integrity_check, and against the manifest) before the backup is published; \
            the backup directory appears only when complete. Copying the .sqlite files with cp \
            while the store is in use is not safe: committed responses can be in the -wal file, \
            and a file copied during a write can be torn.

            Example:
              census store backup --dir /srv/census/store --to /backup/store-2021-03-21
            """
    )
    @Option(help: "Store directory.")
    var dir: String
    @Option(help: "The backup directory to create (must not exist, or be empty).")
    var to: String

    func validate() throws {
        try PathArgument.directory(dir, "--dir")
        try PathArgument.directory(to, "--to")
    }

    func run() throws {
        let source = URL(fileURLWithPath: dir)
        let frame = source.appendingPathComponent(AddressFrame.fileName)
        let including = FileManager.default.fileExists(atPath: frame.path) ? [AddressFrame.fileName] : []
        let summary = try ResponseStore.backup(at: source, to: URL(fileURLWithPath: to), including: including)
        let megabytes = Double(summary.files.reduce(0) { $0 + $1.bytes }) / 1_048_576
        let shards = summary.files.filter { $0.versions != nil }.count
        print("backed up \(counted(shards, "shard")) (\(counted(summary.versions, "version")))\(including.isEmpty ? "" : " and the address frame") to \(to): \(String(format: "%.1f", megabytes)) MB, every shard checked")
    }
}
