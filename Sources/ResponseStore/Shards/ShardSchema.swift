import DurableFiles
import Foundation
import GRDB

/// The schema of a shard file, as versioned migrations in code.
///
/// Migrations are only ever appended. The manifest records the last one
/// applied and a hash of all of them (``hash(upTo:)``); a shard whose applied
/// migrations differ from the manifest's is refused with
/// ``StoreError/schemaMismatch(shard:path:reason:)``.
///
/// Response versions are append-only: triggers abort any `UPDATE` or
/// `DELETE` of the `response_version` table.
public enum ShardSchema {
    /// The migrations, in order: identifier and SQL.
    public static let migrations: [(id: String, sql: String)] = [
        (
            "v1-response-versions",
            """
            CREATE TABLE store_meta (
              key TEXT PRIMARY KEY NOT NULL,
              value TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE response_version (
              id INTEGER PRIMARY KEY,
              household_id TEXT NOT NULL,
              kind TEXT NOT NULL CHECK (kind IN ('partial', 'submitted', 'paper')),
              channel TEXT NOT NULL CHECK (channel IN ('online', 'paper')),
              received_at INTEGER NOT NULL,
              schema_hash TEXT NOT NULL,
              idempotency_key TEXT NOT NULL,
              completeness REAL NOT NULL,
              body BLOB NOT NULL,
              UNIQUE (household_id, idempotency_key)
            );
            CREATE TRIGGER response_version_append_only_update
              BEFORE UPDATE ON response_version
              BEGIN SELECT RAISE(ABORT, 'response versions are append-only'); END;
            CREATE TRIGGER response_version_append_only_delete
              BEFORE DELETE ON response_version
              BEGIN SELECT RAISE(ABORT, 'response versions are append-only'); END;
            """
        ),
    ]

    /// The identifier of the last migration this build knows.
    public static var currentVersion: String { migrations.last!.id }

    /// The hash of the migrations up to and including `version`, or nil when
    /// this build does not know `version`.
    public static func hash(upTo version: String) -> String? {
        guard let end = migrations.firstIndex(where: { $0.id == version }) else { return nil }
        var text = ""
        for m in migrations[...end] {
            text += m.id + "\n" + m.sql + "\n"
        }
        return sha256Tag(Array(text.utf8))
    }

    /// The migration identifiers up to and including `version`.
    static func identifiers(upTo version: String) -> [String] {
        guard let end = migrations.firstIndex(where: { $0.id == version }) else { return [] }
        return migrations[...end].map(\.id)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for m in migrations {
            let sql = m.sql
            migrator.registerMigration(m.id) { db in try db.execute(sql: sql) }
        }
        return migrator
    }
}

/// The durability of a committed transaction, i.e. SQLite's
/// `PRAGMA synchronous` in WAL mode.
///
/// - ``full`` (the default): every COMMIT fsyncs the write-ahead log before
///   it returns. An acknowledged submission survives a process crash *and* a
///   power loss or kernel panic.
/// - ``normal``: COMMIT does not fsync; the WAL is synced at checkpoints.
///   An acknowledged submission survives a process crash (SIGKILL), but the
///   last transactions may be lost on power loss. Faster; not the census
///   default.
public enum Durability: String, Sendable, Codable, CaseIterable {
    case full
    case normal

    var pragma: String { self == .full ? "FULL" : "NORMAL" }
}

/// Options for opening a response store.
public struct StoreOptions: Sendable {
    /// The durability of each group commit. Default ``Durability/full``.
    public var durability: Durability = .full
    /// The largest number of submissions committed in one transaction.
    public var maxBatchSize: Int = 4096
    /// How long a connection waits for a lock held by another process
    /// (for example `census store check` reading a shard) before failing.
    public var busyTimeout: TimeInterval = 10
    /// When the write-ahead log is checkpointed. Default
    /// ``CheckpointPolicy/background`` (off the commit path).
    public var checkpointPolicy: CheckpointPolicy = .background
    /// ``CheckpointPolicy/background``: the shortest time between two
    /// background checkpoint passes of a shard.
    public var checkpointInterval: TimeInterval = 0.1
    /// ``CheckpointPolicy/background``: the log size, in pages, at which the
    /// writer checkpoints the rest of the log itself so that it restarts.
    public var walRestartPages: Int = 4000
    public init(durability: Durability = .full, maxBatchSize: Int = 4096,
                checkpointPolicy: CheckpointPolicy = .background) {
        self.durability = durability
        self.maxBatchSize = maxBatchSize
        self.checkpointPolicy = checkpointPolicy
    }
}

/// The state of one shard, as seen when the store was opened.
public struct ShardStatus: Sendable, CustomStringConvertible {
    public var index: Int
    public var path: String
    /// nil when the shard is available; otherwise why it is not.
    public var error: StoreError?
    public var isAvailable: Bool { error == nil }
    public var description: String {
        if let error { return "shard \(index) UNAVAILABLE: \(error)" }
        return "shard \(index) ok: \(path)"
    }
}

/// Opening and checking single shard files.
enum ShardFile {
    static func configuration(_ options: StoreOptions, readonly: Bool = false) -> Configuration {
        var config = Configuration()
        config.readonly = readonly
        config.journalMode = readonly ? .default : .wal
        config.busyMode = .timeout(options.busyTimeout)
        config.maximumReaderCount = 2
        config.label = "shard"
        let pragma = options.durability.pragma
        let inline = options.checkpointPolicy == .inline
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(pragma)")
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
            let pool = try DatabasePool(path: path, configuration: configuration(options))
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
            try pool.close()
        } catch {
            throw mapError(error, shard: index, path: path)
        }
    }

    /// Opens an existing shard for writing and checks it against the
    /// manifest. Never creates a file.
    static func open(index: Int, path: String, manifest: StoreManifest, options: StoreOptions) throws -> DatabasePool {
        try requireShardFile(index: index, path: path)
        if DurableFile.isReadOnly(path) || (FileManager.default.fileExists(atPath: path + "-wal") && DurableFile.isReadOnly(path + "-wal")) {
            throw StoreError.shardReadOnly(shard: index, path: path)
        }
        return try verified(index: index, path: path, manifest: manifest) {
            try DatabasePool(path: path, configuration: configuration(options))
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

    /// A shard file must exist and be a file: otherwise SQLite's "unable to open database
    /// file" would become a "retry" shard failure.
    private static func requireShardFile(index: Int, path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StoreError.shardMissing(shard: index, path: path)
        }
        if isDirectory.boolValue { throw StoreError.shardCorrupt(shard: index, path: path, reason: "it is a directory, not a database file") }
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

    /// Checks that the shard's applied migrations and metadata match the
    /// manifest.
    static func verify(_ db: Database, index: Int, path: String, manifest: StoreManifest) throws {
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
