import FieldOperations
import Foundation
import Hummingbird
import HummingbirdAuth

/// The administrators' pages: `/staff/accounts` (list, disable; resetting a password or a
/// second factor is ``CredentialRoutes``) and `/staff/audit` (the
/// latest records and whether the chain is intact). Accounts are added with `census staff
/// add`, which shows the new password and TOTP secret once, on the administrator's terminal.
struct StaffAdminRoutes {
    let site: StaffSite

    func register(on staff: RouterGroup<StaffRequestContext>) {
        let admin = staff.group()
            .restricted(to: .administrator)
        admin.get("accounts") { _, context in try accounts(context) }
        admin.post("accounts/disable") { request, context in try await disable(request, context) }
        admin.get("audit") { _, context in try auditPage(context) }
    }

    func accounts(_ context: StaffRequestContext) throws -> Response {
        let member = try site.member(context)
        let directory = try site.requireDirectory()
        let all: [StaffAccount]
        do { all = try directory.accounts() } catch { throw StaffPageError.unavailable("\(error)") }
        let csrf = context.sessions.session?.csrf ?? ""
        var view = site.chrome(context, title: "Staff accounts")
        view["heading"] = "Staff accounts"
        view["count"] = all.count
        view["accounts"] = all.map { account -> [String: Any] in
            let now = Date()
            let status = account.isDisabled ? "Disabled" : (account.lockedUntil.map { $0 > now } == true ? "Locked" : "Active")
            return [
                "name": account.name, "role": account.role.displayName,
                "areas": account.areas.isEmpty ? "All" : account.areas.joined(separator: ", "),
                "secondFactor": account.hasSecondFactor ? "Enrolled" : "Not used",
                "status": status, "inactive": status != "Active",
                "canDisable": !account.isDisabled && account.name != member.name, "csrf": csrf,
                "canReset": !account.isDisabled && account.name != member.name,
                "canReenrol": !account.isDisabled && account.name != member.name && account.role.requiresSecondFactor,
            ]
        }
        return try site.html("staff-accounts", view)
    }

    func disable(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        let (fields, member) = try await site.post(request, context)
        let directory = try site.requireDirectory()
        let normalised = try site.otherAccount(fields, member, ifOwn: "You cannot disable your own account; ask another administrator.")
        do {
            if try directory.disable(normalised) {
                try await site.record(member.name, .staffDisabled, subject: normalised, detail: "from the accounts page")
            }
        } catch StaffDirectoryError.unknownAccount {
            throw StaffPageError.notFound("There is no staff account named \(normalised).")
        } catch {
            throw StaffPageError.unavailable("\(error)")
        }
        return StaffSite.redirect("/staff/accounts")
    }

    func auditPage(_ context: StaffRequestContext) throws -> Response {
        guard let audit = site.audit else { throw StaffPageError.unavailable(site.unavailableReason ?? "the audit log is not open") }
        let verification: AuditVerification
        let records: [AuditRecord]
        do {
            verification = try audit.verify()
            records = try audit.records(limit: 200)
        } catch { throw StaffPageError.unavailable("\(error)") }
        var view = site.chrome(context, title: "Audit log")
        view["heading"] = "Audit log"
        if let broken = verification.firstBreak {
            view["broken"] = ["sequence": broken.sequence, "reason": broken.reason]
        } else {
            view["intact"] = ["count": verification.count, "headHash": verification.headHash]
        }
        view["shown"] = records.count
        let format = ISO8601DateFormatter()
        view["records"] = records.map { r -> [String: Any] in
            ["sequence": r.sequence, "at": format.string(from: r.at), "actor": r.actor, "action": r.action, "subject": r.subject, "detail": r.detail]
        }
        return try site.html("staff-audit", view)
    }
}
