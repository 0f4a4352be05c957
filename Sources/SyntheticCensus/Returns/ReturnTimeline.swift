import AddressFrame
import Foundation
import Questionnaire

/// When and how synthetic households return their census, so that progress by day, the
/// online share and the projection have something realistic to work on.
///
/// The collection period runs from three weeks before census day to seven weeks after:
///
/// - **Whether a household responds** depends on its area: each local authority has a final
///   response propensity between 88% and 97%, and LSOAs vary around it (one in eight is a
///   *lower-response* area, 12 to 25 points below), as field operations find.
/// - **Online** households submit on a day drawn from a curve that rises as letters land
///   (from day -14), peaks sharply on census day (Sunday, in the evening), and decays after,
///   with bumps at the reminders (days +7 and +14). About one in six saves part of the form
///   first (a save a day or so earlier), and 3% save and never submit (in progress).
///   Lower-response areas answer later.
/// - **Paper** households (the area's paper share, 7-20%, more in lower-response areas) are
///   keyed on a later curve: paper questionnaires go out with the letters and with the
///   reminders, and arrive by post; keying happens in working hours.
/// - **Dual returns**: 2% of online respondents also post a paper form later (its
///   completeness decides which is authoritative).
///
/// Everything is a function of the seed and the household's position in the frame, so a
/// household's plan can be computed alone and in any order.
public struct ReturnTimeline: Sendable {
    /// Census day: the collection period runs from day -21 to day +49 around it.
    public let censusDate: CalendarDate
    /// The seed; the same seed and frame give the same plans.
    public let seed: UInt64

    /// What a planned version is.
    public enum Kind: String, Sendable {
        /// An online save (part of the form).
        case save
        /// An online submission.
        case submission
        /// A keyed paper return.
        case paper
    }

    /// One planned version of a household's response.
    public struct Event: Sendable, Hashable {
        /// A save, an online submission or a keyed paper return.
        public var kind: Kind
        /// When it is received.
        public var time: Date
        /// Its number within the household (0, 1, …), for idempotency keys.
        public var serial: Int
    }

    /// A timeline around `censusDate`, drawn from `seed`.
    public init(censusDate: CalendarDate, seed: UInt64) {
        self.censusDate = censusDate
        self.seed = seed
    }

    /// The response propensity of an area (final return rate) and its paper share.
    public func area(lsoa: String, localAuthority: String) -> (propensity: Double, paperShare: Double, lower: Bool) {
        var la = SeededRandom(seed: seed ^ 0xA11A, index: Self.hash(localAuthority))
        var ls = SeededRandom(seed: seed ^ 0x150A, index: Self.hash(lsoa))
        let base = 0.88 + 0.09 * la.unit()
        let lower = ls.chance(0.125)
        var propensity = base + (ls.unit() - 0.5) * 0.06
        if lower { propensity -= 0.12 + 0.13 * ls.unit() }
        let paperShare = 0.07 + 0.08 * la.unit() + (lower ? 0.05 : 0)
        return (min(0.99, max(0.3, propensity)), paperShare, lower)
    }

    /// The versions household `index` (its position in the frame) sends, in time order; empty
    /// when it does not respond.
    public func events(index: Int, lsoa: String, localAuthority: String) -> [Event] {
        let (propensity, paperShare, lower) = area(lsoa: lsoa, localAuthority: localAuthority)
        var rng = SeededRandom(seed: seed ^ 0x7133, index: UInt64(index))
        guard rng.chance(propensity) else {
            // A few non-responders start online and never submit.
            return rng.chance(0.03) ? [Event(kind: .save, time: onlineTime(&rng, lateness: lower ? 1.5 : 1), serial: 0)] : []
        }
        if rng.chance(paperShare) {
            return [Event(kind: .paper, time: paperTime(&rng, lateness: lower ? 1.3 : 1), serial: 0)]
        }
        var events: [Event] = []
        let submitted = onlineTime(&rng, lateness: lower ? 1.5 : 1)
        if rng.chance(1.0 / 6) {
            let earlier = submitted.addingTimeInterval(-Double(rng.int(600...(3 * 86_400))))
            events.append(Event(kind: .save, time: earlier, serial: 0))
        }
        if rng.chance(0.03) { return events.isEmpty ? [Event(kind: .save, time: submitted, serial: 0)] : events }
        events.append(Event(kind: .submission, time: submitted, serial: events.count))
        if rng.chance(0.02) {
            let later = max(submitted.addingTimeInterval(86_400), paperTime(&rng, lateness: 1))
            events.append(Event(kind: .paper, time: later, serial: events.count))
        }
        return events
    }

    // MARK: Curves

    /// Relative weight of online submissions by day from census day.
    static func onlineWeight(_ d: Int) -> Double {
        switch d {
        case ..<(-14): return 0
        case -14...(-3): return 0.4 + 0.12 * Double(d + 14)
        case -2: return 2.6
        case -1: return 4
        case 0: return 13
        case 1: return 4.5
        case 2...6: return 3.2 - 0.35 * Double(d - 2)
        case 7: return 3
        case 8...13: return 2 - 0.12 * Double(d - 8)
        case 14: return 2
        case 15...49: return max(0.15, 1.2 - 0.03 * Double(d - 15))
        default: return 0
        }
    }

    /// Relative weight of paper returns keyed by day from census day.
    static func paperWeight(_ d: Int) -> Double {
        switch d {
        case ..<(-10): return 0
        case -10...(-1): return 0.5
        case 0...5: return 1.8
        case 6...12: return 3
        case 13...20: return 2.4
        case 21...49: return max(0.2, 1.4 - 0.04 * Double(d - 21))
        default: return 0
        }
    }

    static let onlineDays = cumulative(onlineWeight)
    static let paperDays = cumulative(paperWeight)

    static func cumulative(_ weight: (Int) -> Double) -> [(day: Int, upTo: Double)] {
        var total = 0.0
        var out: [(Int, Double)] = []
        for d in -21...49 {
            total += weight(d)
            out.append((d, total))
        }
        return out.map { ($0.0, $0.1 / total) }
    }

    static func draw(_ table: [(day: Int, upTo: Double)], _ u: Double) -> Int {
        table.first { u < $0.upTo }?.day ?? table.last!.day
    }

    /// Later areas: the draw is pushed towards the tail.
    func onlineTime(_ rng: inout SeededRandom, lateness: Double) -> Date {
        let u = pow(rng.unit(), 1 / lateness)
        let day = Self.draw(Self.onlineDays, u)
        // Evenings, most of all on census day.
        let hour = rng.weighted([(7, 0.4), (9, 0.8), (11, 1.0), (13, 1.1), (15, 1.0), (17, 1.6), (19, 2.6), (20, 2.4), (21, 1.8), (22, 0.9), (23, 0.3), (1, 0.1)])
        return time(day: day, hour: hour, &rng)
    }

    func paperTime(_ rng: inout SeededRandom, lateness: Double) -> Date {
        let u = pow(rng.unit(), 1 / lateness)
        let day = Self.draw(Self.paperDays, u)
        return time(day: day, hour: rng.int(8...16), &rng)
    }

    private func time(day: Int, hour: Int, _ rng: inout SeededRandom) -> Date {
        let seconds = (censusDate.dayNumber + day) * 86_400 + hour * 3600 + rng.int(0...3599)
        return Date(timeIntervalSince1970: Double(seconds))
    }

    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }
}
