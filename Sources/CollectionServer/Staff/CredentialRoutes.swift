import FieldOperations
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth

/// Passwords and second factors after an account is made:
/// - `GET|POST /staff/password` (any signed-in member): change one's own password, with the
///   current one (a wrong one counts towards the lockout, as at sign-in);
/// - `POST /staff/accounts/reset-password` and `POST /staff/accounts/reenrol` (administrators):
///   a new password, or a new TOTP secret (a lost phone), for another member's account, shown
///   once on the page that answers.
/// Every change and every refused change is audited; a password or secret never is.
struct CredentialRoutes {
    let site: StaffSite

    func register(on staff: RouterGroup<StaffRequestContext>) {
        let signedIn = staff.group().add(middleware: IsAuthenticatedMiddleware<StaffRequestContext>())
        signedIn.get("password") { _, context in try passwordPage(context) }
        signedIn.post("password") { request, context in try await changePassword(request, context) }
        let admin = staff.group("accounts")
            .restricted(to: .administrator)
        admin.post("reset-password") { request, context in try await reset(request, context) }
        admin.post("reenrol") { request, context in try await reenrol(request, context) }
    }

    func passwordPage(_ context: StaffRequestContext, errors: [String: String] = [:], status: HTTPResponse.Status = .ok) throws -> Response {
        let member = try site.member(context)
        var view = site.chrome(context, title: "Change your password", hasErrors: !errors.isEmpty)
        view["heading"] = "Change your password"
        view["name"] = member.name
        view["csrf"] = context.sessions.session?.csrf ?? ""
        for (key, text) in errors { view[key + "Error"] = text }
        if !errors.isEmpty {
            view["errorSummary"] = ["title": "There is a problem", "items": [("current", "#current-password"), ("new", "#new-password"), ("confirm", "#confirm-password")]
                .compactMap { key, href in errors[key].map { ["href": href, "text": $0] } }]
        }
        return try site.html("staff-password", view, status: status)
    }

    func changePassword(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        let (fields, member) = try await site.post(request, context)
        let directory = try site.requireDirectory()
        let current = fields.first("current") ?? ""
        let new = fields.first("new") ?? ""
        let confirm = fields.first("confirm") ?? ""
        if current.isEmpty { return try passwordPage(context, errors: ["current": "Enter your current password"], status: .unprocessableContent) }
        if new.isEmpty { return try passwordPage(context, errors: ["new": "Enter a new password"], status: .unprocessableContent) }
        if new != confirm { return try passwordPage(context, errors: ["confirm": "The two new passwords are not the same"], status: .unprocessableContent) }
        let name = member.name
        do {
            try await site.offLoop { try directory.changePassword(name: name, currentPassword: current, newPassword: new) }
        } catch let e as StaffDirectoryError {
            switch e {
            case .wrongPassword, .locked:
                try await site.record(name, .passwordChangeFailed, subject: name, detail: "\(e)")
                if case .locked = e { try await site.record(name, .lockedOut, subject: name, detail: "after \(StaffDirectory.maximumFailures) failures in a row") }
                return try passwordPage(context, errors: ["current": "The current password is not right" + (e == .wrongPassword ? "" : ": the account is now locked; ask an administrator")],
                                        status: .unprocessableContent)
            case .weakPassword(let reason):
                return try passwordPage(context, errors: ["new": "Choose another password: \(reason)"], status: .unprocessableContent)
            default:
                throw StaffPageError.unavailable("\(e)")
            }
        }
        try await site.record(name, .passwordChanged, subject: name)
        return try site.message(context, status: .ok, heading: "Your password was changed",
                                paragraphs: ["Use the new password the next time you sign in."], action: ("/staff", "Back to the start"))
    }

    func reset(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        let (fields, member) = try await site.post(request, context)
        let directory = try site.requireDirectory()
        let name = try site.otherAccount(fields, member, ifOwn: "Change your own password with “Change your password”; ask another administrator for a new one-time code.")
        let password: String
        do { password = try await site.offLoop { try directory.resetPassword(name: name) } } catch StaffDirectoryError.unknownAccount {
            throw StaffPageError.notFound("There is no staff account named \(name).")
        } catch {
            throw StaffPageError.unavailable("\(error)")
        }
        try await site.record(member.name, .passwordReset, subject: name, detail: "lockout cleared")
        return try shown(context, heading: "A new password for \(name)", name: name,
                         intro: "The old password no longer works, and the account is unlocked.", items: [("Password", password)])
    }

    func reenrol(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        let (fields, member) = try await site.post(request, context)
        let directory = try site.requireDirectory()
        let name = try site.otherAccount(fields, member, ifOwn: "Change your own password with “Change your password”; ask another administrator for a new one-time code.")
        let enrolment: SecondFactorEnrolment
        do { enrolment = try directory.reenrolSecondFactor(name: name) } catch {
            switch error {
            case .unknownAccount: throw StaffPageError.notFound("There is no staff account named \(name).")
            case .noSecondFactor: throw StaffPageError.refused("\(name) is field staff, who sign in without a one-time code.")
            default: throw StaffPageError.unavailable("\(error)")
            }
        }
        try await site.record(member.name, .secondFactorReenrolled, subject: name)
        return try shown(context, heading: "A new one-time code secret for \(name)", name: name,
                         intro: "Codes from the old secret no longer work. Enter the address or the secret in an authenticator app (SHA-1, 6 digits, 30 seconds).",
                         items: [("otpauth address", enrolment.uri), ("Secret (base32)", enrolment.base32Secret)])
    }

    private func shown(_ context: StaffRequestContext, heading: String, name: String, intro: String, items: [(String, String)]) throws -> Response {
        var view = site.chrome(context, title: heading)
        view["heading"] = heading
        view["intro"] = intro
        view["name"] = name
        view["items"] = items.map { ["key": $0.0, "value": $0.1] }
        var response = try site.html("staff-credential", view)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
