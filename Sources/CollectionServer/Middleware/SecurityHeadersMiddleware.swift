import HTTPTypes
import Hummingbird

/// Adds the security headers every response carries, and `Cache-Control: no-store` to every
/// page that is not a static asset (answer pages must never be kept by a shared computer's
/// browser or a proxy).
///
/// The Content-Security-Policy allows no script at all and styles only from this server's
/// own stylesheet (no inline script or style), forms that post only back here, and no
/// framing (`frame-ancestors 'none'`, against clickjacking).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var contentSecurityPolicy: String {
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    }

    /// Send `Strict-Transport-Security` (when the server is reached over HTTPS only).
    let strictTransportSecurity: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        // Only an asset that was found may be kept: a 404 under /assets/ is not one.
        let isAsset = request.uri.path.hasPrefix("/assets/") && response.status == .ok
        Self.apply(to: &response.headers, isAsset: isAsset, hsts: strictTransportSecurity)
        return response
    }

    static func apply(to headers: inout HTTPFields, isAsset: Bool, hsts: Bool) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.xFrameOptions] = "DENY"
        headers[.referrerPolicy] = "no-referrer"
        headers[.crossOriginOpenerPolicy] = "same-origin"
        headers[.crossOriginResourcePolicy] = "same-origin"
        headers[.permissionsPolicy] = "camera=(), microphone=(), geolocation=(), payment=()"
        if hsts { headers[.strictTransportSecurity] = "max-age=31536000" }
        if !isAsset { headers[.cacheControl] = "no-store" }
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
    static let crossOriginResourcePolicy = Self("Cross-Origin-Resource-Policy")!
    static let permissionsPolicy = Self("Permissions-Policy")!
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xForwardedProto = Self("X-Forwarded-Proto")!
}
