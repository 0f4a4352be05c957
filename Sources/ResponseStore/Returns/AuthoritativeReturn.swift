import Foundation

/// The rules that choose a household's authoritative return among its
/// response versions.
///
/// A household may have many versions: partial saves, one or more online
/// submissions, and paper returns (for example when someone posts the paper
/// form after also answering online). Exactly one of them is *authoritative*
/// — the one processing uses. It is chosen by comparing, in order:
///
/// 1. **Completeness**, higher first (the caller's measure, e.g. the number of
///    answered questions).
/// 2. **Kind**: an online submission beats a paper return, which beats an
///    unsubmitted online save (``ResponseKind/authorityRank``).
/// 3. **Time received**, latest first.
/// 4. **Version number**, highest first — a final tie-breaker so that the
///    choice is always unique and repeatable.
///
/// The same ordering is used in SQL by the store (see
/// ``AuthoritativeReturn/sqlOrdering``) and in Swift by
/// ``AuthoritativeReturn/choose(from:)``; tests check they agree.
public enum AuthoritativeReturn {
    /// Returns true when `a` should be preferred to `b` as the authoritative
    /// return.
    public static func isPreferred(_ a: ResponseVersion, to b: ResponseVersion) -> Bool {
        if a.completeness != b.completeness { return a.completeness > b.completeness }
        if a.kind.authorityRank != b.kind.authorityRank { return a.kind.authorityRank > b.kind.authorityRank }
        if a.receivedAt != b.receivedAt { return a.receivedAt > b.receivedAt }
        return a.version > b.version
    }

    /// Chooses the authoritative return, or `nil` when there are no versions.
    public static func choose(from versions: [ResponseVersion]) -> ResponseVersion? {
        versions.reduce(nil) { best, v in
            guard let best else { return v }
            return isPreferred(v, to: best) ? v : best
        }
    }

    /// The `ORDER BY` clause that sorts a household's versions, best first.
    static let sqlOrdering = """
        completeness DESC, \
        CASE kind WHEN 'submitted' THEN 2 WHEN 'paper' THEN 1 ELSE 0 END DESC, \
        received_at DESC, id DESC
        """
}
