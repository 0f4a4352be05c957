import CensusCollection
import Foundation

/// Hands requests to the collection path concurrently (the shard writers group them into
/// transactions) and waits for every outcome: the CLI is synchronous. The first refusal is thrown.
func collectAndWait(_ requests: [CollectionRequest], by collector: Collector) throws -> [CollectionOutcome] {
    let results = ResultBox<CollectionOutcome, CollectionError>(count: requests.count)
    let group = DispatchGroup()
    for (i, r) in requests.enumerated() {
        group.enter()
        collector.submit(r) { result in
            results.set(i, result)
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
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<Success, Failure>) { lock.withLock { storage[i] = r } }
    var values: [Result<Success, Failure>?] { lock.withLock { storage } }
}
