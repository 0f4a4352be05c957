import Foundation

/// What a run leaves for the next one (`.state.json` in its output generation): the
/// watermark of every run since the last full one, the parts of each shard with their files
/// and block indexes, and the tallies. Memory and size grow with the number of areas, days,
/// table cells and files, never with the number of households.
struct AggregationState: Codable, Sendable {
    /// `/2`: a day's progress counts packed in one string (``ProgressTallies``); `/1` is still
    /// read.
    static let format = "census-aggregate-state/2"
    static let formatsRead: Set<String> = ["census-aggregate-state/1", format]

    struct RunRecord: Codable, Sendable {
        var number: Int
        var kind: String
        var startedAt: Date
        /// Per shard: the highest version read.
        var watermarks: [Int64]
    }

    /// The export files of consecutive runs of one shard (rows sorted by household id in each).
    struct Part: Codable, Sendable {
        var number: Int
        var firstRun: Int
        var lastRun: Int
        var files: [ExportFile]
    }

    struct Fingerprint: Codable, Sendable, Equatable {
        var storeID: String
        var shardCount: Int
        var layout: String
        var tables: String
        var timeZone: String
    }

    var format = AggregationState.format
    var fingerprint: Fingerprint
    var runs: [RunRecord]
    /// Per shard.
    var parts: [[Part]]
    var areas: AreaList
    var progress: ProgressTallies
    var variables: VariableCounts
    var tables: TableTallies
    /// The files of the derived outputs (dictionary, progress, tables, report), for the manifest.
    var derivedFiles: [ManifestFile] = []
    /// Per shard: the size of its file in bytes when the run began (before its snapshots). The
    /// versions the next run reads were appended after it, so the next run reads each shard
    /// ahead from there (``StoreReadAhead``). nil in a state written before stop 26: the next
    /// run then reads no shard ahead. Not part of the outputs' contents.
    var shardBytes: [Int]?

    var lastRun: RunRecord { runs[runs.count - 1] }

    /// The run that covers version `version` of `shard`: the first whose watermark reaches it.
    func run(covering version: Int64, shard: Int) -> Int? {
        runs.first { $0.watermarks[shard] >= version }?.number
    }

    static func read(_ url: URL) throws -> AggregationState {
        let data = try Data(contentsOf: url)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let state = try decoder.decode(AggregationState.self, from: data)
        guard formatsRead.contains(state.format) else { throw AggregationError.state(path: url.path, reason: "written by another version (\(state.format))") }
        return state
    }

    /// What is wrong with the state in output generation `directory` against that generation's
    /// manifest (its size or SHA-256), or nil when it matches, or when the manifest does not list
    /// it (outputs written before stop 27).
    static func mismatch(in directory: URL) -> String? {
        guard let manifest = try? ExportManifest.read(from: directory) else { return "the manifest cannot be read" }
        guard let listed = manifest.files.first(where: { $0.path == ".state.json" }) else { return nil }
        return ExportVerifier.check(listed, in: directory)
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }
}
