import DurableFiles
import Foundation
import GRDB

/// Why a field-operations file (the staff directory, the audit log, the keying records)
/// could not be used. Facts only; the CLI and the server word the remedy.
public enum FieldFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist (and was not to be created).
    case missing(path: String)
    /// The file exists but is not this kind of file, or cannot be read.
    case unreadable(path: String, reason: String)
    /// The file cannot be written (permissions, a full disk, an I/O error).
    case unwritable(path: String, reason: String)

    /// One line naming the file and what is wrong, e.g. `cannot write /st/audit.sqlite: disk I/O error`.
    public var description: String {
        switch self {
        case .missing(let path): return "\(path) does not exist"
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .unwritable(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// Opens the SQLite files of this module the same way: checked for what they are before
/// anything is written, WAL, `synchronous = FULL` on the writer, migrated, mode 0600.
enum FieldDatabase {
    static func open(at url: URL, kind: String, table: String, create: Bool, readOnly: Bool,
                     migrator: DatabaseMigrator) throws(FieldFileError) -> DatabaseQueue {
        let path = url.path
        switch SQLiteFileCheck.inspect(path) {
        case .missing:
            if !create { throw .missing(path: path) }
        case .directory:
            throw .unreadable(path: path, reason: "it is a directory, not \(kind) database")
        case .notRegularFile:
            throw .unreadable(path: path, reason: "it is not a regular file")
        case .empty:
            throw .unreadable(path: path, reason: SQLiteFileCheck.emptyReason)
        case .file:
            do {
                // Checked read-only first: opening for writing would turn a foreign file into WAL.
                let name = try ReadOnlyOpen.name(for: path)
                var config = Configuration()
                config.readonly = true
                let probe = try DatabaseQueue(path: name, configuration: config)
                defer { try? probe.close() }
                try probe.read { db in
                    let kindFound = try CensusDatabaseKind.identify(db)
                    guard try db.tableExists(table) else {
                        throw FieldFileError.unreadable(path: path, reason: "it is \(kindFound.description), not \(kind)")
                    }
                    let applied = try db.tableExists("grdb_migrations") ? try migrator.appliedIdentifiers(db) : []
                    if let unknown = applied.first(where: { !migrator.migrations.contains($0) }) {
                        throw FieldFileError.unreadable(path: path, reason: "it was written by a newer census build (migration '\(unknown)')")
                    }
                }
            } catch let e as FieldFileError {
                throw e
            } catch {
                throw .unreadable(path: path, reason: DurableFile.reason(error))
            }
        }
        if !readOnly {
            // Said as the store and the frame say it, before SQLite's own words ("SQLite error
            // 14: unable to open database file") for a read-only disk or directory.
            let exists = access(path, F_OK) == 0
            let directory = url.deletingLastPathComponent().path
            if exists ? DurableFile.isReadOnly(path) : !ReadOnlyOpen.isWritableDirectory(directory) {
                throw .unwritable(path: path, reason: "it is read-only (file or directory not writable); fix permissions (e.g. `chmod u+w`) or remount read-write")
            }
        }
        do {
            var config = Configuration()
            config.busyMode = .timeout(10)
            if readOnly {
                config.readonly = true
                return try DatabaseQueue(path: try ReadOnlyOpen.name(for: path), configuration: config)
            }
            config.journalMode = .wal
            let queue = try DatabaseQueue(path: path, configuration: config)
            do {
                try SQLiteSynchronous.enforce(.full, on: queue, path: path)
                try migrator.migrate(queue)
            } catch {
                try? queue.close()
                throw error
            }
            // The file and its WAL and shared-memory files, which hold recent pages (a new
            // account's TOTP secret, a first keying) until checkpointed: SQLite made the WAL with
            // the file's mode from before this chmod, and keeps it while any connection is open.
            for file in [path, path + "-wal", path + "-shm"] { chmod(file, 0o600) }
            return queue
        } catch {
            throw .unwritable(path: path, reason: DurableFile.reason(error))
        }
    }
}
