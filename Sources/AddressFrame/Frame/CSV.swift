import Foundation

/// A minimal RFC 4180 CSV reader and writer that keeps line numbers.
///
/// Fields may be quoted with `"`; a quote inside a quoted field is doubled;
/// quoted fields may hold commas and line breaks. Lines end with LF or CRLF.
public enum CSV {
    /// One record and the (1-based) line on which it starts.
    public struct Record: Sendable {
        public var line: Int
        public var fields: [String]
    }

    /// A syntax error: an unterminated quote or a stray quote.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Parses `data` (UTF-8). Blank lines are skipped. Syntax errors are
    /// returned per record so that a caller can report all of them; the
    /// parser resynchronises at the next line break.
    public static func parse(_ data: Data) -> (records: [Record], errors: [SyntaxError]) {
        var records: [Record] = []
        var errors: [SyntaxError] = []
        let bytes = [UInt8](data)
        var i = 0
        var line = 1
        // Skip a UTF-8 byte order mark.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        let n = bytes.count
        while i < n {
            let startLine = line
            var fields: [String] = []
            var field: [UInt8] = []
            var bad: String?
            var endOfRecord = false
            var atFieldStart = true
            while i < n && !endOfRecord {
                let b = bytes[i]
                if atFieldStart && b == UInt8(ascii: "\"") {
                    // Quoted field.
                    i += 1
                    var closed = false
                    while i < n {
                        let c = bytes[i]
                        if c == UInt8(ascii: "\"") {
                            if i + 1 < n && bytes[i + 1] == UInt8(ascii: "\"") {
                                field.append(c)
                                i += 2
                                continue
                            }
                            i += 1
                            closed = true
                            break
                        }
                        if c == UInt8(ascii: "\n") { line += 1 }
                        field.append(c)
                        i += 1
                    }
                    if !closed {
                        bad = "unterminated quoted field"
                        break
                    }
                    atFieldStart = false
                    // After a closing quote: comma, line end or end of input.
                    if i < n && bytes[i] != UInt8(ascii: ",") && bytes[i] != UInt8(ascii: "\n") && bytes[i] != UInt8(ascii: "\r") {
                        bad = "unexpected character after a closing quote"
                    }
                    continue
                }
                atFieldStart = false
                switch b {
                case UInt8(ascii: ","):
                    fields.append(text(field, &bad))
                    field.removeAll(keepingCapacity: true)
                    atFieldStart = true
                    i += 1
                case UInt8(ascii: "\r") where i + 1 < n && bytes[i + 1] == UInt8(ascii: "\n"):
                    i += 2
                    line += 1
                    endOfRecord = true
                case UInt8(ascii: "\n"):
                    i += 1
                    line += 1
                    endOfRecord = true
                case UInt8(ascii: "\""):
                    if bad == nil { bad = "a quote inside an unquoted field (quote the whole field and double the quote)" }
                    field.append(b)
                    i += 1
                default:
                    field.append(b)
                    i += 1
                }
            }
            fields.append(text(field, &bad))
            if let bad {
                errors.append(SyntaxError(line: startLine, message: bad))
                if i >= n { break }
                continue
            }
            if fields.count == 1 && fields[0].isEmpty { continue } // blank line
            records.append(Record(line: startLine, fields: fields))
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

    /// Quotes a field when needed.
    public static func escape(_ field: String) -> String {
        if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }

    /// One CSV line (with trailing LF).
    public static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\n"
    }
}
