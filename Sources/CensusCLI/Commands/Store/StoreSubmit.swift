import AddressFrame
import ArgumentParser
import CensusCollection
import CensusCommandLine
import Foundation
import Questionnaire
import ResponseStore

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
    @OptionGroup var directory: StoreDirectory
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
        let addressFrame = try AddressFrame.open(at: frameURL(frame ?? directory.dir), readOnly: true)
        defer { try? addressFrame.close() }
        let store = try ResponseStore.open(at: directory.url)
        defer { store.close() }
        let collector: Collector
        do { collector = try Collector(frame: addressFrame, store: store, forms: [evaluator]) } catch {
            let hash = evaluator.schema.hash
            throw CLIError("the store in \(directory.dir) does not accept the form in \(schema) (\(hash)); if it is to be collected, run `census store accept-schema --dir \(directory.dir) \(hash)`. Nothing was stored.")
        }
        let request = CollectionRequest(householdID: household, body: Data(bytes), kind: kind,
                                        idempotencyKey: key ?? UUID().uuidString)
        let outcome: CollectionOutcome
        do { outcome = try collectAndWait([request], by: collector)[0] } catch let e as CollectionError {
            throw CLIError(remedy(for: e, form: evaluator.schema.hash))
        }
        let r = outcome.receipt
        let e = outcome.evaluation
        // Written at once (not buffered until exit): the receipt is out as soon as the commit
        // it stands for is on disk.
        FileIO.writeOut("\(r.receiptID) shard=\(r.shard) version=\(r.version) \(outcome.storedKind.rawValue), \(percentText(e.completeness)) complete\(r.isReplay ? " (retry: already stored)" : "")\n")
        guard outcome.disposition == .notSubmitted else { return }
        Console.error("""
            not submitted: the response has \(counted(e.count(.error), "error")) and \
            \(counted(e.count(.confirm), "confirmation")) to give, so it was kept as an unsubmitted save (partial), \
            which does not count as a return:
            """)
        for f in e.findings where f.severity == .error || f.severity == .confirm {
            Console.detail("  \(f.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(f.path)  [\(f.code)] \(f.message)")
        }
        throw ExitCode.notInOrder
    }

    /// The collection path's facts, with what the operator can do about them.
    func remedy(for error: CollectionError, form: String) -> String {
        switch error {
        case .unknownHousehold(let id):
            return "household '\(id)' is not in the address frame \(frameURL(frame ?? directory.dir).path); check the id (as in the frame CSV), or import the frame with `census frame import`. Nothing was stored."
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
