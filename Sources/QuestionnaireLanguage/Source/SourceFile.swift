/// A questionnaire source file held in memory, with the line index that turns byte offsets
/// into the line:column positions that diagnostics report.
public struct SourceFile: Sendable {
    /// The name diagnostics print (usually the path as the user typed it).
    public let name: String
    /// The text as UTF-8. Invalid UTF-8 in the input has been replaced (and reported).
    public let bytes: [UInt8]
    /// Byte offsets where each line starts.
    let lineStarts: [Int]
    /// How many characters (Unicode scalars) start before each multiple of
    /// `checkpointStride` bytes, so a column is found without scanning a whole long line.
    let scalarCheckpoints: [Int]
    static let checkpointStride = 1024
    /// Byte offset of the first invalid UTF-8 sequence in the original input, if any.
    public let firstInvalidUTF8Offset: Int?

    /// A source held in a string (always valid UTF-8); `name` is what diagnostics print.
    public init(name: String, text: String) {
        self.init(name: name, validBytes: Array(text.utf8), invalidOffset: nil)
    }

    /// Reads raw bytes; invalid UTF-8 is repaired (U+FFFD) so the rest can still be checked.
    public init(name: String, bytes raw: [UInt8]) {
        if String(validating: raw, as: UTF8.self) != nil {
            self.init(name: name, validBytes: raw, invalidOffset: nil)
        } else {
            // Offsets are into the text without its byte order mark.
            let bom = raw.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            let offset = SourceFile.firstInvalidOffset(raw) - bom
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
        var checkpoints: [Int] = []
        checkpoints.reserveCapacity(bytes.count / SourceFile.checkpointStride + 1)
        var scalars = 0
        for (i, b) in bytes.enumerated() {
            if i % SourceFile.checkpointStride == 0 { checkpoints.append(scalars) }
            if b & 0xC0 != 0x80 { scalars += 1 }
            if b == UInt8(ascii: "\n") { starts.append(i + 1) }
        }
        checkpoints.append(scalars)
        lineStarts = starts
        scalarCheckpoints = checkpoints
        firstInvalidUTF8Offset = invalidOffset
    }

    /// The offset of the first byte that starts an invalid sequence: a stray continuation
    /// byte, a byte that can never appear in UTF-8, or the lead byte of a sequence that is
    /// cut short, overlong, a surrogate or beyond U+10FFFF (the rules of RFC 3629).
    static func firstInvalidOffset(_ raw: [UInt8]) -> Int {
        var i = 0
        while i < raw.count {
            let lead = raw[i]
            let length: Int
            var secondRange: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0x00...0x7F: i += 1; continue
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; secondRange = 0xA0...0xBF
            case 0xED: length = 3; secondRange = 0x80...0x9F
            case 0xE1...0xEF: length = 3
            case 0xF0: length = 4; secondRange = 0x90...0xBF
            case 0xF4: length = 4; secondRange = 0x80...0x8F
            case 0xF1...0xF3: length = 4
            default: return i
            }
            guard i + length <= raw.count, secondRange.contains(raw[i + 1]) else { return i }
            for k in 2..<length where raw[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return raw.count
    }

    /// 1-based line and column (columns count Unicode scalars) of a byte offset.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let clamped = max(0, min(offset, bytes.count))
        let line = lineIndex(of: clamped)
        return (line + 1, scalarsBefore(clamped) - scalarsBefore(lineStarts[line]) + 1)
    }

    /// The text of a 1-based line, without its line break.
    public func lineText(_ line: Int) -> String {
        guard line >= 1 && line <= lineStarts.count else { return "" }
        let (start, end) = lineBounds(line)
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The length of a 1-based line in characters (Unicode scalars), without its line break.
    public func lineLength(_ line: Int) -> Int {
        guard line >= 1 && line <= lineStarts.count else { return 0 }
        let (start, end) = lineBounds(line)
        return scalarsBefore(end) - scalarsBefore(start)
    }

    /// Part of a long line around `offset`: up to `before` characters before it and
    /// `length` characters in all, with the 1-based columns the part starts and ends at.
    /// It reads only the bytes it returns, however long the line.
    public func window(around offset: Int, before: Int, length: Int) -> (text: String, startColumn: Int, endColumn: Int) {
        let clamped = max(0, min(offset, bytes.count))
        let line = lineIndex(of: clamped)
        let (lineStart, lineEnd) = lineBounds(line + 1)
        let anchor = min(clamped, lineEnd)
        var from = anchor
        var stepped = 0
        while stepped < before && from > lineStart {
            from -= 1
            if bytes[from] & 0xC0 != 0x80 { stepped += 1 }
        }
        var to = from
        var taken = 0
        while to < lineEnd {
            if bytes[to] & 0xC0 != 0x80 {
                if taken == length { break }
                taken += 1
            }
            to += 1
        }
        let startColumn = scalarsBefore(from) - scalarsBefore(lineStart) + 1
        return (String(decoding: bytes[from..<to], as: UTF8.self), startColumn, startColumn + taken)
    }

    /// 0-based index of the line holding a byte offset.
    private func lineIndex(of offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// Byte range of a 1-based line without its line break (`\n` or `\r\n`).
    private func lineBounds(_ line: Int) -> (start: Int, end: Int) {
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return (start, max(start, end))
    }

    /// How many characters start before a byte offset.
    private func scalarsBefore(_ offset: Int) -> Int {
        let checkpoint = offset / SourceFile.checkpointStride
        var count = scalarCheckpoints[checkpoint]
        var i = checkpoint * SourceFile.checkpointStride
        while i < offset {
            if bytes[i] & 0xC0 != 0x80 { count += 1 }
            i += 1
        }
        return count
    }

    /// The source text of `span` (clamped to the file).
    public func text(_ span: Span) -> String {
        String(decoding: bytes[max(0, span.start)..<min(bytes.count, span.end)], as: UTF8.self)
    }
}

/// A range of bytes in a source file.
public struct Span: Sendable, Hashable {
    /// The 0-based byte offset of the first byte.
    public var start: Int
    /// The byte offset just after the last byte (`end == start` for a point).
    public var end: Int

    /// The bytes `start..<end`.
    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }

    /// The smallest span covering both (a whole expression from its first and last tokens).
    public func to(_ other: Span) -> Span { Span(min(start, other.start), max(end, other.end)) }
    /// The empty span at the start of the file: the place of what the language declares itself
    /// (the built-in `yes_no` list), which has none in the source.
    public static let none = Span(0, 0)
}
