#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file or directory could not be created at a path, in words a user can act on: the
/// system's reason for the call that failed (`errno`) with what it means there, and what to do.
///
/// The bare reason misleads: creating `/proc/x.json` fails with "No such file or directory"
/// although `/proc` exists (the kernel's proc file system takes no new files), and a missing
/// directory, a file where a directory should be, a read-only disk and a full one each need
/// something else done. ``explain(_:errno:doing:)`` looks at the path's nearest existing
/// directory (and, on Linux, its file system) to say which.
///
/// ```swift
/// let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
/// guard fd >= 0 else { throw Failure("cannot write \(path): \(CreationFailure.explain(path, errno: errno, doing: "creating the file"))") }
/// // cannot write /proc/x.json: /proc is a proc file system (the kernel's information about
/// // processes), which takes no new files (creating the file: No such file or directory);
/// // write to a directory on a disk instead
/// ```
public enum CreationFailure {
    /// The reason creating `path` failed with `code`, `doing` what ("creating the file",
    /// "creating the directory /a/b", "renaming the finished file into place"): one phrase, no
    /// leading capital, no full stop, ending with what to do. `path` is the file or directory
    /// the user named (its directory is examined as it is now).
    public static func explain(_ path: String, errno code: Int32, doing: String) -> String {
        let said = "(\(doing): \(String(cString: strerror(code))))"
        let (existing, missing) = nearestExisting(path)
        if let kind = kernelFileSystem(existing) {
            return "\(existing) is \(kind), which takes no new files \(said); write to a directory on a disk instead"
        }
        switch code {
        case ENOTDIR:
            if let file = firstNonDirectory(path) {
                return "\(file) is a file, not a directory \(said); give a path whose directories exist"
            }
        case ENOENT:
            if missing != nil {
                let parent = directory(of: path)
                return "the directory \(parent) does not exist \(said); create it first (mkdir -p \(parent)) or write somewhere else"
            }
            return "the directory \(existing) exists, but nothing could be created in it \(said); write to another directory"
        case EACCES, EPERM:
            return "you may not create files in \(existing) \(said); write to a directory you can write to, or get write permission on \(existing)"
        case EROFS:
            return "\(existing) is on a read-only file system \(said); write to a directory on a writable disk"
        case ENOSPC, EDQUOT:
            return "the disk holding \(existing) is full \(said); free some space on it, or write to another disk"
        case EISDIR:
            return "\(path) is a directory \(said); give the name of a file"
        case ENAMETOOLONG:
            return "the name is too long \(said); give a shorter one"
        default:
            break
        }
        return "\(doing) failed: \(String(cString: strerror(code)))"
    }

    /// The directory `path` is in ("." for a bare name).
    static func directory(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        return slash == p.startIndex ? "/" : String(p[..<slash])
    }

    /// The nearest directory above `path` that exists, and the topmost one below it that
    /// does not (nil when `path`'s own directory exists).
    static func nearestExisting(_ path: String) -> (existing: String, missing: String?) {
        var dir = directory(of: path)
        var missing: String?
        // A file where a directory should be exists, and stops the walk (ENOTDIR's case).
        while !exists(dir) {
            missing = dir
            let up = directory(of: dir)
            if up == dir { break }
            dir = up
        }
        return (dir, missing)
    }

    /// The first component of `path` above its last that exists and is not a directory.
    static func firstNonDirectory(_ path: String) -> String? {
        var prefix = path.hasPrefix("/") ? "" : "."
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).dropLast()
        for part in parts {
            prefix += "/" + part
            if exists(prefix) && !isDirectory(prefix) { return path.hasPrefix("/") ? prefix : String(prefix.dropFirst(2)) }
        }
        return nil
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// "a proc file system (…)" when `directory` is on one of the kernel's own file systems,
    /// which hold information, not files: the type of the longest mount point above the
    /// directory's real path, from /proc/self/mounts (Linux; nil elsewhere or when unknown).
    static func kernelFileSystem(_ directory: String) -> String? {
        #if os(Linux)
        guard let real = realpath(directory, nil) else { return nil }
        let path = String(cString: real)
        free(real)
        guard let mounts = try? readSmallFile("/proc/self/mounts") else { return nil }
        var best: (point: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            // Spaces in mount points are written \040.
            let point = String(fields[1].replacing("\\040", with: " "))
            let under = point == "/" || path == point || path.hasPrefix(point + "/")
            if under && point.count >= (best?.point.count ?? -1) { best = (point, String(fields[2])) }
        }
        switch best?.type {
        case "proc": return "a proc file system (the kernel's information about processes)"
        case "sysfs": return "a sysfs file system (the kernel's information about devices)"
        case "cgroup", "cgroup2": return "a cgroup file system (the kernel's control groups)"
        case "devpts": return "a devpts file system (terminals)"
        case "debugfs", "tracefs", "securityfs", "bpf", "configfs", "pstore", "efivarfs", "binfmt_misc", "mqueue", "fusectl":
            return "a \(best?.type ?? "kernel") file system (the kernel's own)"
        default: return nil
        }
        #else
        return nil
        #endif
    }

    /// A small text file's contents (a /proc file reports a size of 0: read until the end).
    static func readSmallFile(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ReadFailure() }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while bytes.count < 1 << 20 {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    struct ReadFailure: Error {}
}
