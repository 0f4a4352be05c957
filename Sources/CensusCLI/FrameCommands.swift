import ArgumentParser
import Foundation
import AddressFrame

struct FrameCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frame",
        abstract: "The address frame: households and their access codes.",
        discussion: """
            The frame lives in DIR/frame.sqlite (normally the store directory). Households come \
            from a CSV file (`import`) or are synthesised (`generate`); access codes are issued \
            with `codes`, and only their keyed hashes are kept.
            """,
        subcommands: [FrameGenerate.self, FrameImport.self, FrameCodes.self, FrameLookup.self, FrameStats.self]
    )
}

/// Options shared by commands that need the access-code secret.
struct SecretOptions: ParsableArguments {
    @Flag(help: "Use the public built-in development secret if none is configured. Demo only: anyone can check guessed codes against a frame keyed with it.")
    var devSecret = false

    func hasher() throws -> AccessCodeHasher {
        let secret = try DeploymentSecret.load(allowDevelopment: devSecret)
        if secret.isDevelopment {
            FileHandleOutput.stderr("warning: using the public development secret; codes are NOT protected. Set \(DeploymentSecret.fileVariable) for real use.")
        }
        return AccessCodeHasher(secret: secret)
    }
}

enum FileHandleOutput {
    static func stderr(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
}

func frameURL(_ dir: String) -> URL {
    URL(fileURLWithPath: dir).appendingPathComponent(AddressFrame.fileName)
}

/// A one-line CLI error (printed by ArgumentParser as `Error: …`, exit status 1).
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The system's reason for a Foundation file error, not its NSError dump.
func systemReason(_ error: any Error) -> String {
    let ns = error as NSError
    if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(u.code)))
    }
    return ns.localizedDescription
}

/// The bytes of a file named on the command line ("-" for standard input),
/// or a one-line error naming the file and the system's reason.
func readInputFile(_ path: String, what: String, limit: Int? = nil) throws -> [UInt8] {
    if path.isEmpty { throw CLIError("\(what) is named by an empty string; give a file name (or - for standard input)") }
    do {
        return try FileIO.read(path, limit: limit)
    } catch let e as FileIO.Failure {
        // "cannot read PATH: reason" -> "cannot read WHAT PATH: reason"
        throw CLIError(e.description.replacingOccurrences(of: "cannot read ", with: "cannot read \(what) ", options: .anchored))
    }
}

struct FrameGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a realistic synthetic address frame.",
        discussion: """
            Writes DIR/frame.csv and, unless --csv-only, imports it into DIR/frame.sqlite. \
            Households are spread over eight local authorities with nested LSOAs, output areas, \
            postcodes and streets; the same seed gives the same frame on every machine.
            """
    )

    @Option(parsing: .unconditional, help: "Number of households (e.g. 10000 to 1000000).")
    var households: Int = 10_000
    @Option(parsing: .unconditional, help: "Random seed; the same seed gives the same frame.")
    var seed: UInt64 = 1
    @Option(help: "Output directory.")
    var out: String
    @Flag(help: "Only write frame.csv; do not create frame.sqlite.")
    var csvOnly = false

    func validate() throws {
        guard households > 0 && households <= 50_000_000 else { throw ValidationError("--households must be between 1 and 50000000") }
        try PathArgument.directory(out, "--out")
    }

    func run() throws {
        let dir = URL(fileURLWithPath: out)
        if !csvOnly && FileIO.exists(frameURL(out).path) {
            throw CLIError("\(frameURL(out).path) already exists; generate into a new directory (or pass --csv-only to write only frame.csv).")
        }
        // Streamed in batches: a million households need no more memory than ten thousand.
        let csvURL = dir.appendingPathComponent("frame.csv")
        let summary = try AddressFrame.generate(FrameGenerator(households: households, seed: seed), csvAt: csvURL,
                                                intoNewFrameAt: csvOnly ? nil : frameURL(out))
        print("wrote \(summary.households) households to \(csvURL.path)")
        if !csvOnly {
            print("imported \(counted(summary.households, "household")) in \(summary.localAuthorities == 1 ? "1 local authority" : "\(summary.localAuthorities) local authorities") into \(frameURL(out).path)")
        }
    }
}

struct FrameImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import households from a CSV file, all or nothing.",
        discussion: """
            The file's header is \(Household.csvHeader.joined(separator: ",")). \
            Every bad row is reported with its line number and then nothing is imported.
            """
    )

    @Argument(help: "The frame CSV file.")
    var file: String
    @Option(help: "Directory holding (or to hold) frame.sqlite.")
    var out: String

    func validate() throws {
        if file.isEmpty { throw ValidationError("the frame CSV file name is empty: give a file (or - for standard input)") }
        try PathArgument.directory(out, "--out")
    }

    func run() throws {
        do {
            let summary = try AddressFrame.importCSV(at: URL(fileURLWithPath: file), intoFrameAt: frameURL(out))
            print("imported \(counted(summary.households, "household")) in \(summary.localAuthorities == 1 ? "1 local authority" : "\(summary.localAuthorities) local authorities") into \(frameURL(out).path)")
        } catch let e as FrameImportError {
            FileHandleOutput.stderr("error: " + e.description)
            throw ExitCode(65)
        }
    }
}

struct FrameCodes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codes",
        abstract: "Issue, reissue and revoke access codes.",
        discussion: """
            Codes are 16 characters (four blocks of four) from BCDFGHJKLMNPQRSTVXZ23456789, drawn \
            from the system's cryptographic random source. Only HMAC-SHA256(secret, code) is stored; \
            the codes themselves are written once, to a new letters file, for printing and mailing. \
            The secret comes from the file named by \(DeploymentSecret.fileVariable) or from \
            \(DeploymentSecret.variable).
            """,
        subcommands: [CodesIssue.self, CodesReissue.self, CodesRevoke.self]
    )
}

struct CodesIssue: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue a first code to every household that has no active code."
    )
    @Option(help: "Directory holding frame.sqlite.")
    var dir: String
    @Option(help: "The letters file to write (must not exist).")
    var letters: String
    @OptionGroup var secret: SecretOptions

    func validate() throws {
        try PathArgument.directory(dir, "--dir")
        try PathArgument.newFile(letters, "--letters", what: "letters")
    }

    func run() throws {
        let f = try AddressFrame.open(at: frameURL(dir))
        let s = try f.issueCodes(.withoutActiveCode, letter: .initial, hasher: secret.hasher(),
                                 lettersFile: URL(fileURLWithPath: letters))
        reportRecovered(s.recovered, reissue: false)
        if s.issued == 0 {
            print("every household already has an active code: nothing issued, no letters file written")
            return
        }
        print("issued \(s.issued) codes; letters written to \(s.lettersFile)")
    }
}

/// Says what a run did about earlier runs interrupted between committing their codes and
/// publishing their letters (one line each, on standard output: it is what happened).
func reportRecovered(_ recovered: [InterruptedIssue], reissue: Bool) {
    for r in recovered {
        switch r.outcome {
        case .published:
            print("an earlier run was interrupted after issuing \(counted(r.codes, "code")): finished publishing its letters to \(r.lettersFile)")
        case .revoked(let reason):
            print("an earlier run was interrupted after issuing \(counted(r.codes, "code")) for \(r.lettersFile), and its letters cannot be published (\(reason)): those codes were revoked; " +
                  (reissue ? "run `census frame codes issue` to give their households new codes" : "their households get new codes now"))
        }
    }
}

struct CodesReissue: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reissue",
        abstract: "Issue new codes (reminder letters) to some households.",
        discussion: "Earlier codes keep working unless --revoke-previous is given."
    )
    @Option(help: "Directory holding frame.sqlite.")
    var dir: String
    @Option(name: .customLong("household"), help: "A household id (repeatable).")
    var households: [String] = []
    @Option(help: "A file of household ids, one per line.")
    var householdsFile: String?
    @Option(help: "The letters file to write (must not exist).")
    var letters: String
    @Flag(help: "Revoke the households' earlier codes.")
    var revokePrevious = false
    @OptionGroup var secret: SecretOptions

    func validate() throws {
        guard !households.isEmpty || householdsFile != nil else { throw ValidationError("give --household H (repeatable) or --households-file FILE") }
        try PathArgument.directory(dir, "--dir")
        try PathArgument.newFile(letters, "--letters", what: "letters")
        for h in households { try checkHouseholdID(h) }
    }

    func run() throws {
        var ids = households
        if let file = householdsFile {
            // 64 MiB: two million household ids; /dev/zero fails at once rather than filling memory.
            var bytes = try readInputFile(file, what: "the households file", limit: 64 << 20)[...]
            // A byte order mark (Windows editors) would otherwise stick to the first id, invisibly.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            let text = String(decoding: bytes, as: UTF8.self)
            let fromFile = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if fromFile.isEmpty { throw CLIError("the households file \(file) holds no household ids (one per line)") }
            if let bad = fromFile.first(where: { !FrameValidation.isHouseholdID($0) }) {
                throw CLIError("the households file \(file) holds '\(bad.count > 40 ? bad.prefix(40) + "…" : bad)', which is not a household id (1-32 letters, digits, '-' or '_'); give one id per line")
            }
            ids += fromFile
        }
        // One reminder per household, even if it is named twice.
        var seen = Set<String>()
        ids = ids.filter { seen.insert($0).inserted }
        let f = try AddressFrame.open(at: frameURL(dir))
        let s = try f.issueCodes(.households(ids), letter: .reminder, hasher: secret.hasher(),
                                 lettersFile: URL(fileURLWithPath: letters), revokePrevious: revokePrevious)
        reportRecovered(s.recovered, reissue: true)
        print("issued \(s.issued) reminder codes (revoked \(s.revoked)); letters written to \(s.lettersFile)")
    }
}

struct CodesRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke one code, or every code of a household."
    )
    @Option(help: "Directory holding frame.sqlite.")
    var dir: String
    @Option(help: "The code to revoke (as printed).")
    var code: String?
    @Option(help: "Revoke every active code of this household.")
    var household: String?
    @OptionGroup var secret: SecretOptions

    func validate() throws {
        guard (code == nil) != (household == nil) else { throw ValidationError("give either --code C or --household H") }
        try PathArgument.directory(dir, "--dir")
        if let household { try checkHouseholdID(household) }
    }

    func run() throws {
        let f = try AddressFrame.open(at: frameURL(dir))
        if let code {
            let hasher = try secret.hasher()
            if try f.revoke(code: code, hasher: hasher) {
                print("revoked")
                return
            }
            // Not revoked now: already revoked (fine, nothing to do) or not a code of this frame.
            do {
                _ = try f.lookup(code: code, hasher: hasher)
            } catch CodeLookupError.revoked(let h, let at) {
                print("already revoked (household \(h), \(ISO8601DateFormatter().string(from: at))); nothing to do")
                return
            } catch CodeLookupError.notFound {
                throw CLIError("no code of this frame matches \(code); check it against the letters file")
            }
            throw CLIError("the code \(code) could not be revoked (another process changed it meanwhile?); run the command again")
        } else if let household {
            print("revoked \(counted(try f.revokeAll(householdID: household), "active code")) of \(household)")
        }
    }
}

struct FrameLookup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract: "Find the household of an access code (case, spaces and dashes are ignored)."
    )
    @Option(help: "Directory holding frame.sqlite.")
    var dir: String
    @Argument(help: "The access code as typed.")
    var code: String
    @OptionGroup var secret: SecretOptions

    func validate() throws { try PathArgument.directory(dir, "--dir") }

    func run() throws {
        let f = try AddressFrame.open(at: frameURL(dir), readOnly: true)
        do {
            let h = try f.lookup(code: code, hasher: secret.hasher())
            print([h.householdID, h.addressLine1, h.addressLine2, h.addressLine3, h.postcode, h.localAuthority]
                .filter { !$0.isEmpty }.joined(separator: ", "))
        } catch let e as CodeLookupError {
            FileHandleOutput.stderr("error: \(e)")
            throw ExitCode(1)
        }
    }
}

struct FrameStats: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Count households and codes."
    )
    @Option(help: "Directory holding frame.sqlite.")
    var dir: String

    func validate() throws { try PathArgument.directory(dir, "--dir") }

    func run() throws {
        let f = try AddressFrame.open(at: frameURL(dir), readOnly: true)
        let c = try f.codeCounts()
        print("households: \(try f.householdCount())")
        print("codes issued: \(c.issued), active: \(c.active), households with an active code: \(c.householdsWithActiveCode)")
        switch try f.secretInUse() {
        case .none: print("access-code secret: none recorded yet (no code issued)")
        case .deployment(let fingerprint): print("access-code secret: the deployment's (fingerprint \(fingerprint))")
        case .development:
            print("access-code secret: the PUBLIC DEVELOPMENT SECRET (--dev-secret): anyone can check guessed codes against this frame; demo only. Its codes cannot be moved to another secret: for real use, import the households into a new frame and issue codes with the deployment's secret")
        }
        for issue in try f.interruptedIssues() {
            print("unfinished: a run issued \(counted(issue.codes, "code")) for \(issue.lettersFile) and was interrupted before publishing it; the next `census frame codes issue` publishes those letters or revokes those codes")
        }
    }
}
