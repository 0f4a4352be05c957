import Foundation

/// The fields of a posted HTML form (`application/x-www-form-urlencoded`), in order, with
/// repeated names kept (a group of checkboxes posts one field per ticked box).
struct FormFields: Sendable {
    /// At most this many fields: a census page has far fewer; more is not a browser's form.
    static let maximumCount = 2000

    let pairs: [(name: String, value: String)]
    /// Each name's first value: the keying page posts some 200 fields and its save reads some
    /// 300 names, and a scan of the pairs for each was 8% of the save's CPU in a profile.
    private let firstValues: [String: String]

    init(_ pairs: [(String, String)]) {
        self.pairs = pairs.map { (name: $0.0, value: $0.1) }
        firstValues = Self.firstValues(self.pairs)
    }

    private static func firstValues(_ pairs: [(name: String, value: String)]) -> [String: String] {
        var values: [String: String] = [:]
        values.reserveCapacity(pairs.count)
        for pair in pairs where values[pair.name] == nil { values[pair.name] = pair.value }
        return values
    }

    /// Parses a URL-encoded body; nil when it is not valid (bad percent-encoding, not UTF-8,
    /// or too many fields).
    init?(urlEncoded body: String) {
        if body.isEmpty {
            self.init([])
            return
        }
        let items = body.split(separator: "&", omittingEmptySubsequences: true)
        guard items.count <= Self.maximumCount else { return nil }
        var parsed: [(String, String)] = []
        parsed.reserveCapacity(items.count)
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { return nil }
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            guard let value else { return nil }
            parsed.append((name, value))
        }
        self.init(parsed)
    }

    /// `+` as a space and `%XX` as its byte, the bytes read as UTF-8; nil for a `%` not
    /// followed by two hex digits, or bytes that are not UTF-8. (In one pass over the bytes, by
    /// hand: Foundation's `replacingOccurrences` and `removingPercentEncoding` go through
    /// NSString on Linux, twice for every field of every page posted, and with base64url were
    /// 5.5% of a page request's CPU in the profile (BENCHMARKS.md, "Where a request's CPU
    /// goes"); Hummingbird's own decoder of this is package-internal, and its public
    /// `URLEncodedFormDecoder` decodes into a `Decodable`, losing repeated names' order.)
    static func decode(_ s: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var i = s.utf8.startIndex
        let end = s.utf8.endIndex
        while i < end {
            let c = s.utf8[i]
            switch c {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                let h = s.utf8.index(after: i)
                guard h < end, s.utf8.index(after: h) < end,
                      let high = hexValue(s.utf8[h]), let low = hexValue(s.utf8[s.utf8.index(after: h)]) else { return nil }
                bytes.append(high << 4 | low)
                i = s.utf8.index(h, offsetBy: 2)
                continue
            default:
                bytes.append(c)
            }
            i = s.utf8.index(after: i)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    /// The first value of `name`.
    func first(_ name: String) -> String? { firstValues[name] }

    /// Every value of `name`, in order.
    func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// The first value of `name` with surrounding white space removed; nil when absent or blank.
    func trimmed(_ name: String) -> String? {
        guard let v = first(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }
}
