/// A value an expression computes or an answer holds, once decoded from the response.
/// `.unknown` is the third truth value of Kleene logic and also "not answered".
public enum Value: Sendable, Hashable, CustomStringConvertible {
    /// Not answered, or not computable from what is answered.
    case unknown
    /// A truth value (a condition's result).
    case bool(Bool)
    /// A whole number, within ±``maximumExactInteger`` when it comes from an answer.
    case int(Int)
    /// A number with a fractional part.
    case dec(Double)
    /// A text answer or computed text.
    case text(String)
    /// A calendar day.
    case date(CalendarDate)
    /// A month of a year.
    case month(MonthYear)
    /// A length of calendar time (`115y`).
    case duration(CalendarDuration)
    /// A one_of answer, or an option literal.
    case option(String)
    /// An any_of answer (never empty).
    case options([String])
    /// An answer with no comparable value.
    case present
    /// An address answer: its parts can be piped (`{other_address.line1}`); addresses are not compared.
    /// Boxed, so that every other value stays two words (an address is seven): values are copied
    /// on every step of evaluation and held per answer.
    indirect case address(AddressValue)

    /// The largest whole number an `integer` answer may be (and the smallest, negated):
    /// 2^53 - 1 = 9,007,199,254,740,991, the largest up to which every integer is exact in a JSON
    /// reader that holds numbers as doubles (RFC 8259, section 6: JavaScript, most analysis
    /// tools). Beyond it an answer is refused (`out_of_range`) rather than read as another number.
    public static let maximumExactInteger = 9_007_199_254_740_991

    /// Whether the value is anything but ``unknown``.
    public var isKnown: Bool { if case .unknown = self { return false } else { return true } }

    public var description: String {
        switch self {
        case .unknown: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .dec(let d): return String(d)
        case .text(let s): return s
        case .date(let d): return d.iso
        case .month(let m): return m.iso
        case .duration(let d): return d.description
        case .option(let o): return o
        case .options(let os): return os.joined(separator: ", ")
        case .present: return "(answered)"
        case .address(let a): return a.description
        }
    }

    /// The value as it is written in a response or in `derived`: dates and months as ISO text,
    /// options as their codes, ``unknown`` as `null`.
    public var json: JSONValue {
        switch self {
        case .unknown: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .integer(i)
        case .dec(let d): return .double(d)
        case .text(let s): return .string(s)
        case .date(let d): return .string(d.iso)
        case .month(let m): return .string(m.iso)
        case .duration(let d): return .string(d.description)
        case .option(let o): return .string(o)
        case .options(let os): return .array(os.map { .string($0) })
        case .present: return .bool(true)
        case .address(let a): return a.json
        }
    }

    // MARK: Kleene logic and comparison

    /// Equality: `nil` when either side is unknown (or the two cannot be compared).
    ///
    /// Each function below switches on one value and matches the other inside: a switch on the
    /// pair `(a, b)` copied both payloads into the pair (a retain and a release of each string),
    /// and these run for most conditions of every response.
    @inline(__always)
    static func equal(_ a: Value, _ b: Value) -> Bool? {
        switch a {
        case .option(let x): if case .option(let y) = b { return x == y }
        case .int(let x): if case .int(let y) = b { return x == y }
        case .bool(let x): if case .bool(let y) = b { return x == y }
        case .text(let x): if case .text(let y) = b { return x == y }
        case .options(let xs): if case .options(let ys) = b { return Set(xs) == Set(ys) }
        default: break
        }
        guard let c = order(a, b) else { return nil }
        return c == 0
    }

    /// -1, 0, 1; `nil` when unknown or incomparable. Dates and month-years compare at month precision.
    @inline(__always)
    package static func order(_ a: Value, _ b: Value) -> Int? {
        @inline(__always) func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
        switch a {
        case .int(let x):
            if case .int(let y) = b { return cmp(x, y) }
            if case .dec(let y) = b { return compareExactly(x, y) }
        case .dec(let x):
            if case .int(let y) = b { return compareExactly(y, x).map { -$0 } }
            if case .dec(let y) = b { return cmp(x, y) }
        case .date(let x):
            if case .date(let y) = b { return cmp(x, y) }
            if case .month(let y) = b { return cmp(MonthYear(x).monthNumber, y.monthNumber) }
        case .month(let x):
            if case .month(let y) = b { return cmp(x.monthNumber, y.monthNumber) }
            if case .date(let y) = b { return cmp(x.monthNumber, MonthYear(y).monthNumber) }
        case .text(let x): if case .text(let y) = b { return cmp(x, y) }
        case .bool(let x): if case .bool(let y) = b { return x == y ? 0 : (x ? 1 : -1) }
        case .option(let x): if case .option(let y) = b { return x == y ? 0 : nil }
        default: break
        }
        return nil
    }

    /// An integer against a double without rounding the integer (`Double(x)` is inexact beyond
    /// 2^53): -1, 0, 1, or `nil` for NaN.
    static func compareExactly(_ x: Int, _ y: Double) -> Int? {
        if y.isNaN { return nil }
        if y >= 9.223372036854775808e18 { return -1 }
        if y < -9.223372036854775808e18 { return 1 }
        let whole = y.rounded(.towardZero)
        let w = Int(whole)
        if x != w { return x < w ? -1 : 1 }
        return y > whole ? -1 : (y < whole ? 1 : 0)
    }

    static func arithmetic(_ op: Expression.BinaryOperator, _ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            switch op {
            case .add: let (r, o) = x.addingReportingOverflow(y); return o ? .unknown : .int(r)
            case .subtract: let (r, o) = x.subtractingReportingOverflow(y); return o ? .unknown : .int(r)
            case .multiply: let (r, o) = x.multipliedReportingOverflow(by: y); return o ? .unknown : .int(r)
            case .divide:
                if y == 0 { return .unknown }
                return x % y == 0 ? .int(x / y) : .dec(Double(x) / Double(y))
            default: return .unknown
            }
        case (.date(let d), .duration(let u)):
            switch op {
            case .add: return d.adding(u).map(Value.date) ?? .unknown
            case .subtract: return d.adding(u.negated).map(Value.date) ?? .unknown
            default: return .unknown
            }
        case (.month(let m), .duration(let u)):
            switch op {
            case .add: return m.adding(u).map(Value.month) ?? .unknown
            case .subtract: return m.adding(u.negated).map(Value.month) ?? .unknown
            default: return .unknown
            }
        case (.duration(let u), .date(let d)) where op == .add: return d.adding(u).map(Value.date) ?? .unknown
        default:
            guard let x = a.number, let y = b.number else { return .unknown }
            switch op {
            case .add: return .dec(x + y)
            case .subtract: return .dec(x - y)
            case .multiply: return .dec(x * y)
            case .divide: return y == 0 ? .unknown : .dec(x / y)
            default: return .unknown
            }
        }
    }

    package var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .dec(let d): return d
        default: return nil
        }
    }

    package var asDate: CalendarDate? {
        switch self {
        case .date(let d): return d
        case .month(let m): return CalendarDate(year: m.year, month: m.month, day: 1)
        default: return nil
        }
    }
}

/// An address answer's parts, as given (validated by the evaluator first).
public struct AddressValue: Sendable, Hashable, CustomStringConvertible {
    /// The address lines, first line first.
    public var lines: [String]
    /// The town or city, if given.
    public var town: String?
    /// The postcode as written, if given (checked as a UK postcode when the question is UK only).
    public var postcode: String?
    /// The country, if given (for an address outside the UK).
    public var country: String?

    /// Makes an address from its parts.
    public init(lines: [String], town: String? = nil, postcode: String? = nil, country: String? = nil) {
        self.lines = lines
        self.town = town
        self.postcode = postcode
        self.country = country
    }

    /// A part as text; `nil` when the address has no such part.
    public func part(_ p: Expression.AddressPart) -> String? {
        switch p {
        case .line1: return lines.first
        case .line2: return lines.count > 1 ? lines[1] : nil
        case .town: return town
        case .postcode: return postcode
        case .country: return country
        }
    }

    public var description: String { (lines + [town, postcode].compactMap { $0 }).joined(separator: ", ") }

    /// `{"lines": [...], "town", "postcode", "country"}`, absent parts left out: the response format's spelling.
    public var json: JSONValue {
        var o: [String: JSONValue] = ["lines": .array(lines.map { .string($0) })]
        if let town { o["town"] = .string(town) }
        if let postcode { o["postcode"] = .string(postcode) }
        if let country { o["country"] = .string(country) }
        return .object(o)
    }
}
