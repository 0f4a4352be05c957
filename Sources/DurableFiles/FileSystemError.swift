import Foundation
import SystemReasons

/// A file-system failure: the file, and the system's reason, in one line
/// ("cannot create the store directory /x: Permission denied"), never an `NSError` dump.
public struct FileSystemError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// The whole message: what failed, the path and the system's reason, on one line.
    public var message: String
    /// The system's reason alone ("No space left on device"), when the failure came from a
    /// system call.
    public var reason: String?
    /// The system's error number (`errno`), when the failure came from a system call.
    public var code: Int32?
    /// Makes the error; pass `reason` and `code` when it came from a system call (`strerror(errno)`, `errno`).
    public init(_ message: String, reason: String? = nil, code: Int32? = nil) {
        self.message = message
        self.reason = reason
        self.code = code
    }
    public var description: String { message }
    public var errorDescription: String? { message }

    /// Creates a directory and its missing parents (`mkdir -p`, mode 0755).
    /// Unlike `FileManager.createDirectory`, a failure names the directory
    /// that could not be made, the system's reason ("Permission denied") and what it means
    /// there (``CreationFailure``: /proc exists but takes no new directories).
    public static func createDirectory(_ url: URL, what: String) throws {
        var missing: [String] = []
        var dir = url.standardizedFileURL
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDirectory), dir.path != "/" {
            missing.append(dir.path)
            dir = dir.deletingLastPathComponent()
        }
        if missing.isEmpty && !isDirectory.boolValue {
            throw FileSystemError("cannot use \(what) \(url.path): it exists and is not a directory")
        }
        for path in missing.reversed() where mkdir(path, 0o755) != 0 && errno != EEXIST {
            let code = errno
            let reason = CreationFailure.explain(path, errno: code, doing: "creating the directory \(path)")
            throw FileSystemError("cannot create \(what) \(url.path): \(reason)", reason: reason, code: code)
        }
    }
}
