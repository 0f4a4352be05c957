import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

extension ResponseStore {
    /// The free space below which a shard's disk counts as full for ``checkWritable(minimumFreeBytes:)``:
    /// 64 MiB, a few minutes of submissions at the census peak.
    public static let defaultMinimumFreeBytes: Int64 = 64 << 20

    /// Whether every shard can take a write now (a server's readiness probe), shard by shard.
    ///
    /// For each shard: it was opened for writing; its file and directory are still there and
    /// writable (a file with no write permission bit counts as read-only even for root, as at
    /// open); its disk has at least `minimumFreeBytes` free; and its write lock can be taken
    /// (`BEGIN IMMEDIATE` then `ROLLBACK`, queued behind the shard's writer, so a writer stuck
    /// in a long transaction shows here as a wait). Nothing is written.
    ///
    /// Blocks while a lock is waited for (up to ``StoreOptions/busyTimeout``): call it off the
    /// request threads, with a deadline of your own.
    ///
    /// - returns: one ``ShardStatus`` per shard, by index; `error` says why a shard cannot be written.
    public func checkWritable(minimumFreeBytes: Int64 = ResponseStore.defaultMinimumFreeBytes) -> [ShardStatus] {
        shardStatus.map { status in
            if status.error != nil { return status }
            var status = status
            status.error = writeProblem(shard: status.index, path: status.path, minimumFreeBytes: minimumFreeBytes)
            return status
        }
    }

    private func writeProblem(shard: Int, path: String, minimumFreeBytes: Int64) -> StoreError? {
        let w: ShardWriter
        do { w = try writer(for: shard) } catch { return error }
        var info = stat()
        guard stat(path, &info) == 0 else { return .shardMissing(shard: shard, path: path) }
        let directory = (path as NSString).deletingLastPathComponent
        var dirInfo = stat()
        if info.st_mode & 0o222 == 0 || access(path, W_OK) != 0
            || stat(directory, &dirInfo) != 0 || dirInfo.st_mode & 0o222 == 0 || access(directory, W_OK) != 0 {
            return .shardReadOnly(shard: shard, path: path)
        }
        var fs = statvfs()
        if statvfs(directory, &fs) == 0 {
            let free = Int64(fs.f_bavail) * Int64(fs.f_frsize)
            if free < minimumFreeBytes {
                return .shardFailure(shard: shard, path: path, reason: "the disk is full (\(free / 1_048_576) MiB free, \(minimumFreeBytes / 1_048_576) MiB needed)")
            }
        }
        do {
            try w.pool.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                try db.execute(sql: "ROLLBACK")
            }
        } catch {
            return ShardFile.mapError(error, shard: shard, path: path)
        }
        return nil
    }
}
