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
        Int(bytes(householdID)[0])
    }

    /// The keys of the first `count` members of `roster`, by position (0-based).
    func members(_ householdID: String, roster: String, count: Int) -> [Int] {
        var keys: [Int] = []
        keys.reserveCapacity(count)
        var block = 0
        while keys.count < count {
            let digest = bytes(householdID + "/" + roster + (block == 0 ? "" : "/\(block)"))
            for b in digest where keys.count < count { keys.append(Int(b)) }
            block += 1
        }
        return keys
    }

    private func bytes(_ message: String) -> [UInt8] {
        var hmac = keyed
        hmac.update(data: Array(message.utf8))
        return Array(hmac.finalize())
    }
}
