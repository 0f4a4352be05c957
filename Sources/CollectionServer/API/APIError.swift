import CensusCollection
import DurableFiles
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Questionnaire
import ResponseStore

/// An API failure, sent as a problem document (RFC 9457, `application/problem+json`):
///
/// ```json
/// {"status": 422, "title": "Unprocessable Content", "code": "invalid_response",
///  "detail": "the response has 2 errors …; nothing was stored", "requestId": "Xb3…",
///  "findings": [{"code": "required", "severity": "error", "path": "$.residents[1].dob", "message": "…"}]}
/// ```
///
/// `code` is stable and meant for programs (the list is in the OpenAPI document); `detail`
/// is for people. Nothing in it echoes a token or an access code.
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var detail: String
    /// The evaluator's findings (422 for a response with errors).
    var findings: [Finding] = []
    /// Extra members of the problem document.
    var extra: [String: JSONValue] = [:]
    /// Extra headers (`Retry-After`, `WWW-Authenticate`, `Allow`).
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: String, _ detail: String, findings: [Finding] = [],
         extra: [String: JSONValue] = [:], headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.detail = detail
        self.findings = findings
        self.extra = extra
        self.headers = headers
    }

    func response(requestID: String) -> Response {
        var document = extra
        document["status"] = .integer(Int(status.code))
        document["title"] = .string(status.reasonPhrase)
        document["code"] = .string(code)
        document["detail"] = .string(detail)
        document["requestId"] = .string(requestID)
        if !findings.isEmpty { document["findings"] = .array(findings.map(APIError.finding)) }
        var headers = headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSONWriter().bytes(.object(document)))))
    }

    /// A finding as the API shows it: code, severity, JSON path, message (and the question or
    /// check it is about).
    static func finding(_ f: Finding) -> JSONValue {
        var o: [String: JSONValue] = [
            "code": .string(f.code), "severity": .string(f.severity.rawValue), "path": .string(f.path), "message": .string(f.message),
        ]
        if let q = f.question { o["question"] = .string(q) }
        if let c = f.check { o["check"] = .string(c) }
        return .object(o)
    }

    // MARK: The collection path's refusals

    /// The collection path's refusal as the API answers it.
    static func collection(_ error: CollectionError) -> APIError {
        switch error {
        case .unknownHousehold(let id):
            return APIError(.unprocessableContent, "unknown_household",
                            "household \(quoted(id)) is not in the address frame; nothing was stored")
        case .notAResponse(let finding):
            if finding.code == "json" {
                return APIError(.badRequest, "malformed_json", "the body is not valid JSON: \(finding.message.replacingOccurrences(of: "not valid JSON: ", with: ""))")
            }
            return APIError(.badRequest, "not_an_object", "the body must be one JSON object (a household response): \(finding.message)")
        case .formNotCollected(let claimed, let collected):
            let detail = claimed.map { "the response answers form \($0), which this server does not collect" }
                ?? "the response does not say which form it answers (it needs \"schema\": {\"id\", \"hash\"})"
            return APIError(.unprocessableContent, "form_not_collected", detail + "; nothing was stored",
                            extra: ["collected": .array(collected.map { .string($0) })])
        case .nothingAnswered(let findings):
            return APIError(.unprocessableContent, "nothing_answered",
                            "the response answers no question that applies; nothing was stored", findings: findings)
        case .notValid(let findings):
            return APIError(.unprocessableContent, "invalid_response", error.description, findings: findings)
        case .invalidRequest(let reason):
            return APIError(.badRequest, "invalid_request", reason)
        case .responseTooLarge(let bytes, let limit):
            // The API refuses bodies over 64 KiB itself; this is the store's own, larger limit.
            return APIError(.contentTooLarge, "too_large", "the response is \(bytes) bytes, more than the \(limit) bytes the store takes; nothing was stored")
        case .idempotencyConflict(_, _, let receipt, let reason):
            return APIError(.conflict, "idempotency_key_reused",
                            "this Idempotency-Key was already used for a different response (\(reason)); use a new key for a new response",
                            extra: ["receiptId": .string(receipt)])
        case .frameUnavailable:
            return .unavailable("the address frame cannot be read")
        case .storeUnavailable:
            return .unavailable("the response store cannot take the response")
        }
    }

    static func unavailable(_ what: String) -> APIError {
        APIError(.serviceUnavailable, "unavailable", "\(what) now; nothing was stored. Try again later.", headers: [.retryAfter: "30"])
    }

    /// Echoed input, capped and with control characters escaped (as the collection path quotes it).
    static func quoted(_ s: String) -> String { Echo.quoted(s) }
}

/// Thrown outside the API's routes (a 405 from an operations route), it is still a problem
/// document: Hummingbird asks the error for its response.
extension APIError: HTTPResponseError {
    func response(from request: Request, context: some RequestContext) throws -> Response {
        response(requestID: (context as? CensusRequestContext)?.requestID ?? "")
    }
}

/// Turns every failure under `/api/v1` into a problem document with the right status: never
/// an HTML page, never a stack trace. Unexpected errors are logged (their type only) and
/// answered 500.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = CensusRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response(requestID: context.requestID)
        } catch let error as CollectionError {
            if case .storeUnavailable(let e) = error { context.logger.error("store unavailable", metadata: ["error": "\(e)"]) }
            return APIError.collection(error).response(requestID: context.requestID)
        } catch let error as any HTTPResponseError {
            let status = error.status
            let code = status == .notFound ? "not_found" : status == .contentTooLarge ? "too_large" : "http_\(status.code)"
            return APIError(status, code, status.reasonPhrase).response(requestID: context.requestID)
        } catch {
            context.logger.error("unexpected error", metadata: ["error.type": "\(type(of: error))"])
            return APIError(.internalServerError, "internal_error", "the server failed to answer; nothing was stored").response(requestID: context.requestID)
        }
    }
}
