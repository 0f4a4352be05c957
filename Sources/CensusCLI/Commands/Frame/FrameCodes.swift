import AddressFrame
import ArgumentParser
import CensusCommandLine
import DurableFiles
import Foundation
import UnfinishedOutput

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
    @OptionGroup var frame: FrameDirectory
    @Option(help: "The letters file to write (must not exist).")
    var letters: String
    @OptionGroup var secret: SecretOptions

    func validate() throws {
        try PathArgument.newFile(letters, "--letters", what: "letters")
    }

    func run() throws {
        Interruption.finishesAtCommit = true  // once the codes and letters are in, report them
        let f = try AddressFrame.open(at: frame.file)
        let bar = ProgressBar("issuing codes", total: nil)
        let s = try f.issueCodes(.withoutActiveCode, letter: .initial, hasher: secret.hasher(),
                                 lettersFile: URL(fileURLWithPath: letters), progress: { bar.update($0, of: $1) })
        bar.finish()
        reportRecovered(s.recovered, reissue: false)
        if s.issued == 0 {
            print("every household already has an active code: nothing issued, no letters file written")
            return
        }
        print("issued \(counted(s.issued, "code")); letters written to \(s.lettersFile)")
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
    @OptionGroup var frame: FrameDirectory
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
        Interruption.finishesAtCommit = true
        let f = try AddressFrame.open(at: frame.file)
        let bar = ProgressBar("issuing codes", total: nil)
        let s = try f.issueCodes(.households(ids), letter: .reminder, hasher: secret.hasher(),
                                 lettersFile: URL(fileURLWithPath: letters), revokePrevious: revokePrevious,
                                 progress: { bar.update($0, of: $1) })
        bar.finish()
        reportRecovered(s.recovered, reissue: true)
        print("issued \(counted(s.issued, "reminder code")) (revoked \(s.revoked)); letters written to \(s.lettersFile)")
    }
}

struct CodesRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke one code, or every code of a household."
    )
    @OptionGroup var frame: FrameDirectory
    @Option(help: "The code to revoke (as printed).")
    var code: String?
    @Option(help: "Revoke every active code of this household.")
    var household: String?
    @OptionGroup var secret: SecretOptions

    func validate() throws {
        guard (code == nil) != (household == nil) else { throw ValidationError("give either --code C or --household H") }
        if let household { try checkHouseholdID(household) }
    }

    func run() throws {
        let f = try AddressFrame.open(at: frame.file)
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
