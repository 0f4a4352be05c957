import Foundation
import GRDB

/// Opening a WAL-mode SQLite file (a shard, the frame) for reading only, without writing
/// anything: not the file, not its `-wal` or `-shm`, not its directory.
///
/// SQLite reads a WAL database through its `-shm` index, which it creates beside the file when
/// it is missing. In a directory that cannot be written (a read-only mount, `chmod a-w`) that
/// fails, so:
///
/// - directory writable: open read-only as usual (SQLite may create `-shm`/`-wal`; the
///   database itself is never written);
/// - directory read-only, no write-ahead log or an empty one: the file alone holds every
///   committed transaction, so it is opened *immutable* (`file:…?immutable=1`: no locks, no
///   `-shm`). A process cannot be writing to it: it could not create its log there;
/// - directory read-only, a non-empty `-wal` and its `-shm`: read through them;
/// - directory read-only, a non-empty `-wal` but no `-shm`: committed transactions are in the
///   log, which cannot be read without creating `-shm`. Refused with
///   ``ReadOnlyOpen/Failure/logNeedsWritableDirectory``, rather than silently ignoring them.
package enum ReadOnlyOpen {
    package enum Failure: Error {
        case logNeedsWritableDirectory(path: String)
        case noURISupport(path: String)

        package var reason: String {
            switch self {
            case .logNeedsWritableDirectory(let path):
                return "its write-ahead log \(path)-wal is not empty (it may hold committed transactions), and reading it needs \(path)-shm, which cannot be created in the read-only directory; make the directory writable, or copy the files (with the -wal) to a writable place and read them there"
            case .noURISupport:
                return "its directory is read-only and this SQLite library cannot open a database immutable (no URI support); copy the files to a writable place"
            }
        }
    }

    /// True when the directory can be written. A directory without any write permission bit
    /// counts as read-only even for root, as ``DurableFile/isReadOnly(_:)`` does for files: an
    /// operator who runs `chmod a-w` means "do not write here".
    package static func isWritableDirectory(_ dir: String) -> Bool {
        var st = stat()
        if stat(dir, &st) == 0, st.st_mode & 0o222 == 0 { return false }
        return access(dir, W_OK) == 0
    }

    /// The name to give SQLite for reading `path`: the path itself, or an immutable URI.
    package static func name(for path: String) throws(Failure) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        if isWritableDirectory(dir.isEmpty ? "." : dir) { return path }
        var st = stat()
        let walSize = stat(path + "-wal", &st) == 0 ? Int(st.st_size) : 0
        if walSize > 0 {
            if access(path + "-shm", R_OK) == 0 { return path }
            throw .logNeedsWritableDirectory(path: path)
        }
        guard supportsURIs else { throw .noURISupport(path: path) }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return "file:" + percentEncoded(absolute) + "?immutable=1"
    }

    /// `%`, `?` and `#` escaped (and any byte outside printable ASCII), as SQLite URIs need.
    static func percentEncoded(_ path: String) -> String {
        var out = ""
        for b in path.utf8 {
            if b <= 0x20 || b >= 0x7F || b == UInt8(ascii: "%") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") {
                out += "%" + String(format: "%02X", b)
            } else {
                out.unicodeScalars.append(Unicode.Scalar(b))
            }
        }
        return out
    }

    /// Whether the linked SQLite interprets `file:` names (compiled with SQLITE_USE_URI).
    static let supportsURIs: Bool = {
        guard let db = try? DatabaseQueue() else { return false }
        defer { try? db.close() }
        let options = (try? db.read { try String.fetchAll($0, sql: "PRAGMA compile_options") }) ?? []
        return options.contains("USE_URI")
    }()
}
