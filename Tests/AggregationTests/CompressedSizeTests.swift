import Foundation
import XCTest
@testable import Aggregation

/// Issue 12's size rule: the export's NDJSON, as written (gzip members of whole households'
/// rows, ``ShardWorker/level(_:)``), is no larger than `gzip -6` of the same NDJSON as one
/// stream. The level is the cheapest that keeps it (BENCHMARKS.md, "Aggregation": at 1,000,000
/// households libdeflate's level 7 is 3.4% smaller than `gzip -6`, its level 6 3.3% larger), so
/// a cheaper level, or blocks that lose too much, fail here.
final class CompressedSizeTests: XCTestCase {
    func testTheNDJSONIsNoLargerThanGzip6OfTheSameNDJSON() async throws {
        let census = try TestCensus(self)
        try await census.collect()
        let out = census.directory.appendingPathComponent("out")
        var options = census.options(out)
        options.blockSize = AggregationOptions(store: census.directory, output: out).blockSize  // the default, as shipped
        _ = try Aggregator.run(options)

        // File by file: at this size (a few kilobytes a file) one stream over all of them would
        // gain from the files' likeness, which a million households' files do not need.
        var written = 0, gzip6 = 0, raw = 0
        for table in ["households", "residents", "household_relationships", "visitors"] {
            let dir = out.appendingPathComponent("export/\(table)")
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name.hasSuffix(".ndjson.gz") {
                let data = try Data(contentsOf: dir.appendingPathComponent(name))
                let rows = Data(try data.withUnsafeBytes { try GzipReader.decompress($0) })
                written += data.count
                raw += rows.count
                gzip6 += try gzipSize(rows, level: 6)
            }
        }
        XCTAssertGreaterThan(raw, 100_000, "too little NDJSON to compare")
        XCTAssertLessThanOrEqual(written, gzip6, "NDJSON as written \(written) bytes, gzip -6 of the same \(gzip6)")
    }

    /// The size of `data` through the `gzip` command at `level` (one stream).
    private func gzipSize(_ data: Data, level: Int) throws -> Int {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-size-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("rows.ndjson")
        try data.write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -\(level) < \"$1\" > \"$1.gz\"", "sh", input.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "gzip failed")
        return try Data(contentsOf: dir.appendingPathComponent("rows.ndjson.gz")).count
    }
}
