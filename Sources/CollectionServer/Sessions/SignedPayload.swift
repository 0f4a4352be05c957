import Crypto

/// The signed tokens this server gives out, read back: `base64url(payload) "." base64url(HMAC-SHA256(key, payload))`,
/// the payload being text fields joined by `|`. The session cookie (``SessionCodec``) and the
/// API's household tokens (``HouseholdTokens``) are such tokens, under keys of their own.
///
/// Every page request reads its session cookie this way, so the token is taken apart by its
/// UTF-8 bytes: splitting a `String` on a `Character` walks grapheme clusters, which was a
/// third of the cookie's cost in the profile of a page request (1.3% of all its CPU).
enum SignedPayload {
    /// `payload`'s token under `key`.
    static func seal(_ payload: String, key: SymmetricKey) -> String {
        let bytes = Array(payload.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: bytes, using: key)
        return Base64URL.encode(bytes) + "." + Base64URL.encode(Array(mac))
    }

    /// The payload's `|`-separated fields, or nil when `token` is not one dot between two
    /// base64url texts, its signature is not `key`'s for its payload (compared in constant
    /// time), or the payload is not UTF-8.
    static func open(_ token: some StringProtocol, key: SymmetricKey) -> [String]? {
        let utf8 = token.utf8
        guard let dot = utf8.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let signature = utf8[utf8.index(after: dot)...]
        guard !signature.contains(UInt8(ascii: ".")), let payload = Base64URL.decode(bytes: utf8[..<dot]),
              let mac = Base64URL.decode(bytes: signature),
              HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key),
              String(validating: payload, as: UTF8.self) != nil
        else { return nil }
        return payload.split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }
}
