import Crypto
import Foundation

/// Short-lived bearer tokens bound to one household, given by `POST /api/v1/auth` for its
/// access code.
///
/// A token is signed, not stored (like the session cookie): any server node with the same
/// session key, and the same node after a restart, accepts it until it expires, and it
/// cannot be revoked before then (hence short-lived: ``ServerConfiguration/householdTokenLifetime``).
///
/// Format: `cen_h_` `base64url(payload)` `.` `base64url(HMAC-SHA256(key, payload))`, the payload
/// being `v1|household|issuedAt|expiresAt|nonce` (seconds since 1970), the key derived from
/// the session key for this job alone.
struct HouseholdTokens: Sendable {
    static let prefix = "cen_h_"
    private let key: SymmetricKey

    init(_ sessionKey: SessionKey) {
        let master = SymmetricKey(data: sessionKey.bytes)
        key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array("census-api-household-token-v1".utf8), using: master))
    }

    /// A new token for `householdID`, valid from `now` for `lifetime` seconds.
    func issue(householdID: String, now: Int64, lifetime: Int64) -> (token: String, expiresAt: Int64) {
        let nonce = Base64URL.encode(RandomBytes.make(9))
        let expires = now + lifetime
        return (Self.prefix + SignedPayload.seal("v1|\(householdID)|\(now)|\(expires)|\(nonce)", key: key), expires)
    }

    enum Verdict: Equatable {
        case valid(householdID: String, expiresAt: Int64)
        case expired
        case invalid
    }

    /// Checks a token's signature (in constant time) and expiry.
    func verify(_ token: Substring, now: Int64) -> Verdict {
        guard token.hasPrefix(Self.prefix), token.utf8.count < 512 else { return .invalid }
        guard let fields = SignedPayload.open(token.dropFirst(Self.prefix.count), key: key),
              fields.count == 5, fields[0] == "v1", !fields[1].isEmpty, let issued = Int64(fields[2]), let expires = Int64(fields[3])
        else { return .invalid }
        // Expired, or issued in the future by more than a clock's drift.
        if now >= expires || issued - now > 300 { return .expired }
        return .valid(householdID: fields[1], expiresAt: expires)
    }
}
