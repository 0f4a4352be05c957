import Foundation

/// A page save read back from a shard.
public struct StoredPageSave: Sendable, Hashable {
    /// The household, as in the address frame.
    public var householdID: String
    /// The save's number for the household: 1, 2, 3, … in the order they were saved.
    public var sequence: Int64
    /// To the second, as stored.
    public var savedAt: Date
    /// 0…1, to 1/10,000.
    public var completeness: Double
    /// The delta as saved: opaque bytes.
    public var body: Data

    /// Makes a stored save; the store makes these when it reads saves back.
    public init(householdID: String, sequence: Int64, savedAt: Date, completeness: Double, body: Data) {
        self.householdID = householdID
        self.sequence = sequence
        self.savedAt = savedAt
        self.completeness = completeness
        self.body = body
    }
}
