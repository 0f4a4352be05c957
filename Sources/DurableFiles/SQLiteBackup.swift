import Foundation
import GRDB

/// Copies of live SQLite databases through SQLite's online backup API (GRDB's
/// `DatabaseReader.backup(to:)`): the copy is one consistent snapshot, taken inside a read
/// transaction, so writers (in this process or another) go on while it is made, and it holds
/// every committed transaction, whether it is still in the write-ahead log or not. Copying the
/// `.sqlite` file with `cp` has neither property.
package enum SQLiteBackup {
    /// What a copy holds.
    package struct Copy: Sendable {
        /// The size of the copy, in bytes.
        package var bytes: Int
    }

    /// Copies the database read by `source` into a new file at `destination` (which must not
    /// exist), checks the copy with `PRAGMA integrity_check`, runs `verify` on it, and fsyncs it.
    /// The copy is left as a self-contained file (no `-wal`), in WAL mode if the source was.
    ///
    /// - throws: `DatabaseError` from SQLite, ``FileSystemError`` when the copy fails its check
    ///   (it is removed then).
    package static func copy(from source: any DatabaseReader, to destination: String,
                             verify: (Database) throws -> Void = { _ in }) throws -> Copy {
        guard SQLiteFileCheck.inspect(destination) == .missing else {
            throw FileSystemError("cannot back up to \(destination): it already exists")
        }
        var done = false
        defer {
            if !done { for suffix in ["", "-wal", "-shm", "-journal"] { unlink(destination + suffix) } }
        }
        var config = Configuration()
        config.journalMode = .default
        let target = try DatabaseQueue(path: destination, configuration: config)
        do {
            try source.backup(to: target)
            let problems = try target.read { db -> [String] in
                let lines = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                try verify(db)
                return lines
            }
            guard problems == ["ok"] else {
                throw FileSystemError("the copy \(destination) failed its integrity check: \(problems.prefix(3).joined(separator: "; "))")
            }
            // The only connection: closing it checkpoints and removes any -wal.
            try target.close()
        } catch {
            try? target.close()
            throw error
        }
        let fd = open(destination, O_RDONLY)
        guard fd >= 0 else { throw DurableFile.posixError("cannot open the copy \(destination)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw DurableFile.posixError("cannot fsync the copy \(destination)") }
        var st = stat()
        fstat(fd, &st)
        done = true
        return Copy(bytes: Int(st.st_size))
    }
}
