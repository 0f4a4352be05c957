import Foundation
import SystemReasons
import UnfinishedOutput

/// Small helpers for crash-safe file writes, shared by the address frame and the store.
package enum DurableFile {
    /// Writes `data` to `url` so that after a crash the file is either the
    /// old one or the complete new one: a temporary file beside it, fsync, rename, fsync of
    /// the directory.
    ///
    /// Temporary files of `url` left by a killed writer (`.NAME.tmp-…`, not locked by a live
    /// process: see ``TemporaryFile``) are removed first.
    package static func writeAtomically(_ data: Data, to url: URL) throws {
        TemporaryFile.removeStale(beside: url, tag: "tmp")
        let tmp = try TemporaryFile(beside: url, tag: "tmp")
        var ok = false
        defer {
            if !ok { unlink(tmp.path) }
            Interruption.unregister(tmp.path)
            tmp.close()
        }
        try writeAll(data, to: tmp.fd, path: tmp.path)
        guard fsync(tmp.fd) == 0 else { throw posixError("cannot fsync \(tmp.path)") }
        guard rename(tmp.path, url.path) == 0 else { throw posixError("cannot rename \(tmp.path) to \(url.path)") }
        ok = true
        syncDirectory(url.deletingLastPathComponent())
    }

    /// Writes a new file (failing if it exists), fsynced, mode 0600: for files that hold
    /// secrets (letters with access codes).
    package static func writeNew(_ data: Data, to url: URL) throws {
        let fd = open(url.path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard fd >= 0 else {
            let code = errno
            let reason = code == EEXIST ? "it exists already" : CreationFailure.explain(url.path, errno: code, doing: "creating the file")
            throw FileSystemError("cannot create \(url.path): \(reason)", reason: reason, code: code)
        }
        defer { close(fd) }
        try writeAll(data, to: fd, path: url.path)
        guard fsync(fd) == 0 else { throw posixError("cannot fsync \(url.path)") }
    }

    /// Writes every byte of `bytes` to `fd`, going on after a signal interrupts a write (EINTR)
    /// and after a short write (``WholeWrite``, the loop the CLI's outputs use too): the frame,
    /// the store and the CLI's outputs all use it.
    ///
    /// - throws: ``FileSystemError`` "cannot write PATH: reason" for any other failure (a
    ///   full disk, a closed pipe).
    package static func writeAll(_ bytes: some ContiguousBytes, to fd: Int32, path: String) throws {
        guard let code = bytes.withUnsafeBytes({ WholeWrite.write($0, to: fd) }) else { return }
        let reason = String(cString: strerror(code))
        throw FileSystemError("cannot write \(path): \(reason)", reason: reason, code: code)
    }

    /// True when the file or its directory cannot be written. Also true when
    /// the file has no write permission bit at all, even for root: an operator
    /// who runs `chmod a-w` on a shard or a frame means "do not write to it".
    package static func isReadOnly(_ path: String) -> Bool {
        var st = stat()
        if stat(path, &st) == 0, st.st_mode & 0o222 == 0 { return true }
        if access(path, W_OK) != 0 { return true }
        let dir = (path as NSString).deletingLastPathComponent
        return !ReadOnlyOpen.isWritableDirectory(dir.isEmpty ? "." : dir)
    }

    package static func syncDirectory(_ dir: URL) {
        let fd = open(dir.path, O_RDONLY)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }

    package static func posixError(_ what: String) -> FileSystemError {
        let code = errno
        let reason = String(cString: strerror(code))
        return FileSystemError("\(what): \(reason)", reason: reason, code: code)
    }

    /// The system's one-line reason for a Foundation file error ("No such
    /// file or directory"), rather than its `NSError` dump.
    package static func reason(_ error: any Error) -> String {
        if let e = error as? FileSystemError { return e.message }
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        // Foundation on Linux reports a missing or unreadable file as a CocoaError alone ("The
        // operation could not be completed. The file doesn’t exist."): the system's words for it.
        if let code = (error as? CocoaError).flatMap({ posixCode(of: $0.code) }) { return String(cString: strerror(code)) }
        return ns.localizedDescription
    }

    /// The `errno` a Foundation file error stands for, where there is one.
    private static func posixCode(of code: CocoaError.Code) -> Int32? {
        switch code {
        case .fileNoSuchFile, .fileReadNoSuchFile: return ENOENT
        case .fileReadNoPermission, .fileWriteNoPermission: return EACCES
        case .fileWriteOutOfSpace: return ENOSPC
        case .fileWriteVolumeReadOnly: return EROFS
        case .fileWriteFileExists: return EEXIST
        case .fileReadTooLarge: return EFBIG
        default: return nil
        }
    }

    /// What is wrong with a JSON file that does not decode, in a few words rather than a
    /// `DecodingError` dump: "field 'tables[0].id' has the wrong type", "it is not valid JSON".
    package static func decodingProblem(_ error: any Error) -> String {
        func field(_ path: [any CodingKey]) -> String {
            path.reduce("") { s, key in
                if let i = key.intValue { return s + "[\(i)]" }
                return s.isEmpty ? key.stringValue : s + "." + key.stringValue
            }
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let c)?: return "field '\(field(c.codingPath + [key]))' is missing"
        case .valueNotFound(_, let c)?: return "field '\(field(c.codingPath))' is null"
        case .typeMismatch(_, let c)?: return "field '\(field(c.codingPath))' has the wrong type"
        case .dataCorrupted(let c)? where !c.codingPath.isEmpty: return "field '\(field(c.codingPath))' has an invalid value"
        default: return "it is not valid JSON"
        }
    }

    /// `mkdir -p` with a one-line error; see ``FileSystemError/createDirectory(_:what:)``.
    package static func createDirectory(_ url: URL, what: String) throws {
        try FileSystemError.createDirectory(url, what: what)
    }
}
