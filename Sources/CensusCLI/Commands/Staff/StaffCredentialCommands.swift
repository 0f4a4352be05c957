import ArgumentParser
import CensusCommandLine
import FieldOperations
import Foundation

/// `census staff reset-password`: a new password for an account (forgotten, or an
/// administrator locked out with no other administrator to reset it on the staff pages).
struct StaffResetPassword: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-password",
        abstract: "Set a new password for a staff account and unlock it; prints the password once.",
        discussion: """
            The password is made here (80 bits) unless --password-stdin reads one (12 characters \
            at least). The old password stops working at once. Audited as password_reset.
            """
    )
    @OptionGroup var directory: StoreDirectory
    @Option(help: "The account's sign-in name.")
    var name: String
    @OptionGroup var passwordInput: PasswordInput

    func run() throws {
        let chosen = try passwordInput.read()
        let (staff, audit) = try openStaffFiles(directory, create: false)
        defer { staff.close(); audit.close() }
        let password: String
        do { password = try staff.resetPassword(name: name, to: chosen) } catch { throw CLIError("\(error)") }
        let normalised = StaffAccount.normalisedName(name) ?? name
        try recordAudit(audit, .passwordReset, subject: normalised, detail: "lockout cleared", done: "the password of \(normalised) was reset")
        print("Reset the password of \(normalised); the account is unlocked.")
        if chosen == nil { print("password: \(password)") }
        print("Shown once: give it to \(normalised) now.")
    }
}

/// `census staff reenrol`: a new TOTP secret for a supervisor or administrator (a lost phone).
struct StaffReenrol: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reenrol",
        abstract: "Enrol a new one-time-code secret for a supervisor or administrator; prints it once.",
        discussion: "Codes from the old secret stop working at once. Audited as second_factor_reenrolled."
    )
    @OptionGroup var directory: StoreDirectory
    @Option(help: "The account's sign-in name.")
    var name: String

    func run() throws {
        let (staff, audit) = try openStaffFiles(directory, create: false)
        defer { staff.close(); audit.close() }
        let enrolment: SecondFactorEnrolment
        do { enrolment = try staff.reenrolSecondFactor(name: name) } catch { throw CLIError("\(error)") }
        let normalised = StaffAccount.normalisedName(name) ?? name
        try recordAudit(audit, .secondFactorReenrolled, subject: normalised, done: "a new secret was enrolled for \(normalised)")
        print("Enrolled a new one-time-code secret for \(normalised).")
        print("totp-secret: \(enrolment.base32Secret)")
        print("totp-uri: \(enrolment.uri)")
        print("Shown once: enter it in their authenticator app now.")
    }
}
