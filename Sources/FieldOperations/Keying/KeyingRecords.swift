import DurableFiles
import Foundation
import GRDB

/// Double keying of paper returns: the supervisor's setting, each form's two blind keyings
/// until a supervisor settles them, and each keyer's tally of fields keyed and keying errors.
/// One SQLite file, `keying.sqlite`, beside the store's manifest (mode 0600: until a form is
/// settled, its keyings are here, not in a shard).
///
/// A form chosen for double keying (``DoubleKeyingSetting``) is not stored in the response
/// store when first keyed: a ``KeyingBatch`` holds the first keying until a second keyer, who
/// is not the first and does not see the first's answers, keys the same form. The batch then
/// waits for a supervisor, who settles each field that differs; the settled response is stored
/// (by the caller, through the collection path) and the batch records both keyers and the
/// settler. Keying error rates follow from the settlements: a keyer's value that is not the
/// settled one is a keying error (``KeyerTally``).
///
/// Thread safety: `Sendable`; writes are serialised by the file's one connection.
public final class KeyingRecords: Sendable {
    /// The conventional file name in a store directory, beside the store's manifest.
    public static let fileName = "keying.sqlite"
    /// The records file.
    public let path: String
    private let queue: DatabaseQueue

    private init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-keying") { db in
            try db.execute(sql: """
                CREATE TABLE double_keying_setting (
                  id INTEGER PRIMARY KEY CHECK (id = 1),
                  mode TEXT NOT NULL CHECK (mode IN ('off', 'all', 'sample')),
                  sample_percent INTEGER NOT NULL,
                  set_by TEXT NOT NULL,
                  set_at_ms INTEGER NOT NULL
                );
                CREATE TABLE keying_batch (
                  id INTEGER PRIMARY KEY,
                  household_id TEXT NOT NULL,
                  state TEXT NOT NULL CHECK (state IN ('second_keying', 'settling', 'settled')),
                  first_keyer TEXT NOT NULL,
                  first_body BLOB NOT NULL,
                  first_at_ms INTEGER NOT NULL,
                  second_keyer TEXT,
                  second_body BLOB,
                  second_at_ms INTEGER,
                  settled_by TEXT,
                  settled_at_ms INTEGER,
                  receipt TEXT,
                  fields_compared INTEGER,
                  differences INTEGER
                );
                CREATE INDEX keying_batch_household ON keying_batch(household_id, state);
                CREATE INDEX keying_batch_state ON keying_batch(state, id);
                CREATE TABLE keyer_tally (
                  keyer TEXT PRIMARY KEY NOT NULL,
                  forms INTEGER NOT NULL,
                  fields INTEGER NOT NULL,
                  errors INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        return m
    }

    /// Opens (creating when missing) the records at `url`.
    public static func open(at url: URL, create: Bool = true) throws(FieldFileError) -> KeyingRecords {
        let queue = try FieldDatabase.open(at: url, kind: "keying records", table: "keying_batch", create: create,
                                           readOnly: false, migrator: migrator)
        return KeyingRecords(path: url.path, queue: queue)
    }

    /// Closes the file; the records cannot be used after it.
    public func close() { try? queue.close() }

    // MARK: The setting

    /// The current setting (off until a supervisor sets it).
    public func setting() throws(FieldFileError) -> DoubleKeyingSetting {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM double_keying_setting WHERE id = 1") else { return .off }
            switch row["mode"] as String {
            case "all": return .all
            case "sample": return .sample(percent: row["sample_percent"])
            default: return .off
            }
        }
    }

    /// Sets double keying for forms keyed from now on (forms already in a batch carry on).
    public func set(_ setting: DoubleKeyingSetting, by: String, now: Date = Date()) throws(FieldFileError) {
        let (mode, percent): (String, Int)
        switch setting {
        case .off: (mode, percent) = ("off", 0)
        case .all: (mode, percent) = ("all", 100)
        case .sample(let p): (mode, percent) = ("sample", min(100, max(1, p)))
        }
        try write { db in
            try db.execute(sql: """
                INSERT INTO double_keying_setting (id, mode, sample_percent, set_by, set_at_ms) VALUES (1, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET mode = excluded.mode, sample_percent = excluded.sample_percent,
                  set_by = excluded.set_by, set_at_ms = excluded.set_at_ms
                """, arguments: [mode, percent, by, Self.ms(now)])
        }
    }

    // MARK: Batches

    /// The household's batch that is not settled yet, if any.
    public func openBatch(household: String) throws(FieldFileError) -> KeyingBatch? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM keying_batch WHERE household_id = ? AND state != 'settled' ORDER BY id DESC LIMIT 1",
                             arguments: [household]).map(Self.batch)
        }
    }

    /// The batch numbered `id` (``KeyingBatch/id``), in any state, or nil when there is none.
    ///
    /// - throws: ``FieldFileError/unreadable(path:reason:)`` when the file cannot be read.
    public func batch(_ id: Int64) throws(FieldFileError) -> KeyingBatch? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM keying_batch WHERE id = ?", arguments: [id]).map(Self.batch) }
    }

    /// Batches waiting for a supervisor, oldest first.
    public func batchesToSettle(limit: Int = 200) throws(FieldFileError) -> [KeyingBatch] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM keying_batch WHERE state = 'settling' ORDER BY id LIMIT ?", arguments: [limit]).map(Self.batch)
        }
    }

    /// Batches waiting for their second keying.
    public func awaitingSecondKeying() throws(FieldFileError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM keying_batch WHERE state = 'second_keying'") ?? 0 }
    }

    /// Holds a first keying: a new batch waiting for its second keying.
    public func holdFirstKeying(household: String, keyer: String, body: Data, now: Date = Date()) throws(FieldFileError) -> KeyingBatch {
        try write { db in
            try db.execute(sql: """
                INSERT INTO keying_batch (household_id, state, first_keyer, first_body, first_at_ms) VALUES (?, 'second_keying', ?, ?, ?)
                """, arguments: [household, keyer, body, Self.ms(now)])
            return try Row.fetchOne(db, sql: "SELECT * FROM keying_batch WHERE id = ?", arguments: [db.lastInsertedRowID]).map(Self.batch)!
        }
    }

    /// Records the second keying of a batch waiting for it; the batch then waits for a
    /// supervisor. Returns nil when the batch is no longer waiting for a second keying (another
    /// keyer got there first).
    public func recordSecondKeying(batch id: Int64, keyer: String, body: Data, now: Date = Date()) throws(FieldFileError) -> KeyingBatch? {
        try write { db in
            try db.execute(sql: """
                UPDATE keying_batch SET state = 'settling', second_keyer = ?, second_body = ?, second_at_ms = ?
                WHERE id = ? AND state = 'second_keying' AND first_keyer != ?
                """, arguments: [keyer, body, Self.ms(now), id, keyer])
            guard db.changesCount == 1 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM keying_batch WHERE id = ?", arguments: [id]).map(Self.batch)
        }
    }

    /// Records a settlement (after the settled response was stored under `receipt`), and adds
    /// each keyer's fields and errors to their tally, in one transaction. Returns false when
    /// the batch was already settled (nothing is counted twice).
    public func recordSettlement(batch id: Int64, by supervisor: String, receipt: String, fieldsCompared: Int,
                                 errors: [String: Int], differences: Int, now: Date = Date()) throws(FieldFileError) -> Bool {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM keying_batch WHERE id = ? AND state = 'settling'", arguments: [id]) else { return false }
            let batch = Self.batch(row)
            try db.execute(sql: """
                UPDATE keying_batch SET state = 'settled', settled_by = ?, settled_at_ms = ?, receipt = ?, fields_compared = ?, differences = ?
                WHERE id = ?
                """, arguments: [supervisor, Self.ms(now), receipt, fieldsCompared, differences, id])
            for keyer in [batch.firstKeyer, batch.secondKeyer].compactMap({ $0 }) {
                try db.execute(sql: """
                    INSERT INTO keyer_tally (keyer, forms, fields, errors) VALUES (?, 1, ?, ?)
                    ON CONFLICT(keyer) DO UPDATE SET forms = forms + 1, fields = fields + excluded.fields, errors = errors + excluded.errors
                    """, arguments: [keyer, fieldsCompared, errors[keyer] ?? 0])
            }
            return true
        }
    }

    /// Every keyer's tally, by name.
    public func tallies() throws(FieldFileError) -> [KeyerTally] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM keyer_tally ORDER BY keyer").map {
                KeyerTally(keyer: $0["keyer"], forms: $0["forms"], fields: $0["fields"], errors: $0["errors"])
            }
        }
    }

    // MARK: Helpers

    private func read<T>(_ body: (Database) throws -> T) throws(FieldFileError) -> T {
        do { return try queue.read(body) } catch { throw .unreadable(path: path, reason: DurableFile.reason(error)) }
    }

    private func write<T>(_ body: (Database) throws -> T) throws(FieldFileError) -> T {
        do { return try queue.write(body) } catch { throw .unwritable(path: path, reason: DurableFile.reason(error)) }
    }

    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    static func date(_ ms: Int64?) -> Date? { ms.map { Date(timeIntervalSince1970: Double($0) / 1000) } }

    static func batch(_ row: Row) -> KeyingBatch {
        KeyingBatch(
            id: row["id"], householdID: row["household_id"], state: KeyingBatch.State(rawValue: row["state"]) ?? .settled,
            firstKeyer: row["first_keyer"], firstBody: row["first_body"], firstAt: date(row["first_at_ms"]) ?? Date(timeIntervalSince1970: 0),
            secondKeyer: row["second_keyer"], secondBody: row["second_body"], secondAt: date(row["second_at_ms"]),
            settledBy: row["settled_by"], settledAt: date(row["settled_at_ms"]), receipt: row["receipt"])
    }
}

/// Which keyed forms a supervisor wants keyed twice.
public enum DoubleKeyingSetting: Sendable, Equatable {
    /// No form is keyed twice (the setting until a supervisor changes it).
    case off
    /// Every form is keyed twice.
    case all
    /// This share of households (1-100 %), chosen by a hash of the household id: the same
    /// household is always in or out, whoever keys it and however often.
    case sample(percent: Int)

    /// Whether a form of `householdID` keyed now is double keyed.
    public func applies(to householdID: String) -> Bool {
        switch self {
        case .off: return false
        case .all: return true
        case .sample(let percent):
            // FNV-1a 64 of the id, as the store's shard function: stable across runs and builds.
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in householdID.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            return Int(hash % 100) < percent
        }
    }

    /// As the double-keying page and the audit record say it: `off`, `all forms`, `a 10% sample of households`.
    public var description: String {
        switch self {
        case .off: return "off"
        case .all: return "all forms"
        case .sample(let p): return "a \(p)% sample of households"
        }
    }
}

/// One form keyed twice, from the first keying to its settlement.
public struct KeyingBatch: Sendable, Equatable {
    /// Where the batch is; the raw value is the `state` column's.
    public enum State: String, Sendable {
        /// Keyed once; waiting for a second keyer.
        case secondKeying = "second_keying"
        /// Keyed twice; waiting for a supervisor to settle the differences.
        case settling
        /// Settled; the settled response is stored (``receipt``).
        case settled
    }

    /// The batch's number, 1, 2, 3, … in the order forms were first keyed (the "form" the pages name).
    public var id: Int64
    /// The household whose paper form this is, as printed on it.
    public var householdID: String
    /// Where the batch is.
    public var state: State
    /// The first keyer's sign-in name.
    public var firstKeyer: String
    /// The first keying's response JSON.
    public var firstBody: Data
    /// When the first keying was saved.
    public var firstAt: Date
    /// The second keyer's sign-in name (never the first's), once keyed.
    public var secondKeyer: String?
    /// The second keying's response JSON, once keyed.
    public var secondBody: Data?
    /// When the second keying was saved.
    public var secondAt: Date?
    /// The supervisor who settled the differences, once settled.
    public var settledBy: String?
    /// When the batch was settled.
    public var settledAt: Date?
    /// The stored settled version's receipt.
    public var receipt: String?
}

/// A keyer's keying errors over the settled double-keyed forms they keyed.
public struct KeyerTally: Sendable, Equatable {
    /// The keyer's sign-in name.
    public var keyer: String
    /// Double-keyed forms settled.
    public var forms: Int
    /// Fields compared on them (answered by either keyer or the settlement).
    public var fields: Int
    /// Fields where this keyer's value was not the settled one.
    public var errors: Int

    /// errors / fields (0 with no fields). The survey literature's range is 0.1%-1.6%.
    public var errorRate: Double { fields == 0 ? 0 : Double(errors) / Double(fields) }
}
