import Foundation

/// Counts access-code attempts and locks out a client that guesses, or a household whose
/// code is being used too often (see ``LoginLimits``).
///
/// A sliding window per key: the times of the recent events are kept, and a key is locked
/// while ``LoginLimits`` events fall within the window; it unlocks by itself once the oldest
/// leaves it. State is in memory: a restart forgets it (the limits only slow guessing; with
/// 2^76 codes, guessing is hopeless anyway), and memory is bounded by dropping the keys
/// idle longest when there are too many.
final class LoginThrottle: @unchecked Sendable {
    enum Verdict: Equatable {
        case allowed
        /// Locked; try again after this many seconds.
        case locked(retryAfter: Int)
    }

    private let limits: LoginLimits
    private let lock = NSLock()
    private var failures: [String: [Double]] = [:]
    private var signIns: [String: [Double]] = [:]
    private let maxKeys = 100_000
    private let now: @Sendable () -> Double

    init(limits: LoginLimits, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.limits = limits
        self.now = now
    }

    private var window: Double { Double(limits.window.components.seconds) }

    /// Whether a client may try a code now.
    func clientVerdict(_ client: String) -> Verdict {
        lock.withLock { verdict(&failures, client, limit: limits.failuresPerClient) }
    }

    /// Whether a household may sign in now (checked once its code is known to be right).
    func householdVerdict(_ household: String) -> Verdict {
        lock.withLock { verdict(&signIns, household, limit: limits.signInsPerHousehold) }
    }

    func recordFailure(client: String) {
        lock.withLock { record(&failures, client) }
    }

    func recordSignIn(household: String) {
        lock.withLock { record(&signIns, household) }
    }

    private func verdict(_ table: inout [String: [Double]], _ key: String, limit: Int) -> Verdict {
        let t = now()
        guard var times = table[key] else { return .allowed }
        times.removeAll { $0 <= t - window }
        table[key] = times.isEmpty ? nil : times
        guard times.count >= limit, let oldest = times.first else { return .allowed }
        return .locked(retryAfter: max(1, Int((oldest + window - t).rounded(.up))))
    }

    private func record(_ table: inout [String: [Double]], _ key: String) {
        let t = now()
        var times = table[key] ?? []
        times.removeAll { $0 <= t - window }
        times.append(t)
        // Keep at most what the limits need to see.
        if times.count > 64 { times.removeFirst(times.count - 64) }
        table[key] = times
        if table.count > maxKeys {
            let stale = table.filter { ($0.value.last ?? 0) <= t - window }.map(\.key)
            for k in stale { table[k] = nil }
            if table.count > maxKeys {
                // Still too many live keys: forget the quietest half rather than grow without bound.
                let sorted = table.sorted { ($0.value.last ?? 0) < ($1.value.last ?? 0) }
                for (k, _) in sorted.prefix(table.count / 2) { table[k] = nil }
            }
        }
    }
}
