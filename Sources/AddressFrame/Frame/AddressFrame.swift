import DurableFiles
import Foundation
import GRDB

/// The address frame: every household, and the access codes issued to them.
///
/// The frame is one SQLite file, `frame.sqlite`, normally kept beside the
/// store's `manifest.json`:
///
/// - `household`: one row per household (id, address, postcode, output area,
///   LSOA, local authority).
/// - `access_code`: one row per code ever issued: the code's keyed hash
///   (never the code), household id, issue time, letter kind, revocation
///   time, and the run that issued it;
/// - `individual_code`: one row per individual access code (a person answering their own
///   section privately): its keyed hash, household, person (`i1`, `i2`, …), name, who asked,
///   times and run (``issueIndividualCode(householdID:firstName:lastName:requestedBy:hasher:lettersFile:now:)``);
/// - `code_issue`: one row per run of `codes issue`/`reissue` that issued codes: its letters
///   file and whether it was published (see ``issueCodes(_:letter:hasher:lettersFile:revokePrevious:now:progress:)``).
///
/// ```swift
/// let frame = try AddressFrame.open(at: dir.appendingPathComponent("frame.sqlite"), create: true)
/// try frame.importCSV(at: csvURL)                     // all rows or none
/// let hasher = AccessCodeHasher(secret: try DeploymentSecret.load(allowDevelopment: false))
/// try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: hasher, lettersFile: letters)
/// let household = try frame.lookup(code: "k7qz 3xbm-pt9d-hc2r", hasher: hasher)
/// ```
public final class AddressFrame: Sendable {
    /// The conventional file name.
    public static let fileName = "frame.sqlite"
    /// The frame file.
    public let path: String
    /// The frame's connection: one `DatabaseQueue` when opened for writing; a read-only
    /// `DatabasePool` when opened `readOnly`, so that concurrent reads never wait for each other
    /// (the collection server reads the frame on every request from every thread, and one
    /// shared connection made them queue: BENCHMARKS.md "Collection server", 2026-12-01). A
    /// writer stays one connection: a pool closes its writer before its readers, so the last
    /// connection to close would be read-only and leave the `-wal` and `-shm` files behind.
    let queue: any DatabaseWriter
    /// ``individuals(of:)`` as last read (see ``IndividualsCache``).
    let individualsCache = IndividualsCache()

    private init(path: String, queue: any DatabaseWriter) {
        self.path = path
        self.queue = queue
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-frame") { db in
            try db.execute(sql: """
                CREATE TABLE frame_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE household (
                  household_id TEXT PRIMARY KEY NOT NULL,
                  address_line_1 TEXT NOT NULL,
                  address_line_2 TEXT NOT NULL,
                  address_line_3 TEXT NOT NULL,
                  postcode TEXT NOT NULL,
                  output_area TEXT NOT NULL,
                  lsoa TEXT NOT NULL,
                  local_authority TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX household_local_authority ON household(local_authority);
                CREATE TABLE access_code (
                  code_hash BLOB PRIMARY KEY NOT NULL,
                  household_id TEXT NOT NULL REFERENCES household(household_id),
                  letter TEXT NOT NULL CHECK (letter IN ('initial', 'reminder')),
                  issued_at INTEGER NOT NULL,
                  revoked_at INTEGER
                ) WITHOUT ROWID;
                CREATE INDEX access_code_household ON access_code(household_id);
                """)
        }
        // Each run of `codes issue`/`reissue`, so that one interrupted between committing its
        // codes and publishing its letters is found and settled by the next (issue 13).
        m.registerMigration("v2-code-issues") { db in
            try db.execute(sql: """
                CREATE TABLE code_issue (
                  id INTEGER PRIMARY KEY,
                  letters_file TEXT NOT NULL,
                  partial_file TEXT NOT NULL,
                  codes INTEGER NOT NULL,
                  letters_sha256 TEXT NOT NULL,
                  issued_at INTEGER NOT NULL,
                  published_at INTEGER,
                  revoked_at INTEGER,
                  revoked_reason TEXT
                );
                ALTER TABLE access_code ADD COLUMN issue_id INTEGER REFERENCES code_issue(id);
                CREATE INDEX access_code_issue ON access_code(issue_id);
                """)
        }
        // Individual access codes: a person who answers their own section privately (issue 11).
        // A table of their own, so that a household's sign-in can never open one.
        m.registerMigration("v3-individual-codes") { db in
            try db.execute(sql: """
                CREATE TABLE individual_code (
                  code_hash BLOB PRIMARY KEY NOT NULL,
                  household_id TEXT NOT NULL REFERENCES household(household_id),
                  person TEXT NOT NULL,
                  first_name TEXT NOT NULL,
                  last_name TEXT NOT NULL,
                  requested_by TEXT NOT NULL CHECK (requested_by IN ('household', 'staff')),
                  issued_at INTEGER NOT NULL,
                  revoked_at INTEGER,
                  issue_id INTEGER REFERENCES code_issue(id)
                ) WITHOUT ROWID;
                CREATE INDEX individual_code_household ON individual_code(household_id, person);
                """)
        }
        return m
    }

    /// Opens (and with `create`, creates) a frame file.
    ///
    /// With `readOnly` (`census frame lookup`, `frame stats`) the file is opened for reading
    /// only (``ReadOnlyOpen``): it works on a read-only file, directory or mount, and nothing
    /// is written or created. Otherwise a file or directory that is not writable (or has no
    /// write permission bit, even for root) is refused with ``FrameError/readOnly(path:)``, and
    /// the connection commits with `PRAGMA synchronous = FULL` (checked: see
    /// ``SQLiteSynchronous``), so a committed code is on disk before anything is published.
    ///
    /// An existing file is checked before anything is written to it: an empty file (0 bytes),
    /// a file that is not SQLite, or a SQLite database that is not an address frame (a
    /// response-store shard, say) is refused with ``FrameError/unreadable(path:reason:)``
    /// saying what it is, and left unchanged. Only a file that does not exist is created.
    ///
    /// - throws: ``FrameError/missing(path:)`` when the file does not exist
    ///   and `create` is false; ``FrameError/unreadable(path:reason:)`` when
    ///   it is not a frame database.
    public static func open(at url: URL, create: Bool = false, readOnly: Bool = false) throws -> AddressFrame {
        try open(at: url, create: create, readOnly: readOnly, newEmptyFile: false)
    }

    /// `newEmptyFile`: the file is an empty one this process has just created (``buildNew(at:_:)``
    /// holds a lock on it), to be made into a frame.
    static func open(at url: URL, create: Bool, readOnly: Bool, newEmptyFile: Bool) throws -> AddressFrame {
        let path = url.path
        let isNew: Bool
        switch SQLiteFileCheck.inspect(path) {
        case .missing:
            if !create { throw FrameError.missing(path: path) }
            isNew = true
        case .directory:
            throw FrameError.unreadable(path: path, reason: "it is a directory, not an address frame database")
        case .notRegularFile:
            throw FrameError.unreadable(path: path, reason: "it is not a regular file (a device, pipe or socket)")
        case .empty:
            guard newEmptyFile else { throw FrameError.unreadable(path: path, reason: SQLiteFileCheck.emptyReason) }
            isNew = true
        case .file:
            isNew = false
        }
        if !isNew && !readOnly && DurableFile.isReadOnly(path) {
            throw FrameError.readOnly(path: path)
        }
        do {
            if readOnly {
                let name: String
                do { name = try ReadOnlyOpen.name(for: path) } catch {
                    throw FrameError.cannotReadInPlace(path: path, reason: error.reason)
                }
                let queue = try DatabasePool(path: name, configuration: configuration(readOnly: true))
                do { try queue.read { try checkIsFrame($0, path: path) } } catch {
                    try? queue.close()
                    throw error
                }
                return AddressFrame(path: path, queue: queue)
            }
            if create && isNew {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            } else {
                // Checked read-only first: opening for writing would already turn a foreign
                // SQLite file into a WAL database.
                let probe = try DatabaseQueue(path: path, configuration: configuration(readOnly: true))
                defer { try? probe.close() }
                try probe.read { try checkIsFrame($0, path: path) }
            }
            let queue = try DatabaseQueue(path: path, configuration: configuration(readOnly: false))
            do {
                try SQLiteSynchronous.enforce(.full, on: queue, path: path)
                try migrator.migrate(queue)
            } catch {
                try? queue.close()
                throw error
            }
            return AddressFrame(path: path, queue: queue)
        } catch let e as FrameError {
            throw e
        } catch let e as DatabaseError {
            switch e.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                throw FrameError.unreadable(path: path, reason: "it is not an address frame database, or it is corrupt")
            case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM:
                throw FrameError.unreadable(path: path, reason: "it cannot be opened for writing (check the permissions of the file and its directory)")
            case .SQLITE_FULL, .SQLITE_IOERR:
                throw FrameError.map(e, path: path)
            default:
                throw FrameError.unreadable(path: path, reason: "SQLite: \(e.message ?? "\(e.resultCode)")")
            }
        } catch {
            throw FrameError.unreadable(path: path, reason: DurableFile.reason(error))
        }
    }

    private static func configuration(readOnly: Bool) -> Configuration {
        var config = Configuration()
        config.readonly = readOnly
        config.journalMode = readOnly ? .default : .wal
        config.busyMode = .timeout(10)
        // A read-only pool's readers stay open for its life, so that ``IndividualsCache`` can
        // tell them apart by identity.
        config.persistentReadOnlyConnections = true
        // `PRAGMA synchronous` is set once the connection is open (GRDB resets it to NORMAL
        // after `prepareDatabase`): see SQLiteSynchronous.
        return config
    }

    /// Throws ``FrameError/unreadable(path:reason:)`` unless `db` is an address frame this build
    /// can use: one whose migrations are all known to it and include the first.
    private static func checkIsFrame(_ db: Database, path: String) throws {
        let kind = try CensusDatabaseKind.identify(db)
        guard kind == .addressFrame else {
            throw FrameError.unreadable(path: path, reason: "it is \(kind.description), not an address frame")
        }
        let applied: Set<String> = try db.tableExists("grdb_migrations") ? try migrator.appliedIdentifiers(db) : []
        let known = Set(migrator.migrations)
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw FrameError.unreadable(path: path, reason: "it was written by a newer census build (it has the frame migration '\(unknown)', unknown to this one); use that build")
        }
        guard applied.contains(migrator.migrations[0]) else {
            throw FrameError.unreadable(path: path, reason: "it is not a complete address frame (its tables were never finished)")
        }
    }

    /// The number of households.
    ///
    /// - Throws: GRDB's `DatabaseError` when the frame cannot be read (as every read below).
    public func householdCount() throws -> Int {
        try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM household") ?? 0 }
    }

    /// The household with the given id, or nil.
    ///
    /// - Throws: GRDB's `DatabaseError` when the frame cannot be read.
    public func household(_ id: String) throws -> Household? {
        try queue.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM household WHERE household_id = ?"), arguments: [id]).map(Self.household)
        }
    }

    /// The first household id in sorted order, or `nil` for an empty frame: one id to show the
    /// frame's form of id by (the keying page's example), without reading them all.
    ///
    /// - Throws: GRDB's `DatabaseError` when the frame cannot be read.
    public func firstHouseholdID() throws -> String? {
        try queue.read { try String.fetchOne($0, sql: "SELECT household_id FROM household ORDER BY household_id LIMIT 1") }
    }

    /// Household ids, sorted, optionally only in one local authority (by its GSS code).
    ///
    /// - Throws: GRDB's `DatabaseError` when the frame cannot be read.
    public func householdIDs(localAuthority: String? = nil) throws -> [String] {
        try queue.read { db in
            if let la = localAuthority {
                return try String.fetchAll(db, sql: "SELECT household_id FROM household WHERE local_authority = ? ORDER BY household_id", arguments: [la])
            }
            return try String.fetchAll(db, sql: "SELECT household_id FROM household ORDER BY household_id")
        }
    }

    /// The households of one local authority (by its GSS code), by id (a follow-up list's addresses).
    ///
    /// - Throws: GRDB's `DatabaseError` when the frame cannot be read.
    public func households(localAuthority: String) throws -> [Household] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM household WHERE local_authority = ? ORDER BY household_id", arguments: [localAuthority])
                .map(Self.household)
        }
    }

    static func household(_ row: Row) -> Household {
        Household(householdID: row["household_id"], addressLine1: row["address_line_1"],
                  addressLine2: row["address_line_2"], addressLine3: row["address_line_3"],
                  postcode: row["postcode"], outputArea: row["output_area"], lsoa: row["lsoa"],
                  localAuthority: row["local_authority"])
    }

    /// Closes the frame's database; using the frame afterwards throws.
    ///
    /// - Throws: GRDB's `DatabaseError` if SQLite cannot close the file.
    public func close() throws { try queue.close() }
}
