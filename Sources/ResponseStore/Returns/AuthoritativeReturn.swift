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
///
/// ## Individual returns
/// A person who asked for an individual access code answers their own per-member section
/// privately; their versions are stored under their own key (``IndividualReturn``,
/// `H000123/i1`) and never take part in choosing the household's authoritative return.
///
/// 5. A person's **individual return** is chosen among their own versions that are returns
///    (an online submission or a paper return; an unsubmitted save never counts) by rules 1-4
///    (``chooseIndividual(from:)``).
/// 6. The individual return **takes priority over anything the household said about that
///    person**: wherever the household's authoritative return is read (the aggregator), the
///    person's member object in it (found by name) is replaced by the one in their individual
///    return; a person the household did not list is added to the roster. The household's
///    relationship answers are kept (the individual form does not ask them). The merge is
///    `IndividualAnswers.merge` in the Questionnaire module, which knows the response format.
/// 7. An individual return alone does not make the household returned: the household's own
///    form is still followed up, and the individual's answers are counted with it when it comes.
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

    /// A person's individual return (rule 5): the best of their versions that are returns, or
    /// `nil` when they have only unsubmitted saves (or nothing).
    public static func chooseIndividual(from versions: [ResponseVersion]) -> ResponseVersion? {
        choose(from: versions.filter { $0.kind != .partial })
    }

    /// Splits the versions of a household and its individuals (as a shard snapshot lists them
    /// together, keys `H` and `H/i1`, `H/i2`) into the household's own versions and each
    /// person's individual return (rule 5), by person key. Versions of other households are
    /// ignored.
    public static func separate(_ versions: some Sequence<ResponseVersion>, household: String)
        -> (household: [ResponseVersion], individuals: [String: ResponseVersion]) {
        var own: [ResponseVersion] = []
        var byPerson: [String: [ResponseVersion]] = [:]
        for v in versions {
            let (h, person) = IndividualReturn.split(v.householdID)
            guard h == household else { continue }
            if let person { byPerson[person, default: []].append(v) } else { own.append(v) }
        }
        return (own, byPerson.compactMapValues(chooseIndividual(from:)))
    }

    /// The `ORDER BY` clause that sorts a household's versions, best first.
    static let sqlOrdering = """
        completeness DESC, \
        CASE kind WHEN 'submitted' THEN 2 WHEN 'paper' THEN 1 ELSE 0 END DESC, \
        received_at DESC, id DESC
        """
}
