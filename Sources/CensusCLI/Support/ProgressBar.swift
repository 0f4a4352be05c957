import CensusCommandLine
import Foundation
import Questionnaire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A progress bar for long jobs, on standard error, drawn only when standard error is a
/// terminal (a log file or a pipe gets nothing), redrawn at most ten times a second, from any
/// thread:
///
///     issuing codes [##############----------]  57% 570000/1000000, 31000/s, 14 s left
///
/// With no total it shows the count and the rate. ``finish()`` clears the line so the job's
/// own report follows on a clean line.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let enabled: Bool
    private let started = FileIO.now()
    private let lock = NSLock()
    private var total: Int?
    private var lastDraw = 0.0
    private var drawn = false

    /// - parameter total: the count at which the job is done, if known.
    /// - parameter quiet: draw nothing (asked for, or the job's own output goes to the same terminal).
    init(_ label: String, total: Int?, quiet: Bool = false) {
        self.label = label
        self.total = total
        enabled = !quiet && isatty(2) == 1
    }

    /// Whether the bar is drawn at all (standard error is a terminal and quiet was not asked).
    var isEnabled: Bool { enabled }

    /// `done` so far; `total` corrects the total; `note` is shown after the figures (made only
    /// when the line is drawn: a job may report progress for every record it reads).
    func update(_ done: Int, of total: Int? = nil, note: @autoclosure () -> String? = nil) {
        guard enabled else { return }
        lock.withLock {
            if let total { self.total = total }
            let now = FileIO.now()
            guard now - lastDraw >= 0.1 else { return }
            lastDraw = now
            drawn = true
            let elapsed = now - started
            let rate = elapsed > 0 ? Int(Double(done) / elapsed) : 0
            var line = "\r  \(label) "
            if let total = self.total, total > 0 {
                let share = min(1, Double(done) / Double(total))
                let filled = Int(share * 24)
                line += "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: 24 - filled) + "] "
                let percent = percentText(share)
                line += String(repeating: " ", count: max(0, 4 - percent.count)) + percent + " \(done)/\(total), \(rate)/s"
                if share > 0.01 { line += String(format: ", %.0f s left", elapsed / share - elapsed) }
            } else {
                line += "\(done), \(rate)/s"
            }
            if let note = note() { line += ", " + note }
            FileIO.writeError(line + "\u{1B}[K")
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
