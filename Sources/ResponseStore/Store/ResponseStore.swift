import DurableFiles
import Foundation
import GRDB
import UnfinishedOutput

/// The sharded, append-only store of census responses.
///
/// A store is a directory:
///
/// ```
/// store/
///   manifest.json          shard count, shard function, schema hashes
///   shards/shard-000.sqlite
///   shards/shard-001.sqlite
///   …
/// ```
///
/// Every household lives in exactly one shard, chosen by ``ShardFunction``.
/// Each shard is a SQLite database in WAL mode with a single writer
/// (``ShardWriter``) that commits submissions in groups.
///
/// ## Creating and opening
///
/// ```swift
/// let store = try ResponseStore.create(at: dir, shardCount: 8)
/// // later, in any process:
/// let store = try ResponseStore.open(at: dir)
/// ```
///
/// Opening never fails because of one bad shard. A missing, corrupt,
/// read-only or mismatched shard is reported in ``shardStatus``, and only the
/// households of that shard get its error; every other shard works.
///
/// ## Writing
///
/// ```swift
/// let receipt = try await store.submit(submission)
/// ```
///
/// `submit` returns only after the transaction holding the submission has
/// committed — with the default ``Durability/full``, after the write-ahead log
/// has been fsynced. A retry with the same idempotency key stores nothing and
/// returns the original receipt (``Receipt/isReplay``), or fails with
/// ``StoreError/idempotencyConflict(householdID:idempotencyKey:receiptID:reason:)``
/// when the retry is not the same save (another body, kind, channel or schema).
///
/// ## Reading
///
/// ``versions(of:includeBodies:)`` lists a household's versions, oldest
/// first, and ``authoritativeReturn(for:)`` picks the one that counts, by the
/// rules of ``AuthoritativeReturn``.
public final class ResponseStore: Sendable {
    /// The store directory.
    public let directory: URL
    /// The manifest read when the store was opened.
    public let manifest: StoreManifest
    /// The options the store was opened with.
    public let options: StoreOptions
    /// After ``create(at:shardCount:questionnaireSchemas:options:)``: the shard files of an
    /// interrupted earlier `create` (killed after writing shards, before the manifest) that it
    /// removed first. 0 otherwise.
    public private(set) nonisolated(unsafe) var removedLeftovers = 0
    private let slots: [Slot]

    private enum Slot: Sendable {
        case open(ShardWriter)
        /// Opened by ``openForReading(at:options:)``: no writer thread.
        case reading(path: String, queue: DatabaseQueue)
        case failed(StoreError)
    }

    private init(directory: URL, manifest: StoreManifest, options: StoreOptions, slots: [Slot]) {
        self.directory = directory
        self.manifest = manifest
        self.options = options
        self.slots = slots
    }

    /// Creates a new, empty store of `shardCount` shards in `directory`.
    ///
    /// The shard files are created first and the manifest is written last,
    /// atomically: if creation fails half-way there is no manifest, hence no
    /// store, and the partial files are removed.
    ///
    /// - parameter questionnaireSchemas: the questionnaire schema hashes the
    ///   store accepts; empty accepts any.
    public static func create(
        at directory: URL,
        shardCount: Int,
        questionnaireSchemas: [String] = [],
        options: StoreOptions = StoreOptions()
    ) throws -> ResponseStore {
        precondition(shardCount > 0 && shardCount <= 4096, "shard count must be in 1...4096")
        let fm = FileManager.default
        let manifestURL = directory.appendingPathComponent(StoreManifest.fileName)
        if fm.fileExists(atPath: manifestURL.path) { throw StoreError.alreadyExists(path: directory.path) }
        // Interrupted before the manifest is written, the half-made store is removed.
        let createdStoreDirectory = !fm.fileExists(atPath: directory.path)
        if createdStoreDirectory { Interruption.register(directory.path, .emptyDirectory) }
        defer { if createdStoreDirectory { Interruption.unregister(directory.path) } }
        try DurableFile.createDirectory(directory, what: "the store directory")
        // Two `store init` runs on one directory: the second waits, then finds the first's store
        // (without the lock, both could write shards and remove each other's on failure).
        let lock = try StoreLock(directory)
        defer { lock.release() }
        if fm.fileExists(atPath: manifestURL.path) { throw StoreError.alreadyExists(path: directory.path) }
        let shardsDir = directory.appendingPathComponent("shards")
        var removedLeftovers = 0
        switch StoreLeftovers.inspect(directory, options: options) {
        case .none: break
        case .unfinishedInit(let files):
            // An interrupted `store init`: nothing was ever stored in these.
            for file in files {
                if unlink(file) == 0 && file.hasSuffix(".sqlite") { removedLeftovers += 1 }
                for suffix in ["-wal", "-shm", "-journal"] where file.hasSuffix(".sqlite") { unlink(file + suffix) }
            }
            if let rest = try? fm.contentsOfDirectory(atPath: shardsDir.path), !rest.isEmpty {
                throw StoreError.unfinishedStore(path: directory.path, holdsResponses: false, detail: "\(shardsDir.path) still holds \(rest.sorted().prefix(3).joined(separator: ", "))")
            }
        case .keep(let detail):
            throw StoreError.unfinishedStore(path: directory.path, holdsResponses: true, detail: detail)
        }
        Interruption.register(shardsDir.path, .directory)
        defer { Interruption.unregister(shardsDir.path) }
        try DurableFile.createDirectory(shardsDir, what: "the store directory")
        let manifest = StoreManifest(
            format: StoreManifest.formatName, formatVersion: 1,
            storeID: UUID().uuidString, createdAt: Date(),
            shardCount: shardCount, shardFunction: ShardFunction.name,
            shardFunctionDefinition: ShardFunction.definition,
            shardFiles: (0..<shardCount).map(StoreManifest.shardFile),
            shardSchemaVersion: ShardSchema.currentVersion,
            shardSchemaHash: ShardSchema.hash(upTo: ShardSchema.currentVersion)!,
            questionnaireSchemas: questionnaireSchemas,
            durability: options.durability.manifestDescription)
        do {
            for i in 0..<shardCount {
                let path = directory.appendingPathComponent(manifest.shardFiles[i]).path
                try ShardFile.create(index: i, path: path, manifest: manifest, options: options)
            }
            DurableFile.syncDirectory(shardsDir)
            try Interruption.uninterruptible {
                try manifest.write(to: directory)
                Interruption.unregister(shardsDir.path)
                if createdStoreDirectory { Interruption.unregister(directory.path) }
                Interruption.commitPoint()
            }
        } catch {
            try? fm.removeItem(at: shardsDir)
            if createdStoreDirectory { rmdir(directory.path) }
            // Not "retry, then run `census store check`": there is no store to check.
            if let e = error as? StoreError, case .shardFailure(let shard, _, let reason) = e {
                throw FileSystemError("cannot create the store in \(directory.path): shard \(shard): \(reason). Nothing was left behind; run `census store init` again.")
            }
            throw error
        }
        let store = try open(at: directory, options: options)
        store.removedLeftovers = removedLeftovers
        return store
    }

    /// Opens the store in `directory`.
    ///
    /// Throws only when the manifest is missing or invalid. Shard problems
    /// are reported per shard in ``shardStatus``; use ``requireAllShards()``
    /// to turn them into an error.
    public static func open(at directory: URL, options: StoreOptions = StoreOptions()) throws -> ResponseStore {
        let manifest = try readManifest(at: directory, options: options)
        var slots: [Slot] = []
        for i in 0..<manifest.shardCount {
            let path = directory.appendingPathComponent(manifest.shardFiles[i]).path
            do {
                let pool = try ShardFile.open(index: i, path: path, manifest: manifest, options: options)
                let checkpointer = options.checkpointPolicy == .background
                    ? ShardCheckpointer(shard: i, path: path, options: options) : nil
                slots.append(.open(ShardWriter(index: i, path: path, pool: pool, maxBatchSize: options.maxBatchSize,
                                               checkpointer: checkpointer, commitObserver: options.commitObserver)))
            } catch {
                slots.append(.failed(ShardFile.mapError(error, shard: i, path: path)))
            }
        }
        return ResponseStore(directory: directory, manifest: manifest, options: options, slots: slots)
    }

    /// Opens the store in `directory` for reading only (`census store show`): every shard is
    /// opened read-only (see ``ReadOnlyOpen``), so a read-only shard, store directory or mount
    /// can be read. Nothing is written or created; ``submit(_:)`` fails with
    /// ``StoreError/openedForReading(path:)``. Shard problems are reported per shard, as by
    /// ``open(at:options:)``.
    public static func openForReading(at directory: URL, options: StoreOptions = StoreOptions()) throws -> ResponseStore {
        let manifest = try readManifest(at: directory, options: options)
        var slots: [Slot] = []
        for i in 0..<manifest.shardCount {
            let path = directory.appendingPathComponent(manifest.shardFiles[i]).path
            do {
                slots.append(.reading(path: path, queue: try ShardFile.openForReading(index: i, path: path, manifest: manifest, options: options)))
            } catch {
                slots.append(.failed(ShardFile.mapError(error, shard: i, path: path)))
            }
        }
        return ResponseStore(directory: directory, manifest: manifest, options: options, slots: slots)
    }

    /// The manifest of the store in `directory`, checked against its shards' own record of the
    /// shard count (``ShardFile/checkShardCount(of:in:options:)``).
    static func readManifest(at directory: URL, options: StoreOptions) throws -> StoreManifest {
        let manifest: StoreManifest
        do { manifest = try StoreManifest.read(from: directory) } catch StoreError.manifestMissing(let path) {
            // Shards without a manifest are not "no store": say which case it is.
            switch StoreLeftovers.inspect(directory, options: options) {
            case .none: throw StoreError.manifestMissing(path: path)
            case .unfinishedInit(let files):
                throw StoreError.unfinishedStore(path: directory.path, holdsResponses: false, detail: "\(files.filter { $0.hasSuffix(".sqlite") }.count) shard files without any response")
            case .keep(let detail):
                throw StoreError.unfinishedStore(path: directory.path, holdsResponses: true, detail: detail)
            }
        }
        try ShardFile.checkShardCount(of: manifest, in: directory, options: options)
        return manifest
    }

    /// The status of every shard, by index.
    public var shardStatus: [ShardStatus] {
        slots.enumerated().map { i, slot in
            let path = directory.appendingPathComponent(manifest.shardFiles[i]).path
            switch slot {
            case .open, .reading: return ShardStatus(index: i, path: path, error: nil)
            case .failed(let e): return ShardStatus(index: i, path: path, error: e)
            }
        }
    }

    /// Throws the first shard error, if any shard is unavailable.
    public func requireAllShards() throws {
        if let e = shardStatus.compactMap(\.error).first { throw e }
    }

    /// The shard index that holds `householdID`: for an individual return's key
    /// (``IndividualReturn``, `H000123/i1`), its household's shard.
    public func shard(for householdID: String) -> Int {
        ShardFunction.shard(for: IndividualReturn.household(of: householdID), count: manifest.shardCount)
    }

    func writer(for shard: Int) throws(StoreError) -> ShardWriter {
        switch slots[shard] {
        case .open(let w): return w
        case .reading: throw .openedForReading(path: directory.path)
        case .failed(let e): throw e
        }
    }

    func reader(for shard: Int) throws(StoreError) -> (reader: any DatabaseReader, path: String) {
        switch slots[shard] {
        case .open(let w): return (w.pool, w.path)
        case .reading(let path, let queue): return (queue, path)
        case .failed(let e): throw e
        }
    }

    /// The largest body taken: ``StoreOptions/maximumBodyBytes``, never above
    /// ``StoreOptions/ceilingBodyBytes``.
    var maximumBodyBytes: Int { min(max(0, options.maximumBodyBytes), StoreOptions.ceilingBodyBytes) }

    /// Every limit is checked here, before the submission is queued: a value over SQLite's
    /// limits would end the writer process inside GRDB, and with it every submission in flight.
    private func validate(_ s: Submission) throws(StoreError) {
        let limit = maximumBodyBytes
        if s.householdID.isEmpty { throw .invalidSubmission(reason: "empty household id") }
        for (name, value) in [("household id", s.householdID), ("idempotency key", s.idempotencyKey), ("schema hash", s.schemaHash)]
        where value.utf8.count > StoreOptions.maximumFieldBytes {
            throw .invalidSubmission(reason: "the \(name) is \(value.utf8.count) bytes long, at most \(StoreOptions.maximumFieldBytes)")
        }
        if s.body.count > limit {
            throw .responseTooLarge(householdID: s.householdID, bytes: s.body.count, limit: limit)
        }
        if s.idempotencyKey.isEmpty { throw .invalidSubmission(reason: "empty idempotency key for household \(s.householdID)") }
        if let keyer = s.recordedBy {
            if keyer.isEmpty || keyer.utf8.count > StoreOptions.maximumFieldBytes {
                throw .invalidSubmission(reason: "the keyer's name (recorded by) is \(keyer.utf8.count) bytes long, 1 to \(StoreOptions.maximumFieldBytes)")
            }
            // A store older than `v3-recorded-by` has no column for it: the version would not
            // carry its keyer, and the audit record relying on it would have nothing behind it.
            if !supportsRecordedBy { throw .upgradeRequired(path: directory.path, version: manifest.shardSchemaVersion) }
        }
        if !(0...1).contains(s.completeness) {
            throw .invalidSubmission(reason: "completeness must be between 0 and 1 (answered / applicable questions), not \(s.completeness)")
        }
        if !manifest.questionnaireSchemas.isEmpty, !manifest.questionnaireSchemas.contains(s.schemaHash) {
            throw .unknownQuestionnaireSchema(hash: s.schemaHash, accepted: manifest.questionnaireSchemas)
        }
    }

    /// Stores a submission and calls `completion` once its transaction has
    /// committed (on the shard's writer thread; do not block in it).
    ///
    /// This is the callback form of ``submit(_:)``, for callers that are not
    /// in an async context.
    public func submit(_ submission: Submission, completion: @escaping @Sendable (Result<Receipt, StoreError>) -> Void) {
        do {
            try validate(submission)
            let w = try writer(for: shard(for: submission.householdID))
            w.enqueue(submission, completion: completion)
        } catch {
            completion(.failure(error))
        }
    }

    /// Stores a submission and returns its receipt once the transaction that
    /// holds it has committed.
    ///
    /// - throws: ``StoreError``. The submission is then *not* stored (or, for
    ///   a retry, was stored earlier), never half-stored.
    public func submit(_ submission: Submission) async throws(StoreError) -> Receipt {
        let result: Result<Receipt, StoreError> = await withCheckedContinuation { continuation in
            submit(submission) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// The versions of a household, oldest first (by version number); empty when it has none.
    /// Bodies are read only with `includeBodies` (a body is up to 1 MiB; listings need none).
    ///
    /// ```swift
    /// for v in try store.versions(of: "H000123") { print(v.receiptID, v.kind, v.channel, v.completeness) }
    /// ```
    /// - Throws: ``StoreError`` when the household's shard is unavailable (the error it failed
    ///   to open with: ``StoreError/shardMissing(shard:path:)``, ``StoreError/shardCorrupt(shard:path:reason:)``, …)
    ///   or the read fails (``StoreError/shardFailure(shard:path:reason:)``).
    public func versions(of householdID: String, includeBodies: Bool = false) throws(StoreError) -> [ResponseVersion] {
        let shard = shard(for: householdID)
        let w = try reader(for: shard)
        let columns = Self.versionColumns + (includeBodies ? ", body" : "")
        do {
            return try w.reader.read { db in
                try Row.fetchAll(db, sql: "SELECT \(columns) FROM response_version WHERE household_id = ? ORDER BY id",
                                 arguments: [householdID])
                    .map { Self.version(from: $0, shard: shard, includeBody: includeBodies) }
            }
        } catch {
            throw ShardFile.mapError(error, shard: shard, path: w.path)
        }
    }

    /// The versions of a household's individual returns (keys `H/i1`, `H/i2`, …: see
    /// ``IndividualReturn``), ordered by key, then oldest first; metadata only.
    public func individualVersions(of householdID: String) throws(StoreError) -> [ResponseVersion] {
        let shard = shard(for: householdID)
        let w = try reader(for: shard)
        do {
            return try w.reader.read { db in
                // Keys from "H/" up to, not including, "H0": '0' is the character after '/'.
                try Row.fetchAll(db, sql: """
                    SELECT \(Self.versionColumns)
                    FROM response_version WHERE household_id >= ? AND household_id < ? ORDER BY household_id, id
                    """, arguments: [householdID + "/", householdID + "0"])
                    .map { Self.version(from: $0, shard: shard, includeBody: false) }
            }
        } catch {
            throw ShardFile.mapError(error, shard: shard, path: w.path)
        }
    }

    /// The household's authoritative return, or nil when it has no version.
    /// See ``AuthoritativeReturn`` for the rules.
    ///
    /// - Throws: ``StoreError`` when the household's shard is unavailable or the read fails,
    ///   as for ``versions(of:includeBodies:)``.
    public func authoritativeReturn(for householdID: String, includeBody: Bool = true) throws(StoreError) -> ResponseVersion? {
        let shard = shard(for: householdID)
        let w = try reader(for: shard)
        let columns = Self.versionColumns + (includeBody ? ", body" : "")
        do {
            return try w.reader.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT \(columns) FROM response_version WHERE household_id = ?
                    ORDER BY \(AuthoritativeReturn.sqlOrdering) LIMIT 1
                    """, arguments: [householdID])
                    .map { Self.version(from: $0, shard: shard, includeBody: includeBody) }
            }
        } catch {
            throw ShardFile.mapError(error, shard: shard, path: w.path)
        }
    }

    /// The number of stored versions in each available shard (nil for an
    /// unavailable shard).
    public func versionCounts() -> [Int?] {
        slots.indices.map { i in
            guard let w = try? reader(for: i) else { return nil }
            return try? w.reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM response_version") ?? 0 }
        }
    }

    /// The columns of `response_version` that ``version(from:shard:includeBody:)`` reads, but the body.
    static let versionColumns = "id, household_id, kind, channel, received_at, schema_hash, idempotency_key, completeness"

    /// A version from a row whose columns are ``versionColumns`` in that order, then `body`
    /// when `includeBody`. Read by position: GRDB's lookup by name lowercases the name on every
    /// read, and a batch job reads a million rows.
    static func version(from row: Row, shard: Int, includeBody: Bool) -> ResponseVersion {
        let micros: Int64 = row[4]
        return ResponseVersion(
            shard: shard, version: row[0], householdID: row[1],
            kind: ResponseKind(rawValue: row[2]) ?? .partial,
            channel: Channel(rawValue: row[3]) ?? .online,
            receivedAt: Date(timeIntervalSince1970: Double(micros) / 1_000_000),
            schemaHash: row[5], idempotencyKey: row[6],
            completeness: row[7], body: includeBody ? row[8] : nil)
    }

    deinit { close() }

    /// The durability in force on each shard's writing connection, by shard index, read back
    /// from SQLite (`PRAGMA synchronous`); nil for a shard that is not open for writing (opened
    /// for reading, or failed). With the default options every entry is ``Durability/full``:
    /// each receipt is returned after its commit's fsync. `census store init` prints it.
    public func durabilityInForce() -> [Durability?] {
        slots.map { slot -> Durability? in
            guard case .open(let w) = slot, let level = try? SQLiteSynchronous.current(on: w.pool) else { return nil }
            return Durability(level)
        }
    }

    /// The checkpoint thread of a shard open for writing (for tests).
    func checkpointer(of shard: Int) -> ShardCheckpointer? {
        guard case .open(let w) = slots[shard] else { return nil }
        return w.checkpointer
    }

    /// Commits everything pending, stops the writers, copies each shard's write-ahead log into
    /// its database file and truncates the log (so the `.sqlite` files alone hold every
    /// committed version: see ``ShardFile/closeWriter(_:)``), and closes the shard files.
    /// Called automatically when the store is deallocated. Later submissions fail with
    /// ``StoreError/closed``.
    public func close() {
        for slot in slots {
            switch slot {
            case .open(let w):
                w.close()
            case .reading(_, let queue):
                try? queue.close()
            case .failed:
                break
            }
        }
    }
}
