import DurableFiles
import GRDB
import Synchronization

/// The audit log's group commits since it was opened (``AuditLog/commitTally``): for metrics
/// and benchmarks (records a commit, how many commits needed no fsync of the log's own).
public struct AuditCommitTally: Sendable, Equatable {
    /// Group commits with `synchronous = FULL` (a record in them was not backed by its action's
    /// own write): the log's WAL was fsynced.
    public var durableCommits = 0
    /// Records in those commits.
    public var durableRecords = 0
    /// Group commits with `synchronous = NORMAL` (every record backed): no fsync.
    public var lazyCommits = 0
    /// Records in those commits.
    public var lazyRecords = 0

    /// Creates a tally (empty by default).
    public init(durableCommits: Int = 0, durableRecords: Int = 0, lazyCommits: Int = 0, lazyRecords: Int = 0) {
        self.durableCommits = durableCommits
        self.durableRecords = durableRecords
        self.lazyCommits = lazyCommits
        self.lazyRecords = lazyRecords
    }

    /// All group commits.
    public var commits: Int { durableCommits + lazyCommits }
    /// All records group-committed.
    public var records: Int { durableRecords + lazyRecords }
}

/// The writer connection's `synchronous` level, as last set and read back, and the tally.
///
/// Both change only inside an access of the log's database queue (one connection, serial), so
/// the level read there is the one in force on the connection. Shared by the group-commit
/// writer's thread and ``AuditLog/append(actor:action:subject:detail:at:)``'s callers.
final class AuditCommitState: Sendable {
    private let state = Mutex<(level: SQLiteSynchronous, tally: AuditCommitTally)>((.full, AuditCommitTally()))

    /// Sets `level` on the connection when another is in force, outside any transaction, and
    /// reads it back (as ``SQLiteSynchronous/enforce(_:on:path:)`` does at open): a level SQLite
    /// did not take fails the commit rather than committing with another durability.
    func ensure(_ level: SQLiteSynchronous, _ db: Database, path: String) throws {
        if state.withLock({ $0.level }) == level { return }
        try db.execute(sql: "PRAGMA synchronous = \(level.keyword)")
        let inForce = try Int.fetchOne(db, sql: "PRAGMA synchronous").flatMap(SQLiteSynchronous.init(rawValue:))
        guard inForce == level else {
            // Unknown: the next commit sets it again.
            state.withLock { $0.level = inForce ?? .off }
            throw FileSystemError("cannot set \(path) to PRAGMA synchronous = \(level.keyword): SQLite reports \(inForce?.keyword ?? "an unknown level")")
        }
        state.withLock { $0.level = level }
    }

    /// The level last set and read back.
    var level: SQLiteSynchronous { state.withLock { $0.level } }

    /// Counts a group commit of `records` records at `level`.
    func counted(_ records: Int, at level: SQLiteSynchronous) {
        state.withLock { s in
            if level == .normal {
                s.tally.lazyCommits += 1
                s.tally.lazyRecords += records
            } else {
                s.tally.durableCommits += 1
                s.tally.durableRecords += records
            }
        }
    }

    var tally: AuditCommitTally { state.withLock { $0.tally } }
}
