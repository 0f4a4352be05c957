import ArgumentParser
import Foundation
import CensusCollection
import Questionnaire
import AddressFrame
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
        subcommands: [StoreInit.self, StoreCheck.self, StoreAcceptSchema.self, StoreWhere.self, StoreShow.self, StoreSubmit.self, StoreBackup.self]
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
        let durability = describeDurability(of: store)
        store.close()
        print("created a store of \(shards) shards in \(dir) (\(durability))")
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
        abstract: "Check one household response and store it (for keying tools and demos); print its receipt.",
        discussion: """
            The response goes through the same collection path as the online questionnaire: \
            the household must be in the address frame (DIR/frame.sqlite, or --frame), the \
            response must answer the form given by --schema (which the store must accept), and \
            it is evaluated. A response that is not JSON, answers another form, or answers \
            nothing is refused and nothing is stored. An online submission (--kind submitted) \
            with errors or confirmations still to give is kept as an unsubmitted save \
            (partial), its findings are listed, and the exit status is 1. Saves (partial) and \
            paper returns are stored whatever their findings. The completeness stored is the \
            evaluator's (answered / applicable questions).

            Example:
              census store submit --dir demo --schema census.json --household H000000001 --kind paper --body household.json
            """
    )
    @Option(help: "Store directory.")
    var dir: String
    @Option(help: "Directory holding the address frame, frame.sqlite (default: the store directory).")
    var frame: String?
    @Option(help: "The compiled form the response answers (from `census compile`).")
    var schema: String
    @Option(help: "Household id, as in the address frame.")
    var household: String
    @Option(help: "What to store: partial (an online save), submitted (an online submission) or paper (a keyed paper return).")
    var kind: ResponseKind = .submitted
    @Option(help: "Idempotency key (default: a new UUID). Reuse it to retry safely.")
    var key: String?
    @Option(help: "File holding the response (JSON); '-' for standard input.")
    var body: String

    func validate() throws {
        try checkHouseholdID(household)
        try PathArgument.directory(dir, "--dir")
        if let frame { try PathArgument.directory(frame, "--frame") }
        if let key, key.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--key is empty: give the request's idempotency key, or leave --key out for a new one")
        }
    }

    func run() throws {
        let evaluator = try CLIFiles.evaluator(schema)
        // Read no more than the store takes: a larger file is refused without filling memory.
        let bytes = try readInputFile(body, what: "the response body file", limit: StoreOptions.defaultMaximumBodyBytes)
        // Read only: the collection path only looks households up.
        let addressFrame = try AddressFrame.open(at: frameURL(frame ?? dir), readOnly: true)
        defer { try? addressFrame.close() }
        let store = try ResponseStore.open(at: URL(fileURLWithPath: dir))
        defer { store.close() }
        let collector: Collector
        do { collector = try Collector(frame: addressFrame, store: store, forms: [evaluator]) } catch {
            let hash = evaluator.schema.hash
            throw CLIError("the store in \(dir) does not accept the form in \(schema) (\(hash)); if it is to be collected, run `census store accept-schema --dir \(dir) \(hash)`. Nothing was stored.")
        }
        let request = CollectionRequest(householdID: household, body: Data(bytes), kind: kind,
                                        idempotencyKey: key ?? UUID().uuidString)
        let outcome: CollectionOutcome
        do { outcome = try collectAndWait([request], by: collector)[0] } catch let e as CollectionError {
            throw CLIError(remedy(for: e, form: evaluator.schema.hash))
        }
        let r = outcome.receipt
        let e = outcome.evaluation
        let pct = Int((e.completeness * 100).rounded())
        // Written at once (not buffered until exit): the receipt is out as soon as the commit
        // it stands for is on disk.
        FileIO.writeOut("\(r.receiptID) shard=\(r.shard) version=\(r.version) \(outcome.storedKind.rawValue), \(pct)% complete\(r.isReplay ? " (retry: already stored)" : "")\n")
        guard outcome.disposition == .notSubmitted else { return }
        FileHandleOutput.stderr("""
            census store submit: not submitted: the response has \(counted(e.count(.error), "error")) and \
            \(counted(e.count(.confirm), "confirmation")) to give, so it was kept as an unsubmitted save (partial), \
            which does not count as a return:
            """)
        for f in e.findings where f.severity == .error || f.severity == .confirm {
            FileHandleOutput.stderr("  \(f.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(f.path)  [\(f.code)] \(f.message)")
        }
        throw ExitCode(1)
    }

    /// The collection path's facts, with what the operator can do about them.
    func remedy(for error: CollectionError, form: String) -> String {
        switch error {
        case .unknownHousehold(let id):
            return "household '\(id)' is not in the address frame \(frameURL(frame ?? dir).path); check the id (as in the frame CSV), or import the frame with `census frame import`. Nothing was stored."
        case .formNotCollected(let claimed?, _):
            return "the response answers form \(claimed), not the one in \(schema) (\(form)); pass the schema it was written for with --schema. Nothing was stored."
        case .formNotCollected(nil, _):
            return "the response does not say which form it answers: a household response has \"schema\": {\"id\", \"hash\"} (see docs/response-format.md). Nothing was stored."
        case .notAResponse(let finding) where finding.code == "json":
            let detail = finding.message.hasPrefix("not valid JSON: ") ? String(finding.message.dropFirst(16)) : finding.message
            return "the response body file \(body) is not valid JSON (\(detail)); nothing was stored"
        case .notAResponse:
            return "the response body file \(body) is not a JSON object (a household response is one); nothing was stored"
        case .storeUnavailable(let e):
            return e.description
        default:
            return error.description
        }
    }
}

extension ResponseKind: ExpressibleByArgument {}

/// The durability in force, as SQLite reports it on every shard's writer connection (not what
/// was asked for: until issue 13 the two differed), for `store init` and the demo.
func describeDurability(of store: ResponseStore) -> String {
    switch Set(store.durabilityInForce()) {
    case [.full]: return "WAL, synchronous=FULL: every commit is fsynced before its receipt"
    case [.normal]: return "WAL, synchronous=NORMAL: commits are not fsynced, NOT durable against power loss"
    default: return "WAL; the synchronous setting could not be read back from every shard"
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

/// Hands requests to the collection path concurrently (the shard writers group them into
/// transactions) and waits for every outcome: the CLI is synchronous. The first refusal is thrown.
func collectAndWait(_ requests: [CollectionRequest], by collector: Collector) throws -> [CollectionOutcome] {
    let results = ResultBox<CollectionOutcome, CollectionError>(count: requests.count)
    let group = DispatchGroup()
    for (i, r) in requests.enumerated() {
        group.enter()
        collector.submit(r) { result in
            results.set(i, result)
            group.leave()
        }
    }
    group.wait()
    return try results.values.map { result in
        guard let result else { throw CLIError("a submission was never answered by the store") }
        return try result.get()
    }
}

/// Results arriving on writer threads, by request index.
private final class ResultBox<Success: Sendable, Failure: Error>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<Success, Failure>?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<Success, Failure>) { lock.withLock { storage[i] = r } }
    var values: [Result<Success, Failure>?] { lock.withLock { storage } }
}
