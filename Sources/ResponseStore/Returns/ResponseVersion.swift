import Foundation

/// A stored response version, as read back from a shard.
public struct ResponseVersion: Sendable, Hashable {
    /// The shard that holds the version.
    public var shard: Int
    /// The version number (row id in the shard); see ``Receipt/version``.
    public var version: Int64
    /// The receipt identifier that was returned when the version was stored.
    public var receiptID: String { Receipt.makeID(shard: shard, version: version) }
    /// The household, as in the address frame.
    public var householdID: String
    /// Partial save, online submission or paper return.
    public var kind: ResponseKind
    /// Online or paper.
    public var channel: Channel
    /// When the store received it (the server's clock), as stored: to the microsecond.
    public var receivedAt: Date
    /// The hash of the compiled schema the body answers (`sha256:…`).
    public var schemaHash: String
    /// The client's key for this save (unique within the household).
    public var idempotencyKey: String
    /// 0…1: the evaluator's answered / applicable questions when it was stored.
    public var completeness: Double
    /// The body, or `nil` when it was not requested (see ``ResponseStore/versions(of:includeBodies:)``).
    public var body: Data?

    /// Makes a version; the store makes these when it reads versions back.
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
