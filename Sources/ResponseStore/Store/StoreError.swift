import Foundation

/// Errors of the response store.
///
/// Every error about a file names the file and says what to do. Shard errors
/// only affect the households of that shard: the rest of the store keeps
/// working (see ``ResponseStore/shardStatus``).
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The store directory has no manifest.
    case manifestMissing(path: String)
    /// The manifest cannot be read or is not a census store manifest.
    case manifestInvalid(path: String, reason: String)
    /// The manifest, or the store directory, is not writable (`accept-schema`).
    case manifestReadOnly(path: String)
    /// A store already exists where one was to be created.
    case alreadyExists(path: String)
    /// The directory has shard files but no manifest. `holdsResponses` false: the leftovers of
    /// an interrupted `store init` (no response in them), which the next `store init` removes;
    /// true: a store whose manifest was lost (or files that are not shards), left untouched.
    case unfinishedStore(path: String, holdsResponses: Bool, detail: String)
    /// The manifest uses a shard function this build does not implement.
    case unsupportedShardFunction(path: String, name: String)
    /// A shard file listed in the manifest does not exist.
    case shardMissing(shard: Int, path: String)
    /// A shard file is not a readable SQLite database, or failed its check.
    case shardCorrupt(shard: Int, path: String, reason: String)
    /// A shard file, or its directory, is not writable.
    case shardReadOnly(shard: Int, path: String)
    /// A shard cannot be read (opened read-only) for a reason other than corruption.
    case shardUnreadable(shard: Int, path: String, reason: String)
    /// A write to a store opened for reading only (``ResponseStore/openForReading(at:options:)``).
    case openedForReading(path: String)
    /// A shard file does not match the manifest or this build's schema.
    case schemaMismatch(shard: Int, path: String, reason: String)
    /// Any other SQLite failure on a shard.
    case shardFailure(shard: Int, path: String, reason: String)
    /// The submission's questionnaire schema hash is not accepted by the manifest.
    case unknownQuestionnaireSchema(hash: String, accepted: [String])
    /// A questionnaire schema hash given to `accept-schema` is not
    /// `sha256:` and 64 lowercase hex digits.
    case invalidSchemaHash(String)
    /// `accept-schema` on a store whose accepted list is empty (any schema is
    /// accepted) without `--restrict`: adding a hash would refuse all others.
    case acceptsAnySchema(path: String)
    /// A retry reused an idempotency key of the household for a *different*
    /// save (another body, kind, channel or schema hash). Nothing was stored.
    /// `receiptID` is the version stored under the key. An HTTP layer should
    /// answer 409 Conflict (or 422): it is a client bug, retrying cannot help.
    case idempotencyConflict(householdID: String, idempotencyKey: String, receiptID: String, reason: String)
    /// A page save's number is already taken for the household: another device saved
    /// first. Nothing was stored; read the saves after the last one you had and save again.
    case pageSaveConflict(householdID: String, sequence: Int64)
    /// The store's shards predate a feature this build needs (page saves, a keyed version's
    /// keyer: ``Submission/recordedBy``): run
    /// `census store upgrade --dir DIR` (``ResponseStore/upgrade(at:options:)``).
    case upgradeRequired(path: String, version: String)
    /// The submission is malformed (empty household id or idempotency key, a field over
    /// ``StoreOptions/maximumFieldBytes``, completeness outside 0...1). Nothing was stored.
    case invalidSubmission(reason: String)
    /// The body is larger than ``StoreOptions/maximumBodyBytes`` (`limit`); nothing was
    /// queued. An HTTP layer answers 413 Content Too Large.
    case responseTooLarge(householdID: String, bytes: Int, limit: Int)
    /// The store was closed.
    case closed

    /// A message naming the file and the remedy.
    public var description: String {
        switch self {
        case .manifestMissing(let path):
            return "no store manifest at \(path). Create a store with `census store init --shards N --dir DIR`, or pass the directory that holds manifest.json."
        case .manifestInvalid(let path, let reason):
            return "store manifest \(path) is unreadable: \(reason). Restore manifest.json from backup; do not edit it by hand."
        case .manifestReadOnly(let path):
            return "store manifest \(path) is read-only (file or directory not writable). Fix permissions (e.g. `chmod u+w`) or remount read-write; nothing was changed."
        case .alreadyExists(let path):
            return "a store already exists at \(path); refusing to overwrite it. Choose an empty directory."
        case .unfinishedStore(let path, false, let detail):
            return "the store in \(path) was never finished: it has no manifest.json, and its shards/ holds \(detail) (an interrupted `census store init`). Run `census store init` again: it removes them and creates the store."
        case .unfinishedStore(let path, true, let detail):
            return "\(path) has no manifest.json, but its shards/ holds \(detail): a store whose manifest was lost, not an unfinished one. Restore manifest.json from backup; nothing was changed."
        case .unsupportedShardFunction(let path, let name):
            return "store manifest \(path) uses shard function '\(name)', but this build only knows '\(ShardFunction.name)'. Use the census build that created the store."
        case .shardMissing(let shard, let path):
            return "shard \(shard) is missing: \(path) does not exist. Restore the file from backup (do not create an empty one: its households' responses would be lost). Other shards are unaffected."
        case .shardCorrupt(let shard, let path, let reason):
            return "shard \(shard) at \(path) is corrupt or not a shard database (\(reason)). Stop writers, restore the file from backup or recover it with `sqlite3 \(path) .recover`, then run `census store check`. Other shards are unaffected."
        case .shardReadOnly(let shard, let path):
            return "shard \(shard) at \(path) is read-only (file or directory not writable). Fix permissions (e.g. `chmod u+w`) or remount read-write; its households cannot be written until then. Other shards are unaffected."
        case .shardUnreadable(let shard, let path, let reason):
            return "shard \(shard) at \(path) cannot be read: \(reason). Other shards are unaffected."
        case .openedForReading(let path):
            return "the store at \(path) was opened for reading only; open it with ResponseStore.open to write"
        case .schemaMismatch(let shard, let path, let reason):
            return "shard \(shard) at \(path) does not match: \(reason). Use the census build and manifest that created this store; do not copy shard files between stores."
        case .shardFailure(let shard, let path, let reason):
            return "shard \(shard) at \(path) failed: \(reason). The transaction was rolled back; nothing was half-written. Retry, then run `census store check`."
        case .unknownQuestionnaireSchema(let hash, let accepted):
            return "questionnaire schema \(hash) is not accepted by this store (accepted: \(accepted.joined(separator: ", "))). If this form is meant to be collected, run `census store accept-schema --dir STORE_DIR \(hash)`, then restart the processes that have the store open."
        case .invalidSchemaHash(let hash):
            return "'\(hash)' is not a questionnaire schema hash: expected sha256: and 64 lowercase hex digits, as printed by `census compile` and `census demo`."
        case .acceptsAnySchema(let path):
            return "the store at \(path) accepts any questionnaire schema (its accepted list is empty), so there is nothing to add. To accept only listed schemas from now on, run `census store accept-schema --restrict --dir \(path) HASH…` with every schema still in use."
        case .idempotencyConflict(let household, let key, let receipt, let reason):
            return "idempotency key '\(key)' of household \(household) was already used for a different save (\(receipt)): \(reason). Nothing was stored. A retry must resend exactly the same request; a new save needs a new idempotency key."
        case .pageSaveConflict(let household, let sequence):
            return "household \(household) already has page save \(sequence): another device saved at the same time. Nothing was stored; read the newer saves and save again."
        case .upgradeRequired(let path, let version):
            return "the store at \(path) has shard schema \(version), older than this build's (page saves need v2-page-saves, keyed returns' keyers v3-recorded-by); run `census store upgrade --dir \(path)` (stop its writers first) to bring its shards up to \(ShardSchema.currentVersion)."
        case .invalidSubmission(let reason):
            return "invalid submission: \(reason)"
        case .responseTooLarge(let household, let bytes, let limit):
            return "the response of household \(household) is \(bytes) bytes, more than the store's limit of \(limit) bytes; nothing was stored"
        case .closed:
            return "the response store is closed"
        }
    }

    public var errorDescription: String? { description }

    /// The shard the error is about, if any.
    public var shard: Int? {
        switch self {
        case .shardMissing(let s, _), .shardCorrupt(let s, _, _), .shardReadOnly(let s, _), .shardUnreadable(let s, _, _),
             .schemaMismatch(let s, _, _), .shardFailure(let s, _, _):
            return s
        default:
            return nil
        }
    }
}
