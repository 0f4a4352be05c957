import Foundation
import HTTPTypes
import Hummingbird

/// Reads `Authorization: Bearer TOKEN` into ``CensusRequestContext/principal`` for the API
/// routes that need one; refuses the request with 401 (and `WWW-Authenticate: Bearer`,
/// RFC 6750) when the token is missing, malformed, unknown, expired or revoked. One message
/// for all of them but "missing" and "expired": a caller learns nothing about other tokens.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = CensusRequestContext
    let householdTokens: HouseholdTokens
    let machineTokens: MachineTokenFile
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.principal = try authenticate(request, context)
        context.logger[metadataKey: "principal"] = .string(context.principal?.logDescription ?? "none")
        return try await next(request, context)
    }

    private func authenticate(_ request: Request, _ context: Context) throws -> APIPrincipal {
        guard let header = request.headers[.authorization] else {
            throw refuse("missing", "this request needs a bearer token: Authorization: Bearer TOKEN (POST /api/v1/auth gives one for an access code)", error: nil)
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw refuse("malformed", "the Authorization header must be 'Bearer TOKEN'", error: "invalid_request")
        }
        let token = parts[1].trimmingCharacters(in: .whitespaces)[...]
        if token.hasPrefix(HouseholdTokens.prefix) {
            switch householdTokens.verify(token, now: Int64(Date().timeIntervalSince1970)) {
            case .valid(let household, let expires): return .household(id: household, expiresAt: expires)
            case .expired: throw refuse("expired", "the token has expired; sign in again with the access code (POST /api/v1/auth)", error: "invalid_token")
            case .invalid: throw refuse("unknown", "the token is not valid", error: "invalid_token")
            }
        }
        if token.hasPrefix(MachineTokens.prefix) {
            let verdict: MachineTokens.Verdict
            do {
                verdict = try machineTokens.open()?.verify(token) ?? .unknown
            } catch {
                context.logger.error("machine token file unusable", metadata: ["error": "\(error)"])
                throw APIError.unavailable("tokens cannot be checked")
            }
            switch verdict {
            case .valid(let record): return .machine(record)
            case .expired: throw refuse("expired", "the token has expired; make a new one with `census token create`", error: "invalid_token")
            case .revoked: throw refuse("revoked", "the token is not valid", error: "invalid_token")
            case .unknown: throw refuse("unknown", "the token is not valid", error: "invalid_token")
            }
        }
        throw refuse("malformed", "the token is not valid", error: "invalid_token")
    }

    private func refuse(_ reason: String, _ detail: String, error: String?) -> APIError {
        metrics.apiAuthFailure(reason: reason)
        let challenge = error.map { "Bearer realm=\"census\", error=\"\($0)\"" } ?? "Bearer realm=\"census\""
        return APIError(.unauthorized, reason == "missing" ? "unauthenticated" : "invalid_token", detail, headers: [.wwwAuthenticate: challenge])
    }
}
