import GRDB

/// SQLite's `PRAGMA synchronous` on a connection that writes: how many fsyncs a COMMIT waits for.
///
/// In WAL mode (every shard and the frame):
/// - ``full``: COMMIT returns only after the write-ahead log has been fsynced, so a committed
///   transaction survives a power cut or kernel panic (given a disk that honours fsync);
/// - ``normal``: COMMIT does not sync; the log is synced at checkpoints. A committed
///   transaction survives a process crash (SIGKILL) but the last ones can be lost on power loss.
///
/// **Why it is set after opening.** GRDB 7.10.0 switches a `DatabasePool`'s writer (and a
/// `DatabaseQueue` opened with `journalMode = .wal`) to WAL in `Database.setUpWALMode()`, which
/// runs `PRAGMA synchronous = NORMAL` *after* `Configuration.prepareDatabase`. A `synchronous`
/// set in `prepareDatabase` is therefore silently replaced on the one connection that writes
/// (issue 13: receipts were returned with no fsync in the whole process). ``enforce(_:on:)``
/// runs on that connection once it is open, and reads the setting back.
package enum SQLiteSynchronous: Int, Sendable, CaseIterable {
    case off = 0
    case normal = 1
    case full = 2
    case extra = 3

    /// The pragma's keyword (`FULL`).
    package var keyword: String {
        switch self {
        case .off: return "OFF"
        case .normal: return "NORMAL"
        case .full: return "FULL"
        case .extra: return "EXTRA"
        }
    }

    /// Sets `level` on the writer connection of `writer` and reads it back.
    ///
    /// Call it right after opening a `DatabasePool` or `DatabaseQueue` that will write, before
    /// its first transaction. The setting lasts for the life of the connection (GRDB never
    /// reopens it).
    ///
    /// - throws: `DatabaseError` from SQLite, or ``FileSystemError`` if SQLite reports another
    ///   level than the one set (it never should; then nothing is written).
    package static func enforce(_ level: SQLiteSynchronous, on writer: any DatabaseWriter, path: String) throws {
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(level.keyword)")
        }
        let inForce = try current(on: writer)
        guard inForce == level else {
            throw FileSystemError("cannot make \(path) durable: PRAGMA synchronous = \(level.keyword) was set, but SQLite reports \(inForce?.keyword ?? "an unknown level")")
        }
    }

    /// The level in force on the writer connection of `writer` (nil for a value SQLite does not
    /// document).
    package static func current(on writer: any DatabaseWriter) throws -> SQLiteSynchronous? {
        try writer.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous").flatMap(SQLiteSynchronous.init(rawValue:))
        }
    }
}
