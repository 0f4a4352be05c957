import Foundation
import GRDB

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

extension ResponseStore {
    /// Whether this store's shards have the page-save table (made, or upgraded, with shard
    /// schema `v2-page-saves` or later).
    public var supportsPageSaves: Bool {
        ShardSchema.identifiers(upTo: manifest.shardSchemaVersion).contains(ShardSchema.pageSavesVersion)
    }

    /// Stores a page save and returns once the transaction holding it has committed.
    ///
    /// - throws: ``StoreError/pageSaveConflict(householdID:sequence:)`` when the household
    ///   already has a save with this number (nothing stored: read the saves after the last
    ///   one you had and save again); ``StoreError/upgradeRequired(path:version:)`` for a store
    ///   made before page saves existed; shard errors as for ``submit(_:)``.
    public func savePage(_ save: PageSave) async throws(StoreError) {
        let result: Result<Void, StoreError> = await withCheckedContinuation { continuation in
            savePage(save) { continuation.resume(returning: $0) }
        }
        try result.get()
    }

    /// The callback form of ``savePage(_:)``: `completion` runs on the shard's writer thread
    /// after the commit (do not block in it).
    public func savePage(_ save: PageSave, completion: @escaping @Sendable (Result<Void, StoreError>) -> Void) {
        guard supportsPageSaves else {
            completion(.failure(.upgradeRequired(path: directory.path, version: manifest.shardSchemaVersion)))
            return
        }
        guard !save.householdID.isEmpty, save.sequence >= 1 else {
            completion(.failure(.invalidSubmission(reason: "a page save needs a household id and a sequence number of 1 or more")))
            return
        }
        do {
            let w = try writer(for: shard(for: save.householdID))
            w.enqueue(save, completion: completion)
        } catch {
            completion(.failure(error))
        }
    }

    /// A household's page saves with a number above `sequence`, oldest first.
    public func pageSaves(of householdID: String, after sequence: Int64 = 0) throws(StoreError) -> [StoredPageSave] {
        guard supportsPageSaves else { return [] }
        let shard = shard(for: householdID)
        let r = try reader(for: shard)
        do {
            return try r.reader.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT seq, saved_at, completeness, body FROM page_save
                    WHERE household_id = ? AND seq > ? ORDER BY seq
                    """, arguments: [householdID, sequence]).map { row in
                    let seconds: Int64 = row["saved_at"]
                    let completeness: Int = row["completeness"]
                    return StoredPageSave(householdID: householdID, sequence: row["seq"],
                                          savedAt: Date(timeIntervalSince1970: Double(seconds)),
                                          completeness: Double(completeness) / 10_000, body: row["body"])
                }
            }
        } catch {
            throw ShardFile.mapError(error, shard: shard, path: r.path)
        }
    }
}
