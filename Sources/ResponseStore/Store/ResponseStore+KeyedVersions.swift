import Foundation
import GRDB

/// A version that carries its keyer (``Submission/recordedBy``): a paper return keyed on the
/// keying page. What the audit log's reconciliation after a restart compares with its `keyed`
/// records (FieldOperations' `AuditLog+Reconcile.swift`).
public struct KeyedVersion: Sendable, Equatable {
    /// The key it is stored under: the household id (or an individual return's key).
    public var storedKey: String
    /// The save's idempotency key (the keying page's save key, `keying-…`).
    public var idempotencyKey: String
    /// The staff member who keyed it.
    public var recordedBy: String
    /// When it was received, by the server's clock (microseconds in the shard).
    public var receivedAt: Date
    /// Its receipt (``Receipt/makeID(shard:version:)``).
    public var receiptID: String

    /// Creates one; see each field.
    public init(storedKey: String, idempotencyKey: String, recordedBy: String, receivedAt: Date, receiptID: String) {
        self.storedKey = storedKey
        self.idempotencyKey = idempotencyKey
        self.recordedBy = recordedBy
        self.receivedAt = receivedAt
        self.receiptID = receiptID
    }
}

extension ResponseStore {
    /// How many versions in a row older than the asked time end a shard's walk in
    /// ``keyedVersions(receivedSince:)``. Versions are stamped by the server as they arrive, so
    /// newest-first by row id is newest-first by time, give or take the few milliseconds
    /// between requests' stamps; but a keying tool or a replay of a day's work passes its own,
    /// older, times (``CollectionRequest``'s `receivedAt`), and a run of those stored after a
    /// keyed version must not hide it. A thousand rows is a bounded read at start-up (a few
    /// hundred kilobytes a shard) and longer than any run of such imports interleaved with
    /// keying in the seconds before a stop.
    public static let keyedWalkOlderRunLimit = 1000

    /// The versions carrying a keyer (``Submission/recordedBy``) received at or after `since`,
    /// from every shard: each shard is read from its newest version back (by row id, its
    /// primary key: no index is needed) until ``keyedWalkOlderRunLimit`` versions in a row are
    /// older than `since`. Empty for a store older than `v3-recorded-by`.
    ///
    /// - throws: ``StoreError`` for a shard that cannot be read (a store whose shards are not
    ///   all available cannot be reconciled with certainty).
    public func keyedVersions(receivedSince since: Date) throws(StoreError) -> [KeyedVersion] {
        guard supportsRecordedBy else { return [] }
        let sinceMicros = Int64((since.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let limit = Self.keyedWalkOlderRunLimit
        var found: [KeyedVersion] = []
        for shard in 0..<manifest.shardCount {
            let r = try reader(for: shard)
            do {
                try r.reader.read { db in
                    let rows = try Row.fetchCursor(db, sql: """
                        SELECT id, household_id, idempotency_key, received_at, recorded_by FROM response_version ORDER BY id DESC
                        """)
                    var olderRun = 0
                    while let row = try rows.next() {
                        let micros: Int64 = row[3]
                        if micros < sinceMicros {
                            olderRun += 1
                            if olderRun >= limit { break }
                            continue
                        }
                        olderRun = 0
                        guard let keyer: String = row[4] else { continue }
                        found.append(KeyedVersion(storedKey: row[1], idempotencyKey: row[2], recordedBy: keyer,
                                                  receivedAt: Date(timeIntervalSince1970: Double(micros) / 1_000_000),
                                                  receiptID: Receipt.makeID(shard: shard, version: row[0])))
                    }
                }
            } catch {
                throw ShardFile.mapError(error, shard: shard, path: r.path)
            }
        }
        return found
    }
}
