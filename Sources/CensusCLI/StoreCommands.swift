import ArgumentParser
import Foundation
import Questionnaire
import ResponseStore

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "The sharded response store.",
        discussion: """
            A store is a directory with manifest.json and shards/shard-NNN.sqlite. The manifest \
            records the shard count, the shard function (FNV-1a 64 of the household id, mod N) \
            and schema hashes, so every tool agrees where a household lives.
            """,
        subcommands: [StoreInit.self, StoreCheck.self, StoreUpgrade.self, StoreAcceptSchema.self, StoreWhere.self, StoreShow.self, StoreSubmit.self]
    )
}

struct StoreInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty store of N shards."
    )
    @Option(parsing: .unconditional, help: "Number of shards (fixed for the life of the store).")
    var shards: Int = 8
    @Option(help: "Store directory.")
    var dir: String
    @Option(name: .customLong("schema-hash"), help: "Accept only these questionnaire schema hashes (repeatable; default: any).")
    var schemaHashes: [String] = []

    func validate() throws {
        guard (1...4096).contains(shards) else { throw ValidationError("--shards must be between 1 and 4096") }
        try PathArgument.directory(dir, "--dir")
        // Checked here like `accept-schema` does: a store must not accept a hash no form can have.
        for h in schemaHashes where !ResponseStore.isQuestionnaireSchemaHash(h) {
            throw ValidationError(StoreError.invalidSchemaHash(h).description)
        }
    }

    func run() throws {
        let store = try ResponseStore.create(at: URL(fileURLWithPath: dir), shardCount: shards, questionnaireSchemas: schemaHashes)
        store.close()
        print("created a store of \(shards) shards in \(dir) (WAL, synchronous=FULL)")
    }
}

struct StoreCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every shard: present, writable, matching the manifest, integrity_check ok.",
        discussion: """
            Exits with status 1 when any shard fails; each failure names its file and what to do. \
            A read-only shard (file or directory not writable) is checked read-only and reported \
            as READ-ONLY; it fails the check, because writers refuse it, unless --read-only says \
            that the store is a read-only copy (an archive, a read-only mount).
            """
    )
    @Option(help: "Store directory.")
    var dir: String
    @Flag(help: "The store is a read-only copy: read-only shards do not fail the check.")
    var readOnly = false

    func validate() throws { try PathArgument.directory(dir, "--dir") }

    func run() throws {
        let report = ResponseStore.check(at: URL(fileURLWithPath: dir))
        if let e = report.manifestError { throw e }
        print(report.description)
        if !report.isIntact { throw ExitCode(1) }
        if !report.isHealthy && !readOnly {
            FileHandleOutput.stderr("Error: read-only shards cannot take responses; fix their permissions, or pass --read-only to check a read-only copy")
            throw ExitCode(1)
        }
    }
}

struct StoreUpgrade: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Bring a store made by an earlier build up to this build's shard schema.",
        discussion: """
            Applies the shard migrations this build has and the store lacks (v2-page-saves: the \
            page-by-page saves of the online questionnaire) to every shard, then records the new \
            shard schema in the manifest. Stop the store's writers (a running `census serve`) first. \
            Running it again finishes an interrupted upgrade; on a current store it changes nothing.
            """
    )
    @Option(help: "Store directory.")
    var dir: String

    func validate() throws { try PathArgument.directory(dir, "--dir") }

    func run() throws {
        let result = try ResponseStore.upgrade(at: URL(fileURLWithPath: dir))
        if result.applied.isEmpty {
            print("the store in \(dir) is already at shard schema \(result.to); nothing changed")
        } else {
            print("upgraded the store in \(dir) from \(result.from) to \(result.to) (applied \(result.applied.joined(separator: ", ")))")
        }
    }
}

struct StoreAcceptSchema: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept-schema",
        abstract: "Add questionnaire schema hashes to the store's accepted list.",
        discussion: """
            The hash is the one `census compile` prints (sha256: and 64 hex digits). The manifest \
            is replaced atomically; a hash already accepted is left as it is (running the command \
            twice is harmless). A store created without --schema-hash accepts any schema: adding \
            a hash to it needs --restrict, because from then on only listed schemas are accepted. \
            Processes that have the store open read the manifest when they open it: restart them \
            afterwards.
            """
    )
    @Option(help: "Store directory.")
    var dir: String
    @Flag(help: "Allow turning an accept-any store into one that accepts only the listed schemas.")
    var restrict = false
    @Argument(help: "Questionnaire schema hashes (sha256:…).")
    var hashes: [String]

    func validate() throws {
        guard !hashes.isEmpty else { throw ValidationError("give at least one schema hash (sha256:…, as printed by `census compile`)") }
        try PathArgument.directory(dir, "--dir")
    }

    func run() throws {
        let r = try ResponseStore.acceptQuestionnaireSchemas(hashes, at: URL(fileURLWithPath: dir), restrict: restrict)
        for h in r.alreadyAccepted { print("already accepted: \(h)") }
        for h in r.added { print("accepted: \(h)") }
        if r.added.isEmpty {
            print("nothing changed; the store accepts \(counted(r.accepted.count, "schema"))")
        } else {
            print("the store now accepts \(counted(r.accepted.count, "schema")); restart processes that have it open to pick this up")
        }
    }
}

struct StoreWhere: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "where",
        abstract: "Print the shard and file that hold a household."
    )
    @Option(help: "Store directory.")
    var dir: String
    @Argument(help: "Household id.")
    var household: String

    func validate() throws {
        try PathArgument.directory(dir, "--dir")
        try checkHouseholdID(household)
    }

    func run() throws {
        let m = try StoreManifest.read(from: URL(fileURLWithPath: dir))
        let s = ShardFunction.shard(for: household, count: m.shardCount)
        print("\(household) -> shard \(s) (\(m.shardFiles[s]))")
    }
}

struct StoreShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "List a household's response versions and its authoritative return."
    )
    @Option(help: "Store directory.")
    var dir: String
    @Argument(help: "Household id.")
    var household: String

    func validate() throws {
        try PathArgument.directory(dir, "--dir")
        try checkHouseholdID(household)
    }

    func run() throws {
        // Read-only: it also works on a read-only shard, store directory or mount.
        let store = try ResponseStore.openForReading(at: URL(fileURLWithPath: dir))
        defer { store.close() }
        let versions = try store.versions(of: household)
        let best = AuthoritativeReturn.choose(from: versions)
        let f = ISO8601DateFormatter()
        for v in versions {
            let mark = v.version == best?.version ? "*" : " "
            print("\(mark) \(v.receiptID) \(v.kind.rawValue) \(v.channel.rawValue) \(f.string(from: v.receivedAt)) \(String(format: "%.1f", v.completeness * 100))% complete \(v.schemaHash) key=\(v.idempotencyKey)")
        }
        if versions.isEmpty { print("no responses for \(household)") } else { print("* = authoritative return") }
    }
}

struct StoreSubmit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Store one response version and print its receipt (for demos and keying tools)."
    )
    @Option(help: "Store directory.")
    var dir: String
    @Option(help: "Household id.")
    var household: String
    @Option(help: "partial, submitted or paper.")
    var kind: String = "submitted"
    @Option(help: "Questionnaire schema hash, e.g. sha256:…")
    var schemaHash: String
    @Option(help: "Idempotency key (default: a new UUID). Reuse it to retry safely.")
    var key: String?
    @Option(parsing: .unconditional, help: "Completeness measure, e.g. answered questions.")
    var completeness: Double = 0
    @Option(help: "File holding the response body (JSON); '-' for standard input.")
    var body: String

    func validate() throws {
        try checkHouseholdID(household)
        guard ResponseKind(rawValue: kind) != nil else { throw ValidationError("--kind must be partial, submitted or paper") }
        // Completeness ranks a household's returns: a negative one is a mistake, not a rank.
        guard completeness.isFinite, completeness >= 0 else { throw ValidationError("--completeness must be a number, 0 or more") }
        try PathArgument.directory(dir, "--dir")
        // As `init` and `accept-schema`: a hash no compiled form can have would be stored for good.
        guard ResponseStore.isQuestionnaireSchemaHash(schemaHash) else { throw ValidationError(StoreError.invalidSchemaHash(schemaHash).description) }
        if let key, key.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--key is empty: give the request's idempotency key, or leave --key out for a new one")
        }
    }

    func run() throws {
        let k = ResponseKind(rawValue: kind)!
        let bytes = try readInputFile(body, what: "the response body file")
        // A body that is not a JSON object could still become the household's authoritative return.
        do {
            guard case .object = try JSONParser.parse(bytes) else {
                throw CLIError("the response body file \(body) is not a JSON object (a household response is one); nothing was stored")
            }
        } catch let e as JSONParser.Error {
            throw CLIError("the response body file \(body) is not valid JSON (\(e)); nothing was stored")
        }
        let data = Data(bytes)
        let store = try ResponseStore.open(at: URL(fileURLWithPath: dir))
        defer { store.close() }
        let submission = Submission(
            householdID: household, kind: k, channel: k == .paper ? .paper : .online, receivedAt: Date(),
            schemaHash: schemaHash, idempotencyKey: key ?? UUID().uuidString, completeness: completeness, body: data)
        let receipt = try submitAndWait([submission], to: store)[0]
        print("\(receipt.receiptID) shard=\(receipt.shard) version=\(receipt.version)\(receipt.isReplay ? " (retry: already stored)" : "")")
    }
}

/// A household id as the address frame has them. A typo such as a trailing space would
/// otherwise file the response under a household that does not exist.
func checkHouseholdID(_ id: String) throws {
    guard !id.isEmpty else { throw ValidationError("give a household id (as in the address frame), not an empty string") }
    guard FrameValidation.isHouseholdID(id) else {
        throw ValidationError("'\(id.count > 40 ? id.prefix(40) + "…" : id)' is not a household id: ids are 1-32 letters, digits, '-' or '_', as in the address frame")
    }
}

/// Submits concurrently (the shard writers group them into transactions) and waits for
/// every receipt: the CLI is synchronous.
func submitAndWait(_ submissions: [Submission], to store: ResponseStore) throws -> [Receipt] {
    let results = ReceiptBox(count: submissions.count)
    let group = DispatchGroup()
    for (i, s) in submissions.enumerated() {
        group.enter()
        store.submit(s) { result in
            results.set(i, result)
            group.leave()
        }
    }
    group.wait()
    return try results.values.map { try $0!.get() }
}

/// Receipts arriving on writer threads, by submission index.
private final class ReceiptBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<Receipt, StoreError>?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<Receipt, StoreError>) { lock.withLock { storage[i] = r } }
    var values: [Result<Receipt, StoreError>?] { lock.withLock { storage } }
}
