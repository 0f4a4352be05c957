import AddressFrame
import Foundation
import Questionnaire
import ResponseStore
import Synchronization

/// The one path from "this household, this response, this channel" to a stored version or a
/// refusal. The online questionnaire, the keying screen, the API and `census store submit`
/// all write responses through it, so every stored version was checked the same way.
///
/// For each ``CollectionRequest``, in order:
/// 1. **Frame**: the household must be in the address frame (else
///    ``CollectionError/unknownHousehold(_:)``). Logging in with an access code is the frame's
///    job: ``AddressFrame/lookup(code:hasher:)`` gives the household id to pass here.
/// 2. **Form**: the body's `"schema"` must name a form this collector evaluates, which the
///    store accepts (checked once, at ``init(frame:store:forms:)``); else
///    ``CollectionError/formNotCollected(claimed:collected:)``.
/// 3. **Evaluation** by the form's ``Evaluator``: a body that is not a response (not JSON,
///    not an object) or answers nothing that applies is refused.
/// 4. **Kind rule**: an online submission with errors or confirmations still to give is kept
///    as an unsubmitted save (``CollectionOutcome/Disposition/notSubmitted``), or refused
///    when the request says so (``CollectionRequest/ifNotValid``, the API); online saves and
///    paper returns are stored as asked.
/// 4a. **Individual responses** (docs/field.md): a person's own return
///    (``CollectionRequest/person``) must be one the frame issued a code for, and is judged on
///    their section only; a household's return is judged without the sections of the members
///    who answer separately (found by name among the frame's individual codes).
/// 5. **Store**: one version with the evaluation's completeness (answered / applicable),
///    the time received and the request's idempotency key; the receipt comes back after the
///    commit. A retry with the same key stores nothing and returns the first receipt.
///
/// Before all of these, a body over the store's ``StoreOptions/maximumBodyBytes`` (1 MiB) is
/// refused with ``CollectionError/responseTooLarge(bytes:limit:)`` without being read.
///
/// A refusal throws ``CollectionError`` and stores nothing.
///
/// ```swift
/// let frame = try AddressFrame.open(at: dir.appendingPathComponent(AddressFrame.fileName))
/// let store = try ResponseStore.open(at: dir)
/// let collector = try Collector(frame: frame, store: store, forms: [try Evaluator(schema: schema)])
///
/// let household = try frame.lookup(code: typedCode, hasher: hasher)          // login
/// let outcome = try await collector.submit(CollectionRequest(
///     householdID: household.householdID, body: body, kind: .submitted, idempotencyKey: key))
/// switch outcome.disposition {
/// case .submitted: ...                          // receipt page: outcome.receipt.receiptID
/// case .notSubmitted: ...                       // show outcome.evaluation.findings, ask again
/// case .saved, .paperReturn: ...
/// }
/// ```
///
/// Thread safety: a collector is `Sendable`; call it from any number of tasks or threads.
/// Evaluation sessions are pooled per form (a session is used by one caller at a time), and
/// the store groups concurrent submissions into shared transactions.
public final class Collector: Sendable {
    /// The address frame households are checked against.
    public let frame: AddressFrame
    /// The store versions are written to.
    public let store: ResponseStore
    /// The forms collected, by schema hash (`sha256:…`).
    public let forms: [String: Evaluator]
    private let pools: [String: SessionPool]
    /// Frame records already read, by household id (see ``household(_:)``).
    private let households = Mutex<[String: Household]>([:])
    /// The part of each form a person may answer privately, by schema hash (forms without one
    /// are absent).
    private let individualSections: [String: IndividualSection]
    /// The hashes in the order given, for messages.
    private let collected: [String]
    /// One online submission of a household at a time (``OnlineSubmissionGate``), for every
    /// front end that holds this collector.
    public let onlineSubmissions = OnlineSubmissionGate()

    /// Creates the collection path over an open frame and store.
    ///
    /// - parameter forms: one evaluator per form (or version of a form) collected, e.g. the
    ///   household questionnaire and the communal establishment return. At least one.
    /// - throws: ``CollectionError/formNotCollected(claimed:collected:)`` when the store's
    ///   manifest does not accept one of the forms (`census store accept-schema` adds it):
    ///   a deployment fault, found before any household is turned away.
    public init(frame: AddressFrame, store: ResponseStore, forms: [Evaluator]) throws(CollectionError) {
        precondition(!forms.isEmpty, "a collector needs at least one form")
        let accepted = store.manifest.questionnaireSchemas
        for form in forms where !accepted.isEmpty && !accepted.contains(form.schema.hash) {
            throw .formNotCollected(claimed: form.schema.hash, collected: accepted)
        }
        self.frame = frame
        self.store = store
        var byHash: [String: Evaluator] = [:]
        var order: [String] = []
        for form in forms where byHash[form.schema.hash] == nil {
            byHash[form.schema.hash] = form
            order.append(form.schema.hash)
        }
        self.forms = byHash
        self.collected = order
        self.pools = byHash.mapValues { SessionPool($0) }
        self.individualSections = byHash.compactMapValues { IndividualSection(schema: $0.schema) }
    }

    // MARK: Submitting

    /// Checks, evaluates and stores one response; returns after the version is committed.
    ///
    /// - returns: the ``CollectionOutcome``: the disposition, the receipt and the evaluation.
    /// - throws: ``CollectionError``, typed; nothing was stored.
    public func submit(_ request: CollectionRequest) async throws(CollectionError) -> CollectionOutcome {
        let result: Result<CollectionOutcome, CollectionError> = await withCheckedContinuation { continuation in
            submit(request) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// The callback form of ``submit(_:)``, for callers outside an async context (the CLI).
    ///
    /// The checks and the evaluation run on the calling thread; `completion` is called once,
    /// after the commit, on a shard's writer thread (do not block in it), or at once on a
    /// refusal.
    public func submit(_ request: CollectionRequest,
                       completion: @escaping @Sendable (Result<CollectionOutcome, CollectionError>) -> Void) {
        submit(request, checked: nil, completion: completion)
    }

    /// ``submit(_:)`` of a body already evaluated by ``check(_:)``: `checked`'s evaluation is
    /// used when it is of this request's very body (byte for byte), else the body is evaluated
    /// as ``submit(_:)`` does. A keying screen checks a keyed form for hard errors before it
    /// stores it; the second evaluation was about 8% of the keying server's CPU in a profile
    /// (the findings' messages are most of an evaluation's cost).
    public func submit(_ request: CollectionRequest, checked: Checked) async throws(CollectionError) -> CollectionOutcome {
        let result: Result<CollectionOutcome, CollectionError> = await withCheckedContinuation { continuation in
            submit(request, checked: checked) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    private func submit(_ request: CollectionRequest, checked: Checked?,
                        completion: @escaping @Sendable (Result<CollectionOutcome, CollectionError>) -> Void) {
        let prepared: Prepared
        do { prepared = try prepare(request, checked: checked) } catch {
            completion(.failure(error))
            return
        }
        write(prepared, completion: completion)
    }

    // MARK: Submitting in two steps

    /// Step 5 of ``submit(_:)``: stores a prepared request; returns after the version is
    /// committed (or, for a retry with the same key and body, with the first receipt).
    ///
    /// - throws: the store's refusals as ``CollectionError`` (an idempotency conflict, the store
    ///   unavailable); nothing was stored.
    public func write(_ prepared: Prepared) async throws(CollectionError) -> CollectionOutcome {
        let result: Result<CollectionOutcome, CollectionError> = await withCheckedContinuation { continuation in
            write(prepared) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    private func write(_ prepared: Prepared, completion: @escaping @Sendable (Result<CollectionOutcome, CollectionError>) -> Void) {
        store.submit(prepared.submission) { result in
            switch result {
            case .success(let receipt):
                completion(.success(CollectionOutcome(
                    household: prepared.household, disposition: prepared.disposition,
                    storedKind: prepared.submission.kind, receipt: receipt, evaluation: prepared.evaluation,
                    schemaHash: prepared.submission.schemaHash)))
            case .failure(let e):
                completion(.failure(Self.map(e)))
            }
        }
    }

    // MARK: Checking without storing

    /// The household of the frame with this id.
    ///
    /// Frame records (address, areas) never change once imported, so a household found is
    /// kept in memory (at most ``householdCacheLimit``): every submission and page names its
    /// household, and the frame read was a SQLite transaction per request. A household not
    /// found is asked again next time (a frame can grow while the server runs).
    ///
    /// - throws: ``CollectionError/unknownHousehold(_:)`` or
    ///   ``CollectionError/frameUnavailable(path:reason:)``.
    public func household(_ householdID: String) throws(CollectionError) -> Household {
        if let known = households.withLock({ $0[householdID] }) { return known }
        guard FrameValidation.isHouseholdID(householdID) else { throw .unknownHousehold(householdID) }
        let found: Household?
        do { found = try frame.household(householdID) } catch {
            throw .frameUnavailable(path: frame.path, reason: "\(error)")
        }
        guard let found else { throw .unknownHousehold(householdID) }
        households.withLock { known in
            // Forget them all when full: a re-read costs one indexed lookup.
            if known.count >= Self.householdCacheLimit { known.removeAll(keepingCapacity: true) }
            known[householdID] = found
        }
        return found
    }

    /// The most frame records ``household(_:)`` keeps in memory (about 300 bytes each).
    public static let householdCacheLimit = 200_000

    /// Evaluates a body against the form it names, storing nothing (a "check your answers"
    /// page, a keying screen's live check).
    ///
    /// - returns: the form's schema hash and the evaluation.
    /// - throws: ``CollectionError/notAResponse(_:)`` or
    ///   ``CollectionError/formNotCollected(claimed:collected:)``.
    public func evaluate(_ body: Data) throws(CollectionError) -> (schemaHash: String, evaluation: Evaluation) {
        try checkSize(of: body)
        let hash = try formHash(of: body)
        guard let pool = pools[hash] else { throw .formNotCollected(claimed: hash, collected: collected) }
        let evaluation = pool.evaluate(body)
        if let unreadable = evaluation.findings.first(where: Self.isUnreadable) {
            if unreadable.code == "schema_mismatch" {
                throw .formNotCollected(claimed: Self.claimedHash(body), collected: collected)
            }
            throw .notAResponse(unreadable)
        }
        return (hash, evaluation)
    }

    /// A body and its evaluation by ``check(_:)``, to store with ``submit(_:checked:)``
    /// without evaluating it again.
    public struct Checked: Sendable {
        /// The schema hash of the form the body answers (`sha256:…`).
        public let schemaHash: String
        /// The body's evaluation, as ``evaluate(_:)`` gives it.
        public let evaluation: Evaluation
        /// The bytes evaluated; a request with other bytes is evaluated afresh.
        let body: Data
    }

    /// ``evaluate(_:)``, kept with the body for ``submit(_:checked:)``.
    ///
    /// - throws: as ``evaluate(_:)``.
    public func check(_ body: Data) throws(CollectionError) -> Checked {
        let (hash, evaluation) = try evaluate(body)
        return Checked(schemaHash: hash, evaluation: evaluation, body: body)
    }

    // MARK: The steps

    /// A request checked, evaluated and judged by ``prepare(_:checked:)``: what its version
    /// will be, before the store's write (``write(_:)``).
    public struct Prepared: Sendable {
        /// The household, read from the address frame.
        public let household: Household
        /// What will be stored, as ``CollectionOutcome/disposition`` will say.
        public let disposition: CollectionOutcome.Disposition
        /// The evaluation the version is judged by (for a household with members answering
        /// separately, without their sections): its completeness is stored with the version.
        public let evaluation: Evaluation
        /// The version to store.
        let submission: Submission

        /// The key the version will be stored under: the household id, or a person's
        /// individual-return key (``IndividualReturn/key(household:person:)``).
        public var storedKey: String { submission.householdID }
        /// The request's idempotency key: with ``storedKey``, it names at most one version in the
        /// store, before the version's receipt exists.
        public var idempotencyKey: String { submission.idempotencyKey }
    }

    /// Steps 1-4a of ``submit(_:)`` without the store's write: the request checked, evaluated
    /// and judged, ready for ``write(_:)``. A caller that must do something of its own beside
    /// the write, while it is being synced, calls these two instead of ``submit(_:checked:)``
    /// (the keying page begins its audit record between them, so the two fsyncs overlap;
    /// docs/field.md). Every refusal but the store's own happens here, before anything is written.
    ///
    /// - parameter checked: as in ``submit(_:checked:)``: its evaluation is used for this very
    ///   body, else the body is evaluated.
    /// - throws: ``CollectionError``, typed; nothing was stored.
    public func prepare(_ request: CollectionRequest, checked: Checked? = nil) throws(CollectionError) -> Prepared {
        try checkSize(of: request.body)  // first: a body too large for the store is not worth reading
        if request.idempotencyKey.isEmpty { throw .invalidRequest(reason: "the idempotency key is empty") }
        let household = try household(request.householdID)
        let (hash, whole): (String, Evaluation)
        if let checked, checked.body == request.body {
            (hash, whole) = (checked.schemaHash, checked.evaluation)
        } else {
            (hash, whole) = try evaluate(request.body)
        }
        let (key, evaluation) = try judged(request, household: household, hash: hash, evaluation: whole)
        if evaluation.answeredCount == 0 { throw .nothingAnswered(findings: evaluation.findings) }
        let disposition: CollectionOutcome.Disposition
        let kind: ResponseKind
        switch request.kind {
        case .paper: (disposition, kind) = (.paperReturn, .paper)
        case .partial: (disposition, kind) = (.saved, .partial)
        case .submitted:
            if !evaluation.isValid, request.ifNotValid == .refuse { throw .notValid(findings: evaluation.findings) }
            (disposition, kind) = evaluation.isValid ? (.submitted, .submitted) : (.notSubmitted, .partial)
        }
        let submission = Submission(
            householdID: key, kind: kind, channel: request.channel,
            receivedAt: request.receivedAt ?? Date(), schemaHash: hash, idempotencyKey: request.idempotencyKey,
            completeness: evaluation.completeness, body: request.body, recordedBy: request.recordedBy)
        return Prepared(household: household, disposition: disposition, evaluation: evaluation, submission: submission)
    }

    /// The key to store the return under and the evaluation it is judged by (step 4a): a
    /// person's individual return, on their section only; a household's, without the sections
    /// of the members who answer separately; otherwise as evaluated.
    private func judged(_ request: CollectionRequest, household: Household, hash: String,
                        evaluation: Evaluation) throws(CollectionError) -> (String, Evaluation) {
        let section = individualSections[hash]
        if request.person == nil && section == nil { return (household.householdID, evaluation) }
        let people: [IndividualRespondent]
        do { people = try frame.individuals(of: household.householdID) } catch {
            throw .frameUnavailable(path: frame.path, reason: "\(error)")
        }
        guard let form = forms[hash] else { return (household.householdID, evaluation) }
        let detailed = { form.evaluate(bytes: request.body, options: EvaluationOptions(includeApplicable: true)) }
        if let person = request.person {
            guard let section else {
                throw .invalidRequest(reason: "the form \(hash) has no section a person may answer separately")
            }
            guard people.contains(where: { $0.person == person }) else {
                throw .invalidRequest(reason: "household \(household.householdID) has no person \(person.prefix(40)) answering separately")
            }
            return (IndividualReturn.key(household: household.householdID, person: person), detailed().limited(to: section, position: 1))
        }
        guard let section, !people.isEmpty, let value = try? JSONParser.parse(request.body) else { return (household.householdID, evaluation) }
        let names = people.map { IndividualSection.nameKey([$0.firstName, $0.lastName]) }
        let positions = IndividualAnswers.positions(in: value, section: section, names: names)
        if positions.isEmpty { return (household.householdID, evaluation) }
        return (household.householdID, detailed().excluding(section, positions: positions))
    }

    /// The part of a form a person may answer privately, if it has one.
    public func individualSection(of schemaHash: String) -> IndividualSection? { individualSections[schemaHash] }

    /// ``CollectionError/responseTooLarge(bytes:limit:)`` for a body over the store's
    /// ``StoreOptions/maximumBodyBytes``.
    private func checkSize(of body: Data) throws(CollectionError) {
        let limit = min(store.options.maximumBodyBytes, StoreOptions.ceilingBodyBytes)
        if body.count > limit { throw .responseTooLarge(bytes: body.count, limit: limit) }
    }

    /// The form a body answers: the only one, or the one its `"schema"` names.
    private func formHash(of body: Data) throws(CollectionError) -> String {
        if collected.count == 1 { return collected[0] }
        let value: JSONValue
        do { value = try JSONParser.parse(body) } catch {
            throw .notAResponse(Finding(code: "json", severity: .error, path: "$", message: "not valid JSON: \(error)"))
        }
        guard case .object = value else {
            throw .notAResponse(Finding(code: "type", severity: .error, path: "$", message: "expected a JSON object, found \(value.kindName)"))
        }
        guard let hash = value["schema"]?["hash"]?.stringValue, forms[hash] != nil else {
            throw .formNotCollected(claimed: value["schema"]?["hash"]?.stringValue, collected: collected)
        }
        return hash
    }

    /// Findings that mean the evaluator could not read the body as a response to the form:
    /// nothing else was checked.
    private static func isUnreadable(_ f: Finding) -> Bool {
        f.path == "$" && (f.code == "json" || f.code == "type") || f.code == "schema_mismatch"
    }

    private static func claimedHash(_ body: Data) -> String? {
        (try? JSONParser.parse(body))?["schema"]?["hash"]?.stringValue
    }

    private static func map(_ e: StoreError) -> CollectionError {
        switch e {
        case .idempotencyConflict(let household, let key, let receipt, let reason):
            return .idempotencyConflict(householdID: household, idempotencyKey: key, receiptID: receipt, reason: reason)
        case .unknownQuestionnaireSchema(let hash, let accepted):
            return .formNotCollected(claimed: hash, collected: accepted)
        case .invalidSubmission(let reason):
            return .invalidRequest(reason: reason)
        case .responseTooLarge(_, let bytes, let limit):
            return .responseTooLarge(bytes: bytes, limit: limit)
        default:
            return .storeUnavailable(e)
        }
    }
}
