import Synchronization

/// One online submission of a household at a time, across every face of one server.
///
/// "Once a household has submitted online, a new submission is refused" is checked by reading
/// the household's versions, then the submission is stored: two submissions at the same moment
/// (two devices, a phone app retrying with a new key, the web page's Submit beside the API)
/// both passed the check and both were stored and acknowledged (10 at once gave up to 6
/// receipts). A submission is therefore begun here first; while one is in flight for a
/// household, another is told to wait and try again, and by then the first is stored (and
/// the check refuses the second) or was not (and the second proceeds).
///
/// ```swift
/// guard collector.onlineSubmissions.begin(householdID) else { /* 409: one is being stored */ }
/// defer { collector.onlineSubmissions.end(householdID) }
/// // check it has not submitted, then submit and wait for the commit
/// ```
///
/// In memory: it orders the submissions of one server process, which is the one that writes the
/// store's shards.
public final class OnlineSubmissionGate: Sendable {
    private let inFlight = Mutex<Set<String>>([])

    public init() {}

    /// Begins `key`'s submission (a household id, or `HOUSEHOLD/PERSON` for an individual's);
    /// false when one is in flight for it already. Every `true` must be followed by ``end(_:)``.
    public func begin(_ key: String) -> Bool {
        inFlight.withLock { $0.insert(key).inserted }
    }

    /// Ends `key`'s submission, stored or not.
    public func end(_ key: String) {
        _ = inFlight.withLock { $0.remove(key) }
    }
}
