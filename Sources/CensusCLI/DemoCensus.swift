import Foundation
import Questionnaire
import ResponseStore

/// The demo census after the form: an address frame, access-code letters, a sharded store,
/// and synthetic households that log in with their codes (or return paper), are validated
/// against the schema and stored; then the return rates are counted from the store.
///
/// Everything it writes goes into one directory, replaced on each run, so the results can
/// be explored afterwards with `census frame` and `census store`.
struct DemoCensus {
    let schema: Schema
    let directory: URL
    let households: Int
    let seed: UInt64

    /// A file that marks a directory as the demo's own, so a run never deletes anything else.
    static let marker = ".census-demo"

    func run() throws {
        try prepareDirectory()
        let out = Report()
        out.line("Demo census in \(directory.path) (replaced on each run)")

        // The address frame and the letters.
        let frame = try AddressFrame.open(at: directory.appendingPathComponent(AddressFrame.fileName), create: true)
        defer { try? frame.close() }
        let homes = FrameGenerator(households: households, seed: seed).generate()
        try frame.insertGenerated(homes)
        let authorities = Set(homes.map(\.localAuthority)).count
        out.row("frame", "\(homes.count) households in \(authorities) local authorities (\(AddressFrame.fileName))")
        let hasher = AccessCodeHasher(secret: .development)
        let letters = directory.appendingPathComponent("letters.csv")
        let issued = try frame.issueCodes(.withoutActiveCode, letter: .initial, hasher: hasher, lettersFile: letters)
        out.row("letters", "\(issued.issued) access codes printed to letters.csv; only their HMAC-SHA256 hashes are kept")
        out.row("", "(keyed with the public development secret: demo only)")
        let codes = try codesByHousehold(letters)

        // The store.
        let store = try ResponseStore.create(at: directory, shardCount: 8, questionnaireSchemas: [schema.hash])
        defer { store.close() }
        out.row("store", "8 SQLite shards (WAL, synchronous=FULL), accepting schema \(schema.hash.prefix(19))…")

        // Households answer: online ones log in with the code from their letter.
        let evaluator = try Evaluator(schema: schema)
        let generator = HouseholdGenerator(evaluator: evaluator, seed: seed)
        let session = evaluator.makeSession()
        var rng = SeededGenerator(seed: seed ^ 0xD3E0)
        let responseRate = Dictionary(uniqueKeysWithValues: FrameGenerator.authorities.map {
            ($0.code, Double.random(in: 0.62...0.92, using: &rng))
        })
        var submissions: [Submission] = []
        var online = 0, paper = 0, invalid = 0, logins = 0
        let writer = JSONWriter()
        for (i, home) in homes.enumerated() where Double.random(in: 0..<1, using: &rng) < responseRate[home.localAuthority, default: 0.8] {
            let generated = generator.household(i, invalidRate: 0.04)
            let body = writer.bytes(generated.response)
            let isPaper = generated.response["channel"]?.stringValue == "paper"
            if !isPaper {
                // The respondent types the code from the letter, in lower case with spaces.
                guard let code = codes[home.householdID] else { throw CLIError("no letter for \(home.householdID)") }
                let typed = code.lowercased().replacingOccurrences(of: "-", with: " ")
                guard try frame.lookup(code: typed, hasher: hasher).householdID == home.householdID else {
                    throw CLIError("the access code for \(home.householdID) opened another household")
                }
                logins += 1
            }
            let evaluation = session.evaluate(bytes: body)
            let received = Self.date(generated.response["submittedAt"]?.stringValue) ?? Date()
            // An online household cannot submit a response with errors: it stays a saved draft.
            let kind: ResponseKind = isPaper ? .paper : evaluation.isValid ? .submitted : .partial
            if isPaper { paper += 1 } else { online += 1 }
            if !evaluation.isValid { invalid += 1 }
            submissions.append(Submission(
                householdID: home.householdID, kind: kind, channel: isPaper ? .paper : .online, receivedAt: received,
                schemaHash: schema.hash, idempotencyKey: "demo-\(i)", completeness: evaluation.completeness, body: Data(body)))
        }
        out.row("responses", "\(submissions.count) households answered: \(online) online (each logged in with its letter's code), \(paper) on paper")
        out.row("", "\(submissions.count - invalid) valid; \(invalid) with errors (online ones kept as unsubmitted saves)")

        // Store them all at once, as the writers see a busy evening, then replay one retry.
        let started = Date()
        let receipts = try submitAndWait(submissions, to: store)
        let seconds = Date().timeIntervalSince(started)
        let retry = try submitAndWait(Array(submissions.prefix(1)), to: store)
        let rate = seconds > 0 ? Int(Double(receipts.count) / seconds) : receipts.count
        out.row("stored", "\(receipts.count) versions in \(String(format: "%.2f", seconds)) s (\(rate) per second, each acknowledged after its commit)")
        out.row("", "a retry with the same idempotency key stored nothing: receipt \(retry[0].receiptID), replay \(retry[0].isReplay)")

        try returnRates(homes, store).forEach(out.line)
        store.close()  // the check reads the shards with no writer active
        let check = ResponseStore.check(at: directory)
        out.line("Store check: \(check.isHealthy ? "all \(check.shards.count) shards pass PRAGMA integrity_check" : "PROBLEMS\n\(check)")")
        let sample = submissions.first { $0.channel == .online }?.householdID ?? homes[0].householdID
        out.line("""
            Explore it:
              \(Self.command) store show --dir \(directory.path) \(sample)
              \(Self.command) frame lookup --dir \(directory.path) --dev-secret "\(codes[sample] ?? "CODE")"
              \(Self.command) store check --dir \(directory.path)
            """)
    }

    /// How to run `census` again from here: after `swift run census` it is not on the PATH,
    /// so name the built binary (relative to the current directory when inside it).
    static var command: String {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        guard binary.contains("/.build/") else { return "census" }
        var parts = binary.split(separator: "/", omittingEmptySubsequences: false)
        // `.build/x86_64-unknown-linux-gnu/debug/census` is also `.build/debug/census`.
        if let b = parts.lastIndex(of: ".build"), parts.count - b == 4 { parts.remove(at: b + 1) }
        let path = parts.joined(separator: "/")
        let here = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(here) ? String(path.dropFirst(here.count)) : path
    }

    /// Replaces the demo directory, refusing to touch one the demo did not create.
    func prepareDirectory() throws {
        let fm = FileManager.default
        let existing = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
        if fm.fileExists(atPath: directory.path) && !existing.isEmpty {
            guard fm.fileExists(atPath: directory.appendingPathComponent(Self.marker).path) else {
                throw CLIError("\(directory.path) exists and was not made by the demo; choose another --dir")
            }
            do { try fm.removeItem(at: directory) } catch {
                throw CLIError("cannot replace \(directory.path): \(systemReason(error))")
            }
        }
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data("made by `census demo`; replaced on each run\n".utf8).write(to: directory.appendingPathComponent(Self.marker))
        } catch {
            throw CLIError("cannot create \(directory.path): \(systemReason(error))")
        }
    }

    /// Access codes by household, read back from the letters file as a printer would.
    func codesByHousehold(_ letters: URL) throws -> [String: String] {
        let (records, errors) = CSV.parse(try Data(contentsOf: letters))
        guard errors.isEmpty, let header = records.first?.fields,
              let id = header.firstIndex(of: "household_id"), let code = header.firstIndex(of: "access_code")
        else { throw CLIError("the letters file \(letters.path) could not be read back") }
        var codes: [String: String] = [:]
        for r in records.dropFirst() { codes[r.fields[id]] = r.fields[code] }
        return codes
    }

    /// Return rate and online share per local authority, read from the store's authoritative returns.
    func returnRates(_ homes: [Household], _ store: ResponseStore) throws -> [String] {
        var rows: [String: (households: Int, returned: Int, online: Int)] = [:]
        for home in homes {
            var row = rows[home.localAuthority, default: (0, 0, 0)]
            row.households += 1
            if let best = try store.authoritativeReturn(for: home.householdID, includeBody: false), best.kind != .partial {
                row.returned += 1
                if best.channel == .online { row.online += 1 }
            }
            rows[home.localAuthority] = row
        }
        func percent(_ a: Int, _ b: Int) -> String { b == 0 ? "-" : String(format: "%.1f%%", 100 * Double(a) / Double(b)) }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func left(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        var lines = ["", "Returns by local authority (authoritative return submitted online or on paper)",
                     "  " + pad("local authority", 28) + left("households", 11) + left("returned", 10) + left("rate", 8) + left("online", 9)]
        var total = (households: 0, returned: 0, online: 0)
        for a in FrameGenerator.authorities {
            guard let r = rows[a.code] else { continue }
            total.households += r.households; total.returned += r.returned; total.online += r.online
            lines.append("  " + pad("\(a.code) \(a.name)", 28) + left("\(r.households)", 11) + left("\(r.returned)", 10)
                + left(percent(r.returned, r.households), 8) + left(percent(r.online, r.returned), 9))
        }
        lines.append("  " + pad("all", 28) + left("\(total.households)", 11) + left("\(total.returned)", 10)
            + left(percent(total.returned, total.households), 8) + left(percent(total.online, total.returned), 9))
        let share = total.returned == 0 ? 0 : Double(total.online) / Double(total.returned)
        lines.append("  online share \(percent(total.online, total.returned)) against the 75% target: \(share >= 0.75 ? "met" : "not met")")
        lines.append("")
        return lines
    }

    static func date(_ iso: String?) -> Date? {
        guard let iso else { return nil }
        return ISO8601DateFormatter().date(from: iso)
    }
}

/// Aligned report lines, written to standard output as each stage finishes.
private struct Report {
    func line(_ s: String) { FileIO.writeOut(s + "\n") }
    func row(_ label: String, _ value: String) {
        line("  " + label + String(repeating: " ", count: max(1, 12 - label.count)) + value)
    }
}
