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

    /// A `.batch` queue's thread runs under SCHED_BATCH (Linux), and so do threads it starts; a
    /// `.normal` one keeps the default policy.
    func testABatchQueuesThreadIsScheduledAsBatch() {
        #if os(Linux)
        for (scheduling, expected) in [(GroupCommitQueue<Int>.Scheduling.batch, Int32(3)), (.normal, Int32(SCHED_OTHER))] {
            let seen = Mutex<[Int32]>([])
            let queue = GroupCommitQueue<Int>(name: "test-scheduling", maxBatchSize: 4, scheduling: scheduling)
            queue.start { _ in
                seen.withLock { $0.append(sched_getscheduler(0)) }
                let child = Thread { seen.withLock { $0.append(sched_getscheduler(0)) } }
                child.start()
                while seen.withLock({ $0.count }) < 2 { usleep(1000) }
            }
            XCTAssertTrue(queue.enqueue(1))
            queue.stop()
            XCTAssertEqual(seen.withLock { $0 }, [expected, expected], "\(scheduling): the writer, then a thread it started")
        }
        #endif
    }

    /// The kernel shows a queue's thread by its name (`ps -L`): without the leading `census-`,
    /// which with the index would not fit Linux's 15 bytes.
    func testTheQueuesThreadCarriesItsNameForTheKernel() throws {
        #if os(Linux)
        let seen = Mutex<String?>(nil)
        let queue = GroupCommitQueue<Int>(name: "census-shard-writer-3", maxBatchSize: 4)
        queue.start { _ in
            let comm = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
            seen.withLock { $0 = comm?.trimmingCharacters(in: .newlines) }
        }
        XCTAssertTrue(queue.enqueue(1))
        queue.stop()
        XCTAssertEqual(seen.withLock { $0 }, "shard-writer-3")
        #endif
    }

    func testKernelNamesFitFifteenBytesWithoutSplittingACharacter() {
        XCTAssertEqual(ThreadName.kernelName("census-audit-writer"), "audit-writer")
        XCTAssertEqual(ThreadName.kernelName("census-shard-writer-12"), "shard-writer-12")
        XCTAssertEqual(ThreadName.kernelName("test-group-commit-queue"), "test-group-comm")
        // "é" is 2 bytes: 14 ASCII bytes and it would make 16.
        XCTAssertEqual(ThreadName.kernelName("abcdefghijklmné"), "abcdefghijklmn")
    }
}
