import Foundation
import Logging
import NIOCore
import NIOPosix
import XCTest
@testable import CollectionServer

/// The stall detector: a loop held up is seen as late, and the warning says how the loop's
/// thread spent the time (on a CPU, waiting for one, or neither).
final class EventLoopLagProbeTests: XCTestCase {
    func testSchedStatLinesAreReadAndOthersRefused() {
        XCTAssertEqual(ThreadSchedStat(line: "123456789 4567 89\n")?.runNanoseconds, 123_456_789)
        XCTAssertEqual(ThreadSchedStat(line: "123456789 4567 89\n")?.waitNanoseconds, 4567)
        XCTAssertNil(ThreadSchedStat(line: ""))
        XCTAssertNil(ThreadSchedStat(line: "12 x 3"))
    }

    func testTheThresholdComesFromTheEnvironment() {
        XCTAssertEqual(EventLoopLagProbe.threshold([:]), EventLoopLagProbe.defaultThreshold)
        XCTAssertEqual(EventLoopLagProbe.threshold([EventLoopLagProbe.variable: "25"]), .milliseconds(25))
        XCTAssertNil(EventLoopLagProbe.threshold([EventLoopLagProbe.variable: "off"]))
        XCTAssertEqual(EventLoopLagProbe.threshold([EventLoopLagProbe.variable: "-3"]), EventLoopLagProbe.defaultThreshold)
    }

    /// A loop asleep in a job for 150 ms (as on a lock) is late by about that, blocked; one
    /// spinning for 150 ms is late by about that, running; ticks on time are not reported.
    func testALoopHeldUpIsReportedLateWithWhatItsThreadDid() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let logs = LogCapture()
        var logger = Logger(label: "census.server") { _ in LogCapture.Handler(sink: logs) }
        logger.logLevel = .info
        let lateness = Recorded()
        let probe = EventLoopLagProbe.start(on: group, threshold: .milliseconds(50), logger: logger) { lateness.add($0) }
        defer { probe.stop() }
        let loop = group.next()
        Thread.sleep(forTimeInterval: 0.1)
        try loop.submit { _ = usleep(150_000) }.wait()
        Thread.sleep(forTimeInterval: 0.05)
        try loop.submit {
            let end = Date().addingTimeInterval(0.15)
            while Date() < end {}
        }.wait()
        Thread.sleep(forTimeInterval: 0.05)

        // Each hold-up is one warning (a loaded machine may add others, late for other reasons).
        let late = logs.lines.filter { $0.contains("event loop late") }
        XCTAssertGreaterThanOrEqual(late.count, 2, "\(logs.lines)")
        XCTAssertGreaterThan(lateness.values.max() ?? 0, 100_000_000)
        XCTAssertGreaterThan(lateness.values.count, 5, "every tick is recorded")
        #if os(Linux)
        let asleep = late.filter { Self.value("blocked_ms", in: $0) > 100 && Self.value("ran_ms", in: $0) < 50 }
        let spinning = late.filter {
            Self.value("ran_ms", in: $0) + Self.value("runnable_ms", in: $0) > 100 && Self.value("blocked_ms", in: $0) < 50
        }
        XCTAssertEqual(asleep.count, 1, "the sleep, as blocked: \(late)")
        XCTAssertEqual(spinning.count, 1, "the spin, as running: \(late)")
        #endif
    }

    private final class Recorded: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [Int64] = []
        func add(_ value: Int64) { lock.withLock { stored.append(value) } }
        var values: [Int64] { lock.withLock { stored } }
    }

    private static func value(_ key: String, in line: String) -> Double {
        guard let range = line.range(of: key + "=") else { return -1 }
        return Double(line[range.upperBound...].prefix { $0 == "." || $0.isNumber }) ?? -1
    }
}
