// SQLite's process-wide start-time options (the system libsqlite3, Debian: libsqlite3-dev).
// `sqlite3_config` is variadic, so Swift cannot call it: these inline wrappers do.
// Declared here rather than through <sqlite3.h>, which GRDB's own module (GRDBSQLite) includes.
int sqlite3_config(int, ...);

/// `sqlite3_config(SQLITE_CONFIG_MEMSTATUS, enabled)` (SQLITE_CONFIG_MEMSTATUS is 9 in
/// sqlite3.h). Only before SQLite is first used in the process: afterwards SQLite refuses it
/// with SQLITE_MISUSE (21). Returns SQLITE_OK (0) when taken.
static inline int census_sqlite3_config_memstatus(int enabled) {
    return sqlite3_config(9, enabled);
}
