import Foundation

/// The fields of a posted HTML form (`application/x-www-form-urlencoded`), in order, with
/// repeated names kept (a group of checkboxes posts one field per ticked box).
struct FormFields: Sendable {
    /// At most this many fields: a census page has far fewer; more is not a browser's form.
    static let maximumCount = 2000

    let pairs: [(name: String, value: String)]
    /// Each name's first value: the keying page posts some 200 fields and its save reads some
    /// 300 names, and a scan of the pairs for each was 8% of the save's CPU in a profile.
    /// Empty for at most ``scanLimit`` pairs, which are scanned instead: the keying save makes
    /// such a small form for every choice keyed (its codes as a page's post), and building a
    /// dictionary for each was the larger cost.
    private let firstValues: [String: String]
    private static let scanLimit = 8

    init(_ pairs: [(String, String)]) {
        self.pairs = pairs.map { (name: $0.0, value: $0.1) }
        firstValues = self.pairs.count > Self.scanLimit ? Self.firstValues(self.pairs) : [:]
    }

    private static func firstValues(_ pairs: [(name: String, value: String)]) -> [String: String] {
        var values: [String: String] = [:]
        values.reserveCapacity(pairs.count)
        for pair in pairs where values[pair.name] == nil { values[pair.name] = pair.value }
        return values
    }

    /// Parses a URL-encoded body; nil when it is not valid (bad percent-encoding, not UTF-8,
    /// or too many fields).
    ///
    /// Split on the bytes `&` and `=`, as the WHATWG `application/x-www-form-urlencoded`
    /// parser does, in one pass over the UTF-8: splitting the String by Character (grapheme
    /// clusters) was most of the 8% of a keyed save's server CPU that reading its ~1,000-field
    /// body took in a profile (50 keyers, 2026-12-01). A browser percent-encodes every byte
    /// that is not ASCII, so the two splits differ only for a body no browser sends (a raw
    /// combining mark after `&` or `=`).
    init?(urlEncoded body: String) {
        var body = body
        guard let parsed = body.withUTF8({ Self.parse($0) }) else { return nil }
        self.init(parsed)
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> [(String, String)]? {
        var parsed: [(String, String)] = []
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "&") { end += 1 }
            if end > start {
                guard parsed.count < maximumCount else { return nil }
                var equals = start
                while equals < end && bytes[equals] != UInt8(ascii: "=") { equals += 1 }
                guard let name = decode(UnsafeBufferPointer(rebasing: bytes[start..<equals])) else { return nil }
                let value = equals < end ? decode(UnsafeBufferPointer(rebasing: bytes[(equals + 1)..<end])) : ""
                guard let value else { return nil }
                parsed.append((name, value))
            }
            start = end + 1
        }
        return parsed
    }

    /// `+` as a space and `%XX` as its byte, the bytes read as UTF-8; nil for a `%` not
    /// followed by two hex digits, or bytes that are not UTF-8. (In one pass over the bytes, by
    /// hand: Foundation's `replacingOccurrences` and `removingPercentEncoding` go through
    /// NSString on Linux, twice for every field of every page posted, and with base64url were
    /// 5.5% of a page request's CPU in the profile (BENCHMARKS.md, "Where a request's CPU
    /// goes"); Hummingbird's own decoder of this is package-internal, and its public
    /// `URLEncodedFormDecoder` decodes into a `Decodable`, losing repeated names' order.)
    static func decode(_ s: UnsafeBufferPointer<UInt8>) -> String? {
        // Most names and values need no decoding: made straight from their bytes.
        if !s.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) {
            return String(validating: s, as: UTF8.self)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            let c = s[i]
            switch c {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard i + 2 < s.count, let high = hexValue(s[i + 1]), let low = hexValue(s[i + 2]) else { return nil }
                bytes.append(high << 4 | low)
                i += 3
                continue
            default:
                bytes.append(c)
            }
            i += 1
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
    func first(_ name: String) -> String? {
        if pairs.count <= Self.scanLimit { return pairs.first { $0.name == name }?.value }
        return firstValues[name]
    }

    /// Every value of `name`, in order.
    func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// The first value of `name` with surrounding white space removed; nil when absent or blank.
    func trimmed(_ name: String) -> String? {
        guard let v = first(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }
}
