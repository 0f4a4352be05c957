import Foundation

/// The stable function from household identifier to shard index.
///
/// Every tool that reads or writes the store must agree where a household
/// lives, on every machine and in every process, so the function must not
/// depend on Swift's `Hasher` (which is seeded randomly per process). The
/// store uses **FNV-1a, 64-bit, over the UTF-8 bytes of the household id,
/// modulo the shard count**. Its name, ``name``, is recorded in the manifest
/// and checked when the store is opened.
///
/// ```swift
/// ShardFunction.fnv1a64("H0000001")           // 0x… (same everywhere)
/// ShardFunction.shard(for: "H0000001", count: 8)
/// ```
public enum ShardFunction {
    /// The name recorded in the manifest.
    public static let name = "fnv1a64-utf8-mod-v1"

    /// A human-readable definition recorded next to the name.
    public static let definition = "FNV-1a 64-bit (offset 0xcbf29ce484222325, prime 0x100000001b3) over the UTF-8 bytes of the household id, modulo the shard count"

    /// FNV-1a 64-bit hash of the UTF-8 bytes of `string`.
    @inlinable
    public static func fnv1a64(_ string: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in string.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// The shard that holds `householdID` in a store of `count` shards.
    @inlinable
    public static func shard(for householdID: String, count: Int) -> Int {
        precondition(count > 0, "shard count must be positive")
        return Int(fnv1a64(householdID) % UInt64(count))
    }
}
