import Foundation
import Questionnaire

/// Red, amber or green: an area's return rate against the rate expected by now.
public enum RAGStatus: String, Sendable {
    /// At or above the expected rate.
    case green
    /// Below it by at most 7.5 percentage points.
    case amber
    /// Further below.
    case red

    /// The amber band, in percentage points below the expected rate.
    public static let amberBand = 7.5

    init(rate: Double, expected: Double) {
        if rate >= expected - 1e-12 { self = .green }
        else if (expected - rate) * 100 <= Self.amberBand + 1e-9 { self = .amber }
        else { self = .red }
    }
}

/// Progress of one area (all areas, a local authority or an LSOA) as at the run's day.
struct AreaProgress {
    var code: String
    var authority: String
    var households: Int
    var online = 0
    var paper = 0
    var inProgress = 0
    /// Returns of the last seven days (to the as-at day), and how many of them online.
    var recent = 0
    var recentOnline = 0
    var returns: Int { online + paper }
    var returnRate: Double { households == 0 ? 0 : Double(returns) / Double(households) }
    var onlineShare: Double? { returns == 0 ? nil : Double(online) / Double(returns) }
    var expected = 0.0
    var expectedFinal = 0.0
    var status: RAGStatus { RAGStatus(rate: returnRate, expected: expected) }

    /// The projection of the final return rate: the households still to return respond from
    /// now on as the expected curve says households do, i.e. the share of the outstanding
    /// households expected to return after today, (E_final - E_now) / (1 - E_now), is applied to
    /// this area's outstanding households. Once the curve ends, the rate so far.
    var projectedRate: Double {
        guard expected < expectedFinal, expected < 1 else { return returnRate }
        let stillToCome = (expectedFinal - expected) / (1 - expected)
        return min(1, returnRate + (1 - returnRate) * stillToCome)
    }

    /// The projection of the final online share: the projected further returns come online at
    /// the online share of the last seven days' returns (late returns are more often on paper),
    /// or of all returns so far when fewer than 20 came in those days.
    var projectedOnlineShare: Double? {
        guard let share = onlineShare else { return nil }
        let further = (projectedRate - returnRate) * Double(households)
        let recentShare = recent >= 20 ? Double(recentOnline) / Double(recent) : share
        let total = Double(returns) + further
        return total == 0 ? share : (Double(online) + further * recentShare) / total
    }
}

/// The progress figures of a run: per local authority, per LSOA and per day, with the online
/// share beside every return rate, red/amber/green against the expected rate, and the
/// projection. Written to `progress/*.csv` and drawn in the report.
struct ProgressFigures {
    let areas: AreaList
    let target: Double
    let expectedSource: String
    let censusDay: Int
    let timeZone: TimeZone
    /// The day the figures are as at: the local day of the latest version received.
    let asOf: Int?
    let all: AreaProgress
    let authorities: [AreaProgress]
    let lsoas: [AreaProgress]
    /// Per day from the first return to ``asOf``: all areas, then each authority.
    let days: [Int]
    let daily: [String: [(online: Int, paper: Int)]]
    private let expected: ExpectedRates

    init(areas: AreaList, households: [Int], tallies: ProgressTallies, expected: ExpectedRates, censusDate: CalendarDate,
         target: Double, timeZone: TimeZone) {
        self.areas = areas
        self.target = target
        self.expected = expected
        expectedSource = expected.source
        censusDay = censusDate.dayNumber
        self.timeZone = timeZone
        asOf = tallies.latestReceived.map { DayClock(timeZone: timeZone).day(Date(timeIntervalSince1970: $0)) }
        let today = asOf ?? censusDay
        let n = areas.lsoas.count
        var lsoas = (0..<n).map { i in
            AreaProgress(code: areas.lsoas[i], authority: areas.authorities[areas.lsoaAuthority[i]], households: i < households.count ? households[i] : 0)
        }
        for i in 0..<min(n, tallies.inProgress.count) { lsoas[i].inProgress = tallies.inProgress[i] }
        let sortedDays = tallies.returns.keys.sorted()
        var daily: [String: [(Int, Int)]] = [:]
        let first = sortedDays.first ?? today
        let range = sortedDays.isEmpty ? [] : Array(first...max(today, sortedDays.last!))
        var allDaily = Array(repeating: (0, 0), count: range.count)
        var authorityDaily = Array(repeating: Array(repeating: (0, 0), count: range.count), count: areas.authorities.count)
        for day in sortedDays {
            guard let row = tallies.returns[day] else { continue }
            let d = day - first
            for i in 0..<min(n, row.count / 2) {
                let (o, p) = (row[2 * i], row[2 * i + 1])
                if o == 0 && p == 0 { continue }
                lsoas[i].online += o
                lsoas[i].paper += p
                if day > today - 7 {
                    lsoas[i].recent += o + p
                    lsoas[i].recentOnline += o
                }
                allDaily[d].0 += o
                allDaily[d].1 += p
                let a = areas.lsoaAuthority[i]
                authorityDaily[a][d].0 += o
                authorityDaily[a][d].1 += p
            }
        }
        daily["ALL"] = allDaily
        for (a, code) in areas.authorities.enumerated() { daily[code] = authorityDaily[a] }
        self.days = range
        self.daily = daily
        let fromCensusDay = today - censusDay
        var authorities = areas.authorities.map { AreaProgress(code: $0, authority: $0, households: 0) }
        var all = AreaProgress(code: "ALL", authority: "", households: 0)
        for i in lsoas.indices {
            lsoas[i].expected = expected.rate(day: fromCensusDay, areas: [lsoas[i].code, lsoas[i].authority])
            lsoas[i].expectedFinal = expected.final(areas: [lsoas[i].code, lsoas[i].authority]).rate
            let a = areas.lsoaAuthority[i]
            for k in [0, 1] {
                var target = k == 0 ? authorities[a] : all
                target.households += lsoas[i].households
                target.online += lsoas[i].online
                target.paper += lsoas[i].paper
                target.inProgress += lsoas[i].inProgress
                target.recent += lsoas[i].recent
                target.recentOnline += lsoas[i].recentOnline
                if k == 0 { authorities[a] = target } else { all = target }
            }
        }
        for a in authorities.indices {
            authorities[a].expected = expected.rate(day: fromCensusDay, areas: [authorities[a].code])
            authorities[a].expectedFinal = expected.final(areas: [authorities[a].code]).rate
        }
        all.expected = expected.rate(day: fromCensusDay)
        all.expectedFinal = expected.final().rate
        self.all = all
        self.authorities = authorities
        self.lsoas = lsoas
    }

    /// The expected return rate of all areas by local day `day`.
    func expectedRate(day: Int) -> Double { expected.rate(day: day - censusDay) }

    func date(_ day: Int) -> String { CalendarDate(dayNumber: day).map(isoDate) ?? "" }

    var asOfText: String { asOf.map(date) ?? "no returns yet" }

    static let projectionMethod = """
        Projection of the final return rate: the households that have not returned yet are assumed \
        to respond from now on as the expected-rate curve says households do: the share of \
        outstanding households expected to return after today, (E_final - E_now) / (1 - E_now), \
        is applied to the area's outstanding households (E: the expected cumulative return rate). \
        Projection of the online share: those further returns are assumed to come online at the \
        online share of the area's returns of the last seven days (or of all its returns when \
        fewer than 20 came in those days), since late returns are more often on paper.
        """

    static let statusRule = "Status: green when the return rate is at or above the rate expected by this day, amber when it is at most 7.5 percentage points below, red further below."

    // MARK: Files

    func documents() -> [OutputDocument] {
        var out: [OutputDocument] = []
        let header = "area_code,local_authority,households,returns,return_rate,online_share,online_returns,paper_returns,in_progress,expected_return_rate,status,online_target,online_target_met,projected_final_return_rate,projected_final_online_share,as_at\n"
        func line(_ a: AreaProgress) -> String {
            [CSVCell.string(a.code), CSVCell.string(a.authority), String(a.households), String(a.returns), Self.fraction(a.returnRate),
             a.onlineShare.map(Self.fraction) ?? "", String(a.online), String(a.paper), String(a.inProgress), Self.fraction(a.expected),
             a.status.rawValue, Self.fraction(target), a.onlineShare.map { $0 >= target ? "yes" : "no" } ?? "",
             Self.fraction(a.projectedRate), a.projectedOnlineShare.map(Self.fraction) ?? "", asOfText].joined(separator: ",") + "\n"
        }
        let la = header + line(all) + authorities.map(line).joined()
        out.append(OutputDocument(path: "progress/local-authorities.csv", kind: "progress", format: "csv", rows: authorities.count + 1, data: Data(la.utf8)))
        let ls = header + lsoas.map(line).joined()
        out.append(OutputDocument(path: "progress/lsoas.csv", kind: "progress", format: "csv", rows: lsoas.count, data: Data(ls.utf8)))
        var d = "area_code,date,days_from_census_day,online_returns,paper_returns,returns,cumulative_returns,cumulative_return_rate,cumulative_online_share,expected_return_rate\n"
        var rows = 0
        for (code, households) in [("ALL", all.households)] + authorities.map({ ($0.code, $0.households) }) {
            var cumulative = 0, cumulativeOnline = 0
            for (k, day) in days.enumerated() {
                let (o, p) = daily[code]?[k] ?? (0, 0)
                cumulative += o + p
                cumulativeOnline += o
                let rate = households == 0 ? 0 : Double(cumulative) / Double(households)
                d += "\(CSVCell.string(code)),\(date(day)),\(day - censusDay),\(o),\(p),\(o + p),\(cumulative),\(Self.fraction(rate)),\(cumulative == 0 ? "" : Self.fraction(Double(cumulativeOnline) / Double(cumulative))),\(Self.fraction(expected.rate(day: day - censusDay, areas: code == "ALL" ? [] : [code])))\n"
                rows += 1
            }
        }
        out.append(OutputDocument(path: "progress/daily.csv", kind: "progress", format: "csv", rows: rows, data: Data(d.utf8)))
        let method = """
            Progress as at \(asOfText) (\(timeZone.identifier) days), census day \(date(censusDay)).
            A household counts as returned from its first return (an online submission or a paper
            return); the online share is the share of returned households whose first return was online.
            Target online share: \(Self.percent(target)).
            Expected return rates: \(expectedSource).
            \(Self.statusRule)
            \(Self.projectionMethod)

            """
        out.append(OutputDocument(path: "progress/README.txt", kind: "progress", format: "txt", rows: nil, data: Data(method.utf8)))
        return out
    }

    static func fraction(_ x: Double) -> String { String(format: "%.4f", x) }
    /// A rate or share to one decimal place, by the platform's one rounding rule (`percentText`).
    static func percent(_ x: Double) -> String { percentText(x, decimals: 1) }
}
