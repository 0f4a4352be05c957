import HTTPTypes
import Hummingbird

/// Settles, once per request and for every face, what the rest of the chain needs to know
/// about the connection: the client address rate limits count by, and whether it came over
/// HTTPS (directly with `--secure-cookies`, or, with ``ServerConfiguration/trustProxy``, as
/// the proxy's `X-Forwarded-For` and `X-Forwarded-Proto` say).
struct ConnectionMiddleware: RouterMiddleware {
    typealias Context = CensusRequestContext
    let trustProxy: Bool
    let secureCookies: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.clientAddress = context.peerAddress ?? "unknown"
        context.isSecure = secureCookies
        if trustProxy {
            if let forwarded = request.headers[.xForwardedFor]?.split(separator: ",").first?.trimmingCharacters(in: .whitespaces), !forwarded.isEmpty {
                context.clientAddress = String(forwarded.prefix(64))
            }
            if request.headers[.xForwardedProto]?.lowercased() == "https" { context.isSecure = true }
        }
        return try await next(request, context)
    }
}
