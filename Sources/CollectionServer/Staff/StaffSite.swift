import AddressFrame
import FieldOperations
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import NIOCore
import NIOPosix
import ResponseStore

/// The staff face of the server: field staff, supervisors and administrators sign in here
/// (`/staff/...`), with their own accounts, sessions, role policies and audit log.
///
/// Everything staff do that matters is appended to the ``AuditLog``. The staff directory and
/// the audit log are files of the store directory (`staff.sqlite`, `audit.sqlite`, and the
/// double keying records `keying.sqlite`); if they
/// cannot be opened the server still serves households, and every staff page says the staff
/// service is unavailable and why (``unavailableReason``).
final class StaffSite: Sendable {
    let directory: StaffDirectory?
    let audit: AuditLog?
    /// Double keying: the setting, forms keyed once or twice, keyers' tallies.
    let keyingRecords: KeyingRecords?
    let unavailableReason: String?
    let templates: Templates
    let configuration: ServerConfiguration
    /// The household face: the form, its evaluator and the collection path keyed returns take.
    let households: HouseholdSite
    /// Wrong sign-ins per client address (the per-account lockout is the directory's).
    let throttle: LoginThrottle
    /// hummingbird-auth's session storage: in memory (a restart signs staff out; households'
    /// sessions are unaffected, being signed cookies of their own).
    let sessionStore: MemoryPersistDriver<ContinuousClock>

    /// The staff session cookie: its own name, only sent to `/staff`, `SameSite=Strict`.
    static let cookieName = "census_staff"

    init(configuration: ServerConfiguration, templates: Templates, households: HouseholdSite) {
        self.households = households
        self.configuration = configuration
        self.templates = templates
        throttle = LoginThrottle(limits: configuration.loginLimits)
        sessionStore = MemoryPersistDriver(configuration: .init(tidyFrequency: .seconds(60)))
        let dir = configuration.storeDirectory
        var opened: (StaffDirectory?, AuditLog?, KeyingRecords?) = (nil, nil, nil)
        do {
            opened.0 = try StaffDirectory.open(at: dir.appendingPathComponent(StaffDirectory.fileName), bcryptCost: configuration.staffBcryptCost)
            opened.1 = try AuditLog.open(at: dir.appendingPathComponent(AuditLog.fileName))
            opened.2 = try KeyingRecords.open(at: dir.appendingPathComponent(KeyingRecords.fileName))
            // Before any page is served: the keyed records a power loss took, from their versions.
            try opened.1?.reconcileKeyed(with: households.store)
            unavailableReason = nil
        } catch {
            opened.0?.close()
            opened.1?.close()
            opened.2?.close()
            opened = (nil, nil, nil)
            unavailableReason = "\(error)"
        }
        (directory, audit, keyingRecords) = opened
    }

    func close() {
        directory?.close()
        audit?.close()
        keyingRecords?.close()
    }

    /// The middleware that puts the staff session in the context (hummingbird-auth's).
    func sessionMiddleware() -> HummingbirdAuth.SessionMiddleware<StaffRequestContext> {
        HummingbirdAuth.SessionMiddleware(storage: sessionStore, configuration: .init(
            sessionCookieParameters: .init(name: Self.cookieName, path: "/staff", secure: configuration.secureCookies, sameSite: .strict),
            keyPrefix: "staff.",
            defaultSessionExpiration: configuration.staffSessionTimeout))
    }

    /// Reads the signed-in member from the directory on every request: a disabled account, or
    /// one removed since, is signed out at once.
    func authenticator() -> SessionAuthenticator<StaffRequestContext, UserSessionClosureRepository<StaffSession, StaffMember>> {
        let directory = self.directory
        return SessionAuthenticator(context: StaffRequestContext.self) { session, _ in
            guard let name = session.name, let directory,
                  let account = try directory.account(name), !account.isDisabled else { return nil }
            return StaffMember(account: account)
        }
    }

    // MARK: Pages

    func chrome(_ context: StaffRequestContext, title: String, hasErrors: Bool = false) -> [String: Any] {
        var view: [String: Any] = [
            "lang": "en",
            "title": title,
            "hasErrors": hasErrors,
            "serviceName": "Census field operations",
            "homeHref": "/staff",
            "skipToContent": "Skip to main content",
            "errorTitlePrefix": "Error: ",
            "errorPrefix": "Error: ",
            "footer": "Every action on these pages is recorded in the audit log.",
        ]
        if let member = context.identity, let session = context.sessions.session {
            view["signedInAs"] = "\(member.name) (\(member.account.role.displayName))"
            view["signOut"] = ["csrf": session.csrf, "text": "Sign out", "href": "/staff/sign-out"]
        }
        return view
    }

    func html(_ template: String, _ view: [String: Any], status: HTTPResponse.Status = .ok) throws -> Response {
        try templates.page(template, view, status: status)
    }

    func message(_ context: StaffRequestContext, status: HTTPResponse.Status, heading: String, paragraphs: [String],
                 action: (href: String, text: String)? = nil) throws -> Response {
        var view = chrome(context, title: heading)
        view["heading"] = heading
        view["paragraphs"] = paragraphs
        if let action { view["action"] = ["href": action.href, "text": action.text] }
        return try html("message", view, status: status)
    }

    /// Reads a form post (at most ``ServerConfiguration/maxBodyBytes``).
    func form(_ request: inout Request) async throws -> FormFields {
        guard (request.headers[.contentType]?.lowercased() ?? "").hasPrefix("application/x-www-form-urlencoded") else {
            throw StaffPageError.badForm("The request was not a form post (application/x-www-form-urlencoded).")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(limit: configuration.maxBodyBytes) } catch {
            switch error {
            case .tooLarge: throw StaffPageError.tooLarge
            case .unreadable: throw StaffPageError.badForm("The form did not arrive whole (the connection broke, or it was sent in a way no browser sends). Nothing was saved; send it again.")
            }
        }
        guard let fields = FormFields(urlEncoded: String(buffer: buffer)) else {
            throw StaffPageError.badForm("The form could not be read (it is not valid URL-encoded UTF-8).")
        }
        return fields
    }

    /// Checks the form's CSRF token against the session's (constant time).
    func requireCSRF(_ fields: FormFields, _ context: StaffRequestContext) throws {
        guard let session = context.sessions.session, let sent = fields.first("csrf"),
              Self.constantTimeEqual(Array(sent.utf8), Array(session.csrf.utf8)) else {
            throw StaffPageError.expiredForm
        }
    }

    /// A staff form post, read (``form(_:)``), its CSRF token checked, and who posted it:
    /// the preamble of every staff action.
    func post(_ request: Request, _ context: StaffRequestContext) async throws -> (fields: FormFields, member: StaffMember) {
        var request = request
        let fields = try await form(&request)
        try requireCSRF(fields, context)
        return (fields, try member(context))
    }

    /// The account an administrator's form names (`name`), which must be another member's
    /// (an administrator does not disable or reset themself here, so one cannot lock every
    /// administrator out): 404 when the name cannot be an account's, 422 with `ifOwn` when it is theirs.
    func otherAccount(_ fields: FormFields, _ member: StaffMember, ifOwn: String) throws(StaffPageError) -> String {
        guard let name = StaffAccount.normalisedName(fields.trimmed("name") ?? "") else {
            throw .notFound("There is no staff account with that name.")
        }
        if name == member.name { throw .refused(ifOwn) }
        return name
    }

    /// The staff directory, or 503 with why it could not be opened.
    func requireDirectory() throws(StaffPageError) -> StaffDirectory {
        guard let directory else { throw .unavailable(unavailableReason ?? "the staff directory is not open") }
        return directory
    }

    /// The keying records, or 503 with why they could not be opened.
    func requireKeyingRecords() throws(StaffPageError) -> KeyingRecords {
        guard let keyingRecords else { throw .unavailable(unavailableReason ?? "the keying records are not open") }
        return keyingRecords
    }

    /// The signed-in member (the route's policy middleware has already required one).
    func member(_ context: StaffRequestContext) throws -> StaffMember {
        guard let member = context.identity else { throw StaffPageError.signedOut }
        return member
    }

    /// Appends to the audit log; an action that cannot be audited is refused (503).
    /// Group-committed with the other staff actions of the moment (``AuditLog``), off the event loop.
    func record(_ actor: String, _ action: AuditAction, subject: String, detail: String = "") async throws {
        guard let audit else { throw StaffPageError.unavailable(unavailableReason ?? "the audit log is not open") }
        do { try await audit.appendGrouped(actor: actor, action: action, subject: subject, detail: detail) } catch {
            throw StaffPageError.unavailable("the audit log cannot be written: \(error)")
        }
    }

    /// Begins an audit record to be committed while the action it records writes elsewhere
    /// (a keyed return into a shard): the rule is ``AuditLog``'s (`AuditLog+Alongside.swift`).
    /// Await it with ``committed(_:)`` before answering. Refused (503) before anything is
    /// written when the log is not open. `backedByWrite`: as ``AuditLog/beginGrouped(actor:action:subject:detail:at:backedByWrite:)``
    /// (a keyed return stored with its keyer).
    func beginRecord(_ actor: String, _ action: AuditAction, subject: String, detail: String,
                     backedByWrite: Bool = false) throws -> PendingAuditRecord {
        guard let audit else { throw StaffPageError.unavailable(unavailableReason ?? "the audit log is not open") }
        return audit.beginGrouped(actor: actor, action: action, subject: subject, detail: detail, backedByWrite: backedByWrite)
    }

    /// A begun record, committed; 503 when it could not be (the action is then not acknowledged).
    @discardableResult
    func committed(_ record: PendingAuditRecord) async throws -> AuditRecord {
        do { return try await record.committed() } catch {
            throw StaffPageError.unavailable("the audit log cannot be written: \(error)")
        }
    }

    /// Runs slow work (bcrypt) on NIO's thread pool, off the event loops.
    func offLoop<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}

/// What went wrong on a staff page, as ``StaffErrorMiddleware`` words it.
enum StaffPageError: Error {
    case badForm(String)
    case tooLarge
    /// No valid CSRF token (403).
    case expiredForm
    /// Not signed in (redirect to sign-in).
    case signedOut
    /// The staff directory or audit log is unavailable (503), with why.
    case unavailable(String)
    /// No such page or record (404), with what.
    case notFound(String)
    /// A request the rules refuse (422), with why.
    case refused(String)
}

extension RouterGroup where Context == StaffRequestContext {
    /// The group's routes for members of `role` and above (hummingbird-auth's `RolePolicy`).
    func restricted(to role: StaffRole) -> RouterGroup<StaffRequestContext> {
        add(middleware: AuthorizationPolicyMiddleware(RolePolicy<StaffMember>(role), context: StaffRequestContext.self))
    }
}

extension HouseholdSite {
    /// The household a staff page's `:household` parameter names (case ignored): 404 when the
    /// frame has none, 503 when the frame cannot be read.
    func staffHousehold(_ context: StaffRequestContext) throws -> Household {
        try staffHousehold(typed: try context.parameters.require("household"))
    }

    /// The household with the typed id (spaces around and case ignored): 404 with `hint`
    /// after the reason when the frame has none, 503 when the frame cannot be read.
    func staffHousehold(typed: String, hint: String = "") throws(StaffPageError) -> Household {
        let id = typed.trimmingCharacters(in: .whitespaces).uppercased()
        do { return try collector.household(id) } catch {
            switch error {
            case .unknownHousehold: throw .notFound("There is no household \(id.prefix(40)) in the address frame.\(hint)")
            default: throw .unavailable("\(error)")
            }
        }
    }
}
