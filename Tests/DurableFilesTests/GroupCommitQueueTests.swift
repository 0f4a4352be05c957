import DurableFiles
import Foundation
import Synchronization
import XCTest

/// The group-commit queue the shard writers and the audit log share: items reach `commit` in
/// the order they were queued, batched while a commit is running, at most `maxBatchSize` at a
/// time; `stop()` commits what is queued and refuses what comes after.
final class GroupCommitQueueTests: XCTestCase {
    /// Batches seen by `commit`, and a gate that holds the first commit until released.
    private final class Recorder: Sendable {
        let batches = Mutex<[[Int]]>([])
        let gate = DispatchSemaphore(value: 0)
        let firstStarted = DispatchSemaphore(value: 0)
    }

    func testItemsQueuedDuringACommitFormTheNextBatchesInOrder() {
        let recorder = Recorder()
        let queue = GroupCommitQueue<Int>(name: "test-group-commit", maxBatchSize: 4)
        queue.start { batch in
            let first = recorder.batches.withLock { batches in
                batches.append(batch)
                return batches.count == 1
            }
            if first {
                recorder.firstStarted.signal()
                recorder.gate.wait()
            }
        }
        XCTAssertTrue(queue.enqueue(0))
        recorder.firstStarted.wait()
        // While the first commit is held, ten more arrive: batches of at most 4, in order.
        for i in 1...10 { XCTAssertTrue(queue.enqueue(i)) }
        recorder.gate.signal()
        queue.stop()
        XCTAssertEqual(recorder.batches.withLock { $0 }, [[0], [1, 2, 3, 4], [5, 6, 7, 8], [9, 10]])
    }

    func testStopCommitsWhatIsQueuedAndRefusesWhatComesAfter() {
        let recorder = Recorder()
        let queue = GroupCommitQueue<Int>(name: "test-group-commit", maxBatchSize: 100)
        // Queued before the start: committed by the first batch.
        for i in 0..<5 { XCTAssertTrue(queue.enqueue(i)) }
        queue.start { batch in recorder.batches.withLock { $0.append(batch) } }
        queue.stop()
        XCTAssertEqual(recorder.batches.withLock { $0 }.flatMap { $0 }, [0, 1, 2, 3, 4])
        XCTAssertFalse(queue.enqueue(5), "a stopped queue took an item")
        queue.stop()  // a second stop returns at once
        queue.start { _ in XCTFail("a stopped queue started again") }
        XCTAssertEqual(recorder.batches.withLock { $0 }.flatMap { $0 }, [0, 1, 2, 3, 4])
    }

    func testAQueueNeverStartedStopsAtOnce() {
        let queue = GroupCommitQueue<Int>(name: "test-group-commit", maxBatchSize: 1)
        queue.stop()
        XCTAssertFalse(queue.enqueue(1))
    }
}
