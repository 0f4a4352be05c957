import CensusCollection
import Foundation
import HTTPTypes
import Hummingbird
import Questionnaire
import ResponseStore

extension APIFace {
    /// The longest `Idempotency-Key` taken (visible ASCII characters).
    static let maxIdempotencyKeyLength = 255

    /// `POST /api/v1/responses`: one household response (docs/response-format.md), with an
    /// `Idempotency-Key` header, through the collection path.
    ///
    /// - household token: an online return of its own household (`"id"`, when given, must be
    ///   it; `"channel"` must be `online`); refused with 422 and the findings when the
    ///   evaluator finds errors or confirmations to give; 409 once the household has
    ///   submitted online under another key, or while another of its submissions is being stored.
    /// - `ingest` token: a keyed paper return (`"channel": "paper"`) of the household named by
    ///   `"id"`; stored whatever its findings (the paper is what the household sent), which
    ///   come back with the receipt.
    ///
    /// 201 with the receipt once committed; 200 with the same receipt for a retry with the
    /// same key and body; 409 for the same key with another body.
    func submit(_ request: Request, _ context: CensusRequestContext) async throws -> Response {
        let (householdScope, kind) = try submitter(context)
        var request = request
        let body = try await APIBody.read(&request, limit: configuration.maxBodyBytes)
        let key = try idempotencyKey(request)
        let envelope = try APIBody.object(body)
        let householdID = try household(in: envelope, scope: householdScope)
        let channel: Channel = kind == .paper ? .paper : .online
        if let given = envelope["channel"], case .string(let said) = given, said != channel.rawValue {
            throw APIError(.forbidden, "channel_not_allowed", kind == .paper
                ? "an ingest token submits paper returns: \"channel\" must be \"paper\""
                : "a household token submits online returns: \"channel\" must be \"online\" (paper returns are keyed by the capture centre)")
        }
        if kind == .submitted {
            try requireNoFutureTimes(envelope)
            try requireTheHouseholdsVariant(envelope, householdID: householdID)
        }
        // One online submission of a household at a time, with the web pages' too: the check
        // that it has not submitted and the store are one step (OnlineSubmissionGate).
        let gated = kind == .submitted
        if gated, !collector.onlineSubmissions.begin(householdID) {
            throw APIError(.conflict, "submission_in_progress",
                           "another submission of this household is being stored at this moment; nothing was stored. Send this one again in a second: it is refused if the other one was stored",
                           headers: [.retryAfter: "1"])
        }
        defer { if gated { collector.onlineSubmissions.end(householdID) } }
        // The store's read, the frame's, the evaluation and the queueing for the shard's writer
        // run off the event loop that read the request (SubmissionThreads says why); the outcome
        // comes back after the commit.
        let collection = CollectionRequest(householdID: householdID, body: body, kind: kind, idempotencyKey: key, ifNotValid: .refuse)
        let outcome: CollectionOutcome = try await SubmissionThreads.run { [self] done in
            do {
                if kind == .submitted { try requireNotSubmitted(householdID, key: key) }
            } catch {
                return done(.failure(error))
            }
            collector.submit(collection) { done($0.mapError { $0 }) }
        }
        let receipt = outcome.receipt
        // What the client can still act on: for an online return the warnings (errors refuse
        // it); for paper, everything the evaluator found (the return is stored as sent).
        let shown = outcome.evaluation.findings.filter { kind == .paper || $0.severity == .warning || $0.severity == .notApplicable }
        var response = APIBody.json([
            "receiptId": .string(receipt.receiptID),
            "householdId": .string(receipt.householdID),
            "channel": .string(channel.rawValue),
            "kind": .string(outcome.storedKind.rawValue),
            "receivedAt": .string(receipt.receivedAt.rfc3339),
            "replay": .bool(receipt.isReplay),
            "findings": .array(shown.map(APIError.finding)),
        ], status: receipt.isReplay ? .ok : .created)
        response.headers[.idempotencyKey] = key
        return response
    }

    /// The household the principal may submit for (nil: any), and the kind it submits.
    private func submitter(_ context: CensusRequestContext) throws -> (household: String?, kind: ResponseKind) {
        switch context.principal {
        case .household(let id, _)?: return (id, .submitted)
        case .machine(let record)? where record.role == .ingest: return (nil, .paper)
        case .machine(let record)?:
            throw APIError(.forbidden, "insufficient_scope", "a '\(record.role.rawValue)' token cannot submit responses (an 'ingest' token submits paper returns)")
        case nil:
            throw APIError(.unauthorized, "unauthenticated", "this request needs a bearer token")
        }
    }

    /// `Idempotency-Key`: required; 1 to 255 visible ASCII characters (a UUID is usual).
    private func idempotencyKey(_ request: Request) throws -> String {
        let values = request.headers[values: .idempotencyKey]
        guard let key = values.first else {
            throw APIError(.badRequest, "missing_idempotency_key",
                           "the Idempotency-Key header is required: a new value (a UUID) for each response, the same value when retrying it")
        }
        guard values.count == 1, (1...Self.maxIdempotencyKeyLength).contains(key.utf8.count), key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw APIError(.badRequest, "invalid_idempotency_key",
                           "the Idempotency-Key header must be one value of 1 to \(Self.maxIdempotencyKeyLength) visible ASCII characters (a UUID is usual)")
        }
        return key
    }

    /// The household a response is for: the token's own, or `"id"` for a machine token.
    private func household(in envelope: [String: JSONValue], scope: String?) throws -> String {
        let given: String?
        switch envelope["id"] {
        case nil, .null?: given = nil
        case .string(let s)?: given = s
        case let other?: throw APIError(.badRequest, "invalid_field", "\"id\" must be the household id as a string, not \(other.kindName)")
        }
        if let scope {
            if let given, given != scope {
                throw APIError(.forbidden, "wrong_household", "this token belongs to another household than \"id\" names: a household can only submit its own response")
            }
            return scope
        }
        guard let given, !given.isEmpty else {
            throw APIError(.badRequest, "missing_household_id", "an ingest token submits for any household: say which with \"id\" (the household id, as in the address frame)")
        }
        return given
    }

    /// An online return of a form with variants is answered in the variant of the household's
    /// country (its local authority, ``OnlineAnswers/variant(for:schema:)``), as on the pages
    /// (a paper return is the variant printed on the form it was keyed from): a client that says
    /// another (or none, for a household whose variant is not the form's first) is refused.
    /// It was taken from the client, and a Leeds household's `"variant": "wales"` return was
    /// exported with `in_wales` true and Welsh-language answers.
    private func requireTheHouseholdsVariant(_ envelope: [String: JSONValue], householdID: String) throws {
        guard let hash = envelope["schema"]?["hash"]?.stringValue, let form = collector.forms[hash],
              let first = form.schema.variants.first,
              let household = try? collector.household(householdID),
              let expected = OnlineAnswers.variant(for: household, schema: form.schema) else { return }
        let given = envelope["variant"]?.stringValue ?? first
        guard given != expected else { return }
        throw APIError(.unprocessableContent, "invalid_field",
                       "\"variant\" is \"\(given.prefix(40))\"\(envelope["variant"] == nil ? " (by default)" : ""), but household \(householdID) is in local authority \(household.localAuthority): its form is the \"\(expected)\" variant")
    }

    /// An online return's `submittedAt` and `startedAt` may not be later than the day the
    /// server receives it (one day's grace for time zones ahead of UTC): the day they give is
    /// the "today" answers such as a date of birth are checked against, so a client that sent
    /// 2099 had a date of birth in 2095 accepted and exported with an age of -73.
    private func requireNoFutureTimes(_ envelope: [String: JSONValue]) throws {
        guard let latest = CalendarDate(dayNumber: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)) + 1) else { return }
        for field in ["submittedAt", "startedAt"] {
            guard case .string(let text)? = envelope[field], let day = CalendarDate(timestampPrefix: text), day > latest else { continue }
            throw APIError(.badRequest, "invalid_field",
                           "\"\(field)\" (\(text.prefix(40))) is later than the day the server received the response; answers such as dates of birth are checked against that day. Send the time it was really given, or leave it out for the server's")
        }
    }

    /// After an online submission, a household's answers cannot be changed online (as on the
    /// web pages): a new key gets 409; a retry of the submission's own key is let through to
    /// get its receipt again.
    private func requireNotSubmitted(_ householdID: String, key: String) throws {
        let versions: [ResponseVersion]
        do { versions = try collector.store.versions(of: householdID) } catch {
            throw CollectionError.storeUnavailable(error)
        }
        if let submitted = versions.last(where: { $0.kind == .submitted && $0.channel == .online }),
           !versions.contains(where: { $0.idempotencyKey == key }) {
            throw APIError(.conflict, "already_submitted", "this household has already submitted its census online; it cannot be changed",
                           extra: ["receiptId": .string(submitted.receiptID)])
        }
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
}
