import DurableFiles
import Foundation
import GRDB

/// The schema of a shard file, as versioned migrations in code.
///
/// Migrations are only ever appended. The manifest records the last one
/// applied and a hash of all of them (``hash(upTo:)``); a shard whose applied
/// migrations differ from the manifest's is refused with
/// ``StoreError/schemaMismatch(shard:path:reason:)``.
///
/// Response versions are append-only: triggers abort any `UPDATE` or
/// `DELETE` of the `response_version` table.
///
/// - `v1-response-versions`: `store_meta`, `response_version`.
/// - `v2-page-saves`: `page_save`, the online questionnaire's page-by-page saves (deltas, see
///   ``PageSave``). Lean rows on purpose: no schema hash, idempotency key or time in
///   microseconds per row, so that a completed household's saves stay proportional to its
///   response. A store made before it is brought up to date by ``ResponseStore/upgrade(at:options:)``
///   (`census store upgrade`).
/// - `v3-recorded-by`: `response_version.recorded_by`, the staff member who keyed a paper return
///   on the keying page (NULL for every other version). The keyed version then carries what the
///   audit log's `keyed` record says, so that record may commit without an fsync of its own and
///   be restored from the shard if a power loss takes it (FieldOperations' `AuditLog`,
///   `AuditLog+Reconcile.swift`). Upgraded in place as `v2-page-saves` is.
public enum ShardSchema {
    /// The migrations, in order: identifier and SQL.
    package static let migrations: [(id: String, sql: String)] = [
        (
            "v1-response-versions",
            """
            CREATE TABLE store_meta (
              key TEXT PRIMARY KEY NOT NULL,
              value TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE response_version (
              id INTEGER PRIMARY KEY,
              household_id TEXT NOT NULL,
              kind TEXT NOT NULL CHECK (kind IN ('partial', 'submitted', 'paper')),
              channel TEXT NOT NULL CHECK (channel IN ('online', 'paper')),
              received_at INTEGER NOT NULL,
              schema_hash TEXT NOT NULL,
              idempotency_key TEXT NOT NULL,
              completeness REAL NOT NULL,
              body BLOB NOT NULL,
              UNIQUE (household_id, idempotency_key)
            );
            CREATE TRIGGER response_version_append_only_update
              BEFORE UPDATE ON response_version
              BEGIN SELECT RAISE(ABORT, 'response versions are append-only'); END;
            CREATE TRIGGER response_version_append_only_delete
              BEFORE DELETE ON response_version
              BEGIN SELECT RAISE(ABORT, 'response versions are append-only'); END;
            """
        ),
        (
            "v2-page-saves",
            """
            CREATE TABLE page_save (
              household_id TEXT NOT NULL,
              seq INTEGER NOT NULL CHECK (seq >= 1),
              saved_at INTEGER NOT NULL,
              completeness INTEGER NOT NULL CHECK (completeness BETWEEN 0 AND 10000),
              body BLOB NOT NULL,
              PRIMARY KEY (household_id, seq)
            ) WITHOUT ROWID;
            CREATE TRIGGER page_save_append_only_update
              BEFORE UPDATE ON page_save
              BEGIN SELECT RAISE(ABORT, 'page saves are append-only'); END;
            """
        ),
        (
            "v3-recorded-by",
            """
            ALTER TABLE response_version ADD COLUMN recorded_by TEXT;
            """
        ),
    ]

    /// The migration that added page saves (``PageSave``).
    public static let pageSavesVersion = "v2-page-saves"

    /// The migration that added `response_version.recorded_by` (``Submission/recordedBy``).
    public static let recordedByVersion = "v3-recorded-by"

    /// The identifier of the last migration this build knows.
    public static var currentVersion: String { migrations.last!.id }

    /// The hash of the migrations up to and including `version`, or nil when
    /// this build does not know `version`.
    public static func hash(upTo version: String) -> String? {
        guard let end = migrations.firstIndex(where: { $0.id == version }) else { return nil }
        var text = ""
        for m in migrations[...end] {
            text += m.id + "\n" + m.sql + "\n"
        }
        return sha256Tag(Array(text.utf8))
    }

    /// The migration identifiers up to and including `version`.
    static func identifiers(upTo version: String) -> [String] {
        guard let end = migrations.firstIndex(where: { $0.id == version }) else { return [] }
        return migrations[...end].map(\.id)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for m in migrations {
            let sql = m.sql
            migrator.registerMigration(m.id) { db in try db.execute(sql: sql) }
        }
        return migrator
    }
}
