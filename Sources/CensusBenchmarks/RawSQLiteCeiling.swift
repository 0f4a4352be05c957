import DurableFiles
import Foundation
import GRDB
import ResponseStore

/// The raw SQLite ceiling for the store benchmark.
///
/// Writes the same rows into the same table definition as a shard, with the
/// same WAL and `synchronous` settings, but without any of the store's
/// machinery: one thread per file, one prepared `INSERT` in a loop, a fixed
/// number of rows per transaction, no queue, no idempotency lookup, no
/// receipts, no continuations. What the store achieves below this figure is
/// its overhead.
enum RawSQLiteCeiling {
    struct Result: Sendable {
        var rows: Int
        var seconds: Double
        var bytes: Int
        var perSecond: Double { Double(rows) / seconds }
    }

    /// Runs `files` writer threads for `seconds`, each inserting `bodies` (in
    /// turn) into its own database in `directory`.
    static func run(directory: URL, files: Int, seconds: Double, durability: Durability,
                           rowsPerTransaction: Int, bodies: [Data]) throws -> Result {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var queues: [DatabaseQueue] = []
        for i in 0..<files {
            var config = ShardFile.configuration(StoreOptions(durability: durability, checkpointPolicy: .inline))
            config.maximumReaderCount = 1
            let path = directory.appendingPathComponent("raw-\(i).sqlite").path
            let q = try DatabaseQueue(path: path, configuration: config)
            // As the store's writers: GRDB leaves NORMAL in force otherwise (see SQLiteSynchronous).
            try SQLiteSynchronous.enforce(durability.level, on: q, path: path)
            try q.write { db in
                for m in ShardSchema.migrations { try db.execute(sql: m.sql) }
            }
            queues.append(q)
        }
        final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var rows = 0
            var bytes = 0
            var error: (any Error)?
        }
        let counter = Counter()
        let group = DispatchGroup()
        let start = Date()
        let deadline = start.addingTimeInterval(seconds)
        for (i, q) in queues.enumerated() {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                var rows = 0
                var bytes = 0
                var n = 0
                do {
                    while Date() < deadline {
                        try q.write { db in
                            let stmt = try db.cachedStatement(sql: """
                                INSERT INTO response_version
                                  (household_id, kind, channel, received_at, schema_hash, idempotency_key, completeness, body)
                                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                                """)
                            for _ in 0..<rowsPerTransaction {
                                let body = bodies[n % bodies.count]
                                stmt.setUncheckedArguments([
                                    "R\(i)-\(n)", "submitted", "online", Int64(n), "sha256:bench", "key-\(n)", 40.0, body,
                                ])
                                try stmt.execute()
                                n += 1
                                bytes += body.count
                            }
                        }
                        rows += rowsPerTransaction
                    }
                } catch {
                    counter.lock.lock(); counter.error = error; counter.lock.unlock()
                }
                counter.lock.lock()
                counter.rows += rows
                counter.bytes += bytes
                counter.lock.unlock()
            }
            thread.start()
        }
        group.wait()
        let elapsed = Date().timeIntervalSince(start)
        for q in queues { try q.close() }
        if let e = counter.error { throw e }
        return Result(rows: counter.rows, seconds: elapsed, bytes: counter.bytes)
    }
}
