import Foundation
import Questionnaire
import ResponseStore

/// A household's record as the household pages need it: its answers so far and whether it
/// has already submitted online.
struct HouseholdRecord {
    var state: WorkingResponse
    /// The household's online submission, if it has made one (then nothing can be viewed or
    /// changed online any more).
    var submission: ResponseVersion?
}

/// Reads and writes households' page saves and submissions in their shards.
///
/// The store is the only truth: a small cache keeps each recently seen household's folded
/// answers with the number of its last save, and every read still asks the shard for saves
/// after that number, so another node's (or another device's) saves are never missed.
final class HouseholdRecords: @unchecked Sendable {
    let store: ResponseStore
    let schema: Schema
    private let lock = NSLock()
    private var cache: [String: WorkingResponse] = [:]
    private let cacheLimit = 20_000

    init(store: ResponseStore, schema: Schema) {
        self.store = store
        self.schema = schema
    }

    /// The household's record, read from its shard.
    func load(_ householdID: String) throws(StoreError) -> HouseholdRecord {
        let submission = try store.versions(of: householdID).last { $0.kind == .submitted && $0.channel == .online }
        var state = lock.withLock { cache[householdID] } ?? WorkingResponse()
        let newer = try store.pageSaves(of: householdID, after: state.lastSequence)
        if !newer.isEmpty {
            for save in newer {
                let delta = (try? JSONParser.parse(save.body)) ?? .null
                state.apply(delta, sequence: save.sequence, savedAt: Int64(save.savedAt.timeIntervalSince1970))
                state.completeness = save.completeness
            }
            remember(householdID, state)
        }
        return HouseholdRecord(state: state, submission: submission)
    }

    /// Saves a page's delta after `state` (the household's answers as last read), and returns
    /// the answers with it applied. If another device saved meanwhile, its saves are read
    /// first and the delta is saved after them (deltas set values, so the later one wins).
    ///
    /// - parameter completeness: of the answers with the delta applied (0…1).
    func save(_ householdID: String, delta: [String: JSONValue], after state: WorkingResponse, completeness: Double) async throws(StoreError) -> WorkingResponse {
        var state = state
        var delta = delta
        if state.schemaHash != schema.hash { delta["s"] = .string(schema.hash) }
        let body = JSONWriter().bytes(.object(delta))
        for _ in 0..<5 {
            let sequence = state.lastSequence + 1
            let now = Date()
            do {
                try await store.savePage(PageSave(householdID: householdID, sequence: sequence, savedAt: now,
                                                  completeness: completeness, body: Data(body)))
                state.apply(.object(delta), sequence: sequence, savedAt: Int64(now.timeIntervalSince1970))
                state.completeness = completeness
                remember(householdID, state)
                return state
            } catch .pageSaveConflict {
                state = try load(householdID).state
            }
        }
        throw .pageSaveConflict(householdID: householdID, sequence: state.lastSequence + 1)
    }

    /// Stores the household's submitted response (durable when this returns).
    func submit(_ householdID: String, body: [UInt8], completeness: Double, state: WorkingResponse) async throws(StoreError) -> Receipt {
        // One submission per household's answers: a repeated press of Submit (or a retry
        // after a lost response) finds the stored one instead of storing it twice.
        let key = "online-\(state.lastSequence)"
        return try await store.submit(Submission(
            householdID: householdID, kind: .submitted, channel: .online, receivedAt: Date(),
            schemaHash: schema.hash, idempotencyKey: key, completeness: completeness, body: Data(body)))
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
