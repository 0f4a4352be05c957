import Foundation

/// The acknowledgement of a stored submission.
///
/// A receipt is only ever returned after the transaction that stored the
/// version has committed (see ``ResponseStore/submit(_:)``), so holding a
/// receipt means the response is in the shard file.
public struct Receipt: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A printable identifier, `R<shard>-<version>`, e.g. `R03-000001234`.
    public var receiptID: String
    /// The index of the shard that holds the version.
    public var shard: Int
    /// The version number: the row id of the version inside its shard.
    /// Versions only ever increase within a shard.
    public var version: Int64
    /// The household the version belongs to.
    public var householdID: String
    /// The time received, as stored.
    public var receivedAt: Date
    /// True when this receipt answers a retry: the idempotency key was already
    /// stored, nothing new was written, and this is the original receipt.
    public var isReplay: Bool

    /// Builds the receipt identifier for a shard and version.
    public static func makeID(shard: Int, version: Int64) -> String {
        // Written digit by digit into the string's own storage: the aggregator writes the receipt
        // of every household it exports, and joining five strings cost about 2,700 instructions
        // a time (callgrind, BENCHMARKS.md "Aggregation", stop 27). Numbers below zero (which
        // the store never makes) take the joined form.
        guard shard >= 0, version >= 0 else {
            let s = String(shard)
            let v = String(version)
            return "R" + String(repeating: "0", count: max(0, 2 - s.count)) + s
                + "-" + String(repeating: "0", count: max(0, 9 - v.count)) + v
        }
        func digits(_ n: UInt64) -> Int {
            var count = 1, rest = n
            while rest >= 10 { rest /= 10; count += 1 }
            return count
        }
        func write(_ n: UInt64, endingAt end: Int, into out: UnsafeMutableBufferPointer<UInt8>) {
            var n = n, k = end - 1
            repeat {
                out[k] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
                k -= 1
            } while n > 0
        }
        let shardWidth = max(2, digits(UInt64(shard))), versionWidth = max(9, digits(UInt64(version)))
        let length = 2 + shardWidth + versionWidth
        return String(unsafeUninitializedCapacity: length) { out in
            out.initialize(repeating: UInt8(ascii: "0"))
            out[0] = UInt8(ascii: "R")
            write(UInt64(shard), endingAt: 1 + shardWidth, into: out)
            out[1 + shardWidth] = UInt8(ascii: "-")
            write(UInt64(version), endingAt: length, into: out)
            return length
        }
    }

    /// Makes a receipt, deriving ``receiptID`` from `shard` and `version`. The store makes
    /// receipts; callers build them only to compare or to decode one.
    public init(shard: Int, version: Int64, householdID: String, receivedAt: Date, isReplay: Bool) {
        self.receiptID = Receipt.makeID(shard: shard, version: version)
        self.shard = shard
        self.version = version
        self.householdID = householdID
        self.receivedAt = receivedAt
        self.isReplay = isReplay
    }

    public var description: String { receiptID }
}
