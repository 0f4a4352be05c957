import AddressFrame
import Foundation
import Questionnaire
import ResponseStore

/// What every worker of a run shares (read-only).
struct RunContext: @unchecked Sendable {
    let store: ResponseStore
    let frameURL: URL
    let layout: ExportLayout
    let evaluators: [String: Evaluator]
    /// Each schema's part a person may answer privately (those that have one), read once from
    /// the schema rather than for every household with individual returns.
    let individualSections: [String: IndividualSection]
    let tabulator: Tabulator
    let keys: RecordKeys
    let areas: AreaList
    let lsoaIndex: [String: Int]
    let timeZone: TimeZone
    let generation: URL
    let previousGeneration: URL?
    let previous: AggregationState?
    let runNumber: Int
    let blockSize: Int
    let counters: RunCounters
}

/// What one shard contributed to a run.
struct ShardResult: Sendable {
    var shard: Int
    var watermark: Int64
    var parts: [AggregationState.Part]
    var progress = ProgressTallies()
    var variables: VariableCounts
    var tables: TableTallies
    var householdsNotInFrame = 0
}

/// Counters shared by the workers, for the progress bar and the summary.
final class RunCounters: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var households = 0
    private(set) var versions = 0
    private(set) var bytesIn = 0
    private(set) var bytesOut = 0
    let observer: (@Sendable (Int, Int) -> Void)?

    init(observer: (@Sendable (Int, Int) -> Void)?) { self.observer = observer }

    func add(households h: Int = 0, versions v: Int = 0, bytesIn i: Int = 0, bytesOut o: Int = 0) {
        lock.lock()
        households += h
        versions += v
        bytesIn += i
        bytesOut += o
        let (hh, vv) = (households, versions)
        lock.unlock()
        if h > 0 || v > 0 { observer?(hh, vv) }
    }
}

/// Reads one shard in a snapshot and writes its part of the run: the export files of a new
/// part, the tallies, and (incremental) the old rows taken out of earlier parts.
final class ShardWorker {
    let context: RunContext
    let shard: Int
    private let frame: AddressFrame
    private let clock: DayClock
    private var readers: [String: (ResponseReader, SchemaBinding)] = [:]
    private var lastReader: (hash: String, entry: (ResponseReader, SchemaBinding))?
    private let recordWriter: RecordWriter
    /// One per export table. A stored property, not `lazy`: passing a lazy property `inout`
    /// goes through a copy, and every row then copied the file's block it appends to.
    private var encoders: [RowEncoder]
    private var result: ShardResult
    private var writers: [(json: BlockFileWriter, csv: BlockFileWriter)] = []
    /// One compressor per level for all of the worker's files (they compress one block at a
    /// time): its working memory and output buffer are made once, not once per file.
    private var compressors: [Int32: GzipCompressor] = [:]

    static let chunk = 256

    init(context: RunContext, shard: Int) throws {
        self.context = context
        self.shard = shard
        do { frame = try AddressFrame.open(at: context.frameURL, readOnly: true) } catch {
            throw AggregationError.frameUnavailable(path: context.frameURL.path, reason: "\(error)")
        }
        clock = DayClock(timeZone: context.timeZone)
        recordWriter = RecordWriter(layout: context.layout)
        encoders = context.layout.tables.map { RowEncoder(table: $0) }
        result = ShardResult(shard: shard, watermark: 0, parts: context.previous?.parts[shard] ?? [],
                             variables: VariableCounts(layout: context.layout),
                             tables: TableTallies(tableCount: context.tabulator.tables.count))
    }

    deinit { try? frame.close() }

    /// Reads the whole shard (a full run).
    func runFull() throws -> ShardResult {
        result.parts = []
        try context.store.withSnapshot(shard: shard) { snapshot in
            result.watermark = snapshot.watermark
            try openPart(number: 1)
            var pending: [(String, HouseholdState)] = []
            // A household's individual returns (`H/i1`, …) come straight after it in id order:
            // the household and its individuals are gathered into one group.
            var group: (id: String, versions: [ResponseVersion])?
            // Counted here and added to the shared counters once per chunk (their lock is taken
            // once per chunk, not twice per household).
            var households = 0, versionsRead = 0
            func flush() throws {
                guard let g = group else { return }
                group = nil
                households += 1
                pending.append((g.id, HouseholdState(g.versions)))
                if pending.count >= Self.chunk {
                    context.counters.add(households: households, versions: versionsRead)
                    (households, versionsRead) = (0, 0)
                    try contribute(pending, snapshot: snapshot, sign: 1, write: true)
                    pending.removeAll(keepingCapacity: true)
                }
            }
            try snapshot.forEachHousehold { key, versions in
                for v in versions { result.progress.seen(v.receivedAt) }
                versionsRead += versions.count
                let id = IndividualReturn.household(of: key)
                if group?.id != id {
                    try flush()
                    group = (id, [])
                }
                group?.versions += versions
            }
            try flush()
            context.counters.add(households: households, versions: versionsRead)
            try contribute(pending, snapshot: snapshot, sign: 1, write: true)
            if let part = try finishPart(number: 1) { result.parts = [part] }
        }
        return result
    }

    /// Reads only what was committed since the previous run: each household with a new version
    /// is taken back as it was counted (its old authoritative return) and counted again as it
    /// is now; its old rows leave the part that holds them.
    func runIncremental(previous: AggregationState) throws -> ShardResult {
        let before = previous.lastRun.watermarks[shard]
        try context.store.withSnapshot(shard: shard) { snapshot in
            result.watermark = snapshot.watermark
            guard snapshot.watermark > before else { return }
            // An individual return that changed is its household's change.
            var changed: [String] = []
            for key in try snapshot.households(changedAfter: before) {
                let id = IndividualReturn.household(of: key)
                if changed.last != id { changed.append(id) }
            }
            let partNumber = (result.parts.map(\.number).max() ?? 0) + 1
            try openPart(number: partNumber)
            var removals: [Int: [String]] = [:]
            var index = 0
            while index < changed.count {
                let ids = changed[index..<min(changed.count, index + Self.chunk)]
                index += ids.count
                var olds: [(String, HouseholdState)] = []
                var news: [(String, HouseholdState)] = []
                for id in ids {
                    let versions = try snapshot.versionsWithIndividuals(of: id)
                    let earlier = versions.filter { $0.version <= before }
                    let fresh = versions.filter { $0.version > before }
                    for v in fresh { result.progress.seen(v.receivedAt) }
                    context.counters.add(households: 1, versions: fresh.count)
                    let old = HouseholdState(earlier), new = HouseholdState(versions)
                    if old == new { continue }
                    olds.append((id, old))
                    news.append((id, new))
                    if old.isReturned {
                        guard let run = previous.run(covering: Self.lastChange(earlier), shard: shard),
                              let part = result.parts.first(where: { $0.firstRun <= run && run <= $0.lastRun }) else {
                            throw AggregationError.state(path: context.previousGeneration?.path ?? "", reason: "no part of shard \(shard) holds household \(id); run again with --full")
                        }
                        removals[part.number, default: []].append(id)
                    }
                }
                try contribute(olds, snapshot: snapshot, sign: -1, write: false)
                try contribute(news, snapshot: snapshot, sign: 1, write: true)
            }
            var parts = result.parts
            for (number, ids) in removals.sorted(by: { $0.key < $1.key }) {
                guard let p = parts.firstIndex(where: { $0.number == number }) else { continue }
                parts[p].files = try splice(parts[p], removing: ids.sorted())
            }
            parts.removeAll { $0.files.isEmpty }
            if let part = try finishPart(number: partNumber) { parts.append(part) }
            result.parts = parts
        }
        return result
    }

    /// The version after which a household's counted state (authoritative and first return)
    /// last changed: the run that covers it is the run that wrote the household's rows.
    static func lastChange(_ versions: [ResponseVersion]) -> Int64 {
        var signature: [Int64] = []
        var at: Int64 = 0
        for k in versions.indices {
            let s = HouseholdState(versions[...k]).signature
            if s != signature {
                signature = s
                at = versions[k].version
            }
        }
        return at
    }

    // MARK: Counting one household

    private func contribute(_ households: [(String, HouseholdState)], snapshot: ShardSnapshot, sign: Int, write: Bool) throws {
        let wanted = households.filter { $0.1.authoritative != nil }
        if wanted.isEmpty { return }
        let areas: [HouseholdArea?]
        do { areas = try frame.areas(of: wanted.map(\.0)) } catch {
            throw AggregationError.frameUnavailable(path: context.frameURL.path, reason: "\(error)")
        }
        for ((id, state), area) in zip(wanted, areas) {
            guard let area, let lsoa = context.lsoaIndex[area.lsoa] else {
                if sign > 0 { result.householdsNotInFrame += 1 }
                continue
            }
            let geography = Geography(localAuthority: area.localAuthority, lsoa: area.lsoa, outputArea: area.outputArea, lsoaIndex: lsoa)
            try contribute(id, state, geography, snapshot: snapshot, sign: sign, write: write)
        }
    }

    private func contribute(_ id: String, _ state: HouseholdState, _ geography: Geography, snapshot: ShardSnapshot,
                            sign: Int, write: Bool) throws {
        let lsoaCount = context.areas.lsoas.count
        if state.isInProgress { result.progress.addInProgress(lsoa: geography.lsoaIndex, sign: sign, lsoaCount: lsoaCount) }
        guard let authoritative = state.authoritative, let first = state.firstReturn else { return }
        result.progress.addReturn(lsoa: geography.lsoaIndex, day: clock.day(first.receivedAt), online: first.channel == .online,
                                  sign: sign, lsoaCount: lsoaCount)
        let (reader, binding) = try reader(for: authoritative.schemaHash)
        var size = 0
        let readable: Bool
        if let merged = try mergedBody(state, snapshot: snapshot, size: &size) {
            readable = reader.read(bytes: merged)
        } else {
            readable = try snapshot.withBody(version: authoritative.version) { bytes -> Bool in
                size = bytes.count
                return reader.read(bytes: bytes)
            }
        }
        context.counters.add(bytesIn: size)
        guard readable else { throw AggregationError.unreadableResponse(household: id, receipt: authoritative.receiptID) }
        let householdKey = context.keys.household(id)
        let household = HouseholdContext(householdID: id, geography: geography, state: state, householdKey: householdKey)
        var memberKeys: [Int: [Int]] = [:]
        let keysOf = { (r: Int) -> [Int] in
            if let known = memberKeys[r] { return known }
            let keys = self.context.keys.members(id, roster: reader.rosterIDs[r], count: reader.memberCount(roster: r))
            memberKeys[r] = keys
            return keys
        }
        if write {
            for t in encoders.indices {
                // The rows go straight into the files' current blocks.
                encoders[t].lend(json: writers[t].json.block, csv: writers[t].csv.block)
                // Each file's first row lists every column (NDJSON leaves out empty ones after it).
                encoders[t].explicitNulls = !writers[t].json.hasRows
            }
        }
        recordWriter.write(household, reader: reader, binding: binding, memberKeys: keysOf, encoders: &encoders, writing: write,
                           counts: &result.variables, sign: sign)
        if write {
            for t in encoders.indices {
                let rows = encoders[t].takeBack()
                try writers[t].json.appended(household: id, rows: rows)
                try writers[t].csv.appended(household: id, rows: rows)
            }
        }
        let authority = context.areas.lsoaAuthority[geography.lsoaIndex]
        context.tabulator.tally(reader: reader, binding: binding, area: authority, householdKey: householdKey, memberKeys: keysOf,
                                into: &result.tables, sign: sign)
    }

    /// The household's authoritative return with its people's individual returns read over
    /// it (``AuthoritativeReturn``, rule 6; `IndividualAnswers.merge`), or nil when it has none
    /// to merge (an individual return answering another version of the form is not merged).
    private func mergedBody(_ state: HouseholdState, snapshot: ShardSnapshot, size: inout Int) throws -> [UInt8]? {
        guard let authoritative = state.authoritative, !state.individuals.isEmpty,
              let section = context.individualSections[authoritative.schemaHash] else { return nil }
        func parse(_ version: Int64) throws -> JSONValue? {
            try snapshot.withBody(version: version) { bytes in
                size += bytes.count
                return try? JSONParser.parse(bytes)
            }
        }
        guard let household = try parse(authoritative.version) else { return nil }
        var individuals: [JSONValue] = []
        for (_, v) in state.individuals.sorted(by: { $0.key < $1.key }) where v.schemaHash == authoritative.schemaHash {
            if let body = try parse(v.version) { individuals.append(body) }
        }
        let (merged, count) = IndividualAnswers.merge(household: household, individuals: individuals, section: section)
        return count == 0 ? nil : JSONWriter().bytes(merged)
    }

    private func reader(for hash: String) throws -> (ResponseReader, SchemaBinding) {
        // Nearly every household answers the same schema: compared with the last one's hash
        // (the same string storage, from the snapshot's reading) before hashing 71 characters.
        if let last = lastReader, last.hash == hash { return last.entry }
        let entry = try readerLookup(for: hash)
        lastReader = (hash, entry)
        return entry
    }

    private func readerLookup(for hash: String) throws -> (ResponseReader, SchemaBinding) {
        if let known = readers[hash] { return known }
        guard let evaluator = context.evaluators[hash], let binding = context.layout.bindings[hash] else {
            throw AggregationError.schemaNotGiven(hashes: [hash], searched: [])
        }
        let entry = (ResponseReader(evaluator: evaluator), binding)
        readers[hash] = entry
        return entry
    }

    // MARK: Files

    /// libdeflate's levels (``GzipCompressor``). NDJSON: level 7 in blocks of `blockSize` (2 MiB
    /// by default), which together come out smaller than `gzip -6` of the same NDJSON as one
    /// stream (its level 6 does not: BENCHMARKS.md). CSV: level 2 in blocks a quarter of that
    /// size (cheaper to re-compress when a household moves). No size rule applies to the CSV
    /// files, and compression was a third of a full run's CPU: level 2 takes about half the
    /// time of level 6 on the export's CSV, for files about a fifth larger (BENCHMARKS.md,
    /// "Aggregation", 2026-12-01).
    static func level(_ format: String) -> Int32 { format == "ndjson" ? 7 : 2 }
    static func blockSize(_ format: String, _ size: Int) -> Int { format == "ndjson" ? size : max(4096, size / 4) }

    private func compressor(_ format: String) throws -> GzipCompressor {
        let level = Self.level(format)
        if let known = compressors[level] { return known }
        let made = try GzipCompressor(level: level)
        compressors[level] = made
        return made
    }

    static func fileName(shard: Int, part: Int, format: String) -> String {
        String(format: "shard-%03d.part-%04d.%@.gz", shard, part, format)
    }

    private func openPart(number: Int) throws {
        writers = try context.layout.tables.map { table in
            let encoder = RowEncoder(table: table)
            func writer(_ format: String, header: [UInt8]?) throws -> BlockFileWriter {
                try BlockFileWriter(generation: context.generation,
                                    relativePath: "export/\(table.name)/" + Self.fileName(shard: shard, part: number, format: format),
                                    table: table.name, format: format, shard: shard, part: number, header: header,
                                    blockSize: Self.blockSize(format, context.blockSize), compressor: try compressor(format))
            }
            return (try writer("ndjson", header: nil), try writer("csv", header: encoder.csvHeader))
        }
    }

    /// Publishes the part's files that hold rows; `nil` when none does.
    private func finishPart(number: Int) throws -> AggregationState.Part? {
        var files: [ExportFile] = []
        for (json, csv) in writers {
            let j = try json.finish(), c = try csv.finish()
            if j.rows == 0 {
                unlink(json.finalPath)
                unlink(csv.finalPath)
                continue
            }
            files.append(j)
            files.append(c)
            context.counters.add(bytesOut: j.bytes + c.bytes)
        }
        writers = []
        return files.isEmpty ? nil : AggregationState.Part(number: number, firstRun: context.runNumber, lastRun: context.runNumber, files: files)
    }

    /// The part's files without the rows of `households` (sorted), written into this run's
    /// generation in place of the hard links to the previous run's files.
    private func splice(_ part: AggregationState.Part, removing households: [String]) throws -> [ExportFile] {
        guard let previous = context.previousGeneration else { return part.files }
        var files: [ExportFile] = []
        for file in part.files {
            let writer = try BlockFileWriter(generation: context.generation, relativePath: file.path, table: file.table,
                                             format: file.format, shard: file.shard, part: file.part, header: nil,
                                             blockSize: Self.blockSize(file.format, context.blockSize), compressor: try compressor(file.format))
            let columns = context.layout.table(file.table)?.columns.map(\.name) ?? []
            _ = try BlockSplicer.copy(file, from: previous.appendingPathComponent(file.path).path, removing: households,
                                      columns: columns, into: writer)
            let spliced = try writer.finish()
            context.counters.add(bytesOut: spliced.bytes)
            if spliced.rows == 0 { unlink(writer.finalPath); continue }
            files.append(spliced)
        }
        // A table whose file lost its last row: its other format goes too.
        let tablesLeft = Set(files.filter { $0.format == "ndjson" }.map(\.table))
        for f in files where !tablesLeft.contains(f.table) { unlink(context.generation.appendingPathComponent(f.path).path) }
        return files.filter { tablesLeft.contains($0.table) }
    }
}
