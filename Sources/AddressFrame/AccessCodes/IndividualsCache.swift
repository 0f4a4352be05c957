import Synchronization

/// ``AddressFrame/individuals(of:)`` as last read, per household, kept while the frame has not
/// changed: the collection server asks it on every page request of every household, and a
/// read transaction on the frame's one connection cost more than the answer (in the profile
/// of a page request, BENCHMARKS.md "Collection server", the frame read was 2% of the CPU,
/// every request queueing on that connection).
///
/// Forgotten when the frame changes: SQLite's `PRAGMA data_version` of a connection changes
/// whenever another connection (another process, another server node, this frame's own
/// writer) commits to the file, and this frame's own writes of individual codes call
/// ``forget()``. A read that raced with ``forget()`` is not kept (the generation it started in
/// is over).
///
/// The frame reads through several connections (a pool's readers), and each numbers its own
/// `data_version`, so the cache keeps the last number seen on each: any connection that sees
/// its number move, or is seen for the first time, forgets everything. After a commit by
/// another connection, the first look through each connection therefore forgets what was
/// kept before it (a connection's first look after the commit either sees its number move
/// or is its first look), so nothing read before the commit is returned after it.
final class IndividualsCache: Sendable {
    private struct State {
        /// The last `data_version` seen on each connection (the pool's readers live as long as
        /// the frame: `persistentReadOnlyConnections`).
        var dataVersions: [ObjectIdentifier: Int64] = [:]
        var generation = 0
        var people: [String: [IndividualRespondent]] = [:]
    }

    /// The most households kept (a few dozen bytes each; most have nobody answering
    /// separately): past it, all are forgotten, and a re-read costs one indexed lookup.
    static let limit = 200_000

    private let state = Mutex(State())

    /// The people of `householdID` if known, given the `dataVersion` just read on `connection`,
    /// and the generation to hand to ``keep(_:for:generation:)`` after reading them otherwise.
    func lookup(_ householdID: String, connection: ObjectIdentifier, dataVersion: Int64) -> (people: [IndividualRespondent]?, generation: Int) {
        state.withLock { s in
            if s.dataVersions[connection] != dataVersion {
                s.people.removeAll(keepingCapacity: true)
                s.dataVersions[connection] = dataVersion
                s.generation += 1
            }
            return (s.people[householdID], s.generation)
        }
    }

    /// Keeps what was read for `householdID`, unless the frame changed since `generation`.
    func keep(_ people: [IndividualRespondent], for householdID: String, generation: Int) {
        state.withLock { s in
            guard s.generation == generation else { return }
            if s.people.count >= Self.limit { s.people.removeAll(keepingCapacity: true) }
            s.people[householdID] = people
        }
    }

    /// Forgets everything: this frame wrote individual codes.
    func forget() {
        state.withLock { s in
            s.people.removeAll(keepingCapacity: true)
            s.generation += 1
        }
    }
}
