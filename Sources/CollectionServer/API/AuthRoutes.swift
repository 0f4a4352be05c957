import Foundation
import HTTPTypes
import Hummingbird
import Questionnaire

extension APIFace {
    /// `POST /api/v1/auth` `{"accessCode": "…"}`: the access code, typed as loosely as on
    /// the sign-in page, for a bearer token bound to its household:
    /// `200 {"token", "householdId", "expiresAt"}`. A wrong code gets 401 and counts towards
    /// the same limits and lockouts as the web page (429 with `Retry-After` when locked).
    func signIn(_ request: Request, _ context: CensusRequestContext) async throws -> Response {
        var request = request
        let body = try APIBody.object(try await APIBody.read(&request, limit: configuration.maxBodyBytes))
        if let unknown = body.keys.sorted().first(where: { $0 != "accessCode" }) {
            throw APIError(.badRequest, "unknown_field", "unknown field \(APIError.quoted(unknown)): the body is {\"accessCode\": \"…\"}")
        }
        guard let value = body["accessCode"] else {
            throw APIError(.badRequest, "missing_field", "the body needs \"accessCode\": the code from the household's letter")
        }
        guard case .string(let typed) = value else {
            throw APIError(.badRequest, "invalid_field", "\"accessCode\" must be a string, not \(value.kindName)")
        }
        switch codeCheck.check(typed, client: context.clientAddress, face: "api") {
        case .signedIn(let householdID):
            let (token, expires) = householdTokens.issue(householdID: householdID, now: Int64(Date().timeIntervalSince1970),
                                                         lifetime: configuration.householdTokenLifetime.components.seconds)
            return APIBody.json([
                "token": .string(token),
                "householdId": .string(householdID),
                "expiresAt": .string(Date(timeIntervalSince1970: Double(expires)).rfc3339),
            ])
        case .empty:
            throw APIError(.badRequest, "invalid_field", "\"accessCode\" is empty: send the code from the household's letter")
        case .wrongCode:
            context.logger.info("api sign-in refused")
            throw APIError(.unauthorized, "invalid_access_code",
                           "this access code is not valid: check it against the letter (letters and digits; spaces, dashes and case do not matter)",
                           headers: [.wwwAuthenticate: "Bearer realm=\"census\""])
        case .clientLocked(let seconds):
            throw APIError(.tooManyRequests, "too_many_attempts",
                           "too many wrong access codes from this address; try again in \(SignInRoutes.wait(seconds, "en"))",
                           extra: ["retryAfter": .integer(seconds)], headers: [.retryAfter: String(seconds)])
        case .householdLocked(let seconds):
            throw APIError(.tooManyRequests, "too_many_attempts",
                           "this household has signed in too often; try again in \(SignInRoutes.wait(seconds, "en"))",
                           extra: ["retryAfter": .integer(seconds)], headers: [.retryAfter: String(seconds)])
        case .unavailable(let reason):
            context.logger.error("address frame unavailable", metadata: ["error": "\(reason)"])
            throw APIError.unavailable("access codes cannot be checked")
        }
    }
}
