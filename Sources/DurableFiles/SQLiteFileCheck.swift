import Foundation
import GRDB

/// What is at the path of a database file, checked before SQLite opens it.
///
/// SQLite opens an empty file as an empty database and writes a new one into it on the first
/// write, so a zero-length `frame.sqlite` became an empty frame, and a zero-length shard was
/// rewritten (issue 13). A file that should hold data and has none is a damaged file: the
/// callers refuse it and change nothing.
package enum SQLiteFileCheck: Equatable, Sendable {
    case missing
    case directory
    /// A device, pipe or socket.
    case notRegularFile
    /// A regular file of 0 bytes.
    case empty
    /// A regular file with content (not yet known to be SQLite).
    case file

    /// Follows symbolic links, as SQLite does.
    package static func inspect(_ path: String) -> SQLiteFileCheck {
        var st = stat()
        guard stat(path, &st) == 0 else { return .missing }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return st.st_size == 0 ? .empty : .file
        default: return .notRegularFile
        }
    }

    /// Why an empty file is refused, for messages.
    package static let emptyReason = "it is empty (0 bytes): a database file that was truncated, or replaced by an empty file, not an empty database; nothing was changed. Restore it from backup"
}

/// Which of the census's SQLite files a database is, by its tables: so that a file in the
/// wrong place (a frame where a shard should be, a symbolic link to the wrong file) is named
/// for what it is, not reported as "written by a newer census build" or "copied from another
/// store".
package enum CensusDatabaseKind: Equatable, Sendable, CustomStringConvertible {
    /// `response_version` and `store_meta`.
    case responseShard
    /// `household` and `access_code`.
    case addressFrame
    /// A valid SQLite database without any table.
    case emptyDatabase
    /// Some other SQLite database; its first tables.
    case other(tables: [String])

    /// Reads the schema of `db` (throws `SQLITE_NOTADB` for a file that is not SQLite).
    package static func identify(_ db: Database) throws -> CensusDatabaseKind {
        let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
        if tables.contains("response_version") && tables.contains("store_meta") { return .responseShard }
        if tables.contains("household") && tables.contains("access_code") { return .addressFrame }
        let own = tables.filter { !$0.hasPrefix("sqlite_") && $0 != "grdb_migrations" }
        if own.isEmpty { return .emptyDatabase }
        return .other(tables: Array(own.sorted().prefix(5)))
    }

    package var description: String {
        switch self {
        case .responseShard: return "a shard of a response store (responses)"
        case .addressFrame: return "an address frame (households and access codes)"
        case .emptyDatabase: return "a SQLite database without any table"
        case .other(let tables): return "a SQLite database of another application (tables: \(tables.joined(separator: ", ")))"
        }
    }
}
