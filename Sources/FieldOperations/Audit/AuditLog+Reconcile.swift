import DurableFiles
import Foundation
import GRDB

// MARK: Restoring the records a power loss took

/// A keyed return as the store holds it, with its keyer: what ``AuditLog/reconcileKeyed(versionsSince:)``
/// compares with the log's `keyed` records. The caller reads these from the response store
/// (`ResponseStore.keyedVersions(receivedSince:)`); this module does not read shards.
public struct KeyedSave: Sendable, Equatable {
    /// The household (the keyed record's subject).
    public var household: String
    /// The save key (the version's idempotency key, `keying-…`).
    public var saveKey: String
    /// Who keyed it (the version's `recorded_by`; the record's actor).
    public var keyer: String
    /// When the version was received.
    public var receivedAt: Date
    /// The version's receipt.
    public var receiptID: String

    /// Creates one; see each field.
    public init(household: String, saveKey: String, keyer: String, receivedAt: Date, receiptID: String) {
        self.household = household
        self.saveKey = saveKey
        self.keyer = keyer
        self.receivedAt = receivedAt
        self.receiptID = receiptID
    }
}

extension AuditLog {
    /// How far before the log's last record ``reconcileKeyed(versionsSince:)`` looks for keyed
    /// versions: 10 minutes. A record a power loss took came after the last one that survived
    /// (the log's WAL keeps a prefix of its commits: each frame's checksum covers the frames
    /// before it), and its version was stamped a moment before it was begun (the same request,
    /// microseconds apart), so only versions stamped after about the last record's time can be
    /// missing theirs. The margin covers what makes those times disagree: records begun on
    /// different threads taking their places in another order than their stamps (milliseconds), a
    /// request descheduled between its stamps, and a small step of the wall clock. Cheap: the
    /// store is read from its newest versions back.
    public static let reconcileMargin: TimeInterval = 600

    /// The detail of a keyed return's `keyed` record: it begins by naming the save key
    /// (`paper return with save key KEY; `), which is how ``reconcileKeyed(versionsSince:)``
    /// knows the record of a version, then the facts.
    public static func keyedDetail(saveKey: String, facts: String) -> String {
        "paper return with save key \(saveKey); \(facts)"
    }

    /// Appends a `keyed` record for every keyed version near the log's end that no `keyed`
    /// record names: the records that a power loss took from the log's tail while their
    /// versions, fsynced in their shards, survived (see ``AuditLog``), and those of saves the
    /// server was stopped in (kill -9) after the version's commit and before the record's. Run at start-up, before
    /// anything is appended; idempotent (a second run finds every version named and appends
    /// nothing). The records are committed with an fsync, in one transaction, chained as any.
    ///
    /// An empty log appends nothing: every keyed save comes after its keyer's sign-in, whose
    /// record is committed with an fsync, so a log that lost everything was never this store's.
    ///
    /// - parameter versionsSince: the store's keyed versions received at or after the given
    ///   time (`ResponseStore.keyedVersions(receivedSince:)`); called once, with the log's last
    ///   record's time minus ``reconcileMargin``.
    /// - returns: the records appended, oldest version first.
    /// - throws: ``FieldFileError/unwritable(path:reason:)`` when the log cannot be read or
    ///   written, or `versionsSince` threw (its error's words in the reason): nothing appended.
    @discardableResult
    public func reconcileKeyed(versionsSince: (Date) throws -> [KeyedSave]) throws(FieldFileError) -> [AuditRecord] {
        do {
            guard let lastMilliseconds = try queue.read({ db in
                try Int64.fetchOne(db, sql: "SELECT at_ms FROM audit_record ORDER BY seq DESC LIMIT 1")
            }) else { return [] }
            let since = Date(timeIntervalSince1970: Double(lastMilliseconds) / 1000 - Self.reconcileMargin)
            let saves = try versionsSince(since)
            if saves.isEmpty { return [] }
            return try queue.writeWithoutTransaction { db in
                try commitState.ensure(.full, db, path: path)
                var appended: [AuditRecord] = []
                try db.inTransaction(.immediate) {
                    // In the appending transaction: a record another process appends meanwhile is seen.
                    let named = try Self.keyedDetails(since: since.addingTimeInterval(-Self.reconcileMargin), db)
                    let now = Self.milliseconds(Date())
                    let missing = saves
                        .filter { save in
                            let prefix = Self.keyedDetail(saveKey: save.saveKey, facts: "")
                            return !(named[save.household] ?? []).contains { $0.hasPrefix(prefix) }
                        }
                        .sorted { ($0.receivedAt, $0.receiptID) < ($1.receivedAt, $1.receiptID) }
                    let format = ISO8601DateFormatter()
                    format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                    let entries = missing.map { save in
                        Entry(actor: save.keyer, action: AuditAction.keyed.rawValue, subject: save.household,
                              detail: Self.keyedDetail(saveKey: save.saveKey, facts: """
                                  reconciled from the store at start-up: stored as receipt \(save.receiptID), received \
                                  \(format.string(from: save.receivedAt)); its record was not in the log (the server stopped \
                                  between the version's commit and the record's, or a power loss took the log's unsynced tail)
                                  """),
                              atMilliseconds: now)
                    }
                    appended = try Self.insert(entries, db)
                    return .commit
                }
                return appended
            }
        } catch let error as FieldFileError {
            throw error
        } catch {
            throw .unwritable(path: path, reason: "reconciling keyed returns with the store: \(DurableFile.reason(error))")
        }
    }

    /// The details of the `keyed` records at or after `since` (their `at_ms`), by subject:
    /// read newest first, stopping at the first older record (records are appended in about
    /// the order of their times; the caller's margin covers the difference).
    private static func keyedDetails(since: Date, _ db: Database) throws -> [String: [String]] {
        let sinceMilliseconds = milliseconds(since)
        var details: [String: [String]] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT at_ms, action, subject, detail FROM audit_record ORDER BY seq DESC")
        while let row = try rows.next() {
            let at: Int64 = row[0]
            if at < sinceMilliseconds { break }
            let action: String = row[1]
            if action == AuditAction.keyed.rawValue { details[row[2], default: []].append(row[3]) }
        }
        return details
    }
}
