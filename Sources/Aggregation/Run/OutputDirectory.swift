import DurableFiles
import Foundation
import UnfinishedOutput

/// The output directory of `census aggregate`, made of *generations*, one per run:
///
/// ```
/// OUT/
///   runs/000007/          a complete run: manifest.json, export/, dictionary/, progress/,
///                         tables/, report.html, report/, .state.json
///   current -> runs/000007
///   manifest.json -> current/manifest.json    (and export, dictionary, progress, tables,
///   report.html -> current/report.html          report: fixed links through `current`)
/// ```
///
/// A run builds `runs/NNNNNN.partial` (hard-linking the previous run's unchanged export
/// files), renames it to `runs/NNNNNN` when every file is written and fsynced, then replaces
/// the `current` link in one `rename`. Until that instant readers see the previous run, whole;
/// an interrupted run (Ctrl-C, kill -9, a full disk) leaves only a `.partial` directory, which
/// no link points to and the next run removes. One previous generation is kept.
struct OutputDirectory {
    let root: URL
    private let lockDescriptor: Int32

    /// The entries at the top of OUT that link through `current`.
    static let links = ["manifest.json", "export", "dictionary", "progress", "tables", "report.html", "report"]
    static let marker = ".census-aggregate"

    /// Opens (creating it) and locks `root` for this run.
    ///
    /// - throws: ``AggregationError/output(path:reason:)`` for a directory that holds other
    ///   things, or that another run is writing.
    init(_ root: URL) throws {
        self.root = root
        let fm = FileManager.default
        do { try DurableFile.createDirectory(root, what: "the output directory") } catch {
            throw AggregationError.output(path: root.path, reason: DurableFile.reason(error))
        }
        let marker = root.appendingPathComponent(Self.marker)
        if !fm.fileExists(atPath: marker.path) {
            let contents = ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).filter { !$0.hasPrefix(".") }
            guard contents.isEmpty else {
                let named = contents.sorted().prefix(3).joined(separator: ", ") + (contents.count > 3 ? " and \(contents.count - 3) more" : "")
                throw AggregationError.output(path: root.path, reason: "the directory holds other files (\(named)): give a new or empty directory, or one `census aggregate` wrote")
            }
            do { try Data("written by `census aggregate`\n".utf8).write(to: marker) } catch {
                throw AggregationError.output(path: root.path, reason: DurableFile.reason(error))
            }
        }
        let fd = open(root.appendingPathComponent(".lock").path, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { throw AggregationError.output(path: root.path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw AggregationError.output(path: root.path, reason: "another `census aggregate` is writing it; wait for it to finish")
        }
        lockDescriptor = fd
        try? fm.createDirectory(at: root.appendingPathComponent("runs"), withIntermediateDirectories: true)
        removeUnfinished()
    }

    func release() {
        flock(lockDescriptor, LOCK_UN)
        close(lockDescriptor)
    }

    var runs: URL { root.appendingPathComponent("runs") }

    /// The generation `current` points to, if any.
    var current: (number: Int, url: URL)? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: root.appendingPathComponent("current").path),
              let number = Int((target as NSString).lastPathComponent) else { return nil }
        let url = root.appendingPathComponent(target)
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("manifest.json").path) else { return nil }
        return (number, url)
    }

    static func name(_ number: Int) -> String { String(format: "%06d", number) }

    /// Removes what interrupted runs left (`runs/*.partial`).
    func removeUnfinished() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? [] where name.contains(".partial") {
            try? FileManager.default.removeItem(at: runs.appendingPathComponent(name))
        }
    }

    /// Creates `runs/NNNNNN.partial`, removed if the process is interrupted.
    func begin(_ number: Int) throws -> URL {
        let url = runs.appendingPathComponent(Self.name(number) + ".partial")
        try? FileManager.default.removeItem(at: url)
        Interruption.register(url.path, .directory)
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw AggregationError.write(path: url.path, reason: DurableFile.reason(error))
        }
        return url
    }

    /// Makes the generation the current one: rename, then swap the `current` link; keeps the
    /// previous generation and removes older ones.
    func publish(_ partial: URL, _ number: Int) throws -> URL {
        let final = runs.appendingPathComponent(Self.name(number))
        let previous = current
        try Interruption.uninterruptible {
            try? FileManager.default.removeItem(at: final)
            guard rename(partial.path, final.path) == 0 else {
                throw AggregationError.write(path: final.path, reason: String(cString: strerror(errno)))
            }
            Interruption.unregister(partial.path)
            DurableFile.syncDirectory(runs)
            let link = root.appendingPathComponent(".current.new")
            unlink(link.path)
            guard symlink("runs/" + Self.name(number), link.path) == 0,
                  rename(link.path, root.appendingPathComponent("current").path) == 0 else {
                throw AggregationError.write(path: root.appendingPathComponent("current").path, reason: String(cString: strerror(errno)))
            }
            for name in Self.links {
                let path = root.appendingPathComponent(name).path
                if (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) == nil {
                    unlink(path)
                    _ = symlink("current/" + name, path)
                }
            }
            DurableFile.syncDirectory(root)
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? [] {
            guard let n = Int(name), n != number, n != previous?.number else { continue }
            try? FileManager.default.removeItem(at: runs.appendingPathComponent(name))
        }
        return final
    }

    /// Creates the directories from `generation` (which must exist) down to `url`, one level at
    /// a time: never `generation` itself, so a run whose generation was removed under it (an
    /// interruption) cannot bring it back.
    static func makeDirectories(_ url: URL, below generation: URL) throws {
        let base = generation.standardizedFileURL.path
        let target = url.standardizedFileURL.path
        guard target.hasPrefix(base) else { return }
        var path = base
        for component in target.dropFirst(base.count).split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o755) != 0 && errno != EEXIST { throw DurableFile.posixError("cannot create \(path)") }
        }
    }

    /// Writes a small output file into the generation (fsynced) and describes it for the manifest.
    static func write(_ data: Data, _ relativePath: String, in generation: URL, kind: String, format: String, rows: Int?) throws -> ManifestFile {
        let url = generation.appendingPathComponent(relativePath)
        do {
            try makeDirectories(url.deletingLastPathComponent(), below: generation)
            let fd = open(url.path, O_CREAT | O_TRUNC | O_WRONLY, 0o644)
            guard fd >= 0 else { throw DurableFile.posixError("cannot create \(url.path)") }
            defer { close(fd) }
            try DurableFile.writeAll(data, to: fd, path: url.path)
            guard fsync(fd) == 0 else { throw DurableFile.posixError("cannot fsync \(url.path)") }
        } catch {
            throw AggregationError.write(path: url.path, reason: DurableFile.reason(error))
        }
        return ManifestFile(path: relativePath, kind: kind, format: format, rows: rows, data: data)
    }
}
