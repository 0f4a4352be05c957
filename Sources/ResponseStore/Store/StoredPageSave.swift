import Foundation

/// A page save read back from a shard.
public struct StoredPageSave: Sendable, Hashable {
    public var householdID: String
    public var sequence: Int64
    /// To the second, as stored.
    public var savedAt: Date
    /// 0…1, to 1/10,000.
    public var completeness: Double
    public var body: Data

    public init(householdID: String, sequence: Int64, savedAt: Date, completeness: Double, body: Data) {
        self.householdID = householdID
        self.sequence = sequence
        self.savedAt = savedAt
        self.completeness = completeness
        self.body = body
    }
}
