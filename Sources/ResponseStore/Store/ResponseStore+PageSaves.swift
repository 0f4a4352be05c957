import Foundation
import GRDB

extension ResponseStore {
    /// Whether this store's shards have the page-save table (made, or upgraded, with shard
    /// schema `v2-page-saves` or later).
    public var supportsPageSaves: Bool {
        ShardSchema.identifiers(upTo: manifest.shardSchemaVersion).contains(ShardSchema.pageSavesVersion)
    }

    /// Whether this store's versions can carry their keyer (``Submission/recordedBy``): made, or
    /// upgraded, with shard schema `v3-recorded-by` or later.
    public var supportsRecordedBy: Bool {
        ShardSchema.identifiers(upTo: manifest.shardSchemaVersion).contains(ShardSchema.recordedByVersion)
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
        // The same limits as a submission, checked before anything is queued.
        if save.householdID.utf8.count > StoreOptions.maximumFieldBytes {
            completion(.failure(.invalidSubmission(reason: "the household id is \(save.householdID.utf8.count) bytes long, at most \(StoreOptions.maximumFieldBytes)")))
            return
        }
        if save.body.count > maximumBodyBytes {
            completion(.failure(.responseTooLarge(householdID: save.householdID, bytes: save.body.count, limit: maximumBodyBytes)))
            return
        }
        do {
            let w = try writer(for: shard(for: save.householdID))
            w.enqueue(save, completion: completion)
        } catch {
            completion(.failure(error))
        }
    }

    /// Replaces a household's page saves 1…N (N = `archive.sequence`, its last save) by one
    /// row numbered N holding `archive` (the caller's summary of them: the collection server
    /// keeps them compressed once the household has submitted). One transaction: the saves
    /// are all there or the archive is; returns after the commit.
    ///
    /// - throws: ``StoreError/pageSaveConflict(householdID:sequence:)`` when N is no longer
    ///   the household's last save (nothing changed); shard errors.
    public func compactPageSaves(into archive: PageSave) async throws(StoreError) {
        guard supportsPageSaves else { throw .upgradeRequired(path: directory.path, version: manifest.shardSchemaVersion) }
        // An archive holds many saves: bounded by the ceiling, not the per-response limit, but
        // bounded (a value over SQLite's limit ends the process in GRDB's bind).
        if archive.body.count > StoreOptions.ceilingBodyBytes {
            throw .responseTooLarge(householdID: archive.householdID, bytes: archive.body.count, limit: StoreOptions.ceilingBodyBytes)
        }
        let w = try writer(for: shard(for: archive.householdID))
        let result: Result<Void, StoreError> = await withCheckedContinuation { continuation in
            w.enqueue(compacting: archive) { continuation.resume(returning: $0) }
        }
        try result.get()
    }

    /// What the online questionnaire needs on every page of a household, read in one
    /// transaction: its last online submission (nil before it submits), and its page saves
    /// numbered above `sequence`, oldest first.
    ///
    /// One read instead of ``versions(of:includeBodies:)`` and ``pageSaves(of:after:)``: the
    /// collection server asks this on every page request (a read transaction costs more than
    /// the two indexed lookups in it).
    public func onlineProgress(of householdID: String, after sequence: Int64) throws(StoreError) -> (submission: ResponseVersion?, saves: [StoredPageSave]) {
        let shard = shard(for: householdID)
        let r = try reader(for: shard)
        let pageSaves = supportsPageSaves
        do {
            return try r.reader.read { db in
                let submitted = try db.cachedStatement(sql: """
                    SELECT \(Self.versionColumns)
                    FROM response_version WHERE household_id = ? AND kind = 'submitted' AND channel = 'online'
                    ORDER BY id DESC LIMIT 1
                    """)
                let submission = try Row.fetchOne(submitted, arguments: [householdID])
                    .map { Self.version(from: $0, shard: shard, includeBody: false) }
                guard pageSaves else { return (submission, []) }
                return (submission, try Self.pageSaves(db, householdID, after: sequence))
            }
        } catch {
            throw ShardFile.mapError(error, shard: shard, path: r.path)
        }
    }

    /// A household's page saves with a number above `sequence`, oldest first; empty for a
    /// store made before page saves existed.
    ///
    /// - Throws: ``StoreError`` when the household's shard is unavailable or the read fails.
    public func pageSaves(of householdID: String, after sequence: Int64 = 0) throws(StoreError) -> [StoredPageSave] {
        guard supportsPageSaves else { return [] }
        let shard = shard(for: householdID)
        let r = try reader(for: shard)
        do {
            return try r.reader.read { db in try Self.pageSaves(db, householdID, after: sequence) }
        } catch {
            throw ShardFile.mapError(error, shard: shard, path: r.path)
        }
    }

    /// The household's page saves numbered above `sequence`, oldest first, read in `db`.
    private static func pageSaves(_ db: Database, _ householdID: String, after sequence: Int64) throws -> [StoredPageSave] {
        let statement = try db.cachedStatement(sql: """
            SELECT seq, saved_at, completeness, body FROM page_save
            WHERE household_id = ? AND seq > ? ORDER BY seq
            """)
        return try Row.fetchAll(statement, arguments: [householdID, sequence]).map { row in
            let seconds: Int64 = row["saved_at"]
            let completeness: Int = row["completeness"]
            return StoredPageSave(householdID: householdID, sequence: row["seq"],
                                  savedAt: Date(timeIntervalSince1970: Double(seconds)),
                                  completeness: Double(completeness) / 10_000, body: row["body"])
        }
    }
}
