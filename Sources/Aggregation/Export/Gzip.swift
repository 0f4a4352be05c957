import CZlib
import Foundation

/// gzip (RFC 1952) through the system zlib: the export's files are sequences of gzip *members*,
/// one per block of households, which every gzip reader (`zcat`, Python's `gzip`, R, DuckDB)
/// reads as one stream. Blocks let a later run replace one household's rows by re-compressing
/// only its block.
///
/// Level 6 is zlib's and GNU gzip's default: the export is compared with `gzip -6` of the same
/// NDJSON (BENCHMARKS.md).
final class GzipCompressor {
    private var stream = z_stream()
    private var scratch: [UInt8] = []

    /// - throws: ``AggregationError/compression(_:)`` when zlib cannot be set up (out of memory).
    init(level: Int32 = 6) throws {
        // windowBits 15 + 16: a gzip header and trailer; memLevel 8 is zlib's default.
        let status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw AggregationError.compression("deflateInit2 failed (\(status))") }
    }

    deinit { deflateEnd(&stream) }

    /// Compresses `input` into one complete gzip member, appended to `output`.
    func appendMember(_ input: UnsafeRawBufferPointer, to output: inout [UInt8]) throws {
        deflateReset(&stream)
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 64
        if scratch.count < bound { scratch = [UInt8](repeating: 0, count: bound) }
        let produced: Int = try scratch.withUnsafeMutableBytes { out in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(out.count)
            let status = deflate(&stream, Z_FINISH)
            guard status == Z_STREAM_END else { throw AggregationError.compression("deflate failed (\(status))") }
            return out.count - Int(stream.avail_out)
        }
        output.append(contentsOf: scratch[0..<produced])
    }

    func appendMember(_ input: [UInt8], to output: inout [UInt8]) throws {
        try input.withUnsafeBytes { try appendMember($0, to: &output) }
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
