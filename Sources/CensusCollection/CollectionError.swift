import AddressFrame
import DurableFiles
import Foundation
import Questionnaire
import ResponseStore

/// Why the collection path refused a response. Nothing was stored.
///
/// Each case carries facts, not advice: the CLI words a remedy for an operator, a web front
/// end for a household. The HTTP status each front end should answer with is given per case.
///
/// ```swift
/// do {
///     let outcome = try await collector.submit(request)
/// } catch {
///     switch error {
///     case .unknownHousehold: ...                                   // 404
///     case .responseTooLarge: ...                                   // 413
///     case .notAResponse, .nothingAnswered, .invalidRequest: ...    // 422
///     case .notValid: ...                                           // 422
///     case .formNotCollected, .idempotencyConflict: ...             // 409
///     case .frameUnavailable, .storeUnavailable: ...                // 503
///     }
/// }
/// ```
public enum CollectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The household id is not in the address frame (or is not a household id at all).
    /// HTTP: 404.
    case unknownHousehold(String)
    /// The body is not a response at all: not JSON (`finding.code == "json"`) or not a JSON
    /// object (`"type"` at `$`). `finding` is the evaluator's, with its path. HTTP: 422.
    case notAResponse(Finding)
    /// The body answers a form this collection does not collect: its `"schema"` is missing
    /// (`claimed` is nil), names another form, or another version of one. `collected` lists
    /// the schema hashes that are. HTTP: 409 (the page was made from another version of the
    /// form; reload it).
    case formNotCollected(claimed: String?, collected: [String])
    /// The body is a response to the form but answers no question that applies (`{}` with
    /// only its schema and channel, or only unknown keys). `findings` are the evaluator's.
    /// HTTP: 422.
    case nothingAnswered(findings: [Finding])
    /// An online submission that still has errors or confirmations to give, refused as its
    /// request asked (``CollectionRequest/ifNotValid``). `findings` are all the evaluator's
    /// (errors, confirmations, warnings), with their JSON paths. HTTP: 422.
    case notValid(findings: [Finding])
    /// A field of the request is unusable (an empty idempotency key). HTTP: 422.
    case invalidRequest(reason: String)
    /// The body is larger than the store takes (``ResponseStore/StoreOptions/maximumBodyBytes``,
    /// 1 MiB by default); it was refused before it was parsed or evaluated. HTTP: 413 (a web
    /// server should refuse far smaller bodies itself, 64 KiB, before reading them whole).
    case responseTooLarge(bytes: Int, limit: Int)
    /// The idempotency key was already used by this household for a different save (another
    /// body or kind); `receiptID` is the version stored under it and `reason` what differs.
    /// A client bug: retrying cannot help. HTTP: 409.
    case idempotencyConflict(householdID: String, idempotencyKey: String, receiptID: String, reason: String)
    /// The address frame could not be read. HTTP: 503.
    case frameUnavailable(path: String, reason: String)
    /// The store could not take the version (a shard missing, read-only, full or failing, or
    /// the store closed); the store's error says which shard and file. HTTP: 503.
    case storeUnavailable(StoreError)

    public var description: String {
        switch self {
        case .unknownHousehold(let id):
            return "household \(Self.quoted(id)) is not in the address frame; nothing was stored"
        case .notAResponse(let finding):
            return "the body is not a household response (\(finding.message)); nothing was stored"
        case .formNotCollected(let claimed, let collected):
            let forms = collected.joined(separator: ", ")
            guard let claimed else {
                return "the response does not say which form it answers (it needs \"schema\": {\"id\", \"hash\"}); this collection takes \(forms); nothing was stored"
            }
            return "the response answers form \(Self.quoted(claimed)), which this collection does not take (it takes \(forms)); nothing was stored"
        case .nothingAnswered(let findings):
            let first = findings.first.map { ": first finding \($0.code) at \($0.path)" } ?? ""
            return "the response answers no question that applies\(first); nothing was stored"
        case .notValid(let findings):
            let blocking = findings.filter { $0.severity == .error || $0.severity == .confirm }
            // Counts as "label: n", so that no count needs its noun made plural here.
            let errors = findings.count { $0.severity == .error }, confirmations = blocking.count - errors
            let counts = [(errors, "errors to correct"), (confirmations, "confirmations to give")].filter { $0.0 > 0 }.map { "\($0.1): \($0.0)" }
            let first = blocking.first.map { "; first \($0.code) at \($0.path)" } ?? ""
            return "the response cannot be submitted as it is (\(counts.joined(separator: ", ")))\(first); nothing was stored"
        case .invalidRequest(let reason):
            return "invalid request: \(reason); nothing was stored"
        case .responseTooLarge(let bytes, let limit):
            return "the response is \(bytes) bytes, more than the \(limit) bytes the store takes; nothing was stored"
        case .idempotencyConflict(let household, let key, let receipt, let reason):
            return "idempotency key \(Self.quoted(key)) of household \(household) was already used for a different save (\(receipt)): \(reason); nothing was stored"
        case .frameUnavailable(let path, let reason):
            return "the address frame \(path) cannot be read: \(reason); nothing was stored"
        case .storeUnavailable(let e):
            return "the response store cannot take the response: \(e)"
        }
    }

    /// Echoed input, capped and with control characters escaped, so a hostile id cannot
    /// break a log line.
    static func quoted(_ s: String) -> String { Echo.quoted(s) }
}
