import Crypto
import DurableFiles
import Foundation
import GRDB
import UnfinishedOutput

#if canImport(Glibc)
import Glibc
#endif

/// The temporary file a letters file is written to (`.NAME.partial-…` beside it, mode 0600),
/// until it is published by a hard link. Written through a buffer, with its SHA-256 computed as
/// it goes (recorded with the codes, so that a later run can tell an intact file from a damaged
/// one). It holds an exclusive `flock` while this process uses it, so that another run can tell
/// a file in use from one left by a killed run.
final class LettersFile {
    let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var hasher = SHA256()
    private var kept = false
    private var closed = false

    init(beside target: URL) throws {
        let file = try TemporaryFile(beside: target, tag: "partial", mode: 0o600)
        path = file.path
        fd = file.fd
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func flush() throws {
        hasher.update(data: buffer)
        try DurableFile.writeAll(Data(buffer), to: fd, path: path)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and fsyncs the file and its directory; returns its SHA-256 (hex).
    func finish() throws -> String {
        try flush()
        guard fsync(fd) == 0 else { throw DurableFile.posixError("cannot fsync \(path)") }
        DurableFile.syncDirectory(URL(fileURLWithPath: path).deletingLastPathComponent())
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The codes in it are committed: from now on it is never removed on failure or
    /// interruption (it is the only copy of their letters until it is published).
    func keep() {
        kept = true
        Interruption.unregister(path)
    }

    /// Closes the file (releasing its lock) and, unless kept, removes it.
    func discard() {
        guard !closed else { return }
        closed = true
        if !kept {
            unlink(path)
            Interruption.unregister(path)
        }
        close(fd)
    }

    /// True when another process holds the file's lock: a run in progress.
    static func isInUse(_ path: String) -> Bool { TemporaryFile.isInUse(path) }

    /// True when both paths name the same file (a hard link of it).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    /// Why the temporary letters file at `path` cannot be published, or nil when it is there,
    /// whole, with the SHA-256 recorded with its codes.
    static func check(_ path: String, sha256 expected: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return "its temporary letters file \(path) is gone (\(String(cString: strerror(errno))))" }
        defer { close(fd) }
        var hasher = SHA256()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return "its temporary letters file \(path) cannot be read (\(String(cString: strerror(errno))))" }
            if n == 0 { break }
            hasher.update(data: chunk[0..<n])
        }
        let actual = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return actual == expected ? nil : "its temporary letters file \(path) is damaged (not the content committed with the codes)"
    }

    /// `.NAME.partial-` and a UUID: the names ``init(beside:)`` gives.
    static func isPartialName(_ name: String) -> Bool {
        guard let r = name.range(of: ".partial-", options: .backwards) else { return false }
        return UUID(uuidString: String(name[r.upperBound...])) != nil
    }

    /// Removes the temporary letters files in `dir` left by runs killed before they committed
    /// (their codes never existed): not referenced by a run to settle, and not in use.
    static func removeStale(in dir: URL, db: Database) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
        for name in names where name.hasPrefix(".") && isPartialName(name) {
            let path = dir.appendingPathComponent(name).path
            let pending = (try? Bool.fetchOne(db, sql: """
                SELECT 1 FROM code_issue WHERE partial_file = ? AND published_at IS NULL AND revoked_at IS NULL
                """, arguments: [path])) ?? nil
            if pending == true || isInUse(path) { continue }
            unlink(path)
        }
    }
}
