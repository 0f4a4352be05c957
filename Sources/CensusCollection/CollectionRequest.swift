import AddressFrame
import Foundation
import Questionnaire
import ResponseStore

/// One response handed to the collection path: this household, this response, this channel.
///
/// ```swift
/// let request = CollectionRequest(
///     householdID: "H000000123",          // as in the address frame (after login, or keyed)
///     body: requestBody,                   // the response JSON, docs/response-format.md
///     kind: .submitted,                    // .partial (save), .submitted (Submit online), .paper
///     idempotencyKey: "7B0E5D0C-…")        // the client's, reused on retry
/// ```
///
/// The kind says what the caller *asks* for; the collection path decides what is stored (see
/// ``CollectionOutcome/Disposition``). The channel follows from it: `.paper` arrived on paper,
/// `.partial` and `.submitted` online. The body's own `"channel"` field is checked by the
/// evaluator like any answer; it does not choose the kind.
public struct CollectionRequest: Sendable, Hashable {
    /// The household, as in the address frame: 1-32 letters, digits, `-` or `_`.
    public var householdID: String
    /// The response: bytes of one JSON object (UTF-8), as described in docs/response-format.md.
    /// Its `"schema"` names the form it answers.
    public var body: Data
    /// What the caller asks to store: an online save (`.partial`), an online submission
    /// (`.submitted`) or a keyed paper return (`.paper`).
    public var kind: ResponseKind
    /// Chosen by the client once per logical save and reused on every retry of it; a retry
    /// stores nothing and answers with the first receipt (``Receipt/isReplay``).
    public var idempotencyKey: String
    /// When the response was received, by the server's clock; `nil` means now. Keying tools
    /// and replays of a day's work pass the original time.
    public var receivedAt: Date?
    /// What to do with an online submission (``ResponseKind/submitted``) that still has errors
    /// or confirmations to give: keep it as an unsubmitted save (the household pages, which
    /// show the findings and ask again), or refuse it and store nothing (the JSON API, whose
    /// client holds the answers). Ignored for saves and paper returns.
    public var ifNotValid: IfNotValid
    /// For a person's private individual return: their key in the address frame (`i1`, from
    /// ``AddressFrame/lookupIndividual(code:hasher:)``); nil for the household's own return.
    /// The body then holds that one member, and the return is judged on their section only
    /// (``Questionnaire/Evaluation/limited(to:position:)``) and stored under
    /// ``ResponseStore/IndividualReturn/key(household:person:)``.
    public var person: String?
    /// Who keyed it, for a paper return keyed by a staff member on the keying page: their
    /// sign-in name, stored with the version in its own row and transaction
    /// (``ResponseStore/Submission/recordedBy``), so the version carries what that save's audit
    /// record says and the record can be restored from it after a power loss. Nil for
    /// household and online returns (and for returns stored by tools). Needs a store with shard
    /// schema `v3-recorded-by` (``CollectionError/storeUnavailable(_:)`` otherwise).
    public var recordedBy: String?

    /// What the collection path does with an online submission that is not valid.
    public enum IfNotValid: Sendable, Hashable {
        /// Store it as ``ResponseKind/partial`` (``CollectionOutcome/Disposition/notSubmitted``).
        case keepAsSave
        /// Store nothing; throw ``CollectionError/notValid(findings:)``.
        case refuse
    }

    /// Creates a request; see the type's documentation for each field.
    public init(householdID: String, body: Data, kind: ResponseKind, idempotencyKey: String, receivedAt: Date? = nil,
                ifNotValid: IfNotValid = .keepAsSave, person: String? = nil, recordedBy: String? = nil) {
        self.householdID = householdID
        self.body = body
        self.kind = kind
        self.idempotencyKey = idempotencyKey
        self.receivedAt = receivedAt
        self.ifNotValid = ifNotValid
        self.person = person
        self.recordedBy = recordedBy
    }

    /// How the response arrived: on paper for `.paper`, online otherwise.
    public var channel: Channel { kind == .paper ? .paper : .online }
}

/// What the collection path did with a response it accepted: always a stored version.
///
/// A refusal is not an outcome: ``Collector/submit(_:)`` throws a ``CollectionError`` and
/// stores nothing.
public struct CollectionOutcome: Sendable {
    /// What was stored, and whether that is what was asked for.
    public enum Disposition: String, Sendable, Hashable, CaseIterable {
        /// An online submission with no errors and every confirmation given: stored as
        /// ``ResponseKind/submitted``. The household has returned its questionnaire.
        case submitted
        /// An online save, as asked (``ResponseKind/partial``): not a return yet.
        case saved
        /// An online submission that still has errors or confirmations to give: kept as an
        /// unsubmitted save (``ResponseKind/partial``) so nothing typed is lost, and **not**
        /// counted as a return. Show ``CollectionOutcome/evaluation``'s findings and ask again.
        case notSubmitted = "not_submitted"
        /// A keyed paper return (``ResponseKind/paper``), stored whatever its findings: the
        /// paper is what the household sent; its errors are recorded for edit and imputation.
        case paperReturn = "paper_return"
    }

    /// The household, read from the address frame.
    public var household: Household
    /// What happened; see ``Disposition``.
    public var disposition: Disposition
    /// The kind of the stored version (``ResponseKind/partial`` for ``Disposition/notSubmitted``).
    public var storedKind: ResponseKind
    /// The store's acknowledgement, returned after the version's transaction committed.
    /// ``Receipt/isReplay`` is set when this was a retry of a save already stored.
    public var receipt: Receipt
    /// The evaluator's verdict on the body: findings (with JSON paths), counts and
    /// ``Evaluation/completeness`` (answered / applicable, 0...1, stored with the version).
    public var evaluation: Evaluation
    /// The schema hash of the form the body answers (`sha256:` and 64 hex digits).
    public var schemaHash: String
}
