import Foundation

/// The state of one shard, as seen when the store was opened.
public struct ShardStatus: Sendable, CustomStringConvertible {
    /// The shard's index, 0-based.
    public var index: Int
    /// The shard file's path.
    public var path: String
    /// nil when the shard is available; otherwise why it is not.
    public var error: StoreError?
    /// The shard opened and matches the manifest; its households can be served.
    public var isAvailable: Bool { error == nil }
    public var description: String {
        if let error { return "shard \(index) UNAVAILABLE: \(error)" }
        return "shard \(index) ok: \(path)"
    }
}
