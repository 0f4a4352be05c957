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
struct RecordKeys: Sendable {
    /// The HMAC with its key already taken in: each record's code starts from a copy (setting
    /// the key up for every record was a tenth of the time of writing the rows).
    private let keyed: HMAC<SHA256>

    init(storeID: String) {
        keyed = HMAC<SHA256>(key: SymmetricKey(data: Array(("census-record-keys-v1:" + storeID).utf8)))
    }

    /// The household's record key.
    func household(_ householdID: String) -> Int {
        code(householdID) { Int($0[0]) }
    }

    /// The keys of the first `count` members of `roster`, by position (0-based).
    func members(_ householdID: String, roster: String, count: Int) -> [Int] {
        var keys: [Int] = []
        keys.reserveCapacity(count)
        var block = 0
        while keys.count < count {
            code(householdID + "/" + roster + (block == 0 ? "" : "/\(block)")) { digest in
                for b in digest where keys.count < count { keys.append(Int(b)) }
            }
            block += 1
        }
        return keys
    }

    /// Calls `body` with the HMAC of `message`'s UTF-8 bytes (32 bytes, valid during the call).
    /// The message is given as the string's own bytes and the code read where it is: an array
    /// made of each (the code's through a generic copy of its bytes one by one) was about a
    /// third of the instructions of a record key, the hashing aside (callgrind, stop 27).
    private func code<T>(_ message: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        var hmac = keyed
        var message = message
        message.withUTF8 { hmac.update(data: UnsafeRawBufferPointer($0)) }
        return hmac.finalize().withUnsafeBytes(body)
    }
}
