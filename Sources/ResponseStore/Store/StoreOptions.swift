import Foundation

/// The durability of a committed transaction, i.e. SQLite's
/// `PRAGMA synchronous` in WAL mode.
///
/// - ``full`` (the default): every COMMIT fsyncs the write-ahead log before
///   it returns. An acknowledged submission survives a process crash *and* a
///   power loss or kernel panic.
/// - ``normal``: COMMIT does not fsync; the WAL is synced at checkpoints.
///   An acknowledged submission survives a process crash (SIGKILL), but the
///   last transactions may be lost on power loss. Faster; not the census
///   default.
public enum Durability: String, Sendable, Codable, CaseIterable {
    case full
    case normal

    var pragma: String { self == .full ? "FULL" : "NORMAL" }
}

/// Options for opening a response store.
public struct StoreOptions: Sendable {
    /// The durability of each group commit. Default ``Durability/full``.
    public var durability: Durability = .full
    /// The largest number of submissions committed in one transaction.
    public var maxBatchSize: Int = 4096
    /// How long a connection waits for a lock held by another process
    /// (for example `census store check` reading a shard) before failing.
    public var busyTimeout: TimeInterval = 10
    /// When the write-ahead log is checkpointed. Default
    /// ``CheckpointPolicy/background`` (off the commit path).
    public var checkpointPolicy: CheckpointPolicy = .background
    /// ``CheckpointPolicy/background``: the shortest time between two
    /// background checkpoint passes of a shard.
    public var checkpointInterval: TimeInterval = 0.1
    /// ``CheckpointPolicy/background``: the log size, in pages, at which the
    /// writer checkpoints the rest of the log itself so that it restarts.
    public var walRestartPages: Int = 4000
    /// Called after every group commit of every shard, on the shard's writer thread, once
    /// the commit's writers have their answers. For metrics: it must be cheap and must not
    /// block (it delays the shard's next batch). Nil by default.
    public var commitObserver: (@Sendable (ShardCommit) -> Void)?
    public init(durability: Durability = .full, maxBatchSize: Int = 4096,
                checkpointPolicy: CheckpointPolicy = .background) {
        self.durability = durability
        self.maxBatchSize = maxBatchSize
        self.checkpointPolicy = checkpointPolicy
    }
}
