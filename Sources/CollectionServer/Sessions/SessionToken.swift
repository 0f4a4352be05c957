import Crypto
import ExtrasBase64
import Foundation

/// A browser's session, carried in a signed cookie so that any server node (and the same node
/// after a restart) can serve it: nothing about it lives only in memory.
///
/// Before sign-in a session has no household; it still has an id, which keys the sign-in
/// form's CSRF token. Signing in replaces the id (no session fixation). The household's
/// answers are never in the cookie: they are in the household's shard.
struct SessionToken: Sendable, Equatable {
    /// Random, 128 bits, base64url. Keys the CSRF token.
    var id: String
    /// The household signed in, or nil before sign-in.
    var householdID: String?
    /// When the session signed in (milliseconds since 1970): a sign-out of the household
    /// after it ends the session on every device (see ``WorkingResponse/signedOutAt``).
    var signedInAt: Int64
    /// The last request (seconds since 1970): the session ends after the timeout without one.
    var lastSeen: Int64
    /// The chosen language (`en`, `cy`).
    var language: String

    static func newID() -> String {
        return Base64URL.encode(RandomBytes.make(16))
    }
}

/// Encodes and verifies session cookies: `base64url(payload) "." base64url(HMAC-SHA256(key, payload))`,
/// the payload being `v1|id|household|signedInAt|lastSeen|language`.
struct SessionCodec: Sendable {
    private let key: SymmetricKey
    private let csrfKey: SymmetricKey

    init(_ sessionKey: SessionKey) {
        let master = SymmetricKey(data: sessionKey.bytes)
        // Separate keys for separate jobs, derived from the one configured.
        key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array("census-session-cookie-v1".utf8), using: master))
        csrfKey = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array("census-csrf-v1".utf8), using: master))
    }

    func encode(_ token: SessionToken) -> String {
        SignedPayload.seal(["v1", token.id, token.householdID ?? "", String(token.signedInAt), String(token.lastSeen), token.language]
            .joined(separator: "|"), key: key)
    }

    /// The token, or nil when the cookie is malformed or its signature is wrong (compared in
    /// constant time).
    func decode(_ cookie: some StringProtocol) -> SessionToken? {
        guard cookie.utf8.count < 1024, let fields = SignedPayload.open(cookie, key: key),
            fields.count == 6, fields[0] == "v1", !fields[1].isEmpty,
            let signedIn = Int64(fields[3]), let seen = Int64(fields[4])
        else { return nil }
        return SessionToken(id: fields[1], householdID: fields[2].isEmpty ? nil : fields[2], signedInAt: signedIn, lastSeen: seen, language: fields[5])
    }

    /// The CSRF token of a session: a keyed hash of its id, so it needs no storage and changes
    /// when the session id does (at sign-in).
    func csrfToken(for token: SessionToken) -> String {
        Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Array(("csrf|" + token.id).utf8), using: csrfKey)))
    }

    /// Whether `submitted` is the session's CSRF token (constant-time comparison).
    func isValidCSRF(_ submitted: String?, for token: SessionToken) -> Bool {
        guard let submitted, let bytes = Base64URL.decode(submitted) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: Array(("csrf|" + token.id).utf8), using: csrfKey)
    }
}

/// base64url without padding (RFC 4648 §5), by swift-extras-base64 (already built for
/// hummingbird-auth): every page request decodes and re-encodes its session cookie and CSRF
/// token, and Foundation's base64 with its alphabet changed by `replacingOccurrences` (a bridge
/// through NSString on Linux) was, with the form decoding, 5.5% of a page request's CPU in the
/// profile (BENCHMARKS.md, "Where a request's CPU goes").
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Base64.encodeToString(bytes: bytes, options: [.base64UrlAlphabet, .omitPaddingCharacter])
    }

    /// The bytes of `text`; nil for anything but unpadded base64url (the library would take
    /// padding at the end).
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        decode(bytes: text.utf8)
    }

    /// The bytes that base64url `bytes` (UTF-8) encode, as ``decode(_:)``.
    static func decode<Bytes: Collection>(bytes: Bytes) -> [UInt8]? where Bytes.Element == UInt8 {
        guard !bytes.contains(UInt8(ascii: "=")) else { return nil }
        return try? Base64.decode(bytes: bytes, options: [.base64UrlAlphabet, .omitPaddingCharacter])
    }
}
