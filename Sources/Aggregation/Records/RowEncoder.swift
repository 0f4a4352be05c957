import Foundation
import AddressFrame
import Questionnaire

/// Writes one table's rows as NDJSON and CSV at once, straight into byte buffers: the current
/// blocks of the table's two export files, lent for each household (``lend(json:csv:)``).
///
/// NDJSON: one object per line, keys in column order, strings escaped as RFC 8259 requires
/// (UTF-8 kept as it is). A column with no value is left out of the object (as BigQuery's JSON
/// exports do: most of a person's questions are not asked of them, and writing `null` for each
/// more than doubles the bytes to compress), except in a row encoded with ``explicitNulls``,
/// which lists every column: each file's first row, so that a reader that infers columns from
/// the first rows (DuckDB) finds them all. CSV (RFC 4180): a header line, `,` between cells,
/// LF line ends, cells quoted when they hold `,`, `"`, CR or LF (quotes doubled); an empty cell
/// is no value. A text cell that a spreadsheet would run as a formula (it begins with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) is neutralised with a leading `'` (``CSVCell``).
/// Numbers are never neutralised: `-3` stays a number.
struct RowEncoder {
    let columns: [ExportColumn]
    /// Each column's JSON key (`{"name":` for the first, `,"name":` for the others), read for
    /// every cell through plain pointers: taking an array of arrays' element retained and
    /// released it for every cell. ``keyStorage`` owns the memory (shared by copies).
    private let keyBytes: UnsafePointer<UInt8>
    private let keyStarts: UnsafePointer<Int>
    private let keyStorage: KeyStorage
    /// The NDJSON and CSV bytes the rows are appended to (the files' blocks while lent).
    private(set) var json = UncompressedBytes()
    private(set) var csv = UncompressedBytes()
    /// Where a value that needs escaping, or is written by a function of `[UInt8]` (dates,
    /// times, numbers), is made before it is copied into a buffer: reused from value to value.
    private var scratch: [UInt8] = []
    /// Rows ended since the buffers were lent.
    private(set) var rows = 0
    /// Write `"column":null` for columns with no value (see above); cleared at the end of each row.
    var explicitNulls = false
    private var column = 0

    init(table: ExportTable) {
        columns = table.columns
        keyStorage = KeyStorage(table.columns.enumerated().map { i, c in Array(((i == 0 ? "{\"" : ",\"") + c.name + "\":").utf8) })
        keyBytes = UnsafePointer(keyStorage.bytes)
        keyStarts = UnsafePointer(keyStorage.starts)
    }

    /// The CSV header line.
    var csvHeader: [UInt8] {
        var out: [UInt8] = []
        for (i, c) in columns.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            CSVCell.append(text: c.name, to: &out)
        }
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// Takes the buffers the next household's rows are appended to: each file's current block
    /// (``BlockFileWriter/block``). The rows are encoded in place rather than into a buffer of
    /// their own and copied into the block: that copy moved 4.3 GB in an aggregation of
    /// 1,000,000 households.
    mutating func lend(json: UncompressedBytes, csv: UncompressedBytes) {
        self.json = json
        self.csv = csv
        rows = 0
    }

    /// The rows appended since ``lend(json:csv:)``.
    func takeBack() -> Int { rows }

    // MARK: Cells, in column order

    @inline(__always) private mutating func next() {
        precondition(column < columns.count, "a row has more cells than columns")
        json.append(keyBytes + keyStarts[column], count: keyStarts[column + 1] - keyStarts[column])
        if column > 0 { csv.append(UInt8(ascii: ",")) }
        column += 1
    }

    /// No value. Inlined: most cells of a row are not asked of the person (1.8 million at
    /// 10,000 households), and the call cost more than the comma it writes.
    @inline(__always) mutating func null() {
        if explicitNulls {
            explicitNull()
            return
        }
        // The key is left out of the JSON object; the CSV cell is empty.
        if column > 0 { csv.append(UInt8(ascii: ",")) }
        column += 1
    }

    /// `"column":null` in the NDJSON (``explicitNulls``), an empty CSV cell.
    @inline(never) private mutating func explicitNull() {
        next()
        appendNull()
    }

    /// `null`, in the NDJSON only (the CSV cell stays empty).
    @inline(__always) private func appendNull() {
        json.reserve(4)
        json.append(0x6E); json.append(0x75); json.append(0x6C); json.append(0x6C)
    }

    mutating func text(_ s: String) {
        next()
        if !Self.writePlain(s, json: json, csv: csv) { escaped(s) }
    }

    /// Writes `s` as it is in both formats (or only NDJSON, `csv` nil) when it is plain (``isPlain(_:)``: one pass decides
    /// for both, and most texts, option ids, names and places, are), reading it in place;
    /// `false`, having written nothing, when it is not.
    ///
    /// Static, with the buffers as arguments: a closure of a mutating method that reads them
    /// from `self` retained and released them for every text (1.2% of a full run's CPU).
    @inline(__always) private static func writePlain(_ s: String, json: UncompressedBytes, csv: UncompressedBytes?) -> Bool {
        s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard isPlain(bytes) else { return false }
            json.reserve(bytes.count + 2)
            json.append(UInt8(ascii: "\""))
            json.append(bytes)
            json.append(UInt8(ascii: "\""))
            csv?.append(bytes)
            return true
        } ?? false
    }

    /// A text that needs escaping in one of the formats, through the writers of `[UInt8]`.
    private mutating func escaped(_ s: String) {
        scratch.removeAll(keepingCapacity: true)
        JSONText.append(s, to: &scratch)
        json.append(scratch)
        scratch.removeAll(keepingCapacity: true)
        CSVCell.append(text: s, to: &scratch)
        csv.append(scratch)
    }

    /// Whether `bytes` are written as they are both in a JSON string and as a CSV cell: not
    /// empty, not starting with a byte a spreadsheet reads as a formula, and holding no quote,
    /// backslash, comma or control character. (One scan where the two writers scanned the text
    /// once each, which was a tenth of the row writer's time.)
    ///
    /// Eight bytes at a time (``mayNeedEscaping(_:)``), then the last few one by one: a byte
    /// at a time was about a third of the instructions of writing a text cell (callgrind, stop 27).
    @inline(__always) static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, let first = bytes.first, !CSVCell.startsFormula(first) else { return false }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= bytes.count {
            if mayNeedEscaping(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) { return false }
            i += 8
        }
        while i < bytes.count {
            let b = base[i]
            if b < 0x20 || b == 0x22 || b == 0x5C || b == 0x2C { return false }
            i += 1
        }
        return true
    }

    /// Whether any of the eight bytes in `w` is a quote, a backslash, a comma or below 0x20
    /// (the classic "has a zero byte" test on `w` xor each byte, and "has a byte less than
    /// 0x20" on `w`: exact as a yes or no for the word, whatever its other bytes, UTF-8 included).
    @inline(__always) static func mayNeedEscaping(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = w ^ (ones &* 0x22)
        let backslash = w ^ (ones &* 0x5C)
        let comma = w ^ (ones &* 0x2C)
        let found = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((comma &- ones) & ~comma)
            | ((w &- ones &* 0x20) & ~w)
        return found & highs != 0
    }

    /// `names[i]` for each `i` of `indices`, separated by spaces, as one text (the
    /// `not_answered` column): written straight into both formats when every name is plain
    /// (``isPlain(_:)``), without making the text first.
    mutating func words(_ indices: [Int], of names: [String]) {
        if indices.isEmpty {
            // What `text("")` writes (`""` in the NDJSON, an empty CSV cell), without making an
            // empty text and escaping it for each of the many rows with nothing left unanswered.
            next()
            json.reserve(2)
            json.append(UInt8(ascii: "\""))
            json.append(UInt8(ascii: "\""))
            return
        }
        var plain = true
        for i in indices where plain {
            plain = names[i].utf8.withContiguousStorageIfAvailable { Self.isPlain($0) } ?? false
        }
        guard plain else {
            text(indices.map { names[$0] }.joined(separator: " "))
            return
        }
        next()
        json.append(UInt8(ascii: "\""))
        for (k, i) in indices.enumerated() {
            if k > 0 {
                json.append(UInt8(ascii: " "))
                csv.append(UInt8(ascii: " "))
            }
            json.append(utf8: names[i])
            csv.append(utf8: names[i])
        }
        json.append(UInt8(ascii: "\""))
    }

    /// A value known to need no escaping in either format (an option id, a date, a code).
    mutating func plain(_ s: String) {
        next()
        json.append(UInt8(ascii: "\""))
        json.append(utf8: s)
        json.append(UInt8(ascii: "\""))
        csv.append(utf8: s)
    }

    /// Like ``plain(_:)``, for a value that `write` appends as bytes (a date), made once and
    /// copied into each format without making a string.
    @inline(__always) private mutating func plainBytes(_ write: (inout [UInt8]) -> Void) {
        next()
        scratch.removeAll(keepingCapacity: true)
        write(&scratch)
        json.append(UInt8(ascii: "\""))
        json.append(scratch)
        json.append(UInt8(ascii: "\""))
        csv.append(scratch)
    }

    /// A time as ``Timestamps/iso(_:)`` writes it.
    mutating func timestamp(_ date: Date) {
        plainBytes { Timestamps.append(date, to: &$0) }
    }

    mutating func integer(_ n: Int) {
        next()
        json.appendDecimal(n)
        csv.appendDecimal(n)
    }

    mutating func number(_ d: Double) {
        next()
        guard d.isFinite else {
            appendNull()
            return
        }
        let s = d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        json.append(utf8: s)
        csv.append(utf8: s)
    }

    mutating func boolean(_ b: Bool) {
        next()
        let s = b ? "true" : "false"
        json.append(utf8: s)
        csv.append(utf8: s)
    }

    /// Option ids (any_of): an array in NDJSON, `a;b` in CSV.
    mutating func list(_ items: [String]) {
        next()
        json.append(UInt8(ascii: "["))
        var plain = true
        for (i, item) in items.enumerated() {
            if i > 0 { json.append(UInt8(ascii: ",")) }
            // `a;b` needs no quoting when every item is plain (the first not a formula).
            if !Self.writePlain(item, json: json, csv: nil) {
                plain = false
                scratch.removeAll(keepingCapacity: true)
                JSONText.append(item, to: &scratch)
                json.append(scratch)
            }
        }
        json.append(UInt8(ascii: "]"))
        if plain {
            for (i, item) in items.enumerated() {
                if i > 0 { csv.append(UInt8(ascii: ";")) }
                csv.append(utf8: item)
            }
        } else {
            scratch.removeAll(keepingCapacity: true)
            CSVCell.append(text: items.joined(separator: ";"), to: &scratch)
            csv.append(scratch)
        }
    }

    /// Ends the row.
    mutating func end() {
        precondition(column == columns.count, "a row must fill every column")
        json.reserve(2)
        json.append(UInt8(ascii: "}"))
        json.append(UInt8(ascii: "\n"))
        csv.append(UInt8(ascii: "\n"))
        column = 0
        rows += 1
        explicitNulls = false
    }

    /// A value as the column's type shows it.
    mutating func value(_ v: Value) {
        switch v {
        case .unknown: null()
        case .bool(let b): boolean(b)
        case .int(let i): integer(i)
        case .dec(let d): number(d)
        case .text(let s): text(s)
        case .date(let d): plainBytes { appendISODate(d, to: &$0) }
        case .month(let m): plainBytes { appendISOMonth(m, to: &$0) }
        case .duration(let d): text(d.description)
        case .option(let o): text(o)
        case .options(let os): list(os)
        case .present: boolean(true)
        case .address(let a): text(a.description)
        }
    }
}

/// The bytes of a table's JSON keys in one allocation (``RowEncoder``): key `i` is
/// `bytes[starts[i]..<starts[i + 1]]`. Never changed after it is made; freed with the last
/// encoder that holds it.
private final class KeyStorage {
    let bytes: UnsafeMutablePointer<UInt8>
    let starts: UnsafeMutablePointer<Int>

    init(_ keys: [[UInt8]]) {
        let total = keys.reduce(0) { $0 + $1.count }
        bytes = .allocate(capacity: max(1, total))
        starts = .allocate(capacity: keys.count + 1)
        var at = 0
        for (i, key) in keys.enumerated() {
            starts[i] = at
            for (k, b) in key.enumerated() { bytes[at + k] = b }
            at += key.count
        }
        starts[keys.count] = at
    }

    deinit {
        bytes.deallocate()
        starts.deallocate()
    }
}

/// `YYYY-MM-DD` without going through string interpolation of three numbers.
func isoDate(_ d: CalendarDate) -> String {
    var b: [UInt8] = []
    b.reserveCapacity(10)
    appendISODate(d, to: &b)
    return String(decoding: b, as: UTF8.self)
}

func isoMonth(_ m: MonthYear) -> String {
    var b: [UInt8] = []
    appendISOMonth(m, to: &b)
    return String(decoding: b, as: UTF8.self)
}

/// `YYYY-MM-DD` appended to `out`.
@inline(__always) func appendISODate(_ d: CalendarDate, to out: inout [UInt8]) {
    appendPadded(d.year, 4, to: &out)
    out.append(UInt8(ascii: "-"))
    appendPadded(d.month, 2, to: &out)
    out.append(UInt8(ascii: "-"))
    appendPadded(d.day, 2, to: &out)
}

/// `YYYY-MM` appended to `out`.
@inline(__always) func appendISOMonth(_ m: MonthYear, to out: inout [UInt8]) {
    appendPadded(m.year, 4, to: &out)
    out.append(UInt8(ascii: "-"))
    appendPadded(m.month, 2, to: &out)
}

/// `n` in decimal, with leading zeros up to `width` digits. The digits are counted first and
/// written in place (no array of digits per number: the export writes millions of them).
@inline(__always) func appendPadded(_ n: Int, _ width: Int, to out: inout [UInt8]) {
    let count = decimalDigits(n.magnitude)
    if n < 0 { out.append(UInt8(ascii: "-")) }
    // The leading zeros and the digits' places in one append (two cost twice: a timestamp
    // has six numbers), the digits then written over the last `count`.
    let start = out.count + max(0, width - count)
    out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(width, count)))
    out.withUnsafeMutableBufferPointer { writeDigits(n.magnitude, count, to: $0.baseAddress! + start) }
}

/// How many decimal digits `v` has (1 for 0).
@inline(__always) func decimalDigits(_ v: UInt) -> Int {
    var count = 1
    var rest = v
    while rest >= 10 { rest /= 10; count += 1 }
    return count
}

/// Writes the `count` (``decimalDigits(_:)``) decimal digits of `v` from `start` on.
@inline(__always) func writeDigits(_ v: UInt, _ count: Int, to start: UnsafeMutablePointer<UInt8>) {
    var v = v
    var k = count - 1
    repeat {
        start[k] = UInt8(ascii: "0") + UInt8(v % 10)
        v /= 10
        k -= 1
    } while v > 0
}

/// JSON strings, escaped as RFC 8259 requires: `"`, `\` and control characters.
enum JSONText {
    static func append(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { append($0, to: &out) }
    }

    /// ``append(_:to:)`` for a string's UTF-8 bytes.
    static func append(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var clean = true
        for b in bytes where b < 0x20 || b == 0x22 || b == 0x5C { clean = false; break }
        if clean {
            out.append(contentsOf: bytes)
        } else {
            for b in bytes {
                switch b {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 15)]])
                default: out.append(b)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// One CSV cell of text, as every CSV this module writes holds it: through the project's one
/// cell writer, ``CSV/appendCell(_:to:)`` (AddressFrame), which neutralises a cell a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR first, unless it is a plain
/// number: `=WEBSERVICE(…)` sends data away; OWASP, "CSV Injection") with a leading `'`, and
/// quotes it as RFC 4180 asks.
enum CSVCell {
    /// True when `first` is a byte that makes a spreadsheet read the cell as a formula.
    @inline(__always) static func startsFormula(_ first: UInt8) -> Bool { CSV.startsFormula(first) }

    static func append(text s: String, to out: inout [UInt8]) { CSV.appendCell(s, to: &out) }

    /// The cell as a string (for the small CSV files: dictionary, progress, tables).
    static func string(_ s: String) -> String { CSV.escape(s) }
}
