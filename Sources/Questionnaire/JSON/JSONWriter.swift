/// Writes ``JSONValue`` as canonical JSON: object keys sorted by their UTF-8 bytes, integers in
/// decimal, doubles in Swift's shortest round-trip spelling, strings with only the escapes JSON
/// requires. Equal values always give equal bytes.
public struct JSONWriter {
    /// Indent nested values by two spaces and put each member on its own line.
    public var pretty: Bool

    /// A writer; compact by default (the form the schema hash is computed over).
    public init(pretty: Bool = false) { self.pretty = pretty }

    /// The canonical UTF-8 bytes of `value`; pretty output ends with a newline, compact has none.
    ///
    /// ```swift
    /// JSONWriter().string(["b": 1, "a": [true, .null]])   // {"a":[true,null],"b":1}
    /// ```
    public func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(value, into: &out, depth: 0)
        if pretty { out.append(UInt8(ascii: "\n")) }
        return out
    }

    /// The same bytes as ``bytes(_:)``, as a string.
    public func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    private func newline(_ out: inout [UInt8], _ depth: Int) {
        guard pretty else { return }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
    }

    private func write(_ value: JSONValue, into out: inout [UInt8], depth: Int) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .integer(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d):
            if d.isFinite, d.rounded() == d, abs(d) < 1e15 {
                out.append(contentsOf: String(Int(d)).utf8)
            } else if d.isFinite {
                out.append(contentsOf: "\(d)".utf8)
            } else if d.isNaN {
                out.append(contentsOf: "null".utf8)
            } else {
                // An infinity (a number beyond every Double, as ``JSONParser`` reads one) is
                // written as a number that reads back as the same infinity, not as null.
                out.append(contentsOf: (d < 0 ? "-1e999" : "1e999").utf8)
            }
        case .string(let s): JSONWriter.writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            if items.isEmpty { out.append(UInt8(ascii: "]")); return }
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, depth + 1)
                write(item, into: &out, depth: depth + 1)
            }
            newline(&out, depth)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            if members.isEmpty { out.append(UInt8(ascii: "}")); return }
            // The members themselves sorted (keys are unique, so the order is the keys'): no
            // look-up of each value by its key.
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, member) in sorted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, depth + 1)
                JSONWriter.writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                write(member.value, into: &out, depth: depth + 1)
            }
            newline(&out, depth)
            out.append(UInt8(ascii: "}"))
        }
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { u in
            // Runs of bytes that need no escape are copied whole.
            var start = 0
            for k in 0..<u.count {
                let byte = u[k]
                if byte >= 0x20, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") { continue }
                if k > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: u[start..<k])) }
                start = k + 1
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
                case UInt8(ascii: "\n"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
                default:
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0xF)])
                }
            }
            if u.count > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: u[start..<u.count])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
