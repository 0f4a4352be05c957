import FieldOperations
import Foundation
import ResponseStore

extension AuditLog {
    /// ``reconcileKeyed(versionsSince:)`` against `store`'s keyed versions
    /// (``ResponseStore/keyedVersions(receivedSince:)``): what the server does at start, before
    /// any staff page is served, and `census audit reconcile` does with the server stopped.
    ///
    /// - returns: the records appended (none when every keyed version near the log's end is named).
    /// - throws: ``FieldFileError/unwritable(path:reason:)`` when the log or a shard cannot be
    ///   read, or the log cannot be written: nothing appended.
    @discardableResult
    public func reconcileKeyed(with store: ResponseStore) throws(FieldFileError) -> [AuditRecord] {
        try reconcileKeyed { since in
            try store.keyedVersions(receivedSince: since).map {
                KeyedSave(household: IndividualReturn.household(of: $0.storedKey), saveKey: $0.idempotencyKey, keyer: $0.recordedBy,
                          receivedAt: $0.receivedAt, receiptID: $0.receiptID)
            }
        }
    }
}
