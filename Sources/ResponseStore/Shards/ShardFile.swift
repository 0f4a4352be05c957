import DurableFiles
import Foundation
import GRDB

/// Opening and checking single shard files.
package enum ShardFile {
    package static func configuration(_ options: StoreOptions, readonly: Bool = false) -> Configuration {
        var config = Configuration()
        config.readonly = readonly
        config.journalMode = readonly ? .default : .wal
        config.busyMode = .timeout(options.busyTimeout)
        config.maximumReaderCount = 2
        config.label = "shard"
        let inline = options.checkpointPolicy == .inline
        // `PRAGMA synchronous` is not set here: GRDB resets it to NORMAL after this hook on the
        // writer connection. ``openWriter(path:options:)`` sets it once the connection is open.
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -32768")
            if inline {
                // Larger checkpoints than the default: fewer, larger checkpoint
                // writes under sustained load, run by the committing writer.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 4000")
            } else {
                // No checkpoint inside COMMIT: ShardCheckpointer does them. A
                // log that restarts is truncated back to 64 MiB if it grew past.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
                try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
            }
        }
        return config
    }

    /// Opens the writing connection of a shard (and its read-only readers) with the
    /// durability of `options` in force on the writer: see ``SQLiteSynchronous``.
    static func openWriter(path: String, options: StoreOptions) throws -> DatabasePool {
        let pool = try DatabasePool(path: path, configuration: configuration(options))
        do {
            try SQLiteSynchronous.enforce(options.durability.level, on: pool, path: path)
        } catch {
            try? pool.close()
            throw error
        }
        return pool
    }

    /// Closes a shard's writing connection after copying its write-ahead log into the
    /// database file and truncating the log (`wal_checkpoint(TRUNCATE)`), so that after a
    /// clean close the `.sqlite` file alone holds every committed version: an operator who
    /// copies only it loses nothing. The checkpoint waits for readers of other processes for
    /// at most the busy timeout; if they keep it from finishing, the log keeps the rest and
    /// stays beside the file (SQLite reads it on the next open), which is still safe.
    static func closeWriter(_ pool: DatabasePool) {
        _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try? pool.close()
    }

    /// Maps a SQLite error on a shard to a ``StoreError``.
    static func mapError(_ error: any Error, shard: Int, path: String) -> StoreError {
        if let e = error as? StoreError { return e }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return .shardCorrupt(shard: shard, path: path, reason: e.message ?? "\(e.resultCode)")
            case .SQLITE_READONLY, .SQLITE_PERM:
                return .shardReadOnly(shard: shard, path: path)
            case .SQLITE_CANTOPEN:
                if !FileManager.default.fileExists(atPath: path) { return .shardMissing(shard: shard, path: path) }
                return .shardFailure(shard: shard, path: path, reason: "cannot open the file: \(e.message ?? "")")
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return .shardFailure(shard: shard, path: path, reason: "another process kept it locked for longer than \(Int(StoreOptions().busyTimeout)) s (a long `store check`, or another writer)")
            case .SQLITE_FULL:
                return .shardFailure(shard: shard, path: path, reason: "the disk is full (free space on it first)")
            default:
                return .shardFailure(shard: shard, path: path, reason: "\(e.resultCode): \(e.message ?? "")")
            }
        }
        return .shardFailure(shard: shard, path: path, reason: "\(error)")
    }

    /// Creates a new shard file with the current schema and its metadata.
    static func create(index: Int, path: String, manifest: StoreManifest, options: StoreOptions) throws {
        do {
            let pool = try openWriter(path: path, options: options)
            defer { closeWriter(pool) }
            try ShardSchema.migrator.migrate(pool)
            try pool.write { db in
                let meta: [(String, String)] = [
                    ("store_id", manifest.storeID),
                    ("shard_index", String(index)),
                    ("shard_count", String(manifest.shardCount)),
                    ("shard_function", manifest.shardFunction),
                ]
                for (k, v) in meta {
                    try db.execute(sql: "INSERT INTO store_meta(key, value) VALUES (?, ?)", arguments: [k, v])
                }
            }
        } catch {
            throw mapError(error, shard: index, path: path)
        }
    }

    /// Opens an existing shard for writing and checks it against the manifest. Never creates a
    /// file, and writes nothing to a file that fails the check: it is checked through a
    /// read-only connection first (opening a pool for writing would already switch a foreign
    /// SQLite file to WAL).
    static func open(index: Int, path: String, manifest: StoreManifest, options: StoreOptions) throws -> DatabasePool {
        try requireShardFile(index: index, path: path)
        if DurableFile.isReadOnly(path) || (FileManager.default.fileExists(atPath: path + "-wal") && DurableFile.isReadOnly(path + "-wal")) {
            throw StoreError.shardReadOnly(shard: index, path: path)
        }
        let checked = try openForReading(index: index, path: path, manifest: manifest, options: options)
        try? checked.close()
        return try verified(index: index, path: path, manifest: manifest) {
            try openWriter(path: path, options: options)
        }
    }

    /// Opens an existing shard for reading only (see ``ReadOnlyOpen``) and checks it against
    /// the manifest. Works on a read-only file or directory; never writes or creates a file.
    static func openForReading(index: Int, path: String, manifest: StoreManifest, options: StoreOptions) throws -> DatabaseQueue {
        try requireShardFile(index: index, path: path)
        let name: String
        do {
            name = try ReadOnlyOpen.name(for: path)
        } catch {
            throw StoreError.shardUnreadable(shard: index, path: path, reason: error.reason)
        }
        return try verified(index: index, path: path, manifest: manifest) {
            try DatabaseQueue(path: name, configuration: configuration(options, readonly: true))
        }
    }

    /// A shard file must exist, be a file, and not be empty: otherwise SQLite's "unable to open
    /// database file" would become a "retry" shard failure, and an empty file would be taken
    /// for an empty database (and rewritten).
    private static func requireShardFile(index: Int, path: String) throws {
        switch SQLiteFileCheck.inspect(path) {
        case .missing: throw StoreError.shardMissing(shard: index, path: path)
        case .directory: throw StoreError.shardCorrupt(shard: index, path: path, reason: "it is a directory, not a database file")
        case .notRegularFile: throw StoreError.shardCorrupt(shard: index, path: path, reason: "it is not a regular file (a device, pipe or socket)")
        case .empty: throw StoreError.shardCorrupt(shard: index, path: path, reason: SQLiteFileCheck.emptyReason)
        case .file: return
        }
    }

    /// Opens a connection with `connect` and checks it against the manifest; closes it when
    /// the check fails. Errors name the shard and say what to do.
    private static func verified<Reader: DatabaseReader>(index: Int, path: String, manifest: StoreManifest,
                                                         _ connect: () throws -> Reader) throws -> Reader {
        let reader: Reader
        do { reader = try connect() } catch { throw mapError(error, shard: index, path: path) }
        do {
            try reader.read { db in try verify(db, index: index, path: path, manifest: manifest) }
        } catch {
            try? reader.close()
            throw mapError(error, shard: index, path: path)
        }
        return reader
    }

    /// Checks the manifest's shard count against the one the store's shards were created with
    /// (their `store_meta`), reading the first shard of this store that can be read.
    ///
    /// An edited `shardCount` (with `shardFiles` to match) used to surface as one error per
    /// shard: "store_meta shard_count is '4'… do not copy shard files between stores" for the
    /// real ones and "shard 5 is missing… restore from backup" for the invented ones. The fault
    /// is the manifest's, so it is reported once, as the manifest's.
    ///
    /// - throws: ``StoreError/manifestInvalid(path:reason:)``.
    static func checkShardCount(of manifest: StoreManifest, in directory: URL, options: StoreOptions) throws {
        for name in manifest.shardFiles {
            let path = directory.appendingPathComponent(name).path
            guard SQLiteFileCheck.inspect(path) == .file, let readable = try? ReadOnlyOpen.name(for: path),
                  let queue = try? DatabaseQueue(path: readable, configuration: configuration(options, readonly: true))
            else { continue }
            defer { try? queue.close() }
            let meta = try? queue.read { db -> [String: String]? in
                guard try CensusDatabaseKind.identify(db) == .responseShard else { return nil }
                return try Dictionary(Row.fetchAll(db, sql: "SELECT key, value FROM store_meta")
                    .map { ($0["key"] as String, $0["value"] as String) }, uniquingKeysWith: { a, _ in a })
            }
            // Another store's file, or not a shard: that shard's own check says so.
            guard let meta = meta ?? nil, meta["store_id"] == manifest.storeID else { continue }
            if let created = meta["shard_count"].flatMap(Int.init), created != manifest.shardCount {
                throw StoreError.manifestInvalid(
                    path: directory.appendingPathComponent(StoreManifest.fileName).path,
                    reason: "it says the store has \(manifest.shardCount) shard\(manifest.shardCount == 1 ? "" : "s"), but its shards were created as a store of \(created) (store_meta of \(name)); the shard count never changes after `census store init`, so the manifest was edited or replaced")
            }
            return
        }
    }

    /// Checks that the shard's applied migrations and metadata match the
    /// manifest.
    static func verify(_ db: Database, index: Int, path: String, manifest: StoreManifest) throws {
        let kind = try CensusDatabaseKind.identify(db)
        guard kind == .responseShard else {
            throw StoreError.shardCorrupt(shard: index, path: path, reason: "it is \(kind.description), not a shard of a response store")
        }
        let migrator = ShardSchema.migrator
        let expected = ShardSchema.identifiers(upTo: manifest.shardSchemaVersion)
        guard !expected.isEmpty, ShardSchema.hash(upTo: manifest.shardSchemaVersion) == manifest.shardSchemaHash else {
            throw StoreError.schemaMismatch(shard: index, path: path, reason: "the manifest's shard schema \(manifest.shardSchemaVersion) (\(manifest.shardSchemaHash)) is unknown to this build, whose schema is \(ShardSchema.currentVersion)")
        }
        let applied: [String]
        if try db.tableExists("grdb_migrations") {
            applied = try migrator.appliedMigrations(db)
            if try migrator.hasBeenSuperseded(db) {
                throw StoreError.schemaMismatch(shard: index, path: path, reason: "the file has migrations unknown to this build (applied: \(applied.joined(separator: ", ")))")
            }
        } else {
            applied = []
        }
        if applied != expected, applied.count > expected.count, Array(applied.prefix(expected.count)) == expected,
           applied == ShardSchema.identifiers(upTo: ShardSchema.currentVersion) {
            throw StoreError.schemaMismatch(shard: index, path: path, reason: "the shard was upgraded to \(ShardSchema.currentVersion) but the manifest still says \(manifest.shardSchemaVersion): an upgrade was interrupted; run `census store upgrade --dir DIR` again to finish it")
        }
        guard applied == expected else {
            throw StoreError.schemaMismatch(shard: index, path: path, reason: "applied shard migrations [\(applied.joined(separator: ", "))] differ from the manifest's [\(expected.joined(separator: ", "))]")
        }
        let meta = try Dictionary(uniqueKeysWithValues:
            Row.fetchAll(db, sql: "SELECT key, value FROM store_meta").map { ($0["key"] as String, $0["value"] as String) })
        let wanted: [String: String] = [
            "store_id": manifest.storeID,
            "shard_index": String(index),
            "shard_count": String(manifest.shardCount),
            "shard_function": manifest.shardFunction,
        ]
        for (k, v) in wanted.sorted(by: { $0.key < $1.key }) where meta[k] != v {
            throw StoreError.schemaMismatch(shard: index, path: path, reason: "store_meta \(k) is '\(meta[k] ?? "missing")' but the manifest expects '\(v)'")
        }
    }
}
