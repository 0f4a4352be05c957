import Foundation
import GRDB

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
        let cursor = try mapped {
            try Row.fetchCursor(db, sql: "SELECT \(ResponseStore.versionColumns) FROM response_version ORDER BY household_id, id")
        }
        var current: String?
        var versions: [ResponseVersion] = []
        while let row = try mapped({ try cursor.next() }) {
            let version = ResponseStore.version(from: row, shard: shard, includeBody: false)
            if version.householdID != current {
                if let current { try body(current, versions) }
                current = version.householdID
                versions.removeAll(keepingCapacity: true)
            }
            versions.append(version)
        }
        if let current { try body(current, versions) }
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
        let statement = try mapped { try db.cachedStatement(sql: "SELECT body FROM response_version WHERE id = ?") }
        let cursor = try mapped { try Row.fetchCursor(statement, arguments: [version]) }
        guard let row = try mapped({ try cursor.next() }) else {
            throw StoreError.shardFailure(shard: shard, path: path, reason: "version \(version) is not in the shard")
        }
        return try row.withUnsafeData(atIndex: 0) { data in
            guard let data else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
            return try data.withUnsafeBytes(body)
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
