import Foundation

/// The fields of a posted HTML form (`application/x-www-form-urlencoded`), in order, with
/// repeated names kept (a group of checkboxes posts one field per ticked box).
struct FormFields: Sendable {
    /// At most this many fields: a census page has far fewer; more is not a browser's form.
    static let maximumCount = 2000

    private(set) var pairs: [(name: String, value: String)] = []

    init(_ pairs: [(String, String)]) {
        self.pairs = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// Parses a URL-encoded body; nil when it is not valid (bad percent-encoding, not UTF-8,
    /// or too many fields).
    init?(urlEncoded body: String) {
        if body.isEmpty { return }
        let items = body.split(separator: "&", omittingEmptySubsequences: true)
        guard items.count <= Self.maximumCount else { return nil }
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { return nil }
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            guard let value else { return nil }
            pairs.append((name, value))
        }
    }

    private static func decode(_ s: Substring) -> String? {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// The first value of `name`.
    func first(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value of `name`, in order.
    func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// The first value of `name` with surrounding white space removed; nil when absent or blank.
    func trimmed(_ name: String) -> String? {
        guard let v = first(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }
}
