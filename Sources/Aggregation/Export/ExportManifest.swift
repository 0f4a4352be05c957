import Crypto
import DurableFiles
import Foundation

/// `manifest.json` of an aggregation's output: every file with its rows, bytes and SHA-256,
/// the schemas, the watermarks and the run's parameters. `census verify-export OUT` checks the
/// files against it (``ExportVerifier``).
public struct ExportManifest: Codable, Sendable {
    public static let formatName = "census-export"

    public struct Run: Codable, Sendable {
        public var number: Int
        /// `full` or `incremental`.
        public var kind: String
        /// Why a full run was made (first run, changed form, `--full`, …).
        public var reason: String?
        public var startedAt: Date
        public var finishedAt: Date
        public var previousRun: Int?
    }

    public struct Store: Codable, Sendable {
        public var storeID: String
        public var shardCount: Int
        public var shardFunction: String
    }

    public struct SchemaEntry: Codable, Sendable {
        public var hash: String
        public var id: String
        public var version: String
    }

    public struct TableEntry: Codable, Sendable {
        public var name: String
        public var unit: String
        public var rows: Int
        public var columns: [String]
    }

    public var format = ExportManifest.formatName
    public var formatVersion = 1
    public var run: Run
    /// The run's parameters, as given (paths, time zone, protection, …).
    public var parameters: [String: String]
    public var store: Store
    public var schemas: [SchemaEntry]
    /// Per shard: the highest version number the outputs include.
    public var watermarks: [Int64]
    public var tables: [TableEntry]
    public var files: [ManifestFile]

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
    /// `export`, `dictionary`, `progress`, `tables`, `report`.
    public var kind: String
    public var table: String?
    /// `ndjson`, `csv`, `html`, `txt`.
    public var format: String
    public var shard: Int?
    public var part: Int?
    /// Data rows (CSV: without the header line), for data files.
    public var rows: Int?
    public var bytes: Int
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
        public var filesChecked: Int
        public var bytesChecked: Int
        /// The first file that does not match, and how; nil when everything matches.
        public var firstMismatch: (path: String, problem: String)?
        /// Every file that does not match.
        public var mismatches: [(path: String, problem: String)]
        /// Files under `export/` that the manifest does not list.
        public var unlisted: [String]
        public var isIntact: Bool { mismatches.isEmpty && unlisted.isEmpty }
    }

    /// Verifies every file of `directory` listed in its manifest: present, its size, its
    /// SHA-256, and for gzip data files, that it decompresses to the number of rows listed.
    public static func verify(_ directory: URL, progress: ((Int, Int) -> Void)? = nil) throws -> Report {
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
                if counted != rows { return "\(counted) rows, the manifest says \(rows)" }
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
