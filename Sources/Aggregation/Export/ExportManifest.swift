import Crypto
import DurableFiles
import Foundation

/// `manifest.json` of an aggregation's output: every file with its rows, bytes and SHA-256,
/// the schemas, the watermarks and the run's parameters. `census verify-export OUT` checks the
/// files against it (``ExportVerifier``).
public struct ExportManifest: Codable, Sendable {
    /// The manifest's `format` value; ``read(from:)`` refuses any other.
    public static let formatName = "census-export"

    /// The run that wrote the output.
    public struct Run: Codable, Sendable {
        /// The run's number in the output directory: 1 for the first run, one more each run.
        public var number: Int
        /// `full` or `incremental`.
        public var kind: String
        /// Why a full run was made (first run, changed form, `--full`, …).
        public var reason: String?
        /// When the run began and ended (UTC; ISO 8601 in the file).
        public var startedAt: Date
        /// When the run ended, after every file was fsynced.
        public var finishedAt: Date
        /// The run before this one in the same output directory; nil for the first.
        public var previousRun: Int?
    }

    /// The response store the run read (`store.json` of the store directory).
    public struct Store: Codable, Sendable {
        /// The store's identifier, made when it was created: an incremental run needs the same
        /// store (another one forces a full run).
        public var storeID: String
        /// Number of shard files.
        public var shardCount: Int
        /// How a household id picks its shard (the store's named function, `fnv1a64-utf8-mod-v1`).
        public var shardFunction: String
    }

    /// A questionnaire schema the returns were answered on.
    public struct SchemaEntry: Codable, Sendable {
        /// The schema's hash as `census compile` prints it (`sha256:` and hex).
        public var hash: String
        /// The schema's id (`census_household`).
        public var id: String
        /// The schema's version (`2021.2`).
        public var version: String
    }

    /// One exported table (households, residents, ...).
    public struct TableEntry: Codable, Sendable {
        /// The table's name, also its directory under `export/`.
        public var name: String
        /// What one row is (``TableUnit``'s description: `households`, `members of residents`, ...).
        public var unit: String
        /// Data rows over all its files.
        public var rows: Int
        /// Column names, in file order.
        public var columns: [String]
    }

    /// Always ``formatName``.
    public var format = ExportManifest.formatName
    /// The manifest layout's version; this code reads and writes 1.
    public var formatVersion = 1
    /// The run that wrote the output.
    public var run: Run
    /// The run's parameters, as given (paths, time zone, protection, …).
    public var parameters: [String: String]
    /// The store the returns came from.
    public var store: Store
    /// Every schema a return in the output was answered on.
    public var schemas: [SchemaEntry]
    /// Per shard: the highest version number the outputs include.
    public var watermarks: [Int64]
    /// The exported tables.
    public var tables: [TableEntry]
    /// Every file of the output (exports, dictionary, progress, tables, report), in write order.
    public var files: [ManifestFile]

    /// Reads `directory/manifest.json`.
    ///
    /// - throws: ``AggregationError/output(path:reason:)`` when there is no manifest, it is not
    ///   JSON of this shape (the reason names the field), or its format is not ``formatName`` 1.
    public static func read(from directory: URL) throws -> ExportManifest {
        let url = directory.appendingPathComponent("manifest.json")
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw AggregationError.output(path: url.path, reason: "no manifest: \(DurableFile.reason(error)) (is this the --out of `census aggregate`?)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            let m = try decoder.decode(ExportManifest.self, from: data)
            guard m.format == formatName, m.formatVersion == 1 else {
                throw AggregationError.output(path: url.path, reason: "not a census export manifest (format \(m.format) \(m.formatVersion))")
            }
            return m
        } catch let e as AggregationError {
            throw e
        } catch {
            throw AggregationError.output(path: url.path, reason: "not a valid manifest (\(DurableFile.decodingProblem(error)))")
        }
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

/// One file of the output in the manifest.
public struct ManifestFile: Codable, Sendable, Equatable {
    /// Relative to the output directory.
    public var path: String
    /// `export`, `dictionary`, `progress`, `tables`, `report`, or `state` (`.state.json`,
    /// what the next incremental run starts from).
    public var kind: String
    /// The table of an export file; nil for other kinds.
    public var table: String?
    /// `ndjson`, `csv`, `html`, `txt`.
    public var format: String
    /// The shard an export file holds the rows of; nil for other kinds.
    public var shard: Int?
    /// The part number of an export file within its shard (1, 2, ...); nil for other kinds.
    public var part: Int?
    /// Data rows (CSV: without the header line), for data files.
    public var rows: Int?
    /// Size of the file in bytes (compressed, for `.gz` files).
    public var bytes: Int
    /// Hex SHA-256 of the file's bytes.
    public var sha256: String

    init(export f: ExportFile) {
        path = f.path
        kind = "export"
        table = f.table
        format = f.format
        shard = f.shard
        part = f.part
        rows = f.rows
        bytes = f.bytes
        sha256 = f.sha256
    }

    init(path: String, kind: String, format: String, rows: Int?, data: Data) {
        self.path = path
        self.kind = kind
        self.format = format
        self.rows = rows
        bytes = data.count
        sha256 = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// Checks an output directory against its manifest, file by file, in the manifest's order.
public enum ExportVerifier {
    /// What verification found.
    public struct Report: Sendable {
        /// Files of the manifest looked at.
        public var filesChecked: Int
        /// Bytes the manifest lists for the files looked at.
        public var bytesChecked: Int
        /// The first file that does not match, and how; nil when everything matches.
        public var firstMismatch: (path: String, problem: String)?
        /// Every file that does not match.
        public var mismatches: [(path: String, problem: String)]
        /// Files under `export/` that the manifest does not list.
        public var unlisted: [String]
        /// Whether every listed file matches and nothing unlisted lies under `export/`.
        public var isIntact: Bool { mismatches.isEmpty && unlisted.isEmpty }
    }

    /// Verifies every file of `directory` listed in its manifest: present, its size, its
    /// SHA-256, and for gzip data files, that it decompresses to the number of rows listed.
    ///
    /// - parameter progress: called before each file with (files done, files in all).
    /// - throws: ``AggregationError/output(path:reason:)`` when the manifest cannot be read;
    ///   a file that does not match is reported in the ``Report``, not thrown.
    public static func verify(_ directory: URL, progress: ((Int, Int) -> Void)? = nil) throws -> Report {
        // OUT's top-level links lead into `current`, but not to `.state.json`: read the listed
        // files from the generation itself when given OUT.
        let current = directory.appendingPathComponent("current")
        let directory = FileManager.default.fileExists(atPath: current.appendingPathComponent("manifest.json").path) ? current : directory
        let manifest = try ExportManifest.read(from: directory)
        var report = Report(filesChecked: 0, bytesChecked: 0, firstMismatch: nil, mismatches: [], unlisted: [])
        for (n, file) in manifest.files.enumerated() {
            progress?(n, manifest.files.count)
            if let problem = check(file, in: directory) {
                report.mismatches.append((file.path, problem))
                if report.firstMismatch == nil { report.firstMismatch = (file.path, problem) }
            }
            report.filesChecked += 1
            report.bytesChecked += file.bytes
        }
        let listed = Set(manifest.files.map(\.path))
        let export = directory.appendingPathComponent("export").resolvingSymlinksInPath()
        if let walker = FileManager.default.enumerator(atPath: export.path) {
            for case let relative as String in walker {
                let path = "export/" + relative
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: export.appendingPathComponent(relative).path, isDirectory: &isDirectory)
                if !isDirectory.boolValue && !listed.contains(path) { report.unlisted.append(path) }
            }
        }
        report.unlisted.sort()
        return report
    }

    static func check(_ file: ManifestFile, in directory: URL) -> String? {
        let url = directory.appendingPathComponent(file.path)
        guard let data = try? Data(contentsOf: url, options: .alwaysMapped) else { return "missing or unreadable" }
        if data.count != file.bytes { return "\(data.count) bytes, the manifest says \(file.bytes)" }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        if digest != file.sha256 { return "SHA-256 \(digest.prefix(16))…, the manifest says \(file.sha256.prefix(16))… (the file was changed)" }
        if let rows = file.rows, file.path.hasSuffix(".gz") {
            do {
                let counted = try countRows(data, csv: file.format == "csv")
                if counted != rows { return "\(counted) row\(counted == 1 ? "" : "s"), the manifest says \(rows)" }
            } catch {
                return "\(error)"
            }
        }
        return nil
    }

    /// Rows of a gzip NDJSON file (lines) or CSV file (records after the header; a quoted cell
    /// may hold a line break).
    static func countRows(_ data: Data, csv: Bool) throws -> Int {
        var lines = 0
        var quoted = false
        var last: UInt8 = 0x0A
        try data.withUnsafeBytes { raw in
            try GzipReader.forEachPiece(of: raw) { piece in
                for b in piece {
                    if csv && b == 0x22 { quoted.toggle() }
                    if b == 0x0A && !quoted { lines += 1 }
                    last = b
                }
            }
        }
        if last != 0x0A { lines += 1 }
        return csv ? max(0, lines - 1) : lines
    }
}
