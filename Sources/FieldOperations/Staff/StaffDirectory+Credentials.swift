import DurableFiles
import Foundation
import GRDB
import HummingbirdBcrypt
import HummingbirdOTP

/// Changing credentials: a member changes their own password (with the current one), an
/// administrator resets a password or re-enrols a second factor (a lost phone). Bcrypt is
/// slow by design: call these off an event loop.
extension StaffDirectory {
    /// Changes a member's own password. The current password is checked first; a wrong one
    /// counts towards the lockout, as at sign-in, and a locked account cannot change it.
    ///
    /// - parameter newPassword: at least 12 characters, at most 72 bytes, not the current one.
    /// - throws: ``StaffDirectoryError/wrongPassword``, ``StaffDirectoryError/locked(until:)``,
    ///   ``StaffDirectoryError/weakPassword(reason:)``, ``StaffDirectoryError/unknownAccount(_:)``.
    public func changePassword(name typedName: String, currentPassword: String, newPassword: String,
                               now: Date = Date()) throws(StaffDirectoryError) {
        guard let name = StaffAccount.normalisedName(typedName) else { throw .unknownAccount(typedName) }
        let row: Row?
        do { row = try queue.read { db in try Row.fetchOne(db, sql: "SELECT * FROM staff_account WHERE name = ?", arguments: [name]) } } catch {
            throw .file(.unreadable(path: path, reason: DurableFile.reason(error)))
        }
        guard let row else { throw .unknownAccount(name) }
        let account = Self.account(row)
        if account.isDisabled { throw .unknownAccount(name) }
        if let until = account.lockedUntil, until > now { throw .locked(until: until) }
        guard Bcrypt.verify(currentPassword, hash: row["password_hash"]) else {
            if case .refused(.lockedNow(_, let until)) = recordFailure(account, .wrongPassword, now: now) { throw .locked(until: until) }
            throw .wrongPassword
        }
        try Self.checkPassword(newPassword)
        if newPassword == currentPassword { throw .weakPassword(reason: "it is the current password") }
        try setPassword(name, Bcrypt.hash(newPassword, cost: bcryptCost))
    }

    /// An administrator sets a new password for an account (a forgotten one): the given one,
    /// or a new one made like ``newPassword()``. The account's failure count and lockout are
    /// cleared. The password is returned to be shown once.
    ///
    /// - throws: ``StaffDirectoryError/unknownAccount(_:)``, ``StaffDirectoryError/weakPassword(reason:)``.
    @discardableResult
    public func resetPassword(name typedName: String, to password: String? = nil) throws(StaffDirectoryError) -> String {
        guard let name = StaffAccount.normalisedName(typedName) else { throw .unknownAccount(typedName) }
        let chosen = password ?? Self.newPassword()
        try Self.checkPassword(chosen)
        guard try account(name) != nil else { throw .unknownAccount(name) }
        try setPassword(name, Bcrypt.hash(chosen, cost: bcryptCost))
        return chosen
    }

    /// An administrator enrols a new second factor for a supervisor or administrator (a lost or
    /// replaced phone): a new TOTP secret, shown once; the old one stops working at once.
    ///
    /// - throws: ``StaffDirectoryError/noSecondFactor(_:)`` for field staff;
    ///   ``StaffDirectoryError/unknownAccount(_:)``.
    public func reenrolSecondFactor(name typedName: String) throws(StaffDirectoryError) -> SecondFactorEnrolment {
        guard let name = StaffAccount.normalisedName(typedName) else { throw .unknownAccount(typedName) }
        guard let account = try account(name) else { throw .unknownAccount(name) }
        guard account.role.requiresSecondFactor else { throw .noSecondFactor(name) }
        let secret = Self.newTOTPSecret()
        let uri = TOTP(secret: secret).createAuthenticatorURL(label: "\(Self.issuer):\(name)", issuer: Self.issuer)
        try update(name, sql: "UPDATE staff_account SET totp_secret = ?, totp_last_step = 0 WHERE name = ?", arguments: [secret, name])
        return SecondFactorEnrolment(uri: uri, base32Secret: Self.secretParameter(of: uri))
    }

    private func setPassword(_ name: String, _ hash: String) throws(StaffDirectoryError) {
        try update(name, sql: "UPDATE staff_account SET password_hash = ?, failed_attempts = 0, locked_until_ms = NULL WHERE name = ?",
                   arguments: [hash, name])
    }

    private func update(_ name: String, sql: String, arguments: StatementArguments) throws(StaffDirectoryError) {
        do {
            try queue.write { db in
                try db.execute(sql: sql, arguments: arguments)
                if db.changesCount == 0 { throw StaffDirectoryError.unknownAccount(name) }
            }
        } catch let e as StaffDirectoryError {
            throw e
        } catch {
            throw .file(.unwritable(path: path, reason: DurableFile.reason(error)))
        }
    }
}
