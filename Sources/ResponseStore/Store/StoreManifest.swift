import DurableFiles
import Crypto
import Foundation

/// The manifest of a response store: `manifest.json` at the root of the store
/// directory.
///
/// The manifest is the single source of truth every tool reads before it
/// touches a shard: how many shards there are, which file holds which shard,
/// the function that maps a household to a shard, and the hashes of the
/// shard schema and of the questionnaire schemas the store accepts.
///
/// ```json
/// {
///   "format": "census-response-store",
///   "formatVersion": 1,
///   "storeID": "7C0D…",
///   "shardCount": 8,
///   "shardFunction": "fnv1a64-utf8-mod-v1",
///   "shardFiles": ["shards/shard-000.sqlite", …],
///   "shardSchemaVersion": "v1-response-versions",
///   "shardSchemaHash": "sha256:…",
///   "questionnaireSchemas": ["sha256:…"]
/// }
/// ```
///
/// The manifest is written once by ``ResponseStore/create(at:shardCount:questionnaireSchemas:options:)``
/// and replaced atomically (write, fsync, rename) when it changes.
public struct StoreManifest: Codable, Sendable, Equatable {
    /// The file name of the manifest inside the store directory.
    public static let fileName = "manifest.json"
    /// The expected value of ``format``.
    public static let formatName = "census-response-store"

    /// Always ``formatName`` (`census-response-store`): a manifest of anything else is refused.
    public var format: String
    /// The manifest layout's version, 1; a store with another version is refused, not guessed at.
    public var formatVersion: Int
    /// A random identifier, also written into every shard, so that a shard
    /// file copied from another store is detected.
    public var storeID: String
    /// When the store was created (`store init`), as ISO 8601 in the file.
    public var createdAt: Date
    /// The number of shards. Never changes after creation.
    public var shardCount: Int
    /// The name of the shard function, see ``ShardFunction/name``.
    public var shardFunction: String
    /// A human-readable definition of the shard function.
    public var shardFunctionDefinition: String
    /// Shard file paths, relative to the store directory, by shard index.
    public var shardFiles: [String]
    /// The last shard migration applied to every shard.
    public var shardSchemaVersion: String
    /// The hash of the shard migrations up to ``shardSchemaVersion``.
    public var shardSchemaHash: String
    /// Hashes of the questionnaire schemas accepted in submissions. Empty
    /// means any schema hash is accepted.
    public var questionnaireSchemas: [String]
    /// The durability the store's shards were created with, for the record, e.g.
    /// `"WAL, synchronous=FULL: every commit is fsynced before its receipt"`. It was checked on
    /// each shard's writer connection when the store was created. Writers opened later use
    /// ``StoreOptions/durability`` (default ``Durability/full``), which is checked the same way
    /// (``ResponseStore/durabilityInForce()``). Manifests written before 2026-11-30 say
    /// `"WAL, synchronous=FULL"`, which was not then in force (GRDB reset it to NORMAL; issue
    /// 13): it is now, for every store, whatever its manifest says.
    public var durability: String

    /// The relative path of the shard file with the given index.
    public static func shardFile(_ index: Int) -> String {
        let s = String(index)
        return "shards/shard-" + String(repeating: "0", count: max(0, 3 - s.count)) + s + ".sqlite"
    }

    /// The largest manifest read (4,096 shards take about 150 KB).
    static let maximumSize = 16 << 20

    /// Reads the manifest of the store in `directory`.
    public static func read(from directory: URL) throws -> StoreManifest {
        let url = directory.appendingPathComponent(fileName)
        switch SQLiteFileCheck.inspect(url.path) {
        case .missing: throw StoreError.manifestMissing(path: url.path)
        case .directory: throw StoreError.manifestInvalid(path: url.path, reason: "it is a directory, not a file")
        case .notRegularFile: throw StoreError.manifestInvalid(path: url.path, reason: "it is not a regular file (a device, pipe or socket)")
        case .empty: throw StoreError.manifestInvalid(path: url.path, reason: "it is empty (0 bytes): the file was truncated or replaced")
        case .file: break
        }
        var st = stat()
        if stat(url.path, &st) == 0, st.st_size > maximumSize {
            throw StoreError.manifestInvalid(path: url.path, reason: "it is \(st.st_size) bytes long; a manifest is a few kilobytes (at most \(maximumSize))")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw StoreError.manifestInvalid(path: url.path, reason: "cannot read the file (\(DurableFile.reason(error)))")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest: StoreManifest
        do {
            manifest = try decoder.decode(StoreManifest.self, from: data)
        } catch {
            throw StoreError.manifestInvalid(path: url.path, reason: DurableFile.decodingProblem(error))
        }
        guard manifest.format == formatName, manifest.formatVersion == 1 else {
            throw StoreError.manifestInvalid(path: url.path, reason: "format '\(manifest.format)' version \(manifest.formatVersion) is not '\(formatName)' version 1")
        }
        guard manifest.shardCount > 0, manifest.shardFiles.count == manifest.shardCount else {
            throw StoreError.manifestInvalid(path: url.path, reason: "shardCount \(manifest.shardCount) does not match \(manifest.shardFiles.count) shard files")
        }
        guard manifest.shardFunction == ShardFunction.name else {
            throw StoreError.unsupportedShardFunction(path: url.path, name: manifest.shardFunction)
        }
        return manifest
    }

    /// Writes the manifest atomically: to a temporary file, fsync, rename,
    /// fsync the directory.
    public func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(self)
        try DurableFile.writeAtomically(data, to: directory.appendingPathComponent(StoreManifest.fileName))
    }
}

/// `"sha256:<hex>"` of the given bytes.
func sha256Tag<D: DataProtocol>(_ data: D) -> String {
    "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}
