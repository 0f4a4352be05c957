import ArgumentParser
import CensusCommandLine
import CollectionServer
import Foundation

/// `census token …`: machine tokens for the JSON API.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Machine tokens for the JSON API (paper capture, field operations).",
        discussion: """
            Machine clients call the API with `Authorization: Bearer TOKEN`. A token has a \
            role: `ingest` submits paper returns (channel paper) for any household and reads \
            any household's status; `status` only reads status. Tokens are kept in \
            DIR/tokens.sqlite (mode 0600) as SHA-256 hashes: a token is shown once, when it \
            is made. A running server sees new and revoked tokens at once.
            """,
        subcommands: [TokenCreate.self, TokenList.self, TokenRevoke.self]
    )
}

extension MachineRole: ExpressibleByArgument {}

/// The token file of a store directory.
func tokenFile(_ directory: StoreDirectory) -> URL {
    directory.url.appendingPathComponent(MachineTokens.fileName)
}

/// Tokens belong to a store: a directory without one is not done (exit 2), for every token command.
func requireStore(_ directory: StoreDirectory) throws {
    guard FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("manifest.json").path) else {
        throw CLIError("\(directory.dir) is not a store directory (no manifest.json); make one with `census store init`")
    }
}

/// `census token create --dir DIR --name N --role ingest [--expires-in-days D]`
struct TokenCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Make a machine token; print it once on standard output.",
        discussion: """
            Prints only the token on standard output (capture it: `TOKEN=$(census token create …)`), \
            and what it is on standard error. Only its hash is kept; a lost token cannot be \
            shown again: revoke it and make another.
            """
    )

    @OptionGroup var directory: StoreDirectory
    @Option(help: "A name for the token: who or what uses it (1-64 letters, digits, '.', '_', '-'; unique among tokens not revoked).")
    var name: String
    @Option(help: "What it may do: ingest (submit paper returns, read status) or status (read status).")
    var role: MachineRole
    @Option(help: "Days until it stops working (default: until revoked).")
    var expiresInDays: Int?

    func validate() throws {
        guard MachineTokens.isValidName(name) else { throw ValidationError("--name must be 1 to 64 letters, digits, '.', '_' or '-'") }
        if let days = expiresInDays, !(1...3650).contains(days) { throw ValidationError("--expires-in-days must be between 1 and 3650") }
    }

    func run() throws {
        try requireStore(directory)
        let now = Date()
        let expires = expiresInDays.map { now.addingTimeInterval(Double($0) * 86_400) }
        do {
            let tokens = try MachineTokens.open(at: tokenFile(directory), create: true)
            let (token, record) = try tokens.create(name: name, role: role, expiresAt: expires, now: now)
            FileIO.writeOut(token + "\n")
            let until = record.expiresAt.map { "until \(TokenList.format($0))" } ?? "until revoked"
            Console.note("made '\(record.name)' (\(record.id), role \(record.role.rawValue), \(until)). It is shown once: keep it in a secret store; only its hash is kept in \(tokens.path).")
        } catch {
            throw CLIError("\(error)")
        }
    }
}

/// `census token list --dir DIR [--format json]`
struct TokenList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List machine tokens (never the tokens themselves): id, name, role, dates, state."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var directory: StoreDirectory
    @Option(help: "table (default) or json (one object per line).")
    var format: Format = .table

    func run() throws {
        try requireStore(directory)
        let file = tokenFile(directory)
        guard FileManager.default.fileExists(atPath: file.path) else {
            Console.note("no tokens in \(directory.dir) (make one with `census token create`)")
            return
        }
        let records: [MachineTokenRecord]
        do { records = try MachineTokens.open(at: file).list() } catch { throw CLIError("\(error)") }
        let now = Date()
        switch format {
        case .json:
            for r in records {
                var o: [String: Any] = ["id": r.id, "name": r.name, "role": r.role.rawValue, "createdAt": Self.format(r.createdAt), "state": Self.state(r, now)]
                o["expiresAt"] = r.expiresAt.map(Self.format) ?? NSNull()
                o["revokedAt"] = r.revokedAt.map(Self.format) ?? NSNull()
                o["lastUsedAt"] = r.lastUsedAt.map(Self.format) ?? NSNull()
                let data = (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])) ?? Data("{}".utf8)
                FileIO.writeOut(String(decoding: data, as: UTF8.self) + "\n")
            }
        case .table:
            var rows = [["ID", "NAME", "ROLE", "CREATED", "EXPIRES", "LAST USED", "STATE"]]
            for r in records {
                rows.append([r.id, r.name, r.role.rawValue, Self.format(r.createdAt), r.expiresAt.map(Self.format) ?? "never",
                             r.lastUsedAt.map(Self.format) ?? "never", Self.state(r, now)])
            }
            let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
            for row in rows {
                FileIO.writeOut(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                    .trimmingCharacters(in: .whitespaces) + "\n")
            }
        }
    }

    static func state(_ r: MachineTokenRecord, _ now: Date) -> String {
        if r.revokedAt != nil { return "revoked" }
        if let e = r.expiresAt, e <= now { return "expired" }
        return "active"
    }

    static func format(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}

/// `census token revoke --dir DIR NAME_OR_ID`
struct TokenRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a machine token, by name or id: the server refuses it from now on."
    )

    @OptionGroup var directory: StoreDirectory
    @Argument(help: "The token's name (as given to create) or id (tok_…, from list).")
    var token: String

    func run() throws {
        try requireStore(directory)
        let file = tokenFile(directory)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw CLIError("no tokens in \(directory.dir) (no \(MachineTokens.fileName)); nothing to revoke")
        }
        do {
            let tokens = try MachineTokens.open(at: file)
            let before = try tokens.list().first { ($0.name == token && $0.revokedAt == nil) || $0.id == token }
            let record = try tokens.revoke(token)
            if let revokedBefore = before?.revokedAt {
                FileIO.writeOut("'\(record.name)' (\(record.id)) was already revoked on \(TokenList.format(revokedBefore))\n")
            } else {
                FileIO.writeOut("revoked '\(record.name)' (\(record.id), role \(record.role.rawValue)); the server refuses it from now on\n")
            }
        } catch {
            throw CLIError("\(error)")
        }
    }
}
