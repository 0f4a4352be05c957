import AddressFrame
import ArgumentParser
import CensusCommandLine
import CollectionServer
import FieldOperations
import Foundation
import ResponseStore

struct StoreBackup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a store (and its frame, staff, keying and audit files) to a new directory, safely while it is in use.",
        discussion: """
            Each shard, and each of DIR/frame.sqlite, staff.sqlite, keying.sqlite, \
            audit.sqlite and tokens.sqlite that exists, is copied with SQLite's online \
            backup: a consistent snapshot that holds every committed response, including those \
            still in the -wal file, taken without stopping the writers. Every copied shard is \
            checked (integrity_check, and against the manifest) before the backup is published; \
            the backup directory appears only when complete. The compiled forms (schemas/) \
            and the letters (letters/) are copied as files. Copying the .sqlite files with cp \
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
        // The frame, then the field-operations files (staff accounts, keying records, the
        // audit log: the audit log's chain is copied whole, so the copy verifies on its own).
        let candidates: [(file: String, what: String)] = [
            (AddressFrame.fileName, "the address frame"), (StaffDirectory.fileName, "the staff accounts"),
            (KeyingRecords.fileName, "the keying records"), (AuditLog.fileName, "the audit log"),
            (MachineTokens.fileName, "the machine tokens"),
        ]
        // The compiled forms the store accepts (the aggregator reads them from schemas/) and the
        // letters issued (access codes not yet printed): a backup is a store.
        let directories = ["schemas", "letters"].filter { FileManager.default.fileExists(atPath: source.appendingPathComponent($0).path) }
        let present = candidates.filter { FileManager.default.fileExists(atPath: source.appendingPathComponent($0.file).path) }
        let summary = try ResponseStore.backup(at: source, to: URL(fileURLWithPath: to), including: present.map { $0.file }, directories: directories)
        let megabytes = Double(summary.files.reduce(0) { $0 + $1.bytes }) / 1_048_576
        let shards = summary.files.filter { $0.versions != nil }.count
        let others = present.map { $0.what } + directories.map { "\($0)/" }
        let also = others.isEmpty ? "" : " and " + (others.count == 1 ? others[0] : others.dropLast().joined(separator: ", ") + " and " + others[others.count - 1])
        print("backed up \(counted(shards, "shard")) (\(counted(summary.versions, "version")))\(also) to \(to): \(String(format: "%.1f", megabytes)) MB, every shard checked")
    }
}
