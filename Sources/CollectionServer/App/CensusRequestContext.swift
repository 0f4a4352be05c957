import Hummingbird
import NIOCore

/// What every request carries through the middleware chain to its handler: the client's
/// address and the browser session (filled by ``SessionMiddleware``).
///
/// One context type serves every face of the server (household pages, and later the API and
/// operations routes): middleware that does not apply to a face leaves its fields unset.
public struct CensusRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address (the proxy's, behind one: see ``ServerConfiguration/trustProxy``).
    public let peerAddress: String?
    /// The session from a valid, unexpired cookie, or nil.
    var session: SessionToken?
    /// A valid cookie whose session had timed out (the page then says so).
    var sessionExpired = false
    /// Whether the request arrived over HTTPS (directly, or as a trusted proxy says).
    var isSecure = false
    /// The client address rate limits count by.
    var clientAddress = "unknown"

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Requests bodies the household pages read are small forms; see ``ServerConfiguration/maxBodyBytes``.
    public var maxUploadSize: Int { 64 * 1024 }
}
