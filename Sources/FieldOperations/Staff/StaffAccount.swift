import Foundation

/// What a staff member may do. Checked on every staff page by a role policy
/// (hummingbird-auth's `RolePolicy`), so a page names the role it needs and nothing else.
public enum StaffRole: String, Sendable, Codable, CaseIterable, Hashable {
    /// Field staff: key paper returns, see the follow-up list for their areas.
    case field
    /// Supervisors: everything field staff do, and settle double keying, reissue codes,
    /// see progress.
    case supervisor
    /// Administrators: staff accounts and the audit log. Not keying: an administrator reads
    /// no household's return.
    case administrator

    /// The permissions the role holds (a supervisor is also field staff).
    public var grants: Set<StaffRole> {
        switch self {
        case .field: return [.field]
        case .supervisor: return [.field, .supervisor]
        case .administrator: return [.administrator]
        }
    }

    /// Whether signing in needs a one-time code as well as the password (supervisors and
    /// administrators: they can settle returns, reissue codes and manage accounts).
    public var requiresSecondFactor: Bool { self != .field }

    /// For pages and listings.
    public var displayName: String {
        switch self {
        case .field: return "Field staff"
        case .supervisor: return "Supervisor"
        case .administrator: return "Administrator"
        }
    }
}

/// A staff account, as the directory holds it (without its password hash or TOTP secret).
public struct StaffAccount: Sendable, Equatable {
    /// The sign-in name: 1-64 of `a-z 0-9 . _ -`, unique.
    public var name: String
    /// What the account may do (its pages and second factor follow from it).
    public var role: StaffRole
    /// Local authority codes the account works in; empty means all areas.
    public var areas: [String]
    /// Whether a TOTP second factor is enrolled (always for supervisors and administrators).
    public var hasSecondFactor: Bool
    /// When the account was disabled, or nil while it is active.
    public var disabledAt: Date?
    /// Until when sign-in is locked after repeated failures, or nil.
    public var lockedUntil: Date?
    /// When the account was added (``StaffDirectory/add(name:role:areas:password:now:)``).
    public var createdAt: Date

    /// Whether the account is disabled (it cannot sign in).
    public var isDisabled: Bool { disabledAt != nil }

    /// Whether the account works in local authority `code`.
    public func covers(localAuthority code: String) -> Bool {
        areas.isEmpty || areas.contains(code)
    }

    /// Checks a sign-in name: 1-64 characters of `a-z`, `0-9`, `.`, `_`, `-`, starting with a
    /// letter or digit. Returns the name lower-cased, or nil.
    public static func normalisedName(_ typed: String) -> String? {
        let name = typed.trimmingCharacters(in: .whitespaces).lowercased()
        guard (1...64).contains(name.count),
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-" }),
              let first = name.unicodeScalars.first, first != ".", first != "_", first != "-"
        else { return nil }
        return name
    }
}

/// The TOTP enrolment of a new account, shown once (the directory keeps only the secret to
/// check codes with).
public struct SecondFactorEnrolment: Sendable, Equatable {
    /// The `otpauth://totp/…` URI an authenticator app takes (RFC 6238: SHA-1, 6 digits, 30 s).
    public var uri: String
    /// The secret in base32, for typing into an app by hand.
    public var base32Secret: String
}

/// What ``StaffDirectory/add(name:role:areas:password:now:)`` made: the account, and its
/// enrolment when the role needs a second factor.
public struct NewStaffAccount: Sendable, Equatable {
    /// The account as stored.
    public var account: StaffAccount
    /// The TOTP enrolment to show once (supervisors and administrators), or nil for field staff.
    public var enrolment: SecondFactorEnrolment?
}

/// Why a staff account could not be added or changed.
public enum StaffDirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name typed is not a usable sign-in name (``StaffAccount/normalisedName(_:)``).
    case invalidName(String)
    /// An account of that name exists already (a disabled one included).
    case nameTaken(String)
    /// No account of that name (or, for its holder's own changes, a disabled one).
    case unknownAccount(String)
    /// The password is refused, and why: fewer than 12 characters, more than 72 bytes (bcrypt's
    /// limit), a line break or NUL, or the current password again.
    case weakPassword(reason: String)
    /// An area that is not a local authority code (1-16 letters and digits).
    case invalidArea(String)
    /// A password change whose current password was wrong (counted towards the lockout).
    case wrongPassword
    /// The account is locked until then: nothing about it can be changed by its holder.
    case locked(until: Date)
    /// A second factor asked of an account whose role does not use one (field staff).
    case noSecondFactor(String)
    /// The directory file could not be read or written.
    case file(FieldFileError)

    /// One sentence for the CLI and the pages, e.g. `a staff account named 'ada' already exists`.
    public var description: String {
        switch self {
        case .invalidName(let name):
            return "'\(name.prefix(80))' is not a usable sign-in name: use 1-64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"
        case .nameTaken(let name): return "a staff account named '\(name)' already exists"
        case .unknownAccount(let name): return "there is no staff account named '\(name.prefix(80))'"
        case .weakPassword(let reason): return "the password is not usable: \(reason)"
        case .invalidArea(let area): return "'\(area.prefix(40))' is not a local authority code (1-16 letters and digits)"
        case .wrongPassword: return "the current password is not right"
        case .locked(let until): return "the account is locked until \(ISO8601DateFormatter().string(from: until)) after repeated failures"
        case .noSecondFactor(let name): return "'\(name)' is field staff, who sign in without a one-time code"
        case .file(let e): return e.description
        }
    }
}
