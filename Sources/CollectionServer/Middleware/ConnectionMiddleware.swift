import HTTPTypes
import Hummingbird

/// Settles, once per request and for every face, what the rest of the chain needs to know
/// about the connection: the client address rate limits count by, and whether it came over
/// HTTPS (directly with `--secure-cookies`, or, with ``ServerConfiguration/trustProxy``, as
/// the proxy's `X-Forwarded-For` (its last entry) and `X-Forwarded-Proto` say).
struct ConnectionMiddleware: RouterMiddleware {
    typealias Context = CensusRequestContext
    let trustProxy: Bool
    let secureCookies: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.clientAddress = context.peerAddress ?? "unknown"
        context.isSecure = secureCookies
        if trustProxy {
            if let forwarded = Self.addressTheProxySaw(request.headers[values: .xForwardedFor]) {
                context.clientAddress = forwarded
            }
            if request.headers[.xForwardedProto]?.lowercased() == "https" { context.isSecure = true }
        }
        return try await next(request, context)
    }

    /// The client address the proxy in front of the server saw: the LAST entry of
    /// `X-Forwarded-For` (over all its lines), which that proxy appended. Entries before it are
    /// whatever the client sent (nginx's `$proxy_add_x_forwarded_for`, cloud load balancers
    /// append), so counting by the first let a guesser pick a new address for every request
    /// and never meet the per-address limits. One proxy hop is trusted, no more.
    static func addressTheProxySaw(_ lines: [String]) -> String? {
        let entries = lines.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let last = entries.last, !last.isEmpty else { return nil }
        return String(last.prefix(64))
    }
}
