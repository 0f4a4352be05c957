/// Splits what a user hands to `census validate` into responses: one JSON document (which may be
/// pretty-printed over many lines) or an NDJSON stream (one response per line).
public enum ResponseInput {
    /// One response of the input and where it starts.
    public struct Item: Equatable, Sendable {
        /// 1-based line of the input where the response starts.
        public var line: Int
        /// The response's UTF-8 bytes: a slice of the input (not copied); a stream's line without its `\n`.
        public var bytes: ArraySlice<UInt8>
    }

    /// The responses of `input`, and whether it is a stream (NDJSON) rather than one document.
    /// An input of only whitespace (or only a byte order mark) holds no response.
    public static func split(_ input: [UInt8]) -> (items: [Item], isStream: Bool) {
        var bytes = input[...]
        // Editors on Windows often save a UTF-8 byte order mark; RFC 8259 lets a reader ignore it.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var lines: [Item] = []
        var start = bytes.startIndex, line = 1
        for k in bytes.startIndex...bytes.endIndex where k == bytes.endIndex || bytes[k] == UInt8(ascii: "\n") {
            let slice = bytes[start..<k]
            if slice.contains(where: { !isBlank($0) }) { lines.append(Item(line: line, bytes: slice)) }
            start = k + 1
            line += 1
        }
        if lines.isEmpty { return ([], false) }
        let whole = Item(line: 1, bytes: bytes)
        if lines.count == 1 || (try? JSONParser.parse(bytes)) != nil { return ([whole], false) }
        // Not valid JSON as a whole. Reading a broken pretty-printed document line by line would
        // report every line as a broken response; it is a stream only if its first line is a
        // whole record (ends with '}') or some line holds a response of its own.
        let first = lines[0].bytes.reversed().drop(while: isBlank)
        if first.first == UInt8(ascii: "}") || lines.contains(where: isObject) { return (lines, true) }
        // Pretty-printed responses one after another (`census generate --pretty`).
        if let documents = documents(bytes), documents.count > 1 { return (documents, true) }
        return ([whole], false)
    }

    /// The JSON values of `bytes` one after another (the first broken one and all after it as
    /// the last item), or nil when the first is broken.
    private static func documents(_ bytes: ArraySlice<UInt8>) -> [Item]? {
        let array = Array(bytes)
        return array.withUnsafeBufferPointer { buffer -> [Item]? in
            var cursor = JSONParser.Cursor(bytes: buffer)
            var items: [Item] = []
            var line = 1, counted = 0
            cursor.skipWhitespace()
            while cursor.index < buffer.count {
                let start = cursor.index
                for k in counted..<start where buffer[k] == UInt8(ascii: "\n") { line += 1 }
                counted = start
                let offset = bytes.startIndex
                guard (try? cursor.parseValue(depth: 0)) != nil else {
                    // The rest is one broken response, reported where it starts.
                    if items.isEmpty { return nil }
                    items.append(Item(line: line, bytes: bytes[(offset + start)...]))
                    return items
                }
                items.append(Item(line: line, bytes: bytes[(offset + start)..<(offset + cursor.index)]))
                cursor.skipWhitespace()
            }
            return items
        }
    }

    private static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0D || b == 0x09 || b == 0x0A }

    private static func isObject(_ item: Item) -> Bool {
        if case .object? = try? JSONParser.parse(item.bytes) { return true }
        return false
    }
}
