import FieldOperations
import Foundation
import Hummingbird
import HummingbirdAuth

/// The context of a request to the staff pages (`/staff/...`): the parent's connection facts,
/// the staff session (hummingbird-auth's `SessionContext`, under its own cookie, never the
/// households'), and the signed-in staff member once ``StaffSite/authenticator`` has read it.
struct StaffRequestContext: ChildRequestContext, AuthRequestContext, SessionRequestContext {
    typealias ParentContext = CensusRequestContext
    typealias Session = StaffSession

    var coreContext: CoreRequestContextStorage
    /// The signed-in, active staff member, or nil.
    var identity: StaffMember?
    let sessions: SessionContext<StaffSession>
    /// The client address rate limits count by (from ``SessionMiddleware``'s reading of it).
    let clientAddress: String

    init(context: CensusRequestContext) throws {
        coreContext = context.coreContext
        identity = nil
        sessions = .init()
        clientAddress = context.clientAddress
    }

    var maxUploadSize: Int { 64 * 1024 }
}

/// What the staff session stores (in memory, in hummingbird-auth's session storage, keyed by
/// the random id in the `census_staff` cookie).
///
/// Before sign-in a session holds only the sign-in form's CSRF token; signing in replaces it
/// with a new session (a new id: no session fixation).
struct StaffSession: Codable, Sendable {
    /// The signed-in staff member's name, or nil before sign-in.
    var name: String?
    /// This session's CSRF token, in every form it posts (random, 128 bits).
    var csrf: String
    /// When the member signed in (seconds since 1970).
    var signedInAt: Double

    static func new(name: String?) -> StaffSession {
        let token = Base64URL.encode(RandomBytes.make(16))
        return StaffSession(name: name, csrf: token, signedInAt: Date().timeIntervalSince1970)
    }
}

/// A signed-in staff member: the account, read from the directory on every request (so a
/// disabled account loses access at its next request), with the permissions of its role.
struct StaffMember: RoleProviding, Sendable {
    let account: StaffAccount
    var name: String { account.name }
    /// hummingbird-auth's `RolePolicy` checks these.
    var roles: Set<StaffRole> { account.role.grants }
}

/// Keeps a signed-in staff session alive: each request pushes its expiry
/// ``ServerConfiguration/staffSessionTimeout`` ahead, so it ends after that long idle.
struct StaffSessionRenewal: RouterMiddleware {
    typealias Context = StaffRequestContext
    let timeout: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if context.identity != nil {
            context.sessions.withLockedSession { $0?.expiresIn = timeout }
        }
        return try await next(request, context)
    }
}
