/// A strict JSON parser over UTF-8 bytes (RFC 8259): it rejects trailing commas, comments,
/// invalid UTF-8 and unpaired surrogates, and reports the byte offset, line and column of the
/// first problem. Nesting is limited (``maximumDepth``) so hostile input cannot exhaust the stack.
///
/// Numbers: integers that fit an `Int` are `.integer`; every other number is `.double`, and one
/// beyond the range of `Double` (`1e400`), which is still valid JSON, is `.double(±.infinity)`.
public struct JSONParser {
    /// The first problem in the input and where it is.
    public struct Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        /// What is wrong (`duplicate member name "dob"`, `unexpected text after the JSON value`).
        public var message: String
        /// The 0-based byte offset of the problem in the input.
        public var offset: Int
        /// The 1-based line of the problem (lines end at `\n`).
        public var line: Int
        /// The 1-based column of the problem, counted in bytes from the start of its line.
        public var column: Int
        public var description: String { "line \(line), column \(column): \(message)" }
    }

    /// The default nesting limit (a compiled schema nests each level of an expression two deep).
    public static let maximumDepth = 256
    /// The nesting limit for household responses, which nest about 5 deep: far below what any
    /// thread's stack can take, a server worker's 512 KB included.
    public static let maximumResponseDepth = 64

    /// Parses a whole document held in a string (its UTF-8 bytes).
    ///
    /// ```swift
    /// let value = try JSONParser.parse(#"{"tenure": "rents"}"#)   // .object(["tenure": .string("rents")])
    /// ```
    /// - Throws: ``Error`` at the first problem, including nesting deeper than `maximumDepth`
    ///   arrays and objects, and anything after the document but whitespace.
    public static func parse(_ text: String, maximumDepth: Int = JSONParser.maximumDepth) throws(Error) -> JSONValue {
        try parse(Array(text.utf8), maximumDepth: maximumDepth)
    }

    /// Parses a whole document from UTF-8 bytes; contiguous input (arrays, slices, `Data`'s
    /// buffer) is read in place without a copy.
    ///
    /// - Throws: ``Error`` at the first problem, as the `String` overload.
    public static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes, maximumDepth: Int = JSONParser.maximumDepth) throws(Error) -> JSONValue {
        // Contiguous input (arrays, slices, buffers) is read in place, without a copy.
        let direct: Result<JSONValue, Error>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(Error) -> JSONValue in try parse(buffer: buffer, maximumDepth: maximumDepth) }
        }
        if let direct { return try direct.get() }
        return try Array(bytes).withUnsafeBufferPointer { (buffer) throws(Error) -> JSONValue in
            try parse(buffer: buffer, maximumDepth: maximumDepth)
        }
    }

    static func parse(buffer: UnsafeBufferPointer<UInt8>, maximumDepth: Int = JSONParser.maximumDepth) throws(Error) -> JSONValue {
        var parser = Cursor(bytes: buffer)
        parser.maximumDepth = maximumDepth
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.index != buffer.count { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        /// The members of the objects being read, innermost last.
        var members: [Member] = []
        var maximumDepth = JSONParser.maximumDepth

        struct Member {
            var key: String
            var value: JSONValue
            /// Where its value ends.
            var end: Int
        }

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func error(_ message: String) -> Error {
            var line = 1
            var lineStart = 0
            var i = 0
            let end = min(index, bytes.count)
            while i < end {
                if bytes[i] == UInt8(ascii: "\n") { line += 1; lineStart = i + 1 }
                i += 1
            }
            return Error(message: message, offset: index, line: line, column: index - lineStart + 1)
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws(Error) -> JSONValue {
            guard index < bytes.count else { throw error("unexpected end of input: expected a value") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectWord("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            default: throw error("unexpected character \(describe(bytes[index])): expected a value")
            }
        }

        func describe(_ byte: UInt8) -> String {
            if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x" + String(byte, radix: 16)
        }

        mutating func expectWord(_ word: StaticString) throws(Error) {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw error("unexpected end of input") }
            let start = word.utf8Start
            for k in 0..<count where bytes[index + k] != start[k] {
                throw error("invalid literal: expected \(word)")
            }
            index += count
        }

        mutating func parseObject(depth: Int) throws(Error) -> JSONValue {
            if depth > maximumDepth { throw error("nesting deeper than \(maximumDepth) levels") }
            index += 1
            skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "}") { index += 1; return .object([:]) }
            // Members are gathered on a stack shared by all levels and put in a dictionary of the
            // right size at the end (growing one member by member rehashes every key at each
            // doubling). A duplicate name is still reported as the first problem in document
            // order: where its value ends, unless an earlier problem came first, and before any
            // later one (see ``firstDuplicate(from:count:)``).
            let base = members.count
            defer { members.removeSubrange(base...) }
            do throws(Error) {
                while true {
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                        throw error("expected a member name in double quotes")
                    }
                    let key = try parseString()
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after member name") }
                    index += 1
                    skipWhitespace()
                    let value = try parseValue(depth: depth)
                    members.append(Member(key: key, value: value, end: index))
                    skipWhitespace()
                    guard index < bytes.count else { throw error("unexpected end of input: unclosed object") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "}") { index += 1; break }
                    throw error("expected ',' or '}' in object")
                }
            } catch {
                throw firstDuplicate(from: base, count: members.count - base) ?? error
            }
            let count = members.count - base
            var object = [String: JSONValue](minimumCapacity: count)
            for k in base..<members.count where object.updateValue(members[k].value, forKey: members[k].key) != nil {
                let end = index
                defer { index = end }
                index = members[k].end
                throw error("duplicate member name \"\(members[k].key)\"")
            }
            return .object(object)
        }

        /// The error for the first member (of the `count` complete ones from `base`) whose name
        /// repeats an earlier one, at the end of its value: where the problem was found when
        /// members were checked one by one. A problem met later in the object (or inside a later
        /// member) comes after it in the document.
        mutating func firstDuplicate(from base: Int, count: Int) -> Error? {
            var seen = Set<String>(minimumCapacity: count)
            for k in base..<(base + count) where !seen.insert(members[k].key).inserted {
                let end = index
                defer { index = end }
                index = members[k].end
                return error("duplicate member name \"\(members[k].key)\"")
            }
            return nil
        }

        mutating func parseArray(depth: Int) throws(Error) -> JSONValue {
            if depth > maximumDepth { throw error("nesting deeper than \(maximumDepth) levels") }
            index += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                skipWhitespace()
                items.append(try parseValue(depth: depth))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input: unclosed array") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                throw error("expected ',' or ']' in array")
            }
        }

        mutating func parseNumber() throws(Error) -> JSONValue {
            let start = index
            var isInteger = true
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                isInteger = false
                index += 1
                guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number: digits expected after '.'") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                isInteger = false
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number: digits expected in exponent") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            // Up to 18 digits cannot overflow an Int: read them directly. Longer ones go through
            // `Int(_:)`, which decides what fits (and `Int.min`).
            let digits = index - start - (bytes[start] == UInt8(ascii: "-") ? 1 : 0)
            if isInteger, digits <= 18 {
                var value = 0
                for k in (index - digits)..<index { value = value &* 10 &+ Int(bytes[k] &- 0x30) }
                return .integer(bytes[start] == UInt8(ascii: "-") ? -value : value)
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if isInteger, let value = Int(text) { return .integer(value) }
            // Valid JSON, however large: a number beyond every `Double` reads as an infinity, so
            // that the reader of the value (the evaluator: `out_of_range` at its path) decides.
            guard let value = Double(text) else { throw error("invalid number") }
            return .double(value)
        }

        @inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

        mutating func parseString() throws(Error) -> String {
            index += 1  // opening quote
            let start = index
            // Fast path: no escapes, plain ASCII or valid UTF-8.
            var high: UInt8 = 0
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    // ASCII is valid UTF-8: no validation pass needed.
                    if high < 0x80 { return String(decoding: slice, as: UTF8.self) }
                    guard let s = String(validating: slice, as: UTF8.self) else {
                        index = start
                        throw error("invalid UTF-8 in string")
                    }
                    return s
                }
                if b == UInt8(ascii: "\\") { break }
                if b < 0x20 { throw error("control character in string: escape it") }
                high |= b
                index += 1
            }
            var scratch: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    index += 1
                    guard let s = String(validating: scratch, as: UTF8.self) else { throw error("invalid UTF-8 in string") }
                    return s
                }
                if b < 0x20 { throw error("control character in string: escape it") }
                if b != UInt8(ascii: "\\") { scratch.append(b); index += 1; continue }
                index += 1
                guard index < bytes.count else { break }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): scratch.append(0x22)
                case UInt8(ascii: "\\"): scratch.append(0x5C)
                case UInt8(ascii: "/"): scratch.append(0x2F)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate in \\u escape")
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw error("unpaired surrogate in \\u escape")
                    }
                    scratch.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
                default: throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
                }
            }
            throw error("unexpected end of input: unterminated string")
        }

        mutating func parseHex4() throws(Error) -> UInt32 {
            guard index + 4 <= bytes.count else { throw error("incomplete \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[index]
                let digit: UInt32
                switch b {
                case 0x30...0x39: digit = UInt32(b - 0x30)
                case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
                default: throw error("invalid hex digit in \\u escape")
                }
                value = value * 16 + digit
                index += 1
            }
            return value
        }
    }
}
