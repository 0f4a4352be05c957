import AddressFrame
import Foundation
import ResponseStore

/// Checking a typed access code, for the web sign-in and `POST /api/v1/auth` alike: one
/// ``LoginThrottle`` (so the limits and lockouts are shared: ten wrong codes on the web page
/// and through the API lock the same client), one keyed-hash lookup, one set of outcomes
/// each face words in its own way.
///
/// In order: a client already locked out is refused before its code is looked at; an empty
/// code is asked for again (not counted); an unknown, revoked or malformed code counts as a
/// failure for the client; a right code for a household signed into too often is refused;
/// otherwise the sign-in is counted for the household.
struct AccessCodeCheck: Sendable {
    let frame: AddressFrame
    let hasher: AccessCodeHasher
    let throttle: LoginThrottle
    let metrics: ServerMetrics

    enum Outcome: Equatable {
        /// The key the answers are kept under: the household id, or for an individual access
        /// code the individual return's key (`H000123/i1`).
        case signedIn(householdID: String)
        /// Nothing was typed.
        case empty
        /// Unknown, revoked or mistyped: one outcome, so no face can say which.
        case wrongCode
        /// This client has had too many wrong codes; try again after this many seconds.
        case clientLocked(retryAfter: Int)
        /// This household has signed in too often; try again after this many seconds.
        case householdLocked(retryAfter: Int)
        /// The frame cannot be read, or the secret does not match it (logged, not shown).
        case unavailable(reason: String)
    }

    /// Checks `typed` (as typed: case, spaces and dashes do not matter) from `client`;
    /// `face` (`web`, `api`) labels the metrics. With `individual`, a code that is not a
    /// household's may be a person's individual access code (the web pages: a person answers
    /// their own section there; the API takes household codes only).
    func check(_ typed: String, client: String, face: String, individual: Bool = false) -> Outcome {
        if case .locked(let seconds) = throttle.clientVerdict(client) {
            metrics.loginFailure(face: face, reason: "client_locked")
            return .clientLocked(retryAfter: seconds)
        }
        let typed = String(typed.prefix(200))
        if typed.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .empty }
        let key: String
        do {
            key = try lookup(typed, individual: individual)
        } catch {
            switch error {
            case .malformed, .notFound, .revoked:
                throttle.recordFailure(client: client)
                metrics.loginFailure(face: face, reason: "wrong_code")
                return .wrongCode
            case .secretMismatch, .frameUnavailable:
                return .unavailable(reason: "\(error)")
            }
        }
        if case .locked(let seconds) = throttle.householdVerdict(key) {
            metrics.loginFailure(face: face, reason: "household_locked")
            return .householdLocked(retryAfter: seconds)
        }
        throttle.recordSignIn(household: key)
        metrics.sessionStarted(face: face)
        return .signedIn(householdID: key)
    }

    /// The household id of a household code, else (with `individual`) the individual
    /// return's key of an individual code.
    private func lookup(_ typed: String, individual: Bool) throws(CodeLookupError) -> String {
        do {
            return try frame.lookup(code: typed, hasher: hasher).householdID
        } catch .notFound where individual {
            let person = try frame.lookupIndividual(code: typed, hasher: hasher)
            return IndividualReturn.key(household: person.householdID, person: person.person)
        }
    }
}
