import ArgumentParser
import CensusCommandLine
import CollectionServer
import FieldOperations
import Foundation
import ResponseStore

/// `census audit`: the hash-chained log of staff actions.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The audit log of staff actions (DIR/audit.sqlite): verify, show, reconcile.",
        discussion: """
            Each record holds the SHA-256 of the one before, so a record changed or deleted \
            after it was written breaks the chain. `verify` prints the head hash: keep it \
            elsewhere to detect a later truncation of the newest records.
            """,
        subcommands: [AuditVerify.self, AuditShow.self, AuditReconcile.self]
    )
}

func openAuditLog(_ directory: StoreDirectory) throws -> AuditLog {
    do { return try AuditLog.open(at: directory.url.appendingPathComponent(AuditLog.fileName), create: false, readOnly: true) } catch {
        throw CLIError(fieldFileMessage(error, what: "audit log"))
    }
}

struct AuditVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every record's hash and chain; exit status 1 at the first break."
    )
    @OptionGroup var directory: StoreDirectory

    func run() throws {
        let log = try openAuditLog(directory)
        defer { log.close() }
        let result: AuditVerification
        do { result = try log.verify() } catch { throw CLIError("\(error)") }
        if let broken = result.firstBreak {
            throw CLIError("the audit log is broken at record \(broken.sequence): \(broken.reason). The \(counted(result.count, "record")) before it \(result.count == 1 ? "is" : "are") intact (head \(result.headHash)).",
                           status: .notInOrder)
        }
        print("The audit log is intact: \(counted(result.count, "record")), head hash \(result.headHash).")
    }
}

/// A time given on the command line: `2026-11-30`, or ISO 8601 with a time (`2026-11-30T14:00:00Z`).
struct AuditTime: ExpressibleByArgument {
    var date: Date

    init?(argument: String) {
        // Foundation's parser rolls 2021-02-30 over to 2 March: a day that does not exist is no date.
        guard Self.isCalendarDay(argument.prefix(10)) else { return nil }
        let full = ISO8601DateFormatter()
        if let d = full.date(from: argument) { date = d; return }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let d = day.date(from: argument) { date = d; return }
        return nil
    }

    static var defaultCompletionKind: CompletionKind { .default }

    /// Whether `text` is `YYYY-MM-DD` naming a day of the (proleptic Gregorian) calendar.
    static func isCalendarDay(_ text: Substring) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return DateComponents(calendar: calendar, year: year, month: month, day: day).isValidDate(in: calendar)
    }
}

struct AuditShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print audit records, oldest first, tab-separated: seq, time (UTC), who, action, subject, detail."
    )
    @OptionGroup var directory: StoreDirectory
    @Option(help: "Only records at or after this time: 2026-11-30 or 2026-11-30T14:00:00Z.")
    var since: AuditTime?
    @Option(help: "Only this staff member's records (their sign-in name; cli:ACCOUNT for commands).")
    var who: String?
    @Option(help: "Only records about this subject (a household id or a staff name).")
    var subject: String?
    @Option(help: "At most this many of the newest records.")
    var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let log = try openAuditLog(directory)
        defer { log.close() }
        let records: [AuditRecord]
        do { records = try log.records(since: since?.date, actor: who, subject: subject, limit: limit) } catch { throw CLIError("\(error)") }
        let format = ISO8601DateFormatter()
        print(["seq", "at", "who", "action", "subject", "detail"].joined(separator: "\t"))
        for r in records {
            let fields = [String(r.sequence), format.string(from: r.at), r.actor, r.action, r.subject, r.detail]
            print(fields.map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\t"))
        }
    }
}

struct AuditReconcile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Restore keyed records a power loss took from the log, from the store's keyed returns.",
        discussion: """
            What `census serve` does when it starts. A keyed return's `keyed` record is \
            committed without an fsync of its own (its version, fsynced in its shard, carries \
            the keyer), so a power loss can take the newest records. Each keyed return received \
            after the log's last record's time minus 10 minutes whose save key no `keyed` record \
            names gets one: its keyer, household, save key and receipt, marked as reconciled \
            from the store. Run again, it adds nothing. Run it with the server stopped: a save \
            in flight would get a second record.
            """
    )
    @OptionGroup var directory: StoreDirectory

    func run() throws {
        let log: AuditLog
        do { log = try AuditLog.open(at: directory.url.appendingPathComponent(AuditLog.fileName), create: false) } catch {
            throw CLIError(fieldFileMessage(error, what: "audit log"))
        }
        defer { log.close() }
        // Read-only: the shards are read, never written.
        let store = try ResponseStore.openForReading(at: directory.url)
        defer { store.close() }
        let restored: [AuditRecord]
        do {
            restored = try log.reconcileKeyed(with: store)
        } catch {
            throw CLIError("\(error)")
        }
        for r in restored { print("restored record \(r.sequence): \(r.actor) keyed \(r.subject): \(r.detail)") }
        print("The audit log names every keyed return near its end: \(counted(restored.count, "record")) restored.")
    }
}
