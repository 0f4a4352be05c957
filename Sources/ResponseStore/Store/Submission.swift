import Foundation

/// What a stored response version represents.
///
/// A household's responses are kept as an append-only list of *versions*.
/// Each version says which kind of save produced it:
///
/// - ``partial``: an online save-and-come-back-later. Not a return yet.
/// - ``submitted``: the respondent pressed *Submit* online.
/// - ``paper``: a paper questionnaire keyed in by the data-capture centre.
///
/// The kind takes part in choosing the household's authoritative return; see
/// ``AuthoritativeReturn``.
public enum ResponseKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// An online partial save (unsubmitted).
    case partial
    /// An online submission.
    case submitted
    /// A paper return, keyed from the paper questionnaire.
    case paper

    /// The rank of the kind in the authoritative-return rule: submitted online
    /// (2) beats paper (1), which beats an unsubmitted online save (0).
    public var authorityRank: Int {
        switch self {
        case .submitted: return 2
        case .paper: return 1
        case .partial: return 0
        }
    }
}

/// How a response reached the census.
public enum Channel: String, Sendable, Codable, CaseIterable, Hashable {
    /// Through the online questionnaire.
    case online
    /// On paper, through the post and the data-capture centre.
    case paper
}

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
///     completeness: 42,                 // e.g. answered questions, from the evaluator
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
    /// How complete the response is, as computed by the caller (for example the
    /// number of answered questions). Larger is more complete.
    public var completeness: Double
    /// The response body: opaque bytes, by convention JSON.
    public var body: Data

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
        body: Data
    ) {
        self.householdID = householdID
        self.kind = kind
        self.channel = channel
        self.receivedAt = receivedAt
        self.schemaHash = schemaHash
        self.idempotencyKey = idempotencyKey
        self.completeness = completeness
        self.body = body
    }
}

/// The acknowledgement of a stored submission.
///
/// A receipt is only ever returned after the transaction that stored the
/// version has committed (see ``ResponseStore/submit(_:)``), so holding a
/// receipt means the response is in the shard file.
public struct Receipt: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A printable identifier, `R<shard>-<version>`, e.g. `R03-000001234`.
    public var receiptID: String
    /// The index of the shard that holds the version.
    public var shard: Int
    /// The version number: the row id of the version inside its shard.
    /// Versions only ever increase within a shard.
    public var version: Int64
    /// The household the version belongs to.
    public var householdID: String
    /// The time received, as stored.
    public var receivedAt: Date
    /// True when this receipt answers a retry: the idempotency key was already
    /// stored, nothing new was written, and this is the original receipt.
    public var isReplay: Bool

    /// Builds the receipt identifier for a shard and version.
    public static func makeID(shard: Int, version: Int64) -> String {
        let s = String(shard)
        let v = String(version)
        return "R" + String(repeating: "0", count: max(0, 2 - s.count)) + s
            + "-" + String(repeating: "0", count: max(0, 9 - v.count)) + v
    }

    public init(shard: Int, version: Int64, householdID: String, receivedAt: Date, isReplay: Bool) {
        self.receiptID = Receipt.makeID(shard: shard, version: version)
        self.shard = shard
        self.version = version
        self.householdID = householdID
        self.receivedAt = receivedAt
        self.isReplay = isReplay
    }

    public var description: String { receiptID }
}

/// A stored response version, as read back from a shard.
public struct ResponseVersion: Sendable, Hashable {
    /// The shard that holds the version.
    public var shard: Int
    /// The version number (row id in the shard); see ``Receipt/version``.
    public var version: Int64
    /// The receipt identifier that was returned when the version was stored.
    public var receiptID: String { Receipt.makeID(shard: shard, version: version) }
    public var householdID: String
    public var kind: ResponseKind
    public var channel: Channel
    public var receivedAt: Date
    public var schemaHash: String
    public var idempotencyKey: String
    public var completeness: Double
    /// The body, or `nil` when it was not requested (see ``ResponseStore/versions(of:includeBodies:)``).
    public var body: Data?

    public init(shard: Int, version: Int64, householdID: String, kind: ResponseKind, channel: Channel,
                receivedAt: Date, schemaHash: String, idempotencyKey: String, completeness: Double, body: Data?) {
        self.shard = shard
        self.version = version
        self.householdID = householdID
        self.kind = kind
        self.channel = channel
        self.receivedAt = receivedAt
        self.schemaHash = schemaHash
        self.idempotencyKey = idempotencyKey
        self.completeness = completeness
        self.body = body
    }
}
