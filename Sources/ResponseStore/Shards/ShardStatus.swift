import Foundation

/// The state of one shard, as seen when the store was opened.
public struct ShardStatus: Sendable, CustomStringConvertible {
    public var index: Int
    public var path: String
    /// nil when the shard is available; otherwise why it is not.
    public var error: StoreError?
    public var isAvailable: Bool { error == nil }
    public var description: String {
        if let error { return "shard \(index) UNAVAILABLE: \(error)" }
        return "shard \(index) ok: \(path)"
    }
}
