import Hummingbird
import NIOCore

/// What every request carries through the middleware chain to its handler: its id, the
/// client's address, the browser session (household pages) or the bearer token's principal
/// (the API).
///
/// One context type serves every face of the server (household pages, `/api/v1`, the
/// operations routes): middleware that does not apply to a face leaves its fields unset.
public struct CensusRequestContext: RequestContext {
    /// Hummingbird's own per-request state (logger, parameters, request decoder).
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address (the proxy's, behind one: see ``ServerConfiguration/trustProxy``).
    public let peerAddress: String?
    /// The request's id: the `X-Request-Id` response header and every log line's `request_id`
    /// (set by ``RequestLogMiddleware``).
    var requestID = ""
    /// The session from a valid, unexpired cookie, or nil (household pages).
    var session: SessionToken?
    /// For a request without a session (a visitor's first pages): the form language its
    /// `Accept-Language` prefers, if any (set by ``SessionMiddleware``, see ``AcceptLanguage``).
    var browserLanguage: String?
    /// A valid cookie whose session had timed out (the page then says so).
    var sessionExpired = false
    /// Whether the request arrived over HTTPS (directly, or as a trusted proxy says).
    var isSecure = false
    /// The client address rate limits count by (set by ``ConnectionMiddleware``).
    var clientAddress = "unknown"
    /// Who an API request's bearer token speaks for (set by ``BearerAuthMiddleware``).
    var principal: APIPrincipal?

    /// The context of a request arriving on `source`'s channel (Hummingbird calls this).
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Request bodies are small: forms of a page, or one household's response (64 KiB;
    /// see ``ServerConfiguration/maxBodyBytes``).
    public var maxUploadSize: Int { 64 * 1024 }
}
