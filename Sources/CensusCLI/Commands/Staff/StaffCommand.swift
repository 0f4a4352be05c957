import AddressFrame
import ArgumentParser
import CensusCommandLine
import DurableFiles
import FieldOperations
import Foundation

/// `census staff`: the accounts field staff, supervisors and administrators sign in with.
struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "Staff accounts for the staff pages (/staff): add, list, disable, reset a password or a one-time-code secret.",
        discussion: """
            Accounts live in DIR/staff.sqlite (mode 0600), every change is recorded in \
            DIR/audit.sqlite. Passwords are hashed with bcrypt at cost \(StaffDirectory.defaultBcryptCost). \
            Supervisors and administrators also sign in with a TOTP code (RFC 6238: 6 digits, \
            30 s), enrolled when the account is added.
            """,
        subcommands: [StaffAdd.self, StaffList.self, StaffDisable.self, StaffResetPassword.self, StaffReenrol.self]
    )
}

extension StaffRole: ExpressibleByArgument {}

/// The actor the audit log names for a command run on the server: `cli:ACCOUNT`, the
/// operating-system account the process runs as (its effective user id), not `$USER`, which is
/// unset under cron and systemd and says whatever the caller sets; `cli:uid-N` when the account
/// has no name that can be written as a staff name.
func cliActor() -> String {
    let uid = geteuid()
    let account = getpwuid(uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
    return "cli:" + (account.flatMap { StaffAccount.normalisedName($0) } ?? "uid-\(uid)")
}

/// Opens the store directory's staff directory and audit log, creating them when missing.
func openStaffFiles(_ directory: StoreDirectory, create: Bool) throws -> (StaffDirectory, AuditLog) {
    // Said plainly: SQLite's own words for a missing folder are "unable to open database file".
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw CLIError("\(directory.dir) is not a directory: give the store directory (`census store init` makes one)")
    }
    let staff: StaffDirectory
    do { staff = try StaffDirectory.open(at: directory.url.appendingPathComponent(StaffDirectory.fileName), create: create) } catch {
        throw CLIError(fieldFileMessage(error, what: "staff accounts"))
    }
    do {
        return (staff, try AuditLog.open(at: directory.url.appendingPathComponent(AuditLog.fileName), create: create))
    } catch {
        staff.close()
        throw CLIError(fieldFileMessage(error, what: "audit log"))
    }
}

/// Audits what a command did (as ``cliActor()``); when the log cannot take the record, the
/// error says what was `done` all the same, so the operator knows the change stands unaudited.
func recordAudit(_ audit: AuditLog, _ action: AuditAction, subject: String, detail: String = "", done: String) throws {
    do { try audit.append(actor: cliActor(), action: action, subject: subject, detail: detail) } catch {
        throw CLIError("\(done), but the audit log could not record it: \(error)")
    }
}

func fieldFileMessage(_ error: FieldFileError, what: String) -> String {
    switch error {
    case .missing(let path): return "there is no \(what) at \(path) (nothing has been recorded yet: `census staff add` makes it)"
    default: return "\(error)"
    }
}

struct StaffAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a staff account; prints its password, and its one-time-code enrolment, once.",
        discussion: """
            The password is made here (80 bits, e.g. k7qz-3xbm-pt9d-hc2r) unless \
            --password-stdin reads one (12 characters at least). For supervisors and \
            administrators it also prints an otpauth:// URI and its secret: enter either in an \
            authenticator app now; neither can be shown again.
            """
    )
    @OptionGroup var directory: StoreDirectory
    @Option(help: "The sign-in name: 1-64 of a-z, 0-9, '.', '_', '-' (e.g. ada.lovelace).")
    var name: String
    @Option(help: "field, supervisor or administrator.")
    var role: StaffRole
    @Option(help: "Local authority codes the account works in, comma-separated (default: all).")
    var areas: String = ""
    @OptionGroup var passwordInput: PasswordInput

    /// A name that can never be an account is a usage error (64), as other bad option values are.
    func validate() throws {
        guard StaffAccount.normalisedName(name) != nil else { throw ValidationError("--name: \(StaffDirectoryError.invalidName(name))") }
    }

    func run() throws {
        let password = try passwordInput.read() ?? StaffDirectory.newPassword()
        let areaCodes = areas.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        try checkAreasAreInTheFrame(areaCodes)
        let (staff, audit) = try openStaffFiles(directory, create: true)
        defer { staff.close(); audit.close() }
        let made: NewStaffAccount
        do {
            made = try staff.add(name: name, role: role, areas: areaCodes, password: password)
        } catch {
            throw CLIError("\(error)")
        }
        let account = made.account
        let areaText = account.areas.isEmpty ? "all areas" : account.areas.joined(separator: ",")
        try recordAudit(audit, .staffAdded, subject: account.name, detail: "\(account.role.rawValue), \(areaText)",
                        done: "the account \(account.name) was added")
        print("Added \(account.name): \(account.role.displayName.lowercased()), \(areaText).")
        if !passwordInput.passwordStdin { print("password: \(password)") }
        if let enrolment = made.enrolment {
            print("totp-secret: \(enrolment.base32Secret)")
            print("totp-uri: \(enrolment.uri)")
        }
        print("Shown once: give them to \(account.name) now. Sign in at /staff/sign-in.")
    }

    /// Refuses an area the address frame beside the store has no household in (a mistyped
    /// code gave a keyer an empty follow-up list and nothing to key), naming the frame's local
    /// authorities. Without a frame yet there is nothing to check against.
    private func checkAreasAreInTheFrame(_ codes: [String]) throws {
        let frameURL = directory.url.appendingPathComponent(AddressFrame.fileName)
        guard !codes.isEmpty, FileManager.default.fileExists(atPath: frameURL.path) else { return }
        let known: Set<String>
        do {
            let frame = try AddressFrame.open(at: frameURL, readOnly: true)
            defer { try? frame.close() }
            known = Set(try frame.householdsByLSOA().map(\.localAuthority))
        } catch {
            throw CLIError("cannot read the address frame \(frameURL.path) to check --areas: \(error)")
        }
        let unknown = codes.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            let listed = unknown.map { Echo.quoted($0) }.joined(separator: ", ")
            throw CLIError("--areas: \(listed) \(unknown.count == 1 ? "is not a local authority" : "are not local authorities") of the address frame "
                           + "(its local authorities: \(known.sorted().joined(separator: ", "))); nothing was added")
        }
    }
}

struct StaffList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List staff accounts (no secrets).")
    @OptionGroup var directory: StoreDirectory

    func run() throws {
        let staff: StaffDirectory
        do { staff = try StaffDirectory.open(at: directory.url.appendingPathComponent(StaffDirectory.fileName), create: false, readOnly: true) } catch {
            throw CLIError(fieldFileMessage(error, what: "staff accounts"))
        }
        defer { staff.close() }
        let accounts: [StaffAccount]
        do { accounts = try staff.accounts() } catch { throw CLIError("\(error)") }
        print(["name", "role", "areas", "totp", "status"].joined(separator: "\t"))
        let now = Date()
        for a in accounts {
            let status = a.isDisabled ? "disabled" : (a.lockedUntil.map { $0 > now } == true ? "locked" : "active")
            print([a.name, a.role.rawValue, a.areas.isEmpty ? "all" : a.areas.joined(separator: ","), a.hasSecondFactor ? "yes" : "no", status]
                .joined(separator: "\t"))
        }
    }
}

struct StaffDisable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable",
        abstract: "Disable a staff account: it cannot sign in, and its open sessions end at their next request."
    )
    @OptionGroup var directory: StoreDirectory
    @Option(help: "The account's sign-in name.")
    var name: String

    func run() throws {
        let (staff, audit) = try openStaffFiles(directory, create: false)
        defer { staff.close(); audit.close() }
        let changed: Bool
        do { changed = try staff.disable(name) } catch { throw CLIError("\(error)") }
        guard let normalised = StaffAccount.normalisedName(name) else { return }
        if changed {
            try recordAudit(audit, .staffDisabled, subject: normalised, done: "\(normalised) was disabled")
            print("Disabled \(normalised).")
        } else {
            print("\(normalised) was already disabled.")
        }
    }
}
