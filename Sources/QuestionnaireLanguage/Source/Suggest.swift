/// "Did you mean ...?": the closest candidate by edit distance, when it is close enough to be
/// a likely typo.
package enum Suggest {
    package static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let w = Array(word.lowercased().utf8)
        // Short words allow one slip: 'age' is not a typo of 'name'.
        let limit = w.count <= 4 ? 1 : min(3, w.count / 3 + 1)
        var best: (String, Int)?
        for candidate in candidates where candidate != word {
            let c = Array(candidate.lowercased().utf8)
            if abs(c.count - w.count) > limit { continue }
            let d = distance(w, c, limit: limit)
            if d <= limit, d < c.count, best == nil || d < best!.1 || (d == best!.1 && candidate < best!.0) { best = (candidate, d) }
        }
        return best?.0
    }

    /// Levenshtein distance with adjacent transpositions, giving up above `limit`.
    static func distance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var row = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            row[0] = i
            var rowMin = row[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { row[j] = min(row[j], previous2[j - 2] + 1) }
                rowMin = min(rowMin, row[j])
            }
            if rowMin > limit { return limit + 1 }
            (previous2, previous, row) = (previous, row, previous2)
        }
        return previous[b.count]
    }
}
