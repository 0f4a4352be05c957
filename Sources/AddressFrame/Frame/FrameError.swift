import Foundation
import GRDB

/// Errors of the address frame.
public enum FrameError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// There is no frame file at `path`.
    case missing(path: String)
    /// The frame file exists but cannot be opened as a frame (`reason` from SQLite or the
    /// file system).
    case unreadable(path: String, reason: String)
    /// The letters file to write already exists; codes are never written over an earlier letters file.
    case lettersFileExists(path: String)
    /// The household id is not in the frame.
    case unknownHousehold(String)
    /// The frame CSV file cannot be read.
    case unreadableCSV(path: String, reason: String)
    /// A new frame file could not be created; nothing was left behind.
    case cannotCreate(path: String, reason: String)
    /// A command that writes the frame was given a read-only frame file or directory.
    case readOnly(path: String)
    /// A read-only frame that cannot be read where it is (see ``ReadOnlyOpen``); it is intact.
    case cannotReadInPlace(path: String, reason: String)
    /// The disk is full, or failed: the frame is unchanged (the transaction was rolled back).
    case diskProblem(path: String, reason: String)
    /// Any other SQLite failure while using the frame; the transaction was rolled back.
    case failed(path: String, reason: String)
    /// Codes were committed but their letters file could not be published under its name
    /// (`reason`); so that no code is live without a letter, the `revoked` codes were revoked.
    case lettersNotPublished(path: String, reason: String, revoked: Int)

    public var description: String {
        switch self {
        case .missing(let path):
            return "no address frame at \(path). Create it with `census frame import FILE.csv --out DIR` or `census frame generate --out DIR`."
        case .unreadable(let path, let reason):
            return "the address frame \(path) cannot be used: \(reason). Restore it from backup or re-import the frame CSV into a new directory."
        case .lettersFileExists(let path):
            return "the letters file \(path) already exists. Letters files are written once and never overwritten; choose a new file name. Nothing was issued."
        case .unknownHousehold(let id):
            return "household \(id) is not in the address frame."
        case .unreadableCSV(let path, let reason):
            return "cannot read the frame CSV \(path): \(reason). Check the file name; nothing was imported."
        case .lettersNotPublished(let path, let reason, let revoked):
            return "the letters file \(path) could not be written (\(reason)); \(revoked == 1 ? "the 1 code issued for it was" : "the \(revoked) codes issued for it were") revoked, so none is live without its letter. Run the command again with a new letters file: their households get new codes."
        case .cannotReadInPlace(let path, let reason):
            return "cannot read the address frame \(path): \(reason)."
        case .diskProblem(let path, let reason):
            return "cannot use the address frame \(path): \(reason). The frame is unchanged (the transaction was rolled back); free space on the disk, or check it, and run the command again."
        case .failed(let path, let reason):
            return "the address frame \(path) failed: \(reason). The frame is unchanged (the transaction was rolled back); run the command again."
        case .readOnly(let path):
            return "the address frame \(path) is read-only (file or directory not writable). Fix permissions (e.g. `chmod u+w`) or remount read-write to change it; `census frame lookup` and `frame stats` still work."
        case .cannotCreate(let path, let reason):
            return "cannot create the address frame \(path): \(reason). Nothing was imported and no frame file was left behind."
        }
    }

    public var errorDescription: String? { description }

    /// A SQLite error on the frame as a one-line ``FrameError`` (errors of other kinds are
    /// returned unchanged), so that no command prints "SQLite error 13: …".
    static func map(_ error: any Error, path: String) -> any Error {
        guard let e = error as? DatabaseError else { return error }
        switch e.resultCode {
        case .SQLITE_FULL: return FrameError.diskProblem(path: path, reason: "the disk is full")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return FrameError.failed(path: path, reason: "another process kept it locked for longer than 10 s (another census frame command?)")
        case .SQLITE_IOERR: return FrameError.diskProblem(path: path, reason: "disk I/O error (is the disk full?)")
        case .SQLITE_READONLY, .SQLITE_PERM: return FrameError.readOnly(path: path)
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: return FrameError.unreadable(path: path, reason: "it is not an address frame database, or it is corrupt")
        default: return FrameError.failed(path: path, reason: e.message ?? "\(e.resultCode)")
        }
    }
}
