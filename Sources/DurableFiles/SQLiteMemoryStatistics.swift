import CSQLiteConfig

/// SQLite's memory statistics (`SQLITE_CONFIG_MEMSTATUS`), on by default in the system library.
///
/// With them on, every allocation SQLite makes, on any connection of any thread, takes one
/// process-wide mutex to count it. A serving process runs SQLite on many threads at once (each
/// shard's writer and checkpoint threads, the request threads' reads); in a profile of the
/// collection server under load that mutex was one of the two locks the request threads
/// waited on (BENCHMARKS.md, "Collection server", 2026-12-01). Nothing of ours reads the
/// statistics (`sqlite3_memory_used`, a soft heap limit), so serving processes turn them off.
package enum SQLiteMemoryStatistics {
    /// Turns the statistics off for this process. Call it first, before any database is opened:
    /// SQLite takes the setting only before its first use. Returns whether it was taken (false
    /// after that first use: nothing changes, and everything works as before).
    @discardableResult
    package static func disable() -> Bool {
        census_sqlite3_config_memstatus(0) == 0
    }
}
