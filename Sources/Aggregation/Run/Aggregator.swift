import AddressFrame
import DurableFiles
import Foundation
import Questionnaire
import ResponseStore
import UnfinishedOutput

/// What `census aggregate` is asked to do.
public struct AggregationOptions: Sendable {
    /// The response store directory.
    public var store: URL
    /// The output directory (see ``OutputDirectory`` for its layout).
    public var output: URL
    /// The address frame file (default: `frame.sqlite` in the store directory).
    public var frame: URL?
    /// Compiled questionnaire schemas, beside those found in `STORE/schemas/*.json`.
    public var schemaFiles: [URL] = []
    /// The tabulations (default: ``TableDefinitions/censusDefaults``).
    public var tables: TableDefinitions?
    /// Expected return rates by day and area (default: ``ExpectedRates/standard``).
    public var expectedRates: ExpectedRates = .standard
    /// Days are local days of this time zone.
    public var timeZone: TimeZone = TimeZone(identifier: "Europe/London") ?? TimeZone(secondsFromGMT: 0)!
    /// The online-response target (0.75).
    public var onlineTarget: Double = 0.75
    /// Cell key perturbation parameters.
    public var perturbation: PerturbationTable = .standard
    /// Publish tables without protection (marked UNPROTECTED): for checking only.
    public var unprotected = false
    /// Parallel shard readers (default: one per core).
    public var workers: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Read every shard from the start even when an earlier run's state could be used.
    public var forceFull = false
    /// Uncompressed bytes per gzip block of the NDJSON export files (CSV: a quarter of it).
    public var blockSize = 2 * 1024 * 1024

    /// The defaults (docs/outputs.md) for the store directory `store` and output directory `output`.
    public init(store: URL, output: URL) {
        self.store = store
        self.output = output
    }
}

/// What a run did.
public struct AggregationSummary: Sendable {
    /// The run's number in the output directory (1, 2, ...).
    public var run: Int
    /// `full` or `incremental`.
    public var kind: String
    /// Why the run was full (nil for an incremental run).
    public var reason: String?
    /// Households with a return in the outputs.
    public var households: Int
    /// Rows per export table.
    public var rows: [(table: String, rows: Int)]
    /// Households read in this run (all of them in a full run; those with new versions in an
    /// incremental one), and their versions.
    public var householdsRead: Int
    /// Stored versions (saves, submissions, paper returns) read in this run.
    public var versionsRead: Int
    /// Bytes of response bodies read in this run.
    public var bytesIn: Int
    /// Bytes of files this run wrote: export files (compressed) and the dictionary, progress,
    /// tables and report files (files kept from an earlier run not counted).
    public var bytesOut: Int
    /// Bytes of every file of the output generation.
    public var outputBytes: Int
    /// Wall-clock seconds from the run's start to its last file's fsync.
    public var seconds: Double
    /// The generation directory the run published.
    public var generation: URL
    /// The run's `report.html`.
    public var report: URL
    /// Households with a return whose id the address frame does not hold: left out of the
    /// tallies and the export (`census aggregate` warns with their number).
    public var householdsNotInFrame: Int
    /// Households in the address frame (with or without a response): what `householdsRead`
    /// and `households` are read against.
    public var householdsInFrame: Int
}

/// Runs an aggregation: reads every shard in parallel (a consistent snapshot each), merges the
/// tallies and writes the outputs (docs/outputs.md).
///
/// ```swift
/// var options = AggregationOptions(store: storeDir, output: outDir)
/// let summary = try Aggregator.run(options) { households, versions in … }   // progress
/// print(summary.report.path)
/// ```
///
/// A second run into the same output is *incremental*: it reads only versions committed since
/// the previous run's watermarks and gives the same outputs as a full run would.
public enum Aggregator {
    /// - parameter observer: called from the workers as households are read (households,
    ///   versions so far).
    /// - throws: ``AggregationError``; the previous outputs are then left as they were.
    public static func run(_ options: AggregationOptions, observer: (@Sendable (Int, Int) -> Void)? = nil) throws -> AggregationSummary {
        let started = Date()
        let store: ResponseStore
        do { store = try ResponseStore.openForReading(at: options.store) } catch {
            throw AggregationError.output(path: options.store.path, reason: "\(error)")
        }
        defer { store.close() }
        for status in store.shardStatus {
            if let e = status.error { throw AggregationError.shardUnavailable(shard: status.index, reason: "\(e)") }
        }
        let frameURL = options.frame ?? options.store.appendingPathComponent(AddressFrame.fileName)
        let frame: AddressFrame
        do { frame = try AddressFrame.open(at: frameURL, readOnly: true) } catch {
            throw AggregationError.frameUnavailable(path: frameURL.path, reason: "\(error)")
        }
        // Households per LSOA, counted beside the schemas' compiling and the previous state's
        // reading (a scan of the whole frame: ~0.1 s of CPU at 1,000,000 households). Waited for on
        // every way out, before the frame closes.
        let lsoaCount = BackgroundValue { () throws -> [LSOAHouseholds] in
            do { return try frame.householdsByLSOA() } catch {
                throw AggregationError.frameUnavailable(path: frameURL.path, reason: "\(error)")
            }
        }
        defer {
            _ = try? lsoaCount.value()
            try? frame.close()
        }
        let schemas = try loadSchemas(options)
        let layout = try ExportLayout(schemas: schemas)
        let definitions = options.tables ?? .censusDefaults
        let tabulator = try Tabulator(definitions, layout: layout)
        var evaluators: [String: Evaluator] = [:]
        for s in schemas {
            do { evaluators[s.hash] = try Evaluator(schema: s) } catch {
                throw AggregationError.invalidInput(path: s.id, reason: "\(error)")
            }
        }

        let out = try OutputDirectory(options.output)
        defer { out.release() }
        var previous: AggregationState?
        var previousURL: URL?
        var stateMismatch: String?
        if let current = out.current {
            previousURL = current.url
            previous = try? AggregationState.read(current.url.appendingPathComponent(".state.json"))
            stateMismatch = AggregationState.mismatch(in: current.url)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let definitionsData = (try? encoder.encode(definitions)) ?? Data()
        let fingerprint = AggregationState.Fingerprint(
            storeID: store.manifest.storeID, shardCount: store.manifest.shardCount, layout: layout.fingerprint,
            tables: String(decoding: definitionsData, as: UTF8.self), timeZone: options.timeZone.identifier)
        var reason: String?
        if options.forceFull { reason = "--full was given" }
        else if previousURL == nil { reason = "first run into this output" }
        else if previous == nil { reason = "the previous run's state could not be read" }
        else if let stateMismatch { reason = "the previous run's state does not match its manifest (\(stateMismatch))" }
        else if previous!.fingerprint.storeID != fingerprint.storeID { reason = "the output was made from another store" }
        else if previous!.fingerprint.layout != fingerprint.layout { reason = "the forms (schemas) changed, so the export's columns did" }
        else if previous!.fingerprint.tables != fingerprint.tables { reason = "the table definitions changed" }
        else if previous!.fingerprint.timeZone != fingerprint.timeZone { reason = "the time zone changed" }
        else if previous!.fingerprint.shardCount != fingerprint.shardCount { reason = "the shard count changed" }
        let incremental = reason == nil
        let base = incremental ? previous : nil
        // Every run looks each household it reads up in the frame (its household_id index, in
        // an order of its own): the frame file is read in file order first. A full run reads
        // every page of every shard, and reads each in file order before its worker scans it.
        // An incremental run reads the new versions, which were appended to the shard files
        // after the previous run (with their index entries): each shard is read from where it
        // ended then (the sizes are taken before any snapshot: every version committed after
        // this run lies beyond them, or in the write-ahead log, also read). A previous state
        // without the sizes: no shard is read ahead.
        let shardPaths = store.shardStatus.map(\.path)
        let shardBytes = shardPaths.map { StoreReadAhead.fileSize($0) ?? 0 }
        let workerCount = max(1, min(options.workers, store.manifest.shardCount))
        let shardPart: StoreReadAhead.ShardPart = incremental ? .appendedSince(ends: base?.shardBytes ?? []) : .whole
        let readAhead = StoreReadAhead(StoreReadAhead.stretches(frame: frameURL.path, shards: shardPaths, shardPart: shardPart),
                                       lookahead: workerCount)
        defer { readAhead.stop() }

        let lsoaRows = try lsoaCount.value()
        var areas = base?.areas ?? AreaList()
        let households = areas.merge(lsoaRows.map { ($0.lsoa, $0.localAuthority, $0.households) })
        let number = (out.current?.number ?? 0) + 1
        let generation = try out.begin(number)
        var finished = false
        defer { if !finished { try? FileManager.default.removeItem(at: generation); Interruption.unregister(generation.path) } }

        if incremental, let previousURL, let base {
            for part in base.parts.joined() {
                for file in part.files {
                    let target = generation.appendingPathComponent(file.path)
                    try OutputDirectory.makeDirectories(target.deletingLastPathComponent(), below: generation)
                    guard link(previousURL.appendingPathComponent(file.path).path, target.path) == 0 else {
                        throw AggregationError.state(path: previousURL.appendingPathComponent(file.path).path, reason: "cannot link the previous run's file (\(String(cString: strerror(errno)))); run again with --full")
                    }
                }
            }
        }
        for table in layout.tables {
            try OutputDirectory.makeDirectories(generation.appendingPathComponent("export/\(table.name)"), below: generation)
        }

        let counters = RunCounters(observer: observer)
        let context = RunContext(
            store: store, frameURL: frameURL, layout: layout, evaluators: evaluators,
            individualSections: evaluators.compactMapValues { IndividualSection(schema: $0.schema) }, tabulator: tabulator,
            keys: RecordKeys(storeID: store.manifest.storeID), areas: areas, lsoaIndex: areas.index(),
            timeZone: options.timeZone, generation: generation, previousGeneration: incremental ? previousURL : nil,
            previous: base, runNumber: number, blockSize: options.blockSize, counters: counters)
        var progress = base?.progress ?? ProgressTallies()
        var variables = base?.variables ?? VariableCounts(layout: layout)
        var tables = base?.tables ?? TableTallies(tableCount: tabulator.tables.count)
        let (results, tallies) = try runWorkers(context, shardCount: store.manifest.shardCount, workers: workerCount, incremental: incremental,
                                                readAhead: readAhead)
        progress.add(tallies.progress)
        variables.add(tallies.variables)
        tables.add(tallies.tables)
        progress.normalise()
        let runRecord = AggregationState.RunRecord(number: number, kind: incremental ? "incremental" : "full", startedAt: started,
                                                   watermarks: results.map(\.watermark))
        var state = AggregationState(fingerprint: fingerprint, runs: (base?.runs ?? []) + [runRecord], parts: results.map(\.parts),
                                     areas: areas, progress: progress, variables: variables, tables: tables)
        state.shardBytes = shardBytes

        // The derived outputs, from the tallies.
        let figures = ProgressFigures(areas: areas, households: households, tallies: progress, expected: options.expectedRates,
                                      censusDate: schemas[0].censusDate, target: options.onlineTarget, timeZone: options.timeZone)
        let protection: TableProtection = options.unprotected ? .none : .cellKey(options.perturbation)
        let tableOutput = TableOutput(tabulator: tabulator, tallies: tables, areas: areas, protection: protection)
        var documents: [OutputDocument] = []
        documents += DataDictionary(layout: layout, counts: variables).documents()
        documents += figures.documents()
        documents += tableOutput.documents()
        documents += Report(figures: figures, tables: tableOutput, layout: layout, counts: variables,
                            title: schemas[0].title[schemas[0].languages.first ?? "en"] ?? schemas[0].id).documents()
        var derived: [ManifestFile] = []
        for d in documents {
            derived.append(try OutputDirectory.write(d.data, d.path, in: generation, kind: d.kind, format: d.format, rows: d.rows))
        }
        state.derivedFiles = derived
        // Listed in the manifest, so that a changed state is found by verify-export and makes
        // the next run a full one (AggregationState.mismatch) rather than splice by a wrong index.
        let stateFile = try OutputDirectory.write(try state.encoded(), ".state.json", in: generation, kind: "state", format: "json", rows: nil)

        let exportFiles = state.parts.joined().flatMap(\.files).sorted { ($0.table, $0.shard, $0.part, $0.format) < ($1.table, $1.shard, $1.part, $1.format) }
        let finishedAt = Date()
        var parameters: [String: String] = [
            "store": options.store.path, "frame": frameURL.path, "output": options.output.path,
            "timeZone": options.timeZone.identifier, "onlineTarget": String(options.onlineTarget),
            "expectedRates": options.expectedRates.source, "tables": definitions.tables.map(\.id).joined(separator: ","),
            "workers": String(options.workers), "blockSize": String(options.blockSize),
            "recordKeys": "HMAC-SHA256(store id, household id [/roster]) byte: 0-255, uniform, fixed per record",
        ]
        parameters["protection"] = options.unprotected ? "NONE: UNPROTECTED tables, not for release"
            : "cell key perturbation: maximum noise \(options.perturbation.maximumNoise), variance \(options.perturbation.variance), counts below \(options.perturbation.threshold) not published, at least \(options.perturbation.minimumKeysPerNoise) keys per noise value, \(options.perturbation.rows) rows cycling over the last \(options.perturbation.cycle)"
        let manifest = ExportManifest(
            run: .init(number: number, kind: incremental ? "incremental" : "full", reason: reason, startedAt: started,
                       finishedAt: finishedAt, previousRun: out.current?.number),
            parameters: parameters,
            store: .init(storeID: store.manifest.storeID, shardCount: store.manifest.shardCount, shardFunction: store.manifest.shardFunction),
            schemas: schemas.map { .init(hash: $0.hash, id: $0.id, version: $0.version) },
            watermarks: results.map(\.watermark),
            tables: layout.tables.enumerated().map { t, table in
                .init(name: table.name, unit: table.unit.description, rows: variables.rows[t], columns: table.columns.map(\.name))
            },
            files: exportFiles.map(ManifestFile.init(export:)) + derived + [stateFile])
        _ = try OutputDirectory.write(try manifest.encoded(), "manifest.json", in: generation, kind: "manifest", format: "json", rows: nil)
        DurableFile.syncDirectory(generation)
        let published = try out.publish(generation, number)
        finished = true

        return AggregationSummary(
            run: number, kind: incremental ? "incremental" : "full", reason: reason, households: variables.rows[0],
            rows: layout.tables.enumerated().map { ($1.name, variables.rows[$0]) },
            householdsRead: counters.households, versionsRead: counters.versions, bytesIn: counters.bytesIn,
            bytesOut: counters.bytesOut + derived.reduce(0) { $0 + $1.bytes },
            outputBytes: manifest.files.reduce(0) { $0 + $1.bytes }, seconds: finishedAt.timeIntervalSince(started),
            generation: published, report: options.output.appendingPathComponent("report.html"),
            householdsNotInFrame: results.reduce(0) { $0 + $1.householdsNotInFrame },
            householdsInFrame: lsoaRows.reduce(0) { $0 + $1.households })
    }

    /// One worker per core (at most one per shard), each taking the next shard to read once
    /// ``StoreReadAhead`` has read what the run reads of it in file order. Each
    /// shard's tallies are added to the run's as soon as it is read (and dropped from its
    /// result), so memory holds one set of per-area tallies per worker plus the sum, not one per
    /// shard (at 1,000,000 households a shard's day-by-LSOA returns alone are 2.6 MB).
    ///
    /// - returns: the shards' results (watermarks, parts; their tallies empty) and the sum of
    ///   their tallies.
    ///
    /// - parameter readAhead: reads ahead what the workers scan (nil: nothing is read ahead).
    static func runWorkers(_ context: RunContext, shardCount: Int, workers: Int, incremental: Bool, readAhead: StoreReadAhead?) throws
        -> (results: [ShardResult], tallies: (progress: ProgressTallies, variables: VariableCounts, tables: TableTallies)) {
        final class Shared: @unchecked Sendable {
            let lock = NSLock()
            var next = 0
            var results: [ShardResult?]
            var error: (any Error)?
            var progress = ProgressTallies()
            var variables: VariableCounts
            var tables: TableTallies
            init(_ n: Int, _ context: RunContext) {
                results = Array(repeating: nil, count: n)
                variables = VariableCounts(layout: context.layout)
                tables = TableTallies(tableCount: context.tabulator.tables.count)
            }
        }
        let shared = Shared(shardCount, context)
        let workerCount = max(1, min(workers, shardCount))
        let group = DispatchGroup()
        for _ in 0..<workerCount {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                while true {
                    shared.lock.lock()
                    let shard = shared.next
                    shared.next += 1
                    let stop = shared.error != nil
                    shared.lock.unlock()
                    if stop || shard >= shardCount { return }
                    readAhead?.waitForShard(shard)
                    do {
                        let worker = try ShardWorker(context: context, shard: shard)
                        var result = try incremental ? worker.runIncremental(previous: context.previous!) : worker.runFull()
                        shared.lock.lock()
                        shared.progress.add(result.progress)
                        shared.variables.add(result.variables)
                        shared.tables.add(result.tables)
                        result.progress = ProgressTallies()
                        result.variables = VariableCounts(layout: context.layout)
                        result.tables = TableTallies(tableCount: context.tabulator.tables.count)
                        shared.results[shard] = result
                        shared.lock.unlock()
                    } catch {
                        shared.lock.lock()
                        if shared.error == nil { shared.error = error }
                        shared.lock.unlock()
                        return
                    }
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        if let e = shared.error { throw e }
        return (shared.results.map { $0! }, (shared.progress, shared.variables, shared.tables))
    }

    /// The schemas given, then the compiled schemas found in `STORE/schemas/` and in the store
    /// directory itself (the demo server keeps `census.json` there), one per hash.
    static func loadSchemas(_ options: AggregationOptions) throws -> [Schema] {
        var schemas: [Schema] = []
        let dir = options.store.appendingPathComponent("schemas")
        for place in [dir, options.store] {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: place.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
            for name in names {
                // Only files that are compiled schemas (not manifest.json or fill.json).
                guard let data = try? Data(contentsOf: place.appendingPathComponent(name)),
                      let schema = try? Schema(jsonBytes: [UInt8](data)) else { continue }
                if !schemas.contains(where: { $0.hash == schema.hash }) { schemas.append(schema) }
            }
        }
        var given: [Schema] = []
        for url in options.schemaFiles {
            let data: Data
            do { data = try Data(contentsOf: url) } catch {
                throw AggregationError.invalidInput(path: url.path, reason: "cannot read it (\(DurableFile.reason(error)))")
            }
            let schema: Schema
            do { schema = try Schema(jsonBytes: [UInt8](data)) } catch {
                throw AggregationError.invalidInput(path: url.path, reason: "not a compiled schema: \(error)")
            }
            if !given.contains(where: { $0.hash == schema.hash }) { given.append(schema) }
        }
        schemas = given + schemas.filter { s in !given.contains { $0.hash == s.hash } }
        if schemas.isEmpty {
            throw AggregationError.schemaNotGiven(hashes: [], searched: [dir.path, options.store.path])
        }
        return schemas
    }
}

/// One derived output file, before it is written.
struct OutputDocument {
    var path: String
    var kind: String
    var format: String
    var rows: Int?
    var data: Data
}
