import DurableFiles
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
    /// `PRAGMA synchronous=FULL`: the log is fsynced before COMMIT returns (the default).
    case full
    /// `PRAGMA synchronous=NORMAL`: survives a process crash, not a power loss.
    case normal

    /// The `PRAGMA synchronous` level of the writer connections.
    package var level: SQLiteSynchronous { self == .full ? .full : .normal }
    /// The pragma's keyword, `FULL` or `NORMAL`.
    var pragma: String { level.keyword }

    /// The manifest's ``StoreManifest/durability`` for a store created with this durability.
    var manifestDescription: String {
        switch self {
        case .full: return "WAL, synchronous=FULL: every commit is fsynced before its receipt"
        case .normal: return "WAL, synchronous=NORMAL: commits are not fsynced (benchmark comparison only)"
        }
    }

    /// The level SQLite reports, as a ``Durability`` (nil for OFF or EXTRA, which the store never sets).
    init?(_ level: SQLiteSynchronous) {
        switch level {
        case .full: self = .full
        case .normal: self = .normal
        default: return nil
        }
    }
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
    package var checkpointPolicy: CheckpointPolicy = .background
    /// ``CheckpointPolicy/background``: the shortest time between two
    /// background checkpoint passes of a shard.
    package var checkpointInterval: TimeInterval = 0.1
    /// ``CheckpointPolicy/background``: the log size, in pages, at which the
    /// writer checkpoints the rest of the log itself so that it restarts.
    package var walRestartPages: Int = 4000
    /// Called after every group commit of every shard, on the shard's writer thread, once
    /// the commit's writers have their answers. For metrics: it must be cheap and must not
    /// block (it delays the shard's next batch). Nil by default.
    public var commitObserver: (@Sendable (ShardCommit) -> Void)?
    /// The largest response body the store takes, in bytes (default 1 MiB, ``defaultMaximumBodyBytes``).
    ///
    /// A larger one fails with ``StoreError/responseTooLarge(householdID:bytes:limit:)`` before
    /// anything is queued. Why a limit at all: nothing else stopped a body below SQLite's own
    /// 1,000,000,000 bytes, so a 100 MB body was stored for good, and a body over SQLite's
    /// limit made GRDB end the writer process (a `fatalError` binding it), taking every
    /// submission in flight with it. A census household's response is 3–6 KB (a 30-person
    /// household under 40 KB); the web server answers 413 above 64 KiB, before the store sees
    /// it. Values above ``ceilingBodyBytes`` are treated as the ceiling.
    public var maximumBodyBytes: Int = StoreOptions.defaultMaximumBodyBytes
    /// The default ``maximumBodyBytes``: 1 MiB.
    public static let defaultMaximumBodyBytes = 1 << 20
    /// The most ``maximumBodyBytes`` can be: 64 MiB, far below SQLite's 1 GB limit on a value.
    public static let ceilingBodyBytes = 64 << 20
    /// The longest household id, idempotency key or schema hash the store takes, in bytes.
    /// (Household ids of the frame are at most 32; keys are UUIDs.)
    public static let maximumFieldBytes = 256

    /// Options for opening a store; the defaults are the census's (FULL durability, group
    /// commits of up to 4,096 submissions, checkpoints on a background thread).
    public init(durability: Durability = .full, maxBatchSize: Int = 4096) {
        self.durability = durability
        self.maxBatchSize = maxBatchSize
    }

    /// Options with another checkpoint policy: for the benchmark's side-by-side runs and the tests.
    package init(durability: Durability = .full, maxBatchSize: Int = 4096, checkpointPolicy: CheckpointPolicy) {
        self.init(durability: durability, maxBatchSize: maxBatchSize)
        self.checkpointPolicy = checkpointPolicy
    }
}
