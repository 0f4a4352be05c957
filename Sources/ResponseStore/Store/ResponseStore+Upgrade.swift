import DurableFiles
import Foundation
import GRDB

/// What ``ResponseStore/upgrade(at:options:)`` did.
public struct StoreUpgradeResult: Sendable, Equatable {
    /// The shard schema before the upgrade: the id of the last migration the shards had
    /// (``ShardSchema/migrations``).
    public var from: String
    /// The shard schema after it: this build's ``ShardSchema/currentVersion``.
    public var to: String
    /// Migrations applied to the shards (empty when the store was already current).
    public var applied: [String]
}

extension ResponseStore {
    /// Brings a store made by an earlier build up to this build's shard schema: applies the
    /// missing migrations to every shard (each in its own transaction), then records the new
    /// schema in the manifest (replaced atomically). Idempotent; an interrupted upgrade is
    /// finished by running it again (shards already migrated are left as they are).
    ///
    /// Run it with no writer on the store (it takes the store directory's lock, as `store
    /// init` and `accept-schema` do, but a running server keeps its shards open).
    ///
    /// - throws: ``StoreError`` naming the shard that could not be migrated (nothing of that
    ///   shard's migration is applied) and the manifest's errors.
    @discardableResult
    public static func upgrade(at directory: URL, options: StoreOptions = StoreOptions()) throws -> StoreUpgradeResult {
        let before = try StoreManifest.read(from: directory)
        let manifestPath = directory.appendingPathComponent(StoreManifest.fileName).path
        if DurableFile.isReadOnly(manifestPath) { throw StoreError.manifestReadOnly(path: manifestPath) }
        let lock = try StoreLock(directory)
        defer { lock.release() }
        var manifest = try StoreManifest.read(from: directory)
        let known = ShardSchema.identifiers(upTo: manifest.shardSchemaVersion)
        guard !known.isEmpty, ShardSchema.hash(upTo: manifest.shardSchemaVersion) == manifest.shardSchemaHash else {
            throw StoreError.schemaMismatch(shard: 0, path: manifestPath, reason: "the manifest's shard schema \(manifest.shardSchemaVersion) is unknown to this build")
        }
        let target = ShardSchema.currentVersion
        let missing = ShardSchema.migrations.map(\.id).filter { !known.contains($0) }
        if missing.isEmpty { return StoreUpgradeResult(from: before.shardSchemaVersion, to: target, applied: []) }
        for i in 0..<manifest.shardCount {
            let path = directory.appendingPathComponent(manifest.shardFiles[i]).path
            guard FileManager.default.fileExists(atPath: path) else { throw StoreError.shardMissing(shard: i, path: path) }
            if DurableFile.isReadOnly(path) { throw StoreError.shardReadOnly(shard: i, path: path) }
            do {
                let pool = try ShardFile.openWriter(path: path, options: options)
                defer { ShardFile.closeWriter(pool) }
                try ShardSchema.migrator.migrate(pool)
            } catch {
                throw ShardFile.mapError(error, shard: i, path: path)
            }
        }
        manifest.shardSchemaVersion = target
        manifest.shardSchemaHash = ShardSchema.hash(upTo: target)!
        try manifest.write(to: directory)
        return StoreUpgradeResult(from: before.shardSchemaVersion, to: target, applied: missing)
    }
}
