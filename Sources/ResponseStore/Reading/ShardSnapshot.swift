import Foundation
import GRDB
import GRDBSQLite

/// One shard as it stood at one instant: every read made through a snapshot sees the same
/// committed versions and nothing committed after the snapshot began, while writers go on
/// (WAL readers never block the shard's writer, and are never blocked by it).
///
/// Batch jobs (the aggregator) read a whole shard this way:
///
/// ```swift
/// let store = try ResponseStore.openForReading(at: dir)
/// try store.withSnapshot(shard: 3) { snapshot in
///     print(snapshot.watermark)                       // highest version number visible
///     try snapshot.forEachHousehold { householdID, versions in
///         guard let best = AuthoritativeReturn.choose(from: versions) else { return }
///         try snapshot.withBody(version: best.version) { bytes in ... }
///     }
/// }
/// ```
///
/// Version numbers only grow (``Receipt/version``), so a later run that remembers the
/// ``watermark`` reads only what was committed since with ``households(changedAfter:)``.
public struct ShardSnapshot {
    /// The shard index.
    public let shard: Int
    /// The shard file.
    public let path: String
    /// The highest version number in the snapshot (0 for an empty shard). Every version with a
    /// number up to it is visible; none above it is.
    public let watermark: Int64
    let db: Database

    /// Calls `body` for every household of the snapshot that has versions, in household id
    /// order (byte order of the UTF-8 ids), with its versions oldest first (metadata only: no
    /// bodies). Memory stays bounded by one household's versions.
    ///
    /// - throws: ``StoreError`` for a shard that cannot be read, or what `body` throws.
    public func forEachHousehold(_ body: (_ householdID: String, _ versions: [ResponseVersion]) throws -> Void) throws {
        // SQLite's own calls, not GRDB's rows: a batch job reads every version of the shard,
        // and a GRDB row per version, with a new string for each column, cost more than the
        // index scan itself. The schema hash is the same string for nearly every version and is
        // made once per distinct value.
        //
        // In the order of the (household_id, idempotency_key) index, each household's few versions
        // put in id order here: `ORDER BY household_id, id` made SQLite pass every row through a
        // sorter for the second key (a temporary B-tree per household: 0.23 against 0.16 s of user
        // CPU for the scan of one shard of a 1,000,000-household store in the sqlite3 shell).
        let statement = try mapped {
            try db.makeStatement(sql: "SELECT \(ResponseStore.versionColumns) FROM response_version ORDER BY household_id, idempotency_key")
        }
        let s = statement.sqliteStatement
        // The statement lives to the end (its deinit finalizes `s`).
        defer { withExtendedLifetime(statement) { _ = sqlite3_reset(s) } }
        var current: String?
        var versions: [ResponseVersion] = []
        var hash = (bytes: [UInt8](), string: "")
        while true {
            let code = sqlite3_step(s)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw stepFailure(code) }
            let householdID = Self.text(s, 1)
            let hashBytes = Self.bytes(s, 5)
            if !hash.bytes.elementsEqual(hashBytes) { hash = (Array(hashBytes), String(decoding: hashBytes, as: UTF8.self)) }
            let version = ResponseVersion(
                shard: shard, version: sqlite3_column_int64(s, 0), householdID: householdID,
                kind: ResponseKind(rawValue: Self.text(s, 2)) ?? .partial,
                channel: Channel(rawValue: Self.text(s, 3)) ?? .online,
                receivedAt: Date(timeIntervalSince1970: Double(sqlite3_column_int64(s, 4)) / 1_000_000),
                schemaHash: hash.string, idempotencyKey: Self.text(s, 6),
                completeness: sqlite3_column_double(s, 7), body: nil)
            if householdID != current {
                if let current { try body(current, Self.oldestFirst(&versions)) }
                current = householdID
                versions.removeAll(keepingCapacity: true)
            }
            versions.append(version)
        }
        if let current { try body(current, Self.oldestFirst(&versions)) }
    }

    /// One household's versions sorted by version number (most households have one or two).
    private static func oldestFirst(_ versions: inout [ResponseVersion]) -> [ResponseVersion] {
        if versions.count > 1 && !zip(versions, versions.dropFirst()).allSatisfy({ $0.version < $1.version }) {
            versions.sort { $0.version < $1.version }
        }
        return versions
    }

    /// Column `i` of the current row as bytes (valid until the next step).
    private static func bytes(_ s: OpaquePointer, _ i: Int32) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: sqlite3_column_text(s, i), count: Int(sqlite3_column_bytes(s, i)))
    }

    /// Column `i` of the current row as a string (empty for NULL: the columns read are NOT NULL).
    private static func text(_ s: OpaquePointer, _ i: Int32) -> String {
        String(decoding: bytes(s, i), as: UTF8.self)
    }

    /// The error of a failed `sqlite3_step`, as the store reports it.
    private func stepFailure(_ code: Int32) -> StoreError {
        ShardFile.mapError(DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection))),
                           shard: shard, path: path)
    }

    /// The households with at least one version numbered above `after` (and up to the
    /// snapshot's ``watermark``), sorted by household id.
    public func households(changedAfter after: Int64) throws -> [String] {
        try mapped {
            try String.fetchAll(db, sql: "SELECT DISTINCT household_id FROM response_version WHERE id > ? AND id <= ? ORDER BY household_id",
                                arguments: [after, watermark])
        }
    }

    /// The versions of one household in the snapshot, oldest first (metadata only).
    public func versions(of householdID: String) throws -> [ResponseVersion] {
        try mapped {
            // Prepared once per snapshot: an incremental run asks this for every household it reads.
            let statement = try db.cachedStatement(sql: "SELECT \(ResponseStore.versionColumns) FROM response_version WHERE household_id = ? AND +id <= ? ORDER BY id")
            return try Row.fetchAll(statement, arguments: [householdID, watermark])
                .map { ResponseStore.version(from: $0, shard: shard, includeBody: false) }
        }
    }

    /// The versions of one household and of its individual returns (keys `H/i1`, …,
    /// ``IndividualReturn``) in the snapshot, oldest first (metadata only).
    public func versionsWithIndividuals(of householdID: String) throws -> [ResponseVersion] {
        try mapped {
            // Prepared once per snapshot: an incremental run asks this for every household it reads.
            let statement = try db.cachedStatement(sql: Self.versionsWithIndividualsSQL)
            return try Row.fetchAll(statement, arguments: [householdID, householdID + "/", householdID + "0", watermark])
                .map { ResponseStore.version(from: $0, shard: shard, includeBody: false) }
        }
    }

    /// Arguments: the household id, `id + "/"`, `id + "0"` (the keys `H/…`: '0' is the character
    /// after '/') and the watermark. `+id`: with a plain `id <= ?` SQLite serves `ORDER BY id` by
    /// walking the table in id order (the rowid range holds every version up to the watermark)
    /// instead of the two searches of the household_id index, and each call read the whole shard
    /// (an incremental run after 10,000 returns at 1,000,000 households did not finish in 90 s).
    static let versionsWithIndividualsSQL = """
        SELECT \(ResponseStore.versionColumns) FROM response_version
        WHERE (household_id = ? OR (household_id >= ? AND household_id < ?)) AND +id <= ? ORDER BY id
        """

    /// Calls `body` with the stored bytes of one version's body (valid only during the call).
    ///
    /// - throws: ``StoreError/shardFailure(shard:path:reason:)`` when the version is not in the
    ///   snapshot.
    public func withBody<T>(version: Int64, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        // SQLite's own calls on the cached statement: a GRDB cursor and row per body (a batch
        // job reads a million) cost more than the lookup.
        let statement = try mapped { try db.cachedStatement(sql: "SELECT body FROM response_version WHERE id = ?") }
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        defer { sqlite3_reset(s) }
        sqlite3_bind_int64(s, 1, version)
        let code = sqlite3_step(s)
        if code == SQLITE_DONE {
            throw StoreError.shardFailure(shard: shard, path: path, reason: "version \(version) is not in the shard")
        }
        guard code == SQLITE_ROW else { throw stepFailure(code) }
        return try withExtendedLifetime(statement) {
            try body(UnsafeRawBufferPointer(start: sqlite3_column_blob(s, 0), count: Int(sqlite3_column_bytes(s, 0))))
        }
    }

    private func mapped<T>(_ work: () throws -> T) throws -> T {
        do { return try work() } catch let e as DatabaseError {
            throw ShardFile.mapError(e, shard: shard, path: path)
        }
    }
}

extension DatabaseReader {
    /// Runs a statement that changes no data (a pragma) on a reader: through `unsafeReentrantRead`
    /// for a read-only queue, or on a reader connection of a pool.
    fileprivate func writeWithoutTransactionIfPossible(_ work: (Database) throws -> Void) throws {
        try unsafeReentrantRead { try work($0) }
    }
}

extension ResponseStore {
    /// Runs `body` with a consistent snapshot of one shard (a read transaction: see
    /// ``ShardSnapshot``). Works on a store opened with ``openForReading(at:options:)`` (batch
    /// jobs) as well as ``open(at:options:)``; a snapshot never blocks the shard's writer.
    /// Different shards can be read from different threads at once.
    ///
    /// - throws: the shard's ``StoreError`` when it is unavailable (missing, corrupt, …), or
    ///   what `body` throws.
    public func withSnapshot<T>(shard: Int, _ body: (ShardSnapshot) throws -> T) throws -> T {
        let source = try reader(for: shard)
        do {
            // A batch job reads each page once: a small page cache, given back afterwards, keeps
            // its memory the same whatever the size of the shard.
            try source.reader.writeWithoutTransactionIfPossible { db in try db.execute(sql: "PRAGMA cache_size = -4096") }
            defer { try? source.reader.writeWithoutTransactionIfPossible { db in try db.execute(sql: "PRAGMA shrink_memory") } }
            return try source.reader.read { db in
                let top = try Int64.fetchOne(db, sql: "SELECT max(id) FROM response_version") ?? 0
                return try body(ShardSnapshot(shard: shard, path: source.path, watermark: top, db: db))
            }
        } catch let e as DatabaseError {
            throw ShardFile.mapError(e, shard: shard, path: source.path)
        }
    }
}
