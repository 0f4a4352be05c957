import Foundation

/// One page saved by a household answering online: what that page changed (a *delta*), not
/// the whole response again.
///
/// Saves of a household are numbered 1, 2, 3, …; the caller gives the number it expects to
/// be next (one more than the last it read), so two devices saving for one household at the
/// same moment cannot both write the same number: the second gets
/// ``StoreError/pageSaveConflict(householdID:sequence:)``, reads the saves it missed and
/// saves again. As for submissions, a save is acknowledged only after its transaction has
/// committed, through the shard's group-commit writer.
///
/// The store keeps the body as opaque bytes (the collection server's delta format). The
/// rows are lean: household, number, time (seconds), completeness (1/10,000) and body. The
/// schema a household answers is recorded by the caller in its first save, not per row.
///
/// ```swift
/// let save = PageSave(householdID: "H000123", sequence: 7, savedAt: Date(),
///                     completeness: 0.42, body: Data(#"{"v":"page/tenure","h":{"tenure":"rents"}}"#.utf8))
/// try await store.savePage(save)          // after COMMIT
/// let saves = try store.pageSaves(of: "H000123")   // oldest first
/// ```
///
/// The same type is what the store reads back (``StoredPageSave``).
public struct PageSave: Sendable, Hashable {
    /// The household, as in the address frame. Decides the shard.
    public var householdID: String
    /// The save's number for this household: 1 for the first, then one more each time.
    public var sequence: Int64
    /// When the server received the page (stored to the second).
    public var savedAt: Date
    /// How complete the household's answers are after this save, 0…1 (stored to 1/10,000):
    /// the latest save's completeness ranks an unsubmitted online response.
    public var completeness: Double
    /// The delta: opaque bytes.
    public var body: Data

    /// Makes a save; `completeness` outside 0…1 is stored clamped.
    public init(householdID: String, sequence: Int64, savedAt: Date, completeness: Double, body: Data) {
        self.householdID = householdID
        self.sequence = sequence
        self.savedAt = savedAt
        self.completeness = completeness
        self.body = body
    }

    /// Completeness as stored: an integer in 0…10,000.
    var storedCompleteness: Int {
        guard completeness.isFinite else { return 0 }
        return Int((min(1, max(0, completeness)) * 10_000).rounded())
    }
}

/// A page save read back from a shard: a ``PageSave`` as stored, ``PageSave/savedAt`` to the
/// second and ``PageSave/completeness`` to 1/10,000 (what ``ResponseStore/pageSaves(of:after:)``
/// and ``ResponseStore/onlineProgress(of:after:)`` return).
public typealias StoredPageSave = PageSave
