import Foundation

/// A value worked out on a thread of its own while the caller does other work: the run's
/// households per LSOA are counted from the frame (a scan of every household) while the
/// schemas are compiled and the previous run's state is read, on a core that is otherwise idle
/// before the workers start.
final class BackgroundValue<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Written once on the thread before `done` is signalled; read only after waiting on it.
    private var result: Result<Value, any Error>?

    /// Starts `work` on a new thread.
    init(_ work: @escaping @Sendable () throws -> Value) {
        let thread = Thread {
            self.result = Result { try work() }
            self.done.signal()
        }
        thread.start()
    }

    /// Waits for the work to end (at once when it has); rethrows what it threw. Any number of
    /// calls, from one thread at a time.
    func value() throws -> Value {
        done.wait()
        defer { done.signal() }
        return try result!.get()
    }
}
