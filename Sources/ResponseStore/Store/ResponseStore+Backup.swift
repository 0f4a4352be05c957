import DurableFiles
import Foundation
import GRDB
import UnfinishedOutput

/// The outcome of ``ResponseStore/backup(at:to:including:options:)``.
public struct StoreBackupSummary: Sendable {
    /// One copied database file.
    public struct File: Sendable {
        /// The path relative to the store directory (`shards/shard-003.sqlite`, `frame.sqlite`).
        public var name: String
        /// The size of the copy, in bytes.
        public var bytes: Int
        /// Stored versions, for a shard; nil for another database.
        public var versions: Int?
    }

    /// The backup directory.
    public var directory: URL
    /// The copied databases, shards first, by index.
    public var files: [File]
    /// The stored versions in all shards of the copy.
    public var versions: Int { files.compactMap(\.versions).reduce(0, +) }
}

extension ResponseStore {
    /// Copies the store in `directory` to a new directory `destination`, safely while writers
    /// run (`census store backup`).
    ///
    /// Each shard (and each file of `including`, e.g. the address frame `frame.sqlite` kept in
    /// the store directory, and the field-operations files: staff accounts, keying records,
    /// the audit log; each copy keeps its original's permission bits) is copied through SQLite's online backup (``SQLiteBackup``): a
    /// consistent snapshot taken in a read transaction, which holds every committed version
    /// whether it is still in the `-wal` file or not, and which does not stop the writers.
    /// Shards are copied one after another, so a household's versions in the copy are those
    /// committed when its shard was copied. Every copied shard is checked (`integrity_check`,
    /// and its metadata against the manifest) before the copy is published.
    ///
    /// The plain files of each directory of `directories` that exists (the store's `schemas/`,
    /// `letters/`) are copied too, each fsynced, with its permission bits.
    ///
    /// Nothing is left half-made: the copy is built in a hidden directory beside `destination`
    /// (`.NAME.backup-…`), fsynced, and renamed to `destination` only when complete; on failure
    /// or interruption it is removed. `destination` must not exist (or be an empty directory).
    ///
    /// The store is opened for reading only: a backup works on a read-only store too.
    ///
    /// - throws: the errors of ``StoreManifest/read(from:)``, ``StoreError`` for a shard that
    ///   cannot be read (the backup is then not made: a backup missing a shard would look
    ///   complete), ``FileSystemError`` for the destination.
    @discardableResult
    public static func backup(at directory: URL, to destination: URL, including: [String] = [], directories: [String] = [],
                              options: StoreOptions = StoreOptions()) throws -> StoreBackupSummary {
        let manifest = try readManifest(at: directory, options: options)
        let fm = FileManager.default
        switch SQLiteFileCheck.inspect(destination.path) {
        case .missing: break
        case .directory:
            if let contents = try? fm.contentsOfDirectory(atPath: destination.path), !contents.isEmpty {
                throw FileSystemError("cannot back up to \(destination.path): it is a directory that is not empty; choose a new directory")
            }
        default:
            throw FileSystemError("cannot back up to \(destination.path): it exists and is not a directory; choose a new directory")
        }
        let parent = destination.deletingLastPathComponent()
        try DurableFile.createDirectory(parent, what: "the backup's parent directory")
        let building = parent.appendingPathComponent(".\(destination.lastPathComponent).backup-\(UUID().uuidString)")
        Interruption.register(building.path, .directory)
        defer { Interruption.unregister(building.path) }
        var published = false
        defer { if !published { try? fm.removeItem(at: building) } }
        try DurableFile.createDirectory(building.appendingPathComponent("shards"), what: "the backup directory")

        var files: [StoreBackupSummary.File] = []
        for (index, name) in manifest.shardFiles.enumerated() {
            let path = directory.appendingPathComponent(name).path
            let source = try ShardFile.openForReading(index: index, path: path, manifest: manifest, options: options)
            defer { try? source.close() }
            var versions = 0
            let copy: SQLiteBackup.Copy
            do {
                copy = try SQLiteBackup.copy(from: source, to: building.appendingPathComponent(name).path) { db in
                    try ShardFile.verify(db, index: index, path: path, manifest: manifest)
                    versions = try Int.fetchOne(db, sql: "SELECT count(*) FROM response_version") ?? 0
                }
            } catch let e as FileSystemError {
                throw e
            } catch {
                throw ShardFile.mapError(error, shard: index, path: path)
            }
            files.append(.init(name: name, bytes: copy.bytes, versions: versions))
        }
        for name in including {
            let path = directory.appendingPathComponent(name).path
            let readable: String
            do { readable = try ReadOnlyOpen.name(for: path) } catch {
                throw FileSystemError("cannot back up \(path): \(error.reason)")
            }
            var config = Configuration()
            config.readonly = true
            config.busyMode = .timeout(options.busyTimeout)
            let source = try DatabaseQueue(path: readable, configuration: config)
            defer { try? source.close() }
            let target = building.appendingPathComponent(name).path
            let copy = try SQLiteBackup.copy(from: source, to: target)
            // The copy is no more readable than the original (staff.sqlite holds TOTP secrets: 0600).
            var st = stat()
            if stat(path, &st) == 0 { chmod(target, st.st_mode & 0o777) }
            files.append(.init(name: name, bytes: copy.bytes, versions: nil))
        }
        for name in directories where fm.fileExists(atPath: directory.appendingPathComponent(name).path) {
            files += try copyPlainFiles(of: directory.appendingPathComponent(name), to: building.appendingPathComponent(name), named: name)
        }
        try manifest.write(to: building)
        DurableFile.syncDirectory(building.appendingPathComponent("shards"))
        DurableFile.syncDirectory(building)
        guard rename(building.path, destination.path) == 0 else {
            throw DurableFile.posixError("cannot publish the backup \(building.path) as \(destination.path)")
        }
        published = true
        DurableFile.syncDirectory(parent)
        return StoreBackupSummary(directory: destination, files: files)
    }

    /// Copies the regular files of `source` (not below it: the store's `schemas/` and
    /// `letters/` are flat) into `target`, each fsynced and with its permission bits (letters
    /// hold access codes: 0600), then the directory. These files are written once, whole, and
    /// renamed into place, so a plain copy is consistent.
    private static func copyPlainFiles(of source: URL, to target: URL, named: String) throws -> [StoreBackupSummary.File] {
        let fm = FileManager.default
        try DurableFile.createDirectory(target, what: "the backup's \(named) directory")
        var copied: [StoreBackupSummary.File] = []
        let names: [String]
        do { names = try fm.contentsOfDirectory(atPath: source.path).sorted() } catch {
            throw FileSystemError("cannot back up \(source.path): \(DurableFile.reason(error))")
        }
        for name in names where !name.hasPrefix(".") {
            let from = source.appendingPathComponent(name), to = target.appendingPathComponent(name)
            var st = stat()
            guard stat(from.path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            do { try fm.copyItem(at: from, to: to) } catch {
                throw FileSystemError("cannot back up \(from.path): \(DurableFile.reason(error))")
            }
            chmod(to.path, st.st_mode & 0o777)
            let fd = Glibc.open(to.path, O_RDONLY)
            if fd >= 0 { fsync(fd); Glibc.close(fd) }
            copied.append(.init(name: "\(named)/\(name)", bytes: Int(st.st_size), versions: nil))
        }
        DurableFile.syncDirectory(target)
        return copied
    }
}
