import Crypto
import DurableFiles
import Foundation
import UnfinishedOutput

/// One gzip file of the export, as the run's state and the manifest describe it.
public struct ExportFile: Codable, Sendable, Equatable {
    /// Relative to the output generation (`export/residents/shard-003.part-0001.csv.gz`).
    public var path: String
    /// The table whose rows the file holds (`households`, `residents`).
    public var table: String
    /// `ndjson` or `csv`.
    public var format: String
    /// The store shard whose households' rows the file holds.
    public var shard: Int
    /// The file's number within its shard and table: 1 from a full run; each incremental run
    /// adds the next part with the changed households' new rows (their old rows leave the part
    /// that held them).
    public var part: Int
    /// Data rows (CSV: not counting the header line).
    public var rows: Int
    /// Compressed size in bytes.
    public var bytes: Int
    /// Hex SHA-256 of the file's bytes.
    public var sha256: String
    /// The gzip members, in file order (kept in the run's state, not in the manifest).
    var blocks: [ExportBlock]

    enum CodingKeys: String, CodingKey { case path, table, format, shard, part, rows, bytes, sha256, blocks }
}

/// One gzip member of an export file: the rows of consecutive households (by id), or the CSV
/// header (empty household range).
struct ExportBlock: Codable, Sendable, Equatable {
    var first: String
    var last: String
    var offset: Int
    var length: Int
    var rows: Int
}

/// Writes one export file as blocks, each a gzip member of whole households' rows, fsynced
/// and renamed into place by ``finish()``. Until then the file has a temporary name beside the
/// final one (`.NAME.writing`), so a run cut short leaves nothing that looks complete.
final class BlockFileWriter {
    let relativePath: String
    let finalPath: String
    let temporaryPath: String
    let table: String
    let format: String
    let shard: Int
    let part: Int
    private let blockSize: Int
    private let fd: Int32
    /// Shared by the files a worker writes at one level: one member is compressed at a time.
    private let compressor: GzipCompressor
    private var hasher = SHA256()
    /// The current block's rows, uncompressed (up to `blockSize` and one household more).
    private let raw: UncompressedBytes
    private var blockFirst = "", blockLast = "", blockRows = 0
    private var blocks: [ExportBlock] = []
    private var offset = 0
    private var rows = 0

    /// Creates the file `generation/relativePath` (its directory must exist).
    ///
    /// - parameter header: a first block with no household (the CSV header line).
    /// - parameter compressor: makes the file's gzip members (``GzipCompressor``; it may serve
    ///   other files of the same thread).
    init(generation: URL, relativePath: String, table: String, format: String, shard: Int, part: Int,
         header: [UInt8]?, blockSize: Int, compressor: GzipCompressor) throws {
        self.relativePath = relativePath
        finalPath = generation.appendingPathComponent(relativePath).path
        let name = (finalPath as NSString).lastPathComponent
        temporaryPath = ((finalPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent(".\(name).writing")
        self.table = table
        self.format = format
        self.shard = shard
        self.part = part
        self.blockSize = blockSize
        self.compressor = compressor
        raw = UncompressedBytes(capacity: blockSize + (1 << 16))
        Interruption.register(temporaryPath)
        fd = open(temporaryPath, O_CREAT | O_TRUNC | O_WRONLY, 0o644)
        guard fd >= 0 else {
            Interruption.unregister(temporaryPath)
            throw AggregationError.write(path: temporaryPath, reason: String(cString: strerror(errno)))
        }
        if let header {
            raw.append(header)
            try flushBlock(rows: 0)
        }
    }

    deinit {
        if fd >= 0 { close(fd) }
        unlink(temporaryPath)
        Interruption.unregister(temporaryPath)
    }

    /// Whether any row has been added yet.
    var hasRows: Bool { rows > 0 || blockRows > 0 }

    /// Adds one household's rows (`bytes` holds `count` rows). Households must come in
    /// increasing id order.
    func append(household: String, rows bytes: [UInt8], count: Int) throws {
        if count == 0 { return }
        if blockRows == 0 { blockFirst = household }
        blockLast = household
        raw.append(bytes)
        blockRows += count
        if raw.count >= blockSize { try flushBlock(rows: blockRows) }
    }

    /// The current block's uncompressed bytes, for an encoder to append one household's rows to
    /// in place (``RowEncoder/lend(json:csv:)``); ``appended(household:rows:)`` must follow
    /// before anything else is done with the file.
    var block: UncompressedBytes { raw }

    /// Counts the `count` rows of one household that were appended to ``block`` (households in
    /// increasing id order, as ``append(household:rows:count:)``).
    func appended(household: String, rows count: Int) throws {
        if count == 0 { return }
        if blockRows == 0 { blockFirst = household }
        blockLast = household
        blockRows += count
        if raw.count >= blockSize { try flushBlock(rows: blockRows) }
    }

    /// Adds a block that is already compressed (kept from an earlier file).
    func appendCompressed(_ member: UnsafeRawBufferPointer, block: ExportBlock) throws {
        if blockRows > 0 { try flushBlock(rows: blockRows) }
        try put(member)
        blocks.append(ExportBlock(first: block.first, last: block.last, offset: offset, length: member.count, rows: block.rows))
        offset += member.count
        rows += block.rows
    }

    private func flushBlock(rows count: Int) throws {
        guard !raw.isEmpty else { return }
        // Each member goes to the file as it is made: no copy of the file's compressed bytes is
        // kept (memory stays the same however many households a file holds).
        let length = try compressor.withMember(raw.bytes) { member in
            try put(member)
            return member.count
        }
        blocks.append(ExportBlock(first: count == 0 ? "" : blockFirst, last: count == 0 ? "" : blockLast,
                                  offset: offset, length: length, rows: count))
        offset += length
        rows += count
        raw.removeAll()
        blockRows = 0
    }

    /// Hashes and writes compressed bytes.
    private func put(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bufferPointer: bytes)
        do { try DurableFile.writeAll(bytes, to: fd, path: temporaryPath) } catch {
            throw AggregationError.write(path: finalPath, reason: DurableFile.reason(error))
        }
    }

    /// Writes what is left, fsyncs, and puts the file under its final name.
    func finish() throws -> ExportFile {
        if blockRows > 0 || !raw.isEmpty { try flushBlock(rows: blockRows) }
        guard fsync(fd) == 0 else { throw AggregationError.write(path: finalPath, reason: String(cString: strerror(errno))) }
        unlink(finalPath)  // a hard link to the previous run's file, replaced
        guard rename(temporaryPath, finalPath) == 0 else {
            throw AggregationError.write(path: finalPath, reason: String(cString: strerror(errno)))
        }
        Interruption.unregister(temporaryPath)
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return ExportFile(path: relativePath, table: table, format: format, shard: shard, part: part,
                          rows: rows, bytes: offset, sha256: digest, blocks: blocks)
    }
}
