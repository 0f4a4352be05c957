import AddressFrame
import CensusCollection
import CensusCommandLine
import DurableFiles
import Foundation
import Questionnaire
import ResponseStore
import SyntheticCensus
import UnfinishedOutput

/// The demo census's data, ready to collect: an address frame, its access-code letters, a
/// sharded store accepting the form, and the collection path over them.
///
/// ``create(schema:directory:households:seed:report:)`` makes it in one directory, replaced on
/// each run, so that anything started from it (the simulated households of `census demo`, a
/// demo server) finds the same frame, codes and store, and the results can be explored
/// afterwards with `census frame` and `census store`.
struct DemoSetup {
    let directory: URL
    let frame: AddressFrame
    let store: ResponseStore
    let collector: Collector
    /// The frame's households, in frame order.
    let households: [Household]
    /// Each household's access code, as printed on its letter (`K7QZ-3XBM-PT9D-HC2R`).
    let codes: [String: String]
    /// Keyed with the public development secret: demo only.
    let hasher: AccessCodeHasher

    /// A file that marks a directory as the demo's own, so a run never deletes anything else.
    static let marker = ".census-demo"
    static let shardCount = 8

    /// Replaces `directory` with a new frame of `households` households (from `seed`), their
    /// letters (`letters.csv`), and an empty store that accepts `schema`. `report` is called
    /// with a label and a line as each part is made.
    ///
    /// Until it returns, the directory is registered as unfinished output: an interruption
    /// (or `census | head` closing the output) removes it rather than leave half a demo.
    static func create(schema: Schema, directory: URL, households count: Int, seed: UInt64,
                       report: (String, String) -> Void) throws -> DemoSetup {
        try prepare(directory)
        Interruption.register(directory.path, .directory)
        defer { Interruption.unregister(directory.path) }
        let frame = try AddressFrame.open(at: directory.appendingPathComponent(AddressFrame.fileName), create: true)
        let homes = FrameGenerator(households: count, seed: seed).generate()
        try frame.insertGenerated(homes)
        let authorities = Set(homes.map(\.localAuthority)).count
        report("frame", "\(counted(homes.count, "household")) in \(counted(authorities, "local authority", plural: "local authorities")) (\(AddressFrame.fileName))")
        let hasher = AccessCodeHasher(secret: .development)
        let letters = directory.appendingPathComponent("letters.csv")
        let bar = ProgressBar("issuing codes", total: count)
        let issued = try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: hasher, lettersFile: letters,
                                          progress: { bar.update($0, of: $1) })
        bar.finish()
        report("letters", "\(counted(issued.issued, "access code")) printed to letters.csv; only \(issued.issued == 1 ? "its HMAC-SHA256 hash is" : "their HMAC-SHA256 hashes are") kept")
        report("", "(keyed with the public development secret: demo only)")
        let codes = try codesByHousehold(letters)

        let store = try ResponseStore.create(at: directory, shardCount: shardCount, questionnaireSchemas: [schema.hash])
        // The compiled form beside the store, where `census aggregate` finds it.
        try FileSystemError.createDirectory(directory.appendingPathComponent("schemas"), what: "the schemas directory")
        try Data(schema.canonicalBytes()).write(to: directory.appendingPathComponent("schemas/\(schema.hash.dropFirst(7)).json"))
        report("store", "\(shardCount) SQLite shards (\(describeDurability(of: store))), accepting schema \(schema.hash.prefix(19))…")
        let collector: Collector
        do { collector = try Collector(frame: frame, store: store, forms: [try Evaluator(schema: schema)]) } catch {
            throw CLIError("\(error)")
        }
        return DemoSetup(directory: directory, frame: frame, store: store, collector: collector,
                         households: homes, codes: codes, hasher: hasher)
    }

    /// Closes the store (committing everything) and the frame.
    func close() {
        store.close()
        try? frame.close()
    }

    /// Replaces the demo directory, refusing to touch one the demo did not create.
    static func prepare(_ directory: URL) throws {
        let fm = FileManager.default
        let existing = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
        if fm.fileExists(atPath: directory.path) && !existing.isEmpty {
            guard fm.fileExists(atPath: directory.appendingPathComponent(marker).path) else {
                throw CLIError("\(directory.path) exists and was not made by the demo; choose another --dir")
            }
            do { try fm.removeItem(at: directory) } catch {
                throw CLIError("cannot replace \(directory.path): \(DurableFile.reason(error))")
            }
        }
        // Its own error names the directory, the system's reason and what it means there.
        try FileSystemError.createDirectory(directory, what: "the demo directory")
        do {
            try Data("made by `census demo`; replaced on each run\n".utf8).write(to: directory.appendingPathComponent(marker))
        } catch {
            throw CLIError("cannot create \(directory.path): \(DurableFile.reason(error))")
        }
    }

    /// Access codes by household, read back from the letters file as a printer would.
    static func codesByHousehold(_ letters: URL) throws -> [String: String] {
        let (records, errors) = CSV.parse(try Data(contentsOf: letters))
        guard errors.isEmpty, let header = records.first?.fields,
              let id = header.firstIndex(of: "household_id"), let code = header.firstIndex(of: "access_code")
        else { throw CLIError("the letters file \(letters.path) could not be read back") }
        var codes: [String: String] = [:]
        for r in records.dropFirst() { codes[r.fields[id]] = r.fields[code] }
        return codes
    }
}
