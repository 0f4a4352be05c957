import Foundation

/// Households read, rate and time left on standard error, redrawn at most ten times a second.
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let total: Int?
    private let started = Date()
    private let lock = NSLock()
    private var last = Date.distantPast
    private var drawn = false

    init(enabled: Bool, total: Int?) {
        self.enabled = enabled
        self.total = total
    }

    func update(households: Int, versions: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.1 else { return }
        last = now
        let elapsed = now.timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(households) / elapsed : 0
        var line = "\r  \(Aggregate.grouped(households)) households read, \(Aggregate.grouped(Int(rate)))/s"
        if let total, total > 0 {
            let fraction = min(1, Double(versions) / Double(total))
            let width = 24
            let filled = Int(fraction * Double(width))
            let left = fraction > 0.01 ? elapsed / fraction - elapsed : 0
            line = "\r  [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
                + String(format: "%3.0f%%", fraction * 100) + line.dropFirst(1) + (fraction > 0.01 ? String(format: ", %.0f s left", left) : "")
        }
        FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
        drawn = true
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }
}
