import Foundation
import Questionnaire

/// The evaluations of households' answers, kept from one request to the next.
///
/// Every page of the form needs the whole household evaluated (routing, piping, findings):
/// the answer to one page can change which later pages apply. A household's answers change
/// only with its saves, so an evaluation made for save N, in a language, is the one any
/// later request would make again until save N+1: a page's post evaluates the answers once
/// with the page applied, saves them, and the page that follows reuses that evaluation
/// instead of evaluating them again (twice, with the post's own start).
///
/// The journey's screens (``Journey``) depend on the evaluation, the roster's members and the
/// focus alone, so they are kept with it rather than found again.
///
/// A household's evaluation also leaves out the sections of members who answer separately (on
/// individual codes), which can change without a save of its own: it is kept with that focus,
/// and only lent to a request with the same. A person's own return has a key of its own.
///
/// An evaluation memoises what it is asked and is not thread-safe, so it is lent, not
/// shared: ``take(_:sequence:language:)`` removes it, and the request that took it puts it
/// back (``put(_:household:sequence:language:)``) when it is done. Two requests of one
/// household at once simply evaluate twice. Keyed by the save number, it can never be
/// stale: saves from another device or node are read from the shard before the lookup, and
/// raise the number.
final class EvaluationCache: @unchecked Sendable {
    private struct Entry {
        var sequence: Int64
        var language: String
        var focus: String
        var live: LiveEvaluation
        var screens: [Screen]
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    /// The most households kept (each some kilobytes): a node's households answering at once.
    let limit: Int

    init(limit: Int = 4_096) {
        self.limit = max(1, limit)
    }

    /// The evaluation of the answers kept under `household` (a household id, or a person's
    /// individual return key) as of save `sequence`, in `language`, narrowed to `focus` (what
    /// the evaluation leaves out: see ``HouseholdVisit/focusKey(_:)``), with the journey's
    /// screens it gave, if one is kept; the caller owns it until it puts it back.
    func take(_ household: String, sequence: Int64, language: String, focus: String = "") -> (live: LiveEvaluation, screens: [Screen])? {
        lock.withLock {
            guard let entry = entries.removeValue(forKey: household),
                  entry.sequence == sequence, entry.language == language, entry.focus == focus else { return nil }
            return (entry.live, entry.screens)
        }
    }

    /// Keeps `live`, the evaluation of the answers kept under `household` as of save
    /// `sequence`, and `screens`, the journey's screens it gives.
    func put(_ live: LiveEvaluation, screens: [Screen] = [], household: String, sequence: Int64, language: String, focus: String = "") {
        lock.withLock {
            if entries.count >= limit, entries[household] == nil {
                // Forget an arbitrary half: an evaluation is only ever a saving.
                for key in entries.keys.prefix(limit / 2 + 1) { entries[key] = nil }
            }
            entries[household] = Entry(sequence: sequence, language: language, focus: focus, live: live, screens: screens)
        }
    }

    /// The number of households whose evaluation is kept (for tests).
    var count: Int { lock.withLock { entries.count } }
}
