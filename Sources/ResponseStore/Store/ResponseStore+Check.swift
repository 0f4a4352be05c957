import DurableFiles
import Foundation
import GRDB

/// The result of ``ResponseStore/check(at:options:)``.
public struct StoreCheckReport: Sendable, CustomStringConvertible {
    /// The result for one shard.
    public struct Shard: Sendable {
        /// The shard's index, 0-based (`shards/shard-003.sqlite` is index 3).
        public var index: Int
        /// The shard file's path.
        public var path: String
        /// True when the shard opened, matched the manifest, and
        /// `PRAGMA integrity_check` answered `ok`.
        public var ok: Bool
        /// The number of stored versions (0 when not ok).
        public var versions: Int
        /// True when the shard is read-only (file or directory not writable): it was checked
        /// read-only, and writers will refuse it until its permissions are fixed.
        public var readOnly: Bool = false
        /// `ok`, or what is wrong and what to do.
        public var message: String
    }

    /// Set when the manifest itself could not be read; then `shards` is empty.
    public var manifestError: StoreError?
    /// One result per shard of the manifest, by index.
    public var shards: [Shard]

    /// Every shard intact and writable.
    public var isHealthy: Bool { manifestError == nil && shards.allSatisfy { $0.ok && !$0.readOnly } }
    /// Every shard intact (read-only ones too): a sound read-only copy or archive.
    public var isIntact: Bool { manifestError == nil && shards.allSatisfy(\.ok) }

    public var description: String {
        if let manifestError { return "manifest: \(manifestError)" }
        return shards.map { s in
            let versions = "\(s.versions) version\(s.versions == 1 ? "" : "s")"
            if s.ok && s.readOnly {
                return "shard \(s.index): ok, READ-ONLY (\(versions)) \(s.path): intact, but writers refuse it until its file and directory are writable"
            }
            return s.ok ? "shard \(s.index): ok (\(versions)) \(s.path)" : "shard \(s.index): FAILED — \(s.message)"
        }.joined(separator: "\n")
    }
}

extension ResponseStore {
    /// Checks every shard of the store in `directory`: that it exists, is
    /// writable, matches the manifest and the schema, and passes
    /// `PRAGMA integrity_check`. Each shard is checked independently. A read-only
    /// shard is opened read-only (``ReadOnlyOpen``) and checked all the same; it is
    /// reported with ``StoreCheckReport/Shard/readOnly``.
    ///
    /// Run it while no writer is active, or accept that it waits for locks.
    public static func check(at directory: URL, options: StoreOptions = StoreOptions()) -> StoreCheckReport {
        let manifest: StoreManifest
        do {
            manifest = try readManifest(at: directory, options: options)
        } catch {
            return StoreCheckReport(manifestError: ShardFile.mapError(error, shard: -1, path: directory.path), shards: [])
        }
        var shards: [StoreCheckReport.Shard] = []
        for i in 0..<manifest.shardCount {
            let path = directory.appendingPathComponent(manifest.shardFiles[i]).path
            var readOnly = false
            do {
                let reader: any DatabaseReader
                do {
                    reader = try ShardFile.open(index: i, path: path, manifest: manifest, options: options)
                } catch StoreError.shardReadOnly {
                    readOnly = true
                    reader = try ShardFile.openForReading(index: i, path: path, manifest: manifest, options: options)
                }
                defer { try? reader.close() }
                let (result, count) = try reader.read { db in
                    let lines = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                    let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM response_version") ?? 0
                    return (lines, count)
                }
                if result == ["ok"] {
                    shards.append(.init(index: i, path: path, ok: true, versions: count, readOnly: readOnly, message: "ok"))
                } else {
                    let e = StoreError.shardCorrupt(shard: i, path: path, reason: "integrity_check: " + result.prefix(5).joined(separator: "; "))
                    shards.append(.init(index: i, path: path, ok: false, versions: 0, message: e.description))
                }
            } catch {
                let e = ShardFile.mapError(error, shard: i, path: path)
                shards.append(.init(index: i, path: path, ok: false, versions: 0, message: e.description))
            }
        }
        return StoreCheckReport(manifestError: nil, shards: shards)
    }
}
