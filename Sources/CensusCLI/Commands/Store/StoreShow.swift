import AddressFrame
import ArgumentParser
import CensusCommandLine
import Foundation
import Questionnaire
import ResponseStore

struct StoreShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "List a household's response versions and its authoritative return.",
        discussion: """
            One row per stored version, oldest first, under a header: the receipt; the kind \
            (partial: an online save, submitted: an online submission, paper: a keyed paper \
            return); the channel it came by (online or paper); when it was received (UTC); how \
            complete it is (answered / applicable questions, as `store submit` printed it); the \
            form's schema hash; and its idempotency key. A * marks the authoritative return: the \
            version that counts for the household.
            """
    )
    @OptionGroup var directory: StoreDirectory
    @OptionGroup var household: HouseholdArgument

    func run() throws {
        // Read-only: it also works on a read-only shard, store directory or mount.
        let store = try ResponseStore.openForReading(at: directory.url)
        defer { store.close() }
        let versions = try store.versions(of: household.id)
        guard !versions.isEmpty else {
            // A mistyped id should not read as a household that has not answered.
            if isKnownNotInFrame(household.id) {
                Console.error("\(household.id) is not in the address frame beside the store (\(AddressFrame.fileName)): check the id "
                              + "(`census frame lookup` finds a household by its letter's code)")
                throw ExitCode.notInOrder
            }
            print("no responses for \(household.id)")
            return
        }
        let best = AuthoritativeReturn.choose(from: versions)
        let f = ISO8601DateFormatter()
        let rows = versions.map { v in
            [(v.version == best?.version ? "* " : "  ") + v.receiptID, v.kind.rawValue, v.channel.rawValue, f.string(from: v.receivedAt),
             percentText(v.completeness), v.schemaHash, v.idempotencyKey]
        }
        let header = ["  receipt", "kind", "channel", "received (UTC)", "complete", "form", "idempotency key"]
        for line in Self.columns([header] + rows) { print(line) }
        print("* = the authoritative return (the version that counts for \(household.id))")
    }

    /// Whether the address frame beside the store can be read and has no household `id`
    /// (false without a frame: then nothing is known either way).
    private func isKnownNotInFrame(_ id: String) -> Bool {
        let url = directory.url.appendingPathComponent(AddressFrame.fileName)
        guard FileManager.default.fileExists(atPath: url.path), let frame = try? AddressFrame.open(at: url, readOnly: true) else { return false }
        defer { try? frame.close() }
        return (try? frame.household(id)) == .some(nil)
    }

    /// Rows as aligned columns, two spaces apart, the last column not padded.
    static func columns(_ rows: [[String]]) -> [String] {
        guard let count = rows.first?.count else { return [] }
        let widths = (0..<count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                c == count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}
