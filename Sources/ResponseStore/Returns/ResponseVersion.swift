import Foundation

/// A stored response version, as read back from a shard.
public struct ResponseVersion: Sendable, Hashable {
    /// The shard that holds the version.
    public var shard: Int
    /// The version number (row id in the shard); see ``Receipt/version``.
    public var version: Int64
    /// The receipt identifier that was returned when the version was stored.
    public var receiptID: String { Receipt.makeID(shard: shard, version: version) }
    public var householdID: String
    public var kind: ResponseKind
    public var channel: Channel
    public var receivedAt: Date
    public var schemaHash: String
    public var idempotencyKey: String
    public var completeness: Double
    /// The body, or `nil` when it was not requested (see ``ResponseStore/versions(of:includeBodies:)``).
    public var body: Data?

    public init(shard: Int, version: Int64, householdID: String, kind: ResponseKind, channel: Channel,
                receivedAt: Date, schemaHash: String, idempotencyKey: String, completeness: Double, body: Data?) {
        self.shard = shard
        self.version = version
        self.householdID = householdID
        self.kind = kind
        self.channel = channel
        self.receivedAt = receivedAt
        self.schemaHash = schemaHash
        self.idempotencyKey = idempotencyKey
        self.completeness = completeness
        self.body = body
    }
}
