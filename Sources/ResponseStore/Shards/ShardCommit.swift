import Foundation

/// What one group commit of a shard wrote: told to ``StoreOptions/commitObserver`` (for
/// metrics: commit latency, batch sizes, versions stored by kind and channel, page saves).
///
/// The store knows nothing of how it is watched; a server turns these into its metrics.
public struct ShardCommit: Sendable {
    /// The shard's index.
    public var shard: Int
    /// The writes in the batch (submissions and page saves), whatever their outcome.
    public var batchSize: Int
    /// Wall-clock time of the transaction, from `BEGIN IMMEDIATE` to the end of `COMMIT`
    /// (with ``Durability/full``, including the fsync of the log), in seconds.
    public var seconds: Double
    /// The versions newly stored, one entry per version.
    public var stored: [(kind: ResponseKind, channel: Channel)]
    /// Retries answered with their first receipt (nothing written).
    public var replays: Int
    /// Page saves stored.
    public var pageSaves: Int
    /// Writes refused (idempotency conflicts, page-save numbers taken) or failed with the batch.
    public var failures: Int
    /// False when every write of the batch failed (the transaction itself failed: disk full,
    /// I/O error; nothing of it was committed).
    public var committed: Bool
}
