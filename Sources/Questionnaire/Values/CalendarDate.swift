/// A day in the proleptic Gregorian calendar, with no time of day or time zone: what a date of
/// birth or a census date is.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, 1...9999.
    public var year: Int
    /// The month, 1 (January) ... 12.
    public var month: Int
    /// The day of the month, 1 ... 28–31 as the month has.
    public var day: Int

    /// A date, or `nil` when the day does not exist (30 February) or the year is outside 1...9999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CalendarDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: String) {
        // The common spelling, all digits, read from the bytes; anything else as before.
        if let (y, m, d) = isoDigits(text, 10) {
            self.init(year: y, month: m, day: d)
            return
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var description: String { iso }

    /// `YYYY-MM-DD`, zero-padded (`0999-03-01`): the spelling of responses and schemas.
    public var iso: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Whether `year` has a 29 February in the Gregorian calendar (every 4th year, but not
    /// every 100th, except every 400th).
    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// The number of days of `month` (1...12) in `year`: 28–31.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// Days since 1970-01-01 (negative before it); Howard Hinnant's `days_from_civil`.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date `dayNumber` days after 1970-01-01, or `nil` outside years 1...9999.
    public init?(dayNumber z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.init(year: y, month: m, day: d)
    }

    /// This date moved by a duration. Adding months keeps the day of the month where it exists
    /// and otherwise uses the month's last day (31 January + 1 month = 28 or 29 February).
    public func adding(_ duration: CalendarDuration) -> CalendarDate? {
        switch duration.unit {
        case .days: return CalendarDate(dayNumber: dayNumber + duration.amount)
        case .weeks: return CalendarDate(dayNumber: dayNumber + 7 * duration.amount)
        case .months, .years:
            let months = duration.unit == .years ? duration.amount * 12 : duration.amount
            let total = year * 12 + (month - 1) + months
            let y = total >= 0 ? total / 12 : (total - 11) / 12
            let m = total - y * 12 + 1
            guard (1...9999).contains(y) else { return nil }
            return CalendarDate(year: y, month: m, day: min(day, CalendarDate.daysIn(month: m, year: y)))
        }
    }

    /// Whole years from `start` to `end` (negative when `end` is earlier): a person born on
    /// `start` is this old on `end`. A 29 February birthday counts from 1 March in common years.
    public static func wholeYears(from start: CalendarDate, to end: CalendarDate) -> Int {
        if end < start { return -wholeYears(from: end, to: start) }
        var years = end.year - start.year
        if (end.month, end.day) < (start.month, start.day) { years -= 1 }
        return years
    }
}

/// A year and month without a day: "month and year of arrival".
public struct MonthYear: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, 1...9999.
    public var year: Int
    /// The month, 1 (January) ... 12.
    public var month: Int

    /// A month, or `nil` when the year is outside 1...9999 or the month outside 1...12.
    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`.
    public init?(iso text: String) {
        if let (y, m, _) = isoDigits(text, 7) {
            self.init(year: y, month: m)
            return
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1])
        else { return nil }
        self.init(year: y, month: m)
    }

    /// The month that contains `date`.
    public init(_ date: CalendarDate) {
        year = date.year
        month = date.month
    }

    /// `YYYY-MM`, zero-padded: the spelling of responses and schemas.
    public var iso: String { String(CalendarDate(year: year, month: month, day: 1)!.iso.prefix(7)) }
    public var description: String { iso }

    /// Months since January of year 0; makes month arithmetic and comparison simple.
    public var monthNumber: Int { year * 12 + month - 1 }

    /// The month ``monthNumber`` counts to, or `nil` when it falls outside years 1...9999.
    public init?(monthNumber: Int) {
        let y = monthNumber >= 0 ? monthNumber / 12 : (monthNumber - 11) / 12
        self.init(year: y, month: monthNumber - y * 12 + 1)
    }

    public static func < (a: MonthYear, b: MonthYear) -> Bool { a.monthNumber < b.monthNumber }

    /// Moves by whole months or years; a duration in days or weeks moves the first of the month.
    public func adding(_ duration: CalendarDuration) -> MonthYear? {
        switch duration.unit {
        case .months: return MonthYear(monthNumber: monthNumber + duration.amount)
        case .years: return MonthYear(monthNumber: monthNumber + 12 * duration.amount)
        case .days, .weeks:
            return CalendarDate(year: year, month: month, day: 1)?.adding(duration).map(MonthYear.init)
        }
    }
}

/// A length of calendar time: `115y`, `6m`, `2w`, `30d`.
public struct CalendarDuration: Sendable, Hashable, CustomStringConvertible {
    /// The unit of a duration, spelled by its letter (`y`, `m`, `w`, `d`).
    public enum Unit: String, Sendable, Hashable, CaseIterable {
        /// Calendar years and months (a year from 29 February lands on 28 February), weeks of 7
        /// days, and days.
        case years = "y", months = "m", weeks = "w", days = "d"
    }
    /// How many units; negative to go back in time (`-6m`).
    public var amount: Int
    /// Years, months, weeks or days.
    public var unit: Unit

    /// Makes a duration of `amount` units (`CalendarDuration(115, .years)` is `115y`).
    public init(_ amount: Int, _ unit: Unit) {
        self.amount = amount
        self.unit = unit
    }

    /// Parses `115y`, `-6m`.
    public init?(text: String) {
        guard let last = text.last, let unit = Unit(rawValue: String(last)), let amount = Int(text.dropLast()) else {
            return nil
        }
        self.init(amount, unit)
    }

    /// The same length the other way in time (`115y` → `-115y`).
    public var negated: CalendarDuration { CalendarDuration(-amount, unit) }
    public var description: String { "\(amount)\(unit.rawValue)" }

    /// The shortest and longest this duration can be, in days (a year is 365 or 366 days).
    public var dayRange: ClosedRange<Int> {
        let a = amount
        func ordered(_ x: Int, _ y: Int) -> ClosedRange<Int> { min(x, y)...max(x, y) }
        switch unit {
        case .days: return a...a
        case .weeks: return (7 * a)...(7 * a)
        case .months: return ordered(28 * a, 31 * a)
        case .years: return ordered(365 * a, 366 * a)
        }
    }
}

/// `YYYY-MM-DD` (length 10) or `YYYY-MM` (length 7) with every other byte an ASCII digit: year,
/// month and day (0 for 7), read without splitting the string; `nil` for any other text.
private func isoDigits(_ text: String, _ length: Int) -> (Int, Int, Int)? {
    var text = text
    return text.withUTF8 { u -> (Int, Int, Int)? in
        guard u.count == length, u[4] == UInt8(ascii: "-"), length == 7 || u[7] == UInt8(ascii: "-") else { return nil }
        func number(_ from: Int, _ to: Int) -> Int? {
            var n = 0
            for k in from..<to {
                guard u[k] >= 0x30, u[k] <= 0x39 else { return nil }
                n = n * 10 + Int(u[k] - 0x30)
            }
            return n
        }
        guard let y = number(0, 4), let m = number(5, 7), let d = length == 10 ? number(8, 10) : 0 else { return nil }
        return (y, m, d)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CalendarDate {
    /// Today's date in UTC, from the system clock.
    public static func todayUTC() -> CalendarDate {
        let seconds = Int(time(nil))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        return CalendarDate(dayNumber: days) ?? CalendarDate(year: 1970, month: 1, day: 1)!
    }

    /// The date part of an ISO 8601 timestamp (`2021-03-21T10:15:00+01:00` is 21 March: the
    /// day as written, in the writer's own zone), or `nil` when it does not start with a date.
    public init?(timestampPrefix text: String) {
        guard text.utf8.count >= 10 else { return nil }
        self.init(iso: String(text.prefix(10)))
    }
}
