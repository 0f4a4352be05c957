import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A progress bar for long jobs, on standard error, drawn only when standard error is a
/// terminal (a log file or a pipe gets nothing): `  issuing codes [########      ] 57% 570000/1000000`.
///
/// Redrawn at most ten times a second, from any thread; ``finish()`` clears the line so the
/// job's own report follows on a clean line.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let lock = NSLock()
    private var total: Int
    private var lastDraw = 0.0
    private var drawn = false
    private let enabled: Bool

    /// - parameter quiet: draw nothing (when the job's own output goes to the same terminal).
    init(_ label: String, total: Int, quiet: Bool = false) {
        self.label = label
        self.total = max(total, 1)
        enabled = !quiet && isatty(2) == 1
    }

    /// `done` of the total are done (`total` may be corrected).
    func update(_ done: Int, of total: Int? = nil) {
        guard enabled else { return }
        lock.withLock {
            if let total { self.total = max(total, 1) }
            let now = FileIO.now()
            guard now - lastDraw >= 0.1 || done >= self.total else { return }
            lastDraw = now
            drawn = true
            let share = min(1, Double(done) / Double(self.total))
            let filled = Int(share * 30)
            let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: 30 - filled)
            FileIO.writeError("\r  \(label) [\(bar)] \(Int(share * 100))% \(done)/\(self.total)\u{1B}[K")
        }
    }

    /// Clears the bar's line.
    func finish() {
        lock.withLock {
            if drawn { FileIO.writeError("\r\u{1B}[K") }
            drawn = false
        }
    }
}
