import Foundation

/// Why a typed code did not open a household.
///
/// The first three cases are the respondent's (an HTTP front end answers 401 and words the
/// remedy for a person); the last two are the deployment's (503: nobody can log in until an
/// operator fixes it), so a login handler is one `switch`.
public enum CodeLookupError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The text is not a well-formed code.
    case malformed(AccessCodeError)
    /// No household has this code.
    case notFound
    /// The code was revoked (a newer code replaced it).
    case revoked(householdID: String, at: Date)
    /// The hasher's secret is not the one the frame's codes were issued with (always
    /// ``SecretError/mismatch(expected:actual:)``): a configuration fault, not a wrong code.
    case secretMismatch(SecretError)
    /// The frame could not be read (a locked, missing or damaged file); `reason` says why.
    case frameUnavailable(path: String, reason: String)

    public var description: String {
        switch self {
        case .malformed(let e): return e.description
        case .notFound: return "this access code is not recognised. Check it against your letter."
        case .revoked: return "this access code is no longer valid. Please use the code on your most recent letter."
        case .secretMismatch(let e): return e.description
        case .frameUnavailable(let path, let reason): return "the address frame \(path) cannot be read: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
