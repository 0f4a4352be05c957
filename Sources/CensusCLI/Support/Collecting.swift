import CensusCollection
import CensusCommandLine
import Foundation

/// Hands requests to the collection path concurrently (the shard writers group them into
/// transactions) and waits for every outcome: the CLI is synchronous. The first refusal is thrown.
///
/// - parameter progress: called with the number of outcomes so far, from the writer threads.
func collectAndWait(_ requests: [CollectionRequest], by collector: Collector,
                    progress: (@Sendable (Int, Int?) -> Void)? = nil) throws -> [CollectionOutcome] {
    let results = ResultBox<CollectionOutcome, CollectionError>(count: requests.count)
    let group = DispatchGroup()
    for (i, r) in requests.enumerated() {
        group.enter()
        collector.submit(r) { result in
            let done = results.set(i, result)
            progress?(done, nil)
            group.leave()
        }
    }
    group.wait()
    return try results.values.map { result in
        guard let result else { throw CLIError("a submission was never answered by the store") }
        return try result.get()
    }
}

/// Results arriving on writer threads, by request index.
private final class ResultBox<Success: Sendable, Failure: Error>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<Success, Failure>?]
    private var done = 0
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    /// Stores a result; returns how many there are now.
    @discardableResult
    func set(_ i: Int, _ r: Result<Success, Failure>) -> Int {
        lock.withLock {
            storage[i] = r
            done += 1
            return done
        }
    }
    var values: [Result<Success, Failure>?] { lock.withLock { storage } }
}
