import FieldOperations
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth

/// `/staff/sign-in`, `/staff/sign-out` and the staff home page `/staff`.
///
/// Sign-in takes the name, the password and, for supervisors and administrators, the 6-digit
/// TOTP code on one form. Every wrong name, password or code gets the same message (the audit
/// log records which it was); after ``StaffDirectory/maximumFailures`` in a row the account is
/// locked for ``StaffDirectory/lockoutDuration``, and a client address with too many failures
/// is held off as the household sign-in is (``LoginLimits``).
struct StaffSignInRoutes {
    let site: StaffSite

    func register(on staff: RouterGroup<StaffRequestContext>) {
        staff.get("sign-in") { _, context in try signInPage(context) }
        staff.post("sign-in") { request, context in try await signIn(request, context) }
        staff.post("sign-out") { request, context in try await signOut(request, context) }
        staff.group()
            .add(middleware: IsAuthenticatedMiddleware<StaffRequestContext>())
            .get("") { _, context in try home(context) }
    }

    /// The sign-in form. It starts a session that holds only the form's CSRF token.
    func signInPage(_ context: StaffRequestContext, status: HTTPResponse.Status = .ok, error: String? = nil, name: String = "") throws -> Response {
        if error == nil, context.identity != nil { return StaffSite.redirect("/staff") }
        if context.sessions.session == nil {
            context.sessions.createSession(.new(name: nil), expiresIn: .seconds(15 * 60))
        }
        var view = site.chrome(context, title: "Sign in to census field operations", hasErrors: error != nil)
        view["heading"] = "Sign in to census field operations"
        view["csrf"] = context.sessions.session?.csrf ?? ""
        view["name"] = name
        if let error {
            view["error"] = error
            view["errorSummary"] = ["title": "There is a problem", "items": [["href": "#staff-name", "text": error]]]
        }
        return try site.html("staff-sign-in", view, status: status)
    }

    func signIn(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        var request = request
        let fields = try await site.form(&request)
        try site.requireCSRF(fields, context)
        let directory = try site.requireDirectory()
        let typedName = String((fields.first("name") ?? "").trimmingCharacters(in: .whitespaces).prefix(64))
        let auditName = StaffAccount.normalisedName(typedName) ?? "-"
        if case .locked(let retryAfter) = site.throttle.clientVerdict(context.clientAddress) {
            try await site.record(auditName, .signInFailed, subject: auditName, detail: "too many failures from \(context.clientAddress)")
            var response = try signInPage(context, status: .tooManyRequests, error: "Too many failed sign-ins from this device. Try again in \(minutes(retryAfter)).", name: typedName)
            response.headers[.retryAfter] = String(retryAfter)
            return response
        }
        let password = fields.first("password") ?? ""
        let code = fields.first("code") ?? ""
        let decision = try await site.offLoop { directory.checkSignIn(name: typedName, password: password, code: code) }
        switch decision {
        case .signedIn(let account):
            try await site.record(account.name, .signedIn, subject: account.name, detail: "from \(context.clientAddress)")
            context.sessions.createSession(.new(name: account.name), expiresIn: site.configuration.staffSessionTimeout)
            return StaffSite.redirect("/staff")
        case .refused(.codeRequired):
            return try signInPage(context, status: .unauthorized, error: "Enter your password again, and the 6-digit code from your authenticator app.", name: typedName)
        case .refused(let refusal):
            site.throttle.recordFailure(client: context.clientAddress)
            try await site.record(auditName, .signInFailed, subject: auditName, detail: "\(refusal.auditDetail), from \(context.clientAddress)")
            if case .lockedNow = refusal {
                try await site.record(auditName, .lockedOut, subject: auditName, detail: "after \(StaffDirectory.maximumFailures) failures in a row")
            }
            // One answer for every refusal, a locked account's included: a different answer
            // would tell a guesser which names are staff accounts (the audit log says which).
            return try signInPage(context, status: .unauthorized, error: Self.refusedText, name: typedName)
        }
    }

    func signOut(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        var request = request
        let fields = try await site.form(&request)
        try site.requireCSRF(fields, context)
        if let member = context.identity {
            try await site.record(member.name, .signedOut, subject: member.name)
        }
        context.sessions.clearSession()
        return StaffSite.redirect("/staff/sign-in")
    }

    /// What the member can do, by role.
    func home(_ context: StaffRequestContext) throws -> Response {
        let member = try site.member(context)
        var view = site.chrome(context, title: "Census field operations")
        view["heading"] = "Census field operations"
        view["roleText"] = "You are signed in as \(member.name), \(member.account.role.displayName.lowercased())."
        if !member.account.areas.isEmpty { view["areasText"] = member.account.areas.joined(separator: ", ") }
        view["links"] = StaffPages.all.filter { member.roles.contains($0.role) }.map { ["href": $0.href, "text": $0.title, "hint": $0.hint] }
            + [["href": "/staff/password", "text": "Change your password", "hint": "with your current one"]]
        return try site.html("staff-home", view)
    }

    /// What every refused staff sign-in is told: a wrong name, password or code, a disabled
    /// account and a locked one alike, so the answer never says whether a name is an account.
    static let refusedText = "The sign-in name, password or code is not right. After \(StaffDirectory.maximumFailures) wrong tries in a row an account is locked for \(Int(StaffDirectory.lockoutDuration / 60)) minutes: if you cannot sign in, ask an administrator."

    private func minutes(_ seconds: Int) -> String {
        let m = max(1, (seconds + 59) / 60)
        return m == 1 ? "1 minute" : "\(m) minutes"
    }
}

/// The staff pages a home page links to, with the role each needs.
enum StaffPages {
    struct Entry {
        var href: String
        var title: String
        var hint: String
        var role: StaffRole
    }

    static let all: [Entry] = [
        Entry(href: "/staff/keying", title: "Key a paper return", hint: "find the household by the id on its form", role: .field),
        Entry(href: "/staff/follow-up", title: "Follow-up list", hint: "households in your areas with no return by a date, to visit", role: .field),
        Entry(href: "/staff/double-keying", title: "Double keying", hint: "which forms are keyed twice, settling differences, keying error rates", role: .supervisor),
        Entry(href: "/staff/accounts", title: "Staff accounts", hint: "who can sign in, disabling accounts, resetting passwords and one-time codes", role: .administrator),
        Entry(href: "/staff/audit", title: "Audit log", hint: "every sign-in and action, hash-chained", role: .administrator),
    ]
}
