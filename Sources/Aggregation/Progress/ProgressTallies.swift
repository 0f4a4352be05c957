import Foundation

/// The areas of a run, by index: LSOAs with their local authority, in the frame's order. Kept
/// from run to run (new LSOAs are appended) so that the tallies' indices stay valid.
struct AreaList: Codable, Sendable, Equatable {
    var lsoas: [String] = []
    /// Per LSOA, the index of its local authority in ``authorities``.
    var lsoaAuthority: [Int] = []
    var authorities: [String] = []

    /// Adds the LSOAs of `frame` not known yet; returns households per LSOA index.
    mutating func merge(_ frame: [(lsoa: String, localAuthority: String, households: Int)]) -> [Int] {
        var lsoaIndex = Dictionary(lsoas.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var authorityIndex = Dictionary(authorities.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var households = Array(repeating: 0, count: lsoas.count)
        for row in frame {
            let a: Int
            if let known = authorityIndex[row.localAuthority] { a = known } else {
                a = authorities.count
                authorities.append(row.localAuthority)
                authorityIndex[row.localAuthority] = a
            }
            if let known = lsoaIndex[row.lsoa] {
                households[known] += row.households
            } else {
                lsoaIndex[row.lsoa] = lsoas.count
                lsoas.append(row.lsoa)
                lsoaAuthority.append(a)
                households.append(row.households)
            }
        }
        return households
    }

    func index() -> [String: Int] { Dictionary(lsoas.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a }) }
}

/// Returns per LSOA per day per mode, households in progress (online saves, no return) per
/// LSOA, and the latest time received: additive, so a run adds and takes back households.
struct ProgressTallies: Codable, Sendable, Equatable {
    /// Local day number (days since 1970-01-01 in the run's time zone) -> per LSOA [online, paper].
    var returns: [Int: [Int]] = [:]
    /// Per LSOA.
    var inProgress: [Int] = []
    /// The latest time received of any version read (seconds since 1970), or nil.
    var latestReceived: Double?

    mutating func addReturn(lsoa: Int, day: Int, online: Bool, sign: Int, lsoaCount: Int) {
        // In place: a copy of the day's row (two counts per LSOA, 25 KB at 1,602 LSOAs) for
        // every household was a cost per household that grew with the number of areas.
        if returns[day]?.count ?? 0 < lsoaCount * 2 {
            returns[day, default: []].append(contentsOf: repeatElement(0, count: lsoaCount * 2 - (returns[day]?.count ?? 0)))
        }
        returns[day, default: []][lsoa * 2 + (online ? 0 : 1)] += sign
    }

    mutating func addInProgress(lsoa: Int, sign: Int, lsoaCount: Int) {
        if inProgress.count < lsoaCount { inProgress.append(contentsOf: repeatElement(0, count: lsoaCount - inProgress.count)) }
        inProgress[lsoa] += sign
    }

    mutating func seen(_ time: Date) {
        let t = time.timeIntervalSince1970
        if latestReceived.map({ t > $0 }) ?? true { latestReceived = t }
    }

    mutating func add(_ other: ProgressTallies) {
        for (day, row) in other.returns {
            var mine = returns[day] ?? []
            if mine.count < row.count { mine.append(contentsOf: repeatElement(0, count: row.count - mine.count)) }
            for i in row.indices { mine[i] += row[i] }
            returns[day] = mine
        }
        if inProgress.count < other.inProgress.count { inProgress.append(contentsOf: repeatElement(0, count: other.inProgress.count - inProgress.count)) }
        for i in other.inProgress.indices { inProgress[i] += other.inProgress[i] }
        if let t = other.latestReceived { seen(Date(timeIntervalSince1970: t)) }
    }

    // In the state file a day's row is one string of comma-separated counts ("3,0,12,…"), not
    // a JSON array: JSONEncoder and JSONDecoder spent 0.17 s of CPU per run on the arrays (65
    // days × 3,204 counts at 1,000,000 households), most of an incremental run's fixed cost
    // once the frame's count was cut. Arrays (`census-aggregate-state/1`) are still read.
    private enum CodingKeys: String, CodingKey { case returns, inProgress, latestReceived }

    init() {}

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let packed = try? c.decode([Int: String].self, forKey: .returns) {
            returns = try packed.mapValues { text in
                guard let row = Self.unpack(text) else {
                    throw DecodingError.dataCorruptedError(forKey: .returns, in: c, debugDescription: "not a row of counts")
                }
                return row
            }
        } else {
            returns = try c.decode([Int: [Int]].self, forKey: .returns)
        }
        inProgress = try c.decode([Int].self, forKey: .inProgress)
        latestReceived = try c.decodeIfPresent(Double.self, forKey: .latestReceived)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(returns.mapValues(Self.pack), forKey: .returns)
        try c.encode(inProgress, forKey: .inProgress)
        try c.encodeIfPresent(latestReceived, forKey: .latestReceived)
    }

    /// `[3, 0, -1]` -> `"3,0,-1"`.
    static func pack(_ row: [Int]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(row.count * 3)
        var digits: [UInt8] = []
        for (i, n) in row.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            if n < 0 { bytes.append(UInt8(ascii: "-")) }
            var m = n.magnitude
            digits.removeAll(keepingCapacity: true)
            repeat {
                digits.append(UInt8(ascii: "0") + UInt8(m % 10))
                m /= 10
            } while m > 0
            bytes.append(contentsOf: digits.reversed())
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The inverse of ``pack(_:)``; nil when `text` is not counts separated by commas.
    static func unpack(_ text: String) -> [Int]? {
        var row: [Int] = []
        var value = 0, negative = false, digits = 0
        func end() -> Bool {
            guard digits > 0 else { return false }
            row.append(negative ? -value : value)
            value = 0; negative = false; digits = 0
            return true
        }
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard digits < 18 else { return nil }
                value = value * 10 + Int(b - UInt8(ascii: "0"))
                digits += 1
            case UInt8(ascii: "-") where digits == 0 && !negative: negative = true
            case UInt8(ascii: ","): guard end() else { return nil }
            default: return nil
            }
        }
        if text.isEmpty { return [] }
        return end() ? row : nil
    }

    /// Drops days whose counts are all zero (a run that took back the only returns of a day),
    /// so full and incremental runs hold the same tallies.
    mutating func normalise() {
        for (day, row) in returns where row.allSatisfy({ $0 == 0 }) { returns[day] = nil }
        while inProgress.last == 0 { inProgress.removeLast() }
    }
}

/// Local days in a time zone (Europe/London by default: a return at 00:30 BST on 28 March is a
/// return of 28 March). Offsets are cached by hour.
final class DayClock {
    let timeZone: TimeZone
    private var cache: [Int: Int] = [:]

    init(timeZone: TimeZone) { self.timeZone = timeZone }

    /// Days since 1970-01-01 of the local date of `date`.
    func day(_ date: Date) -> Int {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let hour = seconds >= 0 ? seconds / 3600 : (seconds - 3599) / 3600
        let offset: Int
        if let known = cache[hour] { offset = known } else {
            offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hour * 3600)))
            cache[hour] = offset
        }
        let local = seconds + offset
        return local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
    }
}
