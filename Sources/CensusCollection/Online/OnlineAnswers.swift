import AddressFrame
import Foundation
import Questionnaire
import ResponseStore

/// A household (or a person answering separately) answering online: its answers so far (folded from its page saves) and its
/// online submission, if it has made one.
public struct OnlineRecord: Sendable {
    /// The answers so far, folded from every page save in order.
    public var state: WorkingResponse
    /// The household's online submission: after it, nothing can be viewed or changed online.
    public var submission: ResponseVersion?
}

/// The online questionnaire's side of the collection path: a household's page saves (the
/// deltas of ``WorkingResponse``), read back and folded, and its submission, which goes
/// through the ``Collector`` like every other response.
///
/// The store is the only truth. A small cache keeps each recently seen household's folded
/// answers and the number of its last save; every read still asks the shard for saves after
/// that number, so saves made by another node or another device are never missed.
///
/// Every method takes the key the answers are kept under: the household id, or for a person
/// answering their own section on an individual access code, their individual return's key
/// (`H000123/i1`, ``IndividualReturn``): the same saves, folding and submission serve both.
///
/// ```swift
/// let online = OnlineAnswers(collector: collector, form: evaluator)
/// var record = try online.load("H000123")
/// record.state = try await online.save("H000123", delta: ["v": "page/tenure", "h": ["tenure": "rents"]],
///                                      after: record.state, completeness: 0.1)
/// let outcome = try await online.submit("H000123", response: response, state: record.state)
/// ```
public final class OnlineAnswers: @unchecked Sendable {
    /// The collection path submissions go through (and the store page saves are written to).
    public let collector: Collector
    /// The form answered online.
    public let form: Evaluator
    private let lock = NSLock()
    private var cache: [String: WorkingResponse] = [:]
    private let cacheLimit = 20_000

    /// Online answering for `form`, storing through `collector`'s store.
    public init(collector: Collector, form: Evaluator) {
        self.collector = collector
        self.form = form
    }

    private var store: ResponseStore { collector.store }

    /// The household's answers so far and its online submission, read from its shard.
    ///
    /// - throws: ``CollectionError/storeUnavailable(_:)`` when its shard cannot be read.
    public func load(_ householdID: String) throws(CollectionError) -> OnlineRecord {
        do {
            var state = lock.withLock { cache[householdID] } ?? WorkingResponse()
            let (submission, newer) = try store.onlineProgress(of: householdID, after: state.lastSequence)
            if !newer.isEmpty {
                for save in newer {
                    if PageSaveArchive.isArchive(save.body) {
                        for entry in PageSaveArchive.decode(save.body) ?? [] {
                            state.apply(entry.delta, sequence: entry.sequence, savedAt: entry.savedAt)
                        }
                        state.lastSequence = save.sequence
                    } else {
                        let delta = (try? JSONParser.parse(save.body)) ?? .null
                        state.apply(delta, sequence: save.sequence, savedAt: Int64(save.savedAt.timeIntervalSince1970))
                    }
                    state.completeness = save.completeness
                }
                remember(householdID, state)
            }
            return OnlineRecord(state: state, submission: submission)
        } catch {
            throw .storeUnavailable(error)
        }
    }

    /// How many times a page save is tried when other saves of the household keep taking its
    /// place (each round one device wins): 24 saves of one household at once all went through
    /// where 5 tries left 4 of them answered 503 on a healthy store.
    static let saveAttempts = 40

    /// Saves a page's delta after `state` (the household's answers as last read) and returns
    /// the answers with it applied; returns after the commit. If another device saved
    /// meanwhile, its saves are read first and the delta is saved after them (a delta sets
    /// values, so the later page wins, as it would on one device).
    ///
    /// - parameter completeness: of the answers with the delta applied (0…1).
    /// - throws: ``CollectionError/unknownHousehold(_:)`` for a household not in the frame;
    ///   ``CollectionError/storeUnavailable(_:)``; nothing is saved.
    public func save(_ householdID: String, delta: [String: JSONValue], after state: WorkingResponse,
                     completeness: Double) async throws(CollectionError) -> WorkingResponse {
        // In the frame? (The collector keeps the records it has read: no frame read per save.)
        _ = try collector.household(IndividualReturn.household(of: householdID))
        var state = state
        var delta = delta
        if state.schemaHash != form.schema.hash { delta["s"] = .string(form.schema.hash) }
        let body = Data(JSONWriter().bytes(.object(delta)))
        for attempt in 0..<Self.saveAttempts {
            if attempt >= 2 {
                // Several devices of one household saving at once: each round one of them wins,
                // so wait a random moment before the next try rather than meet them again.
                try? await Task.sleep(for: .microseconds(Int.random(in: 0...(500 * attempt))))
            }
            let sequence = state.lastSequence + 1
            let now = Date()
            do {
                try await store.savePage(PageSave(householdID: householdID, sequence: sequence, savedAt: now,
                                                  completeness: completeness, body: body))
                state.apply(.object(delta), sequence: sequence, savedAt: Int64(now.timeIntervalSince1970))
                state.completeness = completeness
                remember(householdID, state)
                return state
            } catch .pageSaveConflict {
                state = try load(householdID).state
            } catch {
                throw .storeUnavailable(error)
            }
        }
        throw .storeUnavailable(.pageSaveConflict(householdID: householdID, sequence: state.lastSequence + 1))
    }

    /// Submits the household's response through the collection path (the frame, the form,
    /// the evaluation, the kind rule), as an online submission keyed by the answers it
    /// comes from: pressing Submit twice stores it once.
    ///
    /// - returns: the outcome: ``CollectionOutcome/Disposition/submitted`` with its receipt,
    ///   or ``CollectionOutcome/Disposition/notSubmitted`` (kept as a save) when it has errors.
    /// - Throws: ``CollectionError`` as ``Collector/submit(_:)`` does (the household not in
    ///   the frame, a form not collected, the frame or shard unavailable); nothing was stored.
    public func submit(_ householdID: String, response: JSONValue, state: WorkingResponse) async throws(CollectionError) -> CollectionOutcome {
        let (household, person) = IndividualReturn.split(householdID)
        return try await collector.submit(CollectionRequest(
            householdID: household, body: Data(JSONWriter().bytes(response)), kind: .submitted,
            idempotencyKey: "online-\(state.lastSequence)", person: person))
    }

    /// Once a household has submitted, compresses its page saves into one (see
    /// ``PageSaveArchive``): the answers are in the submitted response, and how they were
    /// given page by page is kept at a fraction of the size. Nothing is lost if it fails or
    /// another save arrived meanwhile (the saves then stay as they are).
    ///
    /// - returns: whether the saves were archived.
    @discardableResult
    public func archivePageSaves(of householdID: String) async -> Bool {
        do {
            let saves = try store.pageSaves(of: householdID)
            guard saves.count > 1, let last = saves.last else { return false }
            var entries: [PageSaveArchive.Entry] = []
            for save in saves {
                if PageSaveArchive.isArchive(save.body) {
                    entries += PageSaveArchive.decode(save.body) ?? []
                } else {
                    entries.append(PageSaveArchive.Entry(sequence: save.sequence, savedAt: Int64(save.savedAt.timeIntervalSince1970),
                                                         delta: (try? JSONParser.parse(save.body)) ?? .null))
                }
            }
            let body = try PageSaveArchive.encode(entries)
            try await store.compactPageSaves(into: PageSave(householdID: householdID, sequence: last.sequence, savedAt: last.savedAt,
                                                            completeness: last.completeness, body: body))
            return true
        } catch {
            return false
        }
    }

    /// The variant of the form a household answers, from where it is: the country of its
    /// local authority (GSS codes start E England, W Wales, S Scotland, N Northern Ireland)
    /// when the form has a variant of that name, else the form's first (default) variant; nil
    /// for a form without variants.
    public static func variant(for household: Household, schema: Schema) -> String? {
        guard let first = schema.variants.first else { return nil }
        let country: String?
        switch household.localAuthority.first {
        case "E": country = "england"
        case "W": country = "wales"
        case "S": country = "scotland"
        case "N": country = "northern_ireland"
        default: country = nil
        }
        if let country, schema.variants.contains(country) { return country }
        return first
    }

    /// The household's address on one line, as `{household_address}` reads in the form.
    public static func addressLine(_ household: Household) -> String {
        [household.addressLine1, household.addressLine2, household.addressLine3, household.postcode]
            .filter { !$0.isEmpty }.joined(separator: ", ")
    }

    private func remember(_ householdID: String, _ state: WorkingResponse) {
        lock.withLock {
            if cache.count >= cacheLimit, cache[householdID] == nil {
                // Forget an arbitrary half: the shard has everything; the cache only saves reads.
                for key in cache.keys.prefix(cacheLimit / 2) { cache[key] = nil }
            }
            cache[householdID] = state
        }
    }
}
