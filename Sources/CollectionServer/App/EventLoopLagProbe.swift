import DurableFiles
import Foundation
import Logging
import NIOCore
import NIOPosix

/// A stall detector for the event loops: how late each loop runs a timer, and, when it is late
/// by more than a threshold, what the loop's thread did meanwhile.
///
/// A loop owns its connections, so anything that keeps it from its timers keeps it from all of
/// them: a long job on the loop, the thread waiting for a CPU, or the thread blocked off the
/// CPU (a lock, a disk read, a page fault). Each loop runs a tick every ``interval``; a tick's
/// lateness is the time since the previous tick's end minus the interval. Every lateness goes
/// into `census_event_loop_lag_seconds` (``ServerMetrics``); one over ``threshold`` is also a
/// warning line:
///
/// ```
/// warning census.server: event loop late [late_ms=118.2 loop=NIO-SGLTN-1-#0 ran_ms=4.1 runnable_ms=1.3 blocked_ms=122.8 monotonic=81234.567]
/// ```
///
/// `ran_ms`, `runnable_ms` and `blocked_ms` split the time since the previous tick (the
/// interval and the lateness) into the loop thread's time on a CPU, waiting for one, and
/// neither (asleep: idle in `epoll_wait` or blocked), from the kernel's
/// `/proc/thread-self/schedstat` (sched-stats.rst). `monotonic` is `CLOCK_MONOTONIC` in
/// seconds when the late tick ran, the clock of `perf record -k CLOCK_MONOTONIC`, so a stall can
/// be found in a profile taken at the same time.
///
/// The threshold is ``variable`` in milliseconds (default 100; `off` runs no probe). Where
/// `/proc` has no schedstat, only the lateness is given.
public enum EventLoopLagProbe {
    /// The environment variable with the warning threshold in milliseconds, or `off`.
    public static let variable = "CENSUS_LOOP_LAG_MS"
    /// The warning threshold when ``variable`` is unset.
    public static let defaultThreshold = TimeAmount.milliseconds(100)
    /// How often each loop ticks.
    public static let interval = TimeAmount.milliseconds(10)

    /// The threshold ``variable`` asks for: nil for `off`, the default when unset or unreadable.
    public static func threshold(_ environment: [String: String]) -> TimeAmount? {
        guard let text = environment[variable]?.trimmingCharacters(in: .whitespaces) else { return defaultThreshold }
        if text.lowercased() == "off" { return nil }
        guard let ms = Int(text), ms > 0 else { return defaultThreshold }
        return .milliseconds(Int64(ms))
    }

    /// The probe on the server's loops (Hummingbird's default group,
    /// `MultiThreadedEventLoopGroup.singleton`), as ``variable`` in `environment` asks: lateness
    /// into `metrics`, warnings to `logger`. ``Running/stop()`` ends it.
    public static func start(environment: [String: String], logger: Logger, metrics: ServerMetrics) -> Running {
        guard let threshold = threshold(environment) else { return Running(tasks: []) }
        return start(on: .singleton, threshold: threshold, logger: logger) { metrics.loopLag(nanoseconds: $0) }
    }

    /// Starts a tick on every loop of `group`.
    ///
    /// - parameter record: each tick's lateness in nanoseconds (called on the loop).
    static func start(on group: MultiThreadedEventLoopGroup, threshold: TimeAmount, logger: Logger,
                      record: @escaping @Sendable (Int64) -> Void) -> Running {
        Running(tasks: group.makeIterator().map { loop in
            let state = NIOLoopBoundBox.makeBoxSendingValue(LoopClock(), eventLoop: loop)
            return loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                state.value.tick(threshold: threshold, logger: logger, record: record)
            }
        })
    }

    /// A running probe: one repeated task per loop.
    public struct Running: Sendable {
        let tasks: [RepeatedTask]

        /// Stops every loop's tick (a tick already running finishes).
        public func stop() { for task in tasks { task.cancel() } }
    }
}

/// One loop's probe state, only ever touched on its loop.
struct LoopClock: Sendable {
    /// `CLOCK_MONOTONIC` at the end of the previous tick, in nanoseconds (0 before the first).
    private var previousEnd: UInt64 = 0
    private var previousStat = ThreadSchedStat()
    private var stat: ThreadSchedStatReader?

    mutating func tick(threshold: TimeAmount, logger: Logger, record: @Sendable (Int64) -> Void) {
        if stat == nil { stat = ThreadSchedStatReader() }
        let now = Self.monotonicNanoseconds
        let current = stat?.read() ?? ThreadSchedStat()
        if previousEnd != 0 {
            let elapsed = Int64(now &- previousEnd)
            let late = max(0, elapsed - EventLoopLagProbe.interval.nanoseconds)
            record(late)
            if late > threshold.nanoseconds {
                var metadata: Logger.Metadata = [
                    "loop": .string(ThreadName.current() ?? "?"),
                    "late_ms": .string(Self.ms(late)),
                    "monotonic": .string(String(format: "%.3f", Double(now) / 1e9)),
                ]
                if current.isKnown && previousStat.isKnown {
                    let ran = Int64(current.runNanoseconds &- previousStat.runNanoseconds)
                    let runnable = Int64(current.waitNanoseconds &- previousStat.waitNanoseconds)
                    metadata["ran_ms"] = .string(Self.ms(ran))
                    metadata["runnable_ms"] = .string(Self.ms(runnable))
                    metadata["blocked_ms"] = .string(Self.ms(max(0, elapsed - ran - runnable)))
                }
                logger.warning("event loop late", metadata: metadata)
            }
        }
        previousStat = current
        previousEnd = Self.monotonicNanoseconds
    }

    /// `CLOCK_MONOTONIC` now, in nanoseconds (NIO's deadlines read that clock on Linux).
    static var monotonicNanoseconds: UInt64 { NIODeadline.now().uptimeNanoseconds }

    private static func ms(_ nanoseconds: Int64) -> String { String(format: "%.1f", Double(nanoseconds) / 1e6) }
}
