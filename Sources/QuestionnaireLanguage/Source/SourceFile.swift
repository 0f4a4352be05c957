/// A questionnaire source file held in memory, with the line index that turns byte offsets
/// into the line:column positions that diagnostics report.
public struct SourceFile: Sendable {
    /// The name diagnostics print (usually the path as the user typed it).
    public let name: String
    /// The text as UTF-8. Invalid UTF-8 in the input has been replaced (and reported).
    public let bytes: [UInt8]
    /// Byte offsets where each line starts.
    let lineStarts: [Int]
    /// Byte offset of the first invalid UTF-8 sequence in the original input, if any.
    public let firstInvalidUTF8Offset: Int?

    public init(name: String, text: String) {
        self.init(name: name, validBytes: Array(text.utf8), invalidOffset: nil)
    }

    /// Reads raw bytes; invalid UTF-8 is repaired (U+FFFD) so the rest can still be checked.
    public init(name: String, bytes raw: [UInt8]) {
        if String(validating: raw, as: UTF8.self) != nil {
            self.init(name: name, validBytes: raw, invalidOffset: nil)
        } else {
            let offset = SourceFile.firstInvalidOffset(raw)
            self.init(name: name, validBytes: Array(String(decoding: raw, as: UTF8.self).utf8), invalidOffset: offset)
        }
    }

    private init(name: String, validBytes: [UInt8], invalidOffset: Int?) {
        self.name = name
        var bytes = validBytes
        // A UTF-8 byte order mark is not part of the text.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        lineStarts = starts
        firstInvalidUTF8Offset = invalidOffset
    }

    private static func firstInvalidOffset(_ raw: [UInt8]) -> Int {
        var low = 0
        var high = raw.count
        // The longest valid prefix, found by bisection on validity of prefixes (rounded to
        // sequence boundaries by the decoder).
        while low < high {
            let mid = (low + high + 1) / 2
            if String(validating: raw[0..<mid], as: UTF8.self) != nil || isCutSequence(raw, mid) {
                low = mid
            } else {
                high = mid - 1
            }
        }
        return low
    }

    /// Whether `raw[0..<end]` is valid except for a multi-byte sequence cut at `end`.
    private static func isCutSequence(_ raw: [UInt8], _ end: Int) -> Bool {
        var start = end
        while start > 0 && end - start < 3 && raw[start - 1] & 0xC0 == 0x80 { start -= 1 }
        if start > 0 && raw[start - 1] >= 0xC0 { start -= 1 } else { return false }
        return String(validating: raw[0..<start], as: UTF8.self) != nil
    }

    /// 1-based line and column (columns count Unicode scalars) of a byte offset.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let clamped = max(0, min(offset, bytes.count))
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        let start = lineStarts[low]
        var column = 1
        var i = start
        while i < clamped {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return (low + 1, column)
    }

    /// The text of a 1-based line, without its line break.
    public func lineText(_ line: Int) -> String {
        guard line >= 1 && line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    public func text(_ span: Span) -> String {
        String(decoding: bytes[max(0, span.start)..<min(bytes.count, span.end)], as: UTF8.self)
    }
}

/// A range of bytes in a source file.
public struct Span: Sendable, Hashable {
    public var start: Int
    public var end: Int

    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }

    public func to(_ other: Span) -> Span { Span(min(start, other.start), max(end, other.end)) }
    public static let none = Span(0, 0)
}
