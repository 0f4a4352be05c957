import DurableFiles
import Foundation

/// The outcome of ``ResponseStore/acceptQuestionnaireSchemas(_:at:restrict:)``.
public struct SchemaAcceptanceResult: Sendable, Equatable {
    /// The hashes that were added to the manifest (empty when all of them
    /// were already accepted: nothing was written).
    public var added: [String]
    /// The hashes that were already accepted.
    public var alreadyAccepted: [String]
    /// The manifest's accepted list after the call.
    public var accepted: [String]
}

extension ResponseStore {
    /// True for a questionnaire schema hash as `census compile` prints it:
    /// `sha256:` and 64 lowercase hexadecimal digits.
    public static func isQuestionnaireSchemaHash(_ s: String) -> Bool {
        guard s.hasPrefix("sha256:") else { return false }
        let hex = s.utf8.dropFirst(7)
        return hex.count == 64 && hex.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    /// Adds questionnaire schema hashes to the accepted list of the store in
    /// `directory` (`census store accept-schema`).
    ///
    /// - Idempotent: hashes already accepted are reported in
    ///   ``SchemaAcceptanceResult/alreadyAccepted`` and, when nothing is new,
    ///   the manifest is not rewritten.
    /// - Atomic: the manifest is replaced by write, fsync, rename, fsync of the
    ///   directory, under an exclusive `flock` on the store directory so that
    ///   two concurrent calls cannot lose each other's hash.
    /// - An empty accepted list means *any* schema is accepted. Adding a hash
    ///   to it would start refusing every other schema, so that is only done
    ///   with `restrict: true`; otherwise it throws
    ///   ``StoreError/acceptsAnySchema(path:)``.
    ///
    /// Processes that already have the store open keep the list they read at
    /// open time; reopen the store (restart them) to pick up the change.
    ///
    /// - throws: ``StoreError/invalidSchemaHash(_:)`` for a hash not of the form
    ///   `sha256:<64 hex>`, and the errors of ``StoreManifest/read(from:)``.
    @discardableResult
    public static func acceptQuestionnaireSchemas(_ hashes: [String], at directory: URL,
                                                  restrict: Bool = false) throws -> SchemaAcceptanceResult {
        for h in hashes where !isQuestionnaireSchemaHash(h) { throw StoreError.invalidSchemaHash(h) }
        // Validate the store before locking (a clear error for a wrong directory).
        _ = try StoreManifest.read(from: directory)
        // As for shards: no write permission bit means "do not write", even for root.
        let manifestPath = directory.appendingPathComponent(StoreManifest.fileName).path
        if DurableFile.isReadOnly(manifestPath) { throw StoreError.manifestReadOnly(path: manifestPath) }
        let lock = try StoreLock(directory)
        defer { lock.release() }

        var manifest = try StoreManifest.read(from: directory)
        var added: [String] = []
        var already: [String] = []
        for h in hashes {
            if manifest.questionnaireSchemas.contains(h) || added.contains(h) {
                if !already.contains(h) { already.append(h) }
            } else {
                added.append(h)
            }
        }
        if !added.isEmpty {
            if manifest.questionnaireSchemas.isEmpty && !restrict {
                throw StoreError.acceptsAnySchema(path: directory.path)
            }
            manifest.questionnaireSchemas += added
            try manifest.write(to: directory)
        }
        return SchemaAcceptanceResult(added: added, alreadyAccepted: already, accepted: manifest.questionnaireSchemas)
    }
}
