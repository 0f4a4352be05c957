import Foundation

/// One response version handed to the store by a caller.
///
/// The store does not understand questionnaires. It keeps ``body`` as opaque
/// bytes (by convention the JSON of the answers) together with the metadata
/// the caller supplies:
///
/// ```swift
/// let submission = Submission(
///     householdID: "H000123",
///     kind: .submitted,
///     channel: .online,
///     receivedAt: Date(),
///     schemaHash: "sha256:9f2c…",
///     idempotencyKey: "7B0E5D0C-…",     // chosen by the client, reused on retry
///     completeness: 0.42,               // answered / applicable questions, from the evaluator
///     body: jsonData)
/// let receipt = try await store.submit(submission)
/// ```
///
/// The **idempotency key** is chosen by the client once per logical save and
/// reused when the client retries. Within one household, a second submission
/// with the same key stores nothing. If it is the same save — the same body
/// (byte for byte), kind, channel and schema hash; the time received may
/// differ — it returns the receipt of the first one with
/// ``Receipt/isReplay`` set. Otherwise the key was reused for a different
/// save, a client bug, and it fails with
/// ``StoreError/idempotencyConflict(householdID:idempotencyKey:receiptID:reason:)``.
public struct Submission: Sendable, Hashable {
    /// The household identifier, as in the address frame. Decides the shard.
    public var householdID: String
    /// Partial save, online submission or paper return.
    public var kind: ResponseKind
    /// The channel through which the response arrived.
    public var channel: Channel
    /// When the response was received (the server's clock, not the client's).
    public var receivedAt: Date
    /// The hash of the questionnaire schema the body answers, e.g. `"sha256:…"`.
    public var schemaHash: String
    /// The client's idempotency key. Unique per household and logical save.
    public var idempotencyKey: String
    /// How complete the response is, from 0 (nothing answered) to 1 (every applicable
    /// question answered): the evaluator's answered / applicable questions. Larger is more
    /// complete; the authoritative return prefers it. A value outside 0...1 (or not finite)
    /// is refused with ``StoreError/invalidSubmission(reason:)``.
    public var completeness: Double
    /// The response body: opaque bytes, by convention JSON. At most
    /// ``StoreOptions/maximumBodyBytes`` (1 MiB by default).
    public var body: Data
    /// Who keyed the response, for a paper return keyed by a staff member on the keying page:
    /// their sign-in name, stored in the same row and transaction as the version
    /// (`response_version.recorded_by`, shard schema `v3-recorded-by`), so the version carries
    /// what that save's audit record says. Nil (NULL) for every other version. 1 to
    /// ``StoreOptions/maximumFieldBytes`` bytes; a store older than `v3-recorded-by` refuses it
    /// with ``StoreError/upgradeRequired(path:version:)``. Not compared on a retry.
    public var recordedBy: String?

    /// Creates a submission. See the type documentation for the meaning of
    /// each field.
    public init(
        householdID: String,
        kind: ResponseKind,
        channel: Channel,
        receivedAt: Date,
        schemaHash: String,
        idempotencyKey: String,
        completeness: Double,
        body: Data,
        recordedBy: String? = nil
    ) {
        self.householdID = householdID
        self.kind = kind
        self.channel = channel
        self.receivedAt = receivedAt
        self.schemaHash = schemaHash
        self.idempotencyKey = idempotencyKey
        self.completeness = completeness
        self.body = body
        self.recordedBy = recordedBy
    }
}
