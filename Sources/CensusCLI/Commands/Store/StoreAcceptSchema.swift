import ArgumentParser
import CensusCommandLine
import Foundation
import ResponseStore

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
    @OptionGroup var directory: StoreDirectory
    @Flag(help: "Allow turning an accept-any store into one that accepts only the listed schemas.")
    var restrict = false
    @Argument(help: "Questionnaire schema hashes (sha256:…).")
    var hashes: [String]

    func validate() throws {
        guard !hashes.isEmpty else { throw ValidationError("give at least one schema hash (sha256:…, as printed by `census compile`)") }
    }

    func run() throws {
        let r = try ResponseStore.acceptQuestionnaireSchemas(hashes, at: directory.url, restrict: restrict)
        for h in r.alreadyAccepted { print("already accepted: \(h)") }
        for h in r.added { print("accepted: \(h)") }
        if r.added.isEmpty {
            print("nothing changed; the store accepts \(counted(r.accepted.count, "schema"))")
        } else {
            print("the store now accepts \(counted(r.accepted.count, "schema")); restart processes that have it open to pick this up")
        }
    }
}
