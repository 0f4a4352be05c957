import CLibdeflate
import CZlib
import Foundation

/// gzip (RFC 1952) members through libdeflate (the system library): the export's files are
/// sequences of gzip *members*, one per block of households, which every gzip reader (`zcat`,
/// Python's `gzip`, R, DuckDB) reads as one stream. Blocks let a later run replace one
/// household's rows by re-compressing only its block.
///
/// libdeflate compresses a whole buffer at once, which is what a block is. On the export's
/// files (BENCHMARKS.md, "Aggregation"): NDJSON at level 7 in 14% less time than zlib's 7 and
/// 1.4% smaller; CSV at level 6 in 41% less time than zlib's 6 and 1% larger (the CSV files
/// are now written at level 2: ``ShardWorker/level(_:)``). Reading stays with zlib
/// (``GzipReader``), which streams.
final class GzipCompressor {
    private let compressor: OpaquePointer
    /// The member is built here and handed out from here (one buffer, reused from block to
    /// block, and shared by every file a worker writes at this level).
    private var scratch: [UInt8] = []

    /// - parameter level: libdeflate's level, 1 (fastest) to 12 (smallest); 6 is its default.
    /// - throws: ``AggregationError/compression(_:)`` when libdeflate cannot be set up (out of
    ///   memory, a level out of range).
    init(level: Int32 = 6) throws {
        guard let c = libdeflate_alloc_compressor(level) else {
            throw AggregationError.compression("libdeflate_alloc_compressor(\(level)) failed")
        }
        compressor = c
    }

    deinit { libdeflate_free_compressor(compressor) }

    /// Compresses `input` into one complete gzip member and calls `body` with its bytes (valid
    /// only during the call: the next compression reuses them).
    func withMember<T>(_ input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let bound = libdeflate_gzip_compress_bound(compressor, input.count)
        if scratch.count < bound { scratch = [UInt8](repeating: 0, count: bound) }
        return try scratch.withUnsafeMutableBytes { out in
            let produced = libdeflate_gzip_compress(compressor, input.baseAddress, input.count, out.baseAddress, out.count)
            guard produced > 0 else { throw AggregationError.compression("libdeflate_gzip_compress found no room for \(input.count) bytes") }
            return try body(UnsafeRawBufferPointer(rebasing: out[0..<produced]))
        }
    }
}

/// Reads gzip data (one or more members) back into its bytes, piece by piece.
enum GzipReader {
    /// Calls `body` with consecutive pieces of the uncompressed bytes of every member of `data`.
    ///
    /// - throws: ``AggregationError/compression(_:)`` for data that is not gzip, or is cut short.
    static func forEachPiece(of data: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var stream = z_stream()
        // 15 + 32: gzip or zlib header, detected.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw AggregationError.compression("inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: 1 << 18)
        var offset = 0
        while offset < data.count {
            stream.next_in = UnsafeMutablePointer(mutating: (data.baseAddress! + offset).assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(data.count - offset)
            var ended = false
            while !ended {
                let (status, produced): (Int32, Int) = out.withUnsafeMutableBytes { o in
                    stream.next_out = o.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(o.count)
                    let s = inflate(&stream, Z_NO_FLUSH)
                    return (s, o.count - Int(stream.avail_out))
                }
                if produced > 0 { try out.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
                switch status {
                case Z_STREAM_END: ended = true
                case Z_OK: if stream.avail_in == 0 && produced == 0 { throw AggregationError.compression("the gzip data is cut short") }
                case Z_BUF_ERROR: if stream.avail_in == 0 { throw AggregationError.compression("the gzip data is cut short") }
                default: throw AggregationError.compression("not valid gzip data (zlib status \(status))")
                }
            }
            offset = data.count - Int(stream.avail_in)
            inflateReset(&stream)
        }
    }

    /// The whole uncompressed content.
    static func decompress(_ data: UnsafeRawBufferPointer) throws -> [UInt8] {
        var all: [UInt8] = []
        try forEachPiece(of: data) { all.append(contentsOf: $0) }
        return all
    }
}
