import DurableFiles
import Foundation
import GRDB

/// A household of the address frame.
public struct Household: Sendable, Hashable, Codable {
    public var householdID: String
    public var addressLine1: String
    public var addressLine2: String
    public var addressLine3: String
    /// Normalised: uppercase, one space before the inward code (`LS1 4AP`).
    public var postcode: String
    /// Output area code, e.g. `E00056789`.
    public var outputArea: String
    /// Lower layer super output area code, e.g. `E01011234`.
    public var lsoa: String
    /// Local authority code, e.g. `E08000035`.
    public var localAuthority: String

    public init(householdID: String, addressLine1: String, addressLine2: String = "", addressLine3: String = "",
                postcode: String, outputArea: String, lsoa: String, localAuthority: String) {
        self.householdID = householdID
        self.addressLine1 = addressLine1
        self.addressLine2 = addressLine2
        self.addressLine3 = addressLine3
        self.postcode = postcode
        self.outputArea = outputArea
        self.lsoa = lsoa
        self.localAuthority = localAuthority
    }

    /// The CSV columns of a frame file, in order.
    public static let csvHeader = ["household_id", "address_line_1", "address_line_2", "address_line_3",
                                   "postcode", "output_area", "lsoa", "local_authority"]

    var csvFields: [String] {
        [householdID, addressLine1, addressLine2, addressLine3, postcode, outputArea, lsoa, localAuthority]
    }
}

/// The address frame: every household, and the access codes issued to them.
///
/// The frame is one SQLite file, `frame.sqlite`, normally kept beside the
/// store's `manifest.json`:
///
/// - `household`: one row per household (id, address, postcode, output area,
///   LSOA, local authority).
/// - `access_code`: one row per code ever issued: the code's keyed hash
///   (never the code), household id, issue time, letter kind, and
///   revocation time.
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
    let queue: DatabaseQueue

    private init(path: String, queue: DatabaseQueue) {
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
        return m
    }

    /// Opens (and with `create`, creates) a frame file.
    ///
    /// With `readOnly` (`census frame lookup`, `frame stats`) the file is opened for reading
    /// only (``ReadOnlyOpen``): it works on a read-only file, directory or mount, and nothing
    /// is written or created. Otherwise a file or directory that is not writable (or has no
    /// write permission bit, even for root) is refused with ``FrameError/readOnly(path:)``.
    ///
    /// - throws: ``FrameError/missing(path:)`` when the file does not exist
    ///   and `create` is false; ``FrameError/unreadable(path:reason:)`` when
    ///   it is not a frame database.
    public static func open(at url: URL, create: Bool = false, readOnly: Bool = false) throws -> AddressFrame {
        let path = url.path
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if !create && !exists {
            throw FrameError.missing(path: path)
        }
        if exists && isDirectory.boolValue {
            throw FrameError.unreadable(path: path, reason: "it is a directory, not an address frame database")
        }
        if exists && !readOnly && DurableFile.isReadOnly(path) {
            throw FrameError.readOnly(path: path)
        }
        var config = Configuration()
        config.readonly = readOnly
        config.journalMode = readOnly ? .default : .wal
        config.busyMode = .timeout(10)
        if !readOnly { config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") } }
        do {
            if create {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            }
            let name: String
            do { name = readOnly ? try ReadOnlyOpen.name(for: path) : path } catch {
                throw FrameError.cannotReadInPlace(path: path, reason: error.reason)
            }
            let queue = try DatabaseQueue(path: name, configuration: config)
            if try queue.read({ try migrator.hasBeenSuperseded($0) }) {
                throw FrameError.unreadable(path: path, reason: "written by a newer census build")
            }
            if readOnly {
                guard try queue.read({ try migrator.hasCompletedMigrations($0) }) else {
                    throw FrameError.unreadable(path: path, reason: "it is not a complete address frame (its tables are missing)")
                }
            } else {
                try migrator.migrate(queue)
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

    /// The number of households.
    public func householdCount() throws -> Int {
        try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM household") ?? 0 }
    }

    /// The household with the given id, or nil.
    public func household(_ id: String) throws -> Household? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM household WHERE household_id = ?", arguments: [id]).map(Self.household)
        }
    }

    /// Household ids, sorted, optionally only in one local authority.
    public func householdIDs(localAuthority: String? = nil) throws -> [String] {
        try queue.read { db in
            if let la = localAuthority {
                return try String.fetchAll(db, sql: "SELECT household_id FROM household WHERE local_authority = ? ORDER BY household_id", arguments: [la])
            }
            return try String.fetchAll(db, sql: "SELECT household_id FROM household ORDER BY household_id")
        }
    }

    static func household(_ row: Row) -> Household {
        Household(householdID: row["household_id"], addressLine1: row["address_line_1"],
                  addressLine2: row["address_line_2"], addressLine3: row["address_line_3"],
                  postcode: row["postcode"], outputArea: row["output_area"], lsoa: row["lsoa"],
                  localAuthority: row["local_authority"])
    }

    public func close() throws { try queue.close() }
}

/// Errors of the address frame.
public enum FrameError: Error, Sendable, CustomStringConvertible, LocalizedError {
    case missing(path: String)
    case unreadable(path: String, reason: String)
    case lettersFileExists(path: String)
    case unknownHousehold(String)
    /// The frame CSV file cannot be read.
    case unreadableCSV(path: String, reason: String)
    /// A new frame file could not be created; nothing was left behind.
    case cannotCreate(path: String, reason: String)
    /// A command that writes the frame was given a read-only frame file or directory.
    case readOnly(path: String)
    /// A read-only frame that cannot be read where it is (see ``ReadOnlyOpen``); it is intact.
    case cannotReadInPlace(path: String, reason: String)
    /// The disk is full, or failed: the frame is unchanged (the transaction was rolled back).
    case diskProblem(path: String, reason: String)
    /// Any other SQLite failure while using the frame; the transaction was rolled back.
    case failed(path: String, reason: String)
    /// Another process issued codes while this one was choosing households; nothing was issued.
    case concurrentIssue

    public var description: String {
        switch self {
        case .missing(let path):
            return "no address frame at \(path). Create it with `census frame import FILE.csv --out DIR` or `census frame generate --out DIR`."
        case .unreadable(let path, let reason):
            return "the address frame \(path) cannot be used: \(reason). Restore it from backup or re-import the frame CSV into a new directory."
        case .lettersFileExists(let path):
            return "the letters file \(path) already exists. Letters files are written once and never overwritten; choose a new file name."
        case .unknownHousehold(let id):
            return "household \(id) is not in the address frame."
        case .unreadableCSV(let path, let reason):
            return "cannot read the frame CSV \(path): \(reason). Check the file name; nothing was imported."
        case .concurrentIssue:
            return "another process issued access codes to this frame at the same time; nothing was issued by this run and no letters file was written. Run the command again (once the other has finished): it issues codes only to households that still have none."
        case .cannotReadInPlace(let path, let reason):
            return "cannot read the address frame \(path): \(reason)."
        case .diskProblem(let path, let reason):
            return "cannot use the address frame \(path): \(reason). The frame is unchanged (the transaction was rolled back); free space on the disk, or check it, and run the command again."
        case .failed(let path, let reason):
            return "the address frame \(path) failed: \(reason). The frame is unchanged (the transaction was rolled back); run the command again."
        case .readOnly(let path):
            return "the address frame \(path) is read-only (file or directory not writable). Fix permissions (e.g. `chmod u+w`) or remount read-write to change it; `census frame lookup` and `frame stats` still work."
        case .cannotCreate(let path, let reason):
            return "cannot create the address frame \(path): \(reason). Nothing was imported and no frame file was left behind."
        }
    }

    public var errorDescription: String? { description }

    /// A SQLite error on the frame as a one-line ``FrameError`` (errors of other kinds are
    /// returned unchanged), so that no command prints "SQLite error 13: …".
    static func map(_ error: any Error, path: String) -> any Error {
        guard let e = error as? DatabaseError else { return error }
        switch e.resultCode {
        case .SQLITE_FULL: return FrameError.diskProblem(path: path, reason: "the disk is full")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return FrameError.failed(path: path, reason: "another process kept it locked for longer than 10 s (another census frame command?)")
        case .SQLITE_IOERR: return FrameError.diskProblem(path: path, reason: "disk I/O error (is the disk full?)")
        case .SQLITE_READONLY, .SQLITE_PERM: return FrameError.readOnly(path: path)
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: return FrameError.unreadable(path: path, reason: "it is not an address frame database, or it is corrupt")
        default: return FrameError.failed(path: path, reason: e.message ?? "\(e.resultCode)")
        }
    }
}
