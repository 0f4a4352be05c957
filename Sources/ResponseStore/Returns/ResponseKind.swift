import Foundation

/// What a stored response version represents.
///
/// A household's responses are kept as an append-only list of *versions*.
/// Each version says which kind of save produced it:
///
/// - ``partial``: an online save-and-come-back-later. Not a return yet.
/// - ``submitted``: the respondent pressed *Submit* online.
/// - ``paper``: a paper questionnaire keyed in by the data-capture centre.
///
/// The kind takes part in choosing the household's authoritative return; see
/// ``AuthoritativeReturn``.
public enum ResponseKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// An online partial save (unsubmitted).
    case partial
    /// An online submission.
    case submitted
    /// A paper return, keyed from the paper questionnaire.
    case paper

    /// The rank of the kind in the authoritative-return rule: submitted online
    /// (2) beats paper (1), which beats an unsubmitted online save (0).
    public var authorityRank: Int {
        switch self {
        case .submitted: return 2
        case .paper: return 1
        case .partial: return 0
        }
    }
}

/// How a response reached the census.
public enum Channel: String, Sendable, Codable, CaseIterable, Hashable {
    /// Through the online questionnaire.
    case online
    /// On paper, through the post and the data-capture centre.
    case paper
}
