import Crypto
import Foundation

/// The record keys of cell key perturbation: every household and every roster member carries
/// a key from 0 to 255, uniformly distributed, assigned once and stored with the export
/// (`record_key`).
///
/// "Assigned once" without a table of a key per person: the key is a byte of
/// HMAC-SHA256(store id, household id [/ roster id]). The store id is random (made when the
/// store was created) and is not in the published tables, so the keys are effectively random to
/// a table's reader, and the same record gets the same key in every run, full or incremental,
/// into any output directory. A member's key is its position's byte of the roster's HMAC
/// (positions past 31 take further blocks), so a household's members have independent keys.
///
/// The HMAC (RFC 2104) is made here from Crypto's SHA-256, with the key's two padded blocks
/// hashed once: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ message)). Crypto's `HMAC` gives the same codes
/// (`ProtectionTests`), but took each message through its unspecialised generic `update(data:)`
/// and a dynamic cast in `finalize()`: 1.2% of a run's instructions for the cast alone (callgrind,
/// 10,000 households), for about three HMACs per household.
struct RecordKeys: Sendable {
    /// SHA-256 after the key's inner and outer padded blocks: each record's code starts from copies.
    private let inner: SHA256
    private let outer: SHA256

    init(storeID: String) {
        var key = Array(("census-record-keys-v1:" + storeID).utf8)
        // RFC 2104: a key longer than the hash's block is replaced by its hash.
        if key.count > 64 { key = Array(SHA256.hash(data: key)) }
        key += [UInt8](repeating: 0, count: 64 - key.count)
        var inner = SHA256(), outer = SHA256()
        key.map { $0 ^ 0x36 }.withUnsafeBytes { inner.update(bufferPointer: $0) }
        key.map { $0 ^ 0x5C }.withUnsafeBytes { outer.update(bufferPointer: $0) }
        self.inner = inner
        self.outer = outer
    }

    /// The household's record key.
    func household(_ householdID: String) -> Int {
        Int(code(householdID).first!)
    }

    /// The keys of the first `count` members of `roster`, by position (0-based).
    func members(_ householdID: String, roster: String, count: Int) -> [Int] {
        var keys: [Int] = []
        keys.reserveCapacity(count)
        var block = 0
        while keys.count < count {
            let digest = code(householdID + "/" + roster + (block == 0 ? "" : "/\(block)"))
            for b in digest where keys.count < count { keys.append(Int(b)) }
            block += 1
        }
        return keys
    }

    /// HMAC-SHA256 of the message's UTF-8 bytes under the key (32 bytes).
    func code(_ message: String) -> [UInt8] {
        var message = message
        var h = inner
        message.withUTF8 { h.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        var o = outer
        h.finalize().withUnsafeBytes { o.update(bufferPointer: $0) }
        return o.finalize().withUnsafeBytes { Array($0) }
    }
}
