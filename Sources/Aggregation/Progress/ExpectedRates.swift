import Foundation

/// The return rate expected by each day of the collection, against which an area's status is
/// red, amber or green, and whose remaining shape drives the projection.
///
/// A CSV file (`census aggregate --expected FILE`), days counted from census day (0 = census
/// day, -7 a week before), rates as fractions or percentages:
///
/// ```
/// days_from_census_day,expected_return_rate
/// -14,0.05
/// 0,0.60
/// 28,0.88
/// ```
///
/// An optional first column `area` (a local authority or LSOA code) gives an area its own
/// curve; other areas use the rows without an area. Between the days given the rate is
/// interpolated linearly; before the first it is the first, after the last the last.
///
/// The default (``standard``) is illustrative, shaped like the cumulative household return
/// curve of a census with an online-first design (letters three weeks before census day,
/// the peak on census day, reminders and field follow-up after): 5% two weeks before, 20% a
/// week before, 60% on census day, 74% a week after, 88% four weeks after, 94% at eight
/// weeks. An operation replaces it with its own planning assumptions.
public struct ExpectedRates: Sendable, Equatable {
    /// Where the curve came from (a path, or "default").
    public var source: String
    /// (days from census day, rate) sorted by day.
    public var curve: [(day: Int, rate: Double)]
    /// Curves for particular areas.
    public var byArea: [String: [(day: Int, rate: Double)]]

    /// The illustrative default (docs/outputs.md, "Expected rates"): shaped like an online-first
    /// census's cumulative household return curve, from 0% three weeks before census day to 60%
    /// on the day and 94% eight weeks after. An operation replaces it with its own assumptions.
    public static let standard = ExpectedRates(source: "default (docs/outputs.md)", curve: [
        (-21, 0.0), (-14, 0.05), (-7, 0.20), (-3, 0.35), (-1, 0.48), (0, 0.60), (1, 0.64), (3, 0.68), (7, 0.74),
        (14, 0.80), (21, 0.85), (28, 0.88), (42, 0.92), (56, 0.94),
    ], byArea: [:])

    /// The same source and the same curves, point by point (the default and each area's).
    public static func == (a: ExpectedRates, b: ExpectedRates) -> Bool {
        a.source == b.source && a.curve.elementsEqual(b.curve, by: ==)
            && a.byArea.count == b.byArea.count
            && a.byArea.allSatisfy { area, curve in b.byArea[area].map { curve.elementsEqual($0, by: ==) } ?? false }
    }

    /// The expected rate for `area` (local authority or LSOA code, tried in that order) `day`
    /// days from census day.
    public func rate(day: Int, areas: [String] = []) -> Double {
        let curve = areas.lazy.compactMap { byArea[$0] }.first ?? self.curve
        return Self.interpolate(curve, Double(day))
    }

    /// The last day of the curve and its rate: the expected final return rate.
    public func final(areas: [String] = []) -> (day: Int, rate: Double) {
        let curve = areas.lazy.compactMap { byArea[$0] }.first ?? self.curve
        return curve.last ?? (0, 0)
    }

    static func interpolate(_ curve: [(day: Int, rate: Double)], _ day: Double) -> Double {
        guard let first = curve.first, let last = curve.last else { return 0 }
        if day <= Double(first.day) { return first.rate }
        if day >= Double(last.day) { return last.rate }
        for k in 1..<curve.count where Double(curve[k].day) >= day {
            let (d0, r0) = curve[k - 1], (d1, r1) = curve[k]
            return r0 + (r1 - r0) * (day - Double(d0)) / Double(d1 - d0)
        }
        return last.rate
    }

    /// Reads an expected-rates CSV file.
    ///
    /// - throws: ``AggregationError/invalidInput(path:reason:)`` naming the line.
    public static func read(_ url: URL) throws -> ExpectedRates {
        guard let text = String(data: try InputFile.read(url, limit: InputFile.definitionsLimit), encoding: .utf8) else {
            throw AggregationError.invalidInput(path: url.path, reason: "cannot read it as UTF-8 text")
        }
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { String($0) }
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        guard let header = lines.first?.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw AggregationError.invalidInput(path: url.path, reason: "the file is empty")
        }
        guard let dayColumn = header.firstIndex(of: "days_from_census_day"), let rateColumn = header.firstIndex(of: "expected_return_rate") else {
            throw AggregationError.invalidInput(path: url.path, reason: "line 1: the header needs days_from_census_day and expected_return_rate (and optionally area)")
        }
        let areaColumn = header.firstIndex(of: "area")
        var curve: [(Int, Double)] = []
        var byArea: [String: [(Int, Double)]] = [:]
        for (n, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == header.count, let day = Int(fields[dayColumn]) else {
                throw AggregationError.invalidInput(path: url.path, reason: "line \(n + 1): expected \(header.count) fields with a whole number of days")
            }
            var text = fields[rateColumn]
            let percent = text.hasSuffix("%")
            if percent { text.removeLast() }
            guard var rate = Double(text) else {
                throw AggregationError.invalidInput(path: url.path, reason: "line \(n + 1): '\(fields[rateColumn])' is not a rate (0.6 or 60%)")
            }
            if percent || rate > 1 { rate /= 100 }
            guard (0...1).contains(rate) else {
                throw AggregationError.invalidInput(path: url.path, reason: "line \(n + 1): a rate is between 0 and 1 (or 0% and 100%)")
            }
            if let areaColumn, !fields[areaColumn].isEmpty { byArea[fields[areaColumn], default: []].append((day, rate)) } else { curve.append((day, rate)) }
        }
        if curve.isEmpty { curve = standard.curve }
        return ExpectedRates(source: url.path, curve: curve.sorted { $0.0 < $1.0 },
                             byArea: byArea.mapValues { $0.sorted { $0.0 < $1.0 } })
    }
}
