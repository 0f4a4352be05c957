import Foundation
import Questionnaire

/// Takes households' rows out of an export file without re-compressing all of it: blocks
/// that hold none of them are copied as they are (gzip members can be concatenated); only a
/// block that holds one is decompressed, filtered and compressed again.
///
/// This is how an incremental run replaces a household whose authoritative return changed:
/// its old rows leave the file they were in, its new rows go into the run's new part.
enum BlockSplicer {
    /// Copies `file` (read from `source`) into `writer`, leaving out the rows of `households`
    /// (sorted ids). Returns the number of rows left out.
    ///
    /// When the file's first row goes, the row that becomes first is written again listing every
    /// column of `columns` (NDJSON), as a file's first row does (``RowEncoder/explicitNulls``).
    static func copy(_ file: ExportFile, from source: String, removing households: [String],
                     columns: [String], into writer: BlockFileWriter) throws -> Int {
        // Read block by block into one buffer (not mapped: a mapped file's pages would count in
        // the run's memory, up to the whole file).
        let fd = open(source, O_RDONLY)
        guard fd >= 0 else {
            throw AggregationError.state(path: source, reason: "an export file of the previous run cannot be read (\(String(cString: strerror(errno)))); run again with --full")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw AggregationError.state(path: source, reason: "an export file of the previous run cannot be read (\(String(cString: strerror(errno)))); run again with --full")
        }
        let size = Int(info.st_size)
        var buffer: [UInt8] = []
        var removed = 0
        for block in file.blocks {
            guard block.offset + block.length <= size else {
                throw AggregationError.state(path: source, reason: "shorter than its block index says; run again with --full")
            }
            if buffer.count < block.length { buffer = [UInt8](repeating: 0, count: block.length) }
            try buffer.withUnsafeMutableBytes { b in
                var done = 0
                while done < block.length {
                    let n = pread(fd, b.baseAddress! + done, block.length - done, off_t(block.offset + done))
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else {
                        throw AggregationError.state(path: source, reason: "an export file of the previous run cannot be read (\(n < 0 ? String(cString: strerror(errno)) : "it ended early")); run again with --full")
                    }
                    done += n
                }
            }
            try buffer.withUnsafeBytes { b in
                let member = UnsafeRawBufferPointer(rebasing: b[0..<block.length])
                if block.first.isEmpty || !overlaps(households, block.first, block.last) {
                    try writer.appendCompressed(member, block: block)
                    return
                }
                let rows: [UInt8]
                do { rows = try GzipReader.decompress(member) } catch {
                    throw AggregationError.state(path: source, reason: "its block at byte \(block.offset) (\(block.length) bytes) is not the gzip data the previous run's block index says (\(error)): the file or the state changed since; run again with --full")
                }
                for record in RecordSplitter.records(in: rows, csv: file.format == "csv") {
                    let id = RecordSplitter.householdID(of: record, in: rows, csv: file.format == "csv")
                    if contains(households, id) { removed += 1; continue }
                    var bytes = Array(rows[record])
                    if !writer.hasRows && file.format == "ndjson" { bytes = withEveryColumn(bytes, columns) }
                    try writer.append(household: id, rows: bytes, count: 1)
                }
            }
        }
        return removed
    }

    /// An NDJSON row written again with every column, `null` where it has no value.
    static func withEveryColumn(_ line: [UInt8], _ columns: [String]) -> [UInt8] {
        guard case .object(let object)? = try? JSONParser.parse(line.last == 0x0A ? line.dropLast() : line[...]) else { return line }
        var out: [UInt8] = [UInt8(ascii: "{")]
        let writer = JSONWriter()
        for (i, name) in columns.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.append(name, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: writer.bytes(object[name] ?? .null))
        }
        out.append(contentsOf: [UInt8(ascii: "}"), 0x0A])
        return out
    }

    static func overlaps(_ sorted: [String], _ first: String, _ last: String) -> Bool {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < first { lo = mid + 1 } else { hi = mid }
        }
        return lo < sorted.count && sorted[lo] <= last
    }

    static func contains(_ sorted: [String], _ id: String) -> Bool {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < sorted.count && sorted[lo] == id
    }
}

/// Splits the rows of a block: NDJSON lines, or CSV records (a quoted cell may hold a line
/// break), and reads the household id each row begins with.
enum RecordSplitter {
    static func records(in bytes: [UInt8], csv: Bool) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        var quoted = false
        for i in bytes.indices {
            let b = bytes[i]
            if csv && b == 0x22 { quoted.toggle() }
            if b == 0x0A && !quoted {
                out.append(start..<(i + 1))
                start = i + 1
            }
        }
        if start < bytes.count { out.append(start..<bytes.count) }
        return out
    }

    /// NDJSON rows begin `{"household_id":"ID"`; CSV rows begin with the id (after a `'` if it
    /// was neutralised).
    static func householdID(of record: Range<Int>, in bytes: [UInt8], csv: Bool) -> String {
        if csv {
            var i = record.lowerBound
            if i < record.upperBound && bytes[i] == UInt8(ascii: "'") { i += 1 }
            var j = i
            while j < record.upperBound && bytes[j] != UInt8(ascii: ",") && bytes[j] != 0x0A { j += 1 }
            return String(decoding: bytes[i..<j], as: UTF8.self)
        }
        let prefix = Array("{\"household_id\":\"".utf8)
        var i = record.lowerBound + prefix.count
        guard i <= record.upperBound, Array(bytes[record.lowerBound..<min(i, record.upperBound)]) == prefix else { return "" }
        let start = i
        while i < record.upperBound && bytes[i] != 0x22 { i += 1 }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }
}
