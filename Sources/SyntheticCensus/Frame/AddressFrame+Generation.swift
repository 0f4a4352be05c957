import AddressFrame
import DurableFiles
import Foundation
import UnfinishedOutput

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AddressFrame {
    /// Writes a synthetic frame (`census frame generate`): its CSV to `csvURL` and, unless
    /// `frameURL` is nil, its households into a **new** frame file at `frameURL`.
    ///
    /// Streaming: households are generated, written to the CSV and inserted `batchSize` at a
    /// time (one transaction per batch), so memory stays bounded whatever the number of
    /// households. Nothing is published half-written: the CSV goes to a temporary file that
    /// is renamed to `csvURL` when complete, and the frame is built as in
    /// ``importCSV(at:intoFrameAt:)`` (a temporary file, linked into place when complete, never
    /// over an existing frame). On failure or interruption the temporary files are removed.
    ///
    /// The generated households are valid by construction, so they are not checked row by row
    /// as an imported file is (a test checks that importing the CSV gives the same frame).
    @discardableResult
    public static func generate(_ generator: FrameGenerator, csvAt csvURL: URL, intoNewFrameAt frameURL: URL?,
                                batchSize: Int = 10_000) throws -> FrameImportSummary {
        let dir = csvURL.deletingLastPathComponent()
        guard let frameURL else {
            try FileSystemError.createDirectory(dir, what: "the output directory")
            return try writeCSV(generator, to: csvURL, batchSize: batchSize, insert: nil)
        }
        return try buildNew(at: frameURL) { frame in
            try writeCSV(generator, to: csvURL, batchSize: batchSize) { try frame.insert($0) }
        }
    }

    /// Streams the generator's CSV to a temporary file beside `csvURL`, hands each batch of
    /// households to `insert`, and renames the file into place when all went well.
    private static func writeCSV(_ generator: FrameGenerator, to csvURL: URL, batchSize: Int,
                                 insert: (([Household]) throws -> Void)?) throws -> FrameImportSummary {
        // What a killed run left (`.frame.csv.tmp-…`, locked by no live process) goes first.
        TemporaryFile.removeStale(beside: csvURL, tag: "tmp")
        let locked = try TemporaryFile(beside: csvURL, tag: "tmp")
        let tmp = URL(fileURLWithPath: locked.path)
        let fd = locked.fd
        defer { Interruption.unregister(tmp.path) }
        var published = false
        defer { if !published { unlink(tmp.path) } }
        var closed = false
        defer { if !closed { Glibc.close(fd) } }

        var batch: [Household] = []
        batch.reserveCapacity(batchSize)
        var text = CSV.line(Household.csvHeader)
        var count = 0
        var authorities = Set<String>()
        func flush() throws {
            try DurableFile.writeAll(Array(text.utf8), to: fd, path: csvURL.path)
            text.removeAll(keepingCapacity: true)
            try insert?(batch)
            batch.removeAll(keepingCapacity: true)
        }
        try generator.forEach { h in
            text += CSV.line(h.csvFields)
            batch.append(h)
            count += 1
            authorities.insert(h.localAuthority)
            if batch.count >= batchSize { try flush() }
        }
        try flush()
        closed = true
        guard Glibc.close(fd) == 0 else { throw DurableFile.posixError("cannot write \(csvURL.path)") }
        guard rename(tmp.path, csvURL.path) == 0 else { throw DurableFile.posixError("cannot write \(csvURL.path)") }
        published = true
        return FrameImportSummary(households: count, localAuthorities: authorities.count)
    }
}
