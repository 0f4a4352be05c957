import Crypto
import Foundation

/// Computes the keyed hash under which access codes are stored.
///
/// `HMAC-SHA256(key: deployment secret, message: normalised code)`. Without
/// the secret, a stolen frame database does not let anyone test guessed codes
/// offline.
public struct AccessCodeHasher: Sendable {
    private let key: SymmetricKey
    /// A short, non-secret fingerprint of the secret, stored in the frame so
    /// that using the wrong secret is reported as such rather than as "unknown
    /// code".
    public let fingerprint: String

    /// A hasher keyed by `secret`; its ``fingerprint`` is the first 8 bytes of an HMAC of a fixed
    /// label (`hmac-sha256:` and 16 hex digits), which reveals nothing usable about the secret.
    public init(secret: DeploymentSecret) {
        key = SymmetricKey(data: secret.bytes)
        let mac = HMAC<SHA256>.authenticationCode(for: Array("census-secret-fingerprint-v1".utf8), using: key)
        fingerprint = "hmac-sha256:" + mac.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// The 32-byte keyed hash of a code.
    public func hash(_ code: AccessCode) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Array(code.value.utf8), using: key))
    }
}
