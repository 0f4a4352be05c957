/// The language a browser asks for (`Accept-Language`, RFC 9110 12.5.4), among a form's
/// languages: what a visitor's first pages are in before they choose one.
///
/// The header is a list of language ranges, each with an optional weight:
/// `cy-GB,cy;q=0.9,en;q=0.8`. A range matches a form language when its primary subtag is
/// that language, in any case (`cy-GB` and `CY` are Welsh: the forms' languages are plain
/// ISO 639-1 codes). `*` is any language the header does not name. The highest weight wins,
/// a tie goes to the range written first, and `q=0` means "not this one". A malformed entry
/// (a range that is not letters, digits and hyphens, a weight that is not a q-value) is
/// skipped. No library reads this header for Hummingbird or Foundation, so it is read here.
enum AcceptLanguage {
    /// The form language `header` prefers, or `nil` when it accepts none of `languages`.
    static func preferred(_ header: String, among languages: [String]) -> String? {
        // Per form language: its weight and the position of the range that gave it.
        var named: [String: (q: Int, at: Int)] = [:]
        var wildcard: (q: Int, at: Int)?
        var position = 0
        for entry in header.split(separator: ",", omittingEmptySubsequences: true) {
            position += 1
            guard let (range, q) = parse(entry) else { continue }
            if range == "*" {
                if wildcard == nil { wildcard = (q, position) }
                continue
            }
            let primary = range.split(separator: "-", maxSplits: 1).first.map { $0.lowercased() } ?? ""
            guard let language = languages.first(where: { $0.lowercased() == primary }) else { continue }
            // The first range naming a language decides its weight (a later `cy;q=0` does not undo `cy`).
            if named[language] == nil { named[language] = (q, position) }
        }
        var best: (language: String, q: Int, at: Int)?
        for (order, language) in languages.enumerated() {
            guard let weight = named[language] ?? wildcard, weight.q > 0 else { continue }
            // Languages the wildcard gives come after named ones of the same weight, in the form's order.
            let at = named[language] != nil ? weight.at : weight.at * 1000 + order
            if best == nil || weight.q > best!.q || (weight.q == best!.q && at < best!.at) {
                best = (language, weight.q, at)
            }
        }
        return best?.language
    }

    /// A range and its weight in thousandths (`cy;q=0.9` -> ("cy", 900)); `nil` when malformed.
    static func parse(_ entry: Substring) -> (String, Int)? {
        let parts = entry.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
        guard let range = parts.first, isRange(range) else { return nil }
        var q = 1000
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces }
            guard pair.count == 2, pair[0].lowercased() == "q", let value = qValue(pair[1]) else { return nil }
            q = value
        }
        return (String(range), q)
    }

    /// `*`, or 1-8 letters then any `-` and 1-8 letters or digits (RFC 4647 2.1).
    static func isRange(_ s: Substring) -> Bool {
        if s == "*" { return true }
        let subtags = s.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = subtags.first, (1...8).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return subtags.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    /// A q-value (`0`, `0.5`, `1.000`: 0 to 1 with at most three decimals) in thousandths.
    static func qValue(_ s: Substring) -> Int? {
        let pieces = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = pieces.first, whole == "0" || whole == "1" else { return nil }
        let decimals = pieces.count == 2 ? pieces[1] : ""
        guard decimals.count <= 3, decimals.allSatisfy({ $0.isASCII && $0.isNumber }), pieces.count == 1 || !decimals.isEmpty else { return nil }
        var thousandths = Int(decimals) ?? 0
        for _ in decimals.count..<3 { thousandths *= 10 }
        if whole == "1" { return thousandths == 0 ? 1000 : nil }
        return thousandths
    }
}

private extension Substring {
    /// Without the spaces and tabs around it (HTTP's optional white space).
    var trimmingSpaces: Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
}
