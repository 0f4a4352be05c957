import XCTest
@testable import Aggregation

/// Messages found wanting when the aggregator was tried from outside (2026-11-30).
final class ErrorMessageTests: XCTestCase {
    /// A full disk said "cannot write P: cannot write P: No space left on device".
    func testAFailedWriteNamesItsFileOnce() {
        let path = "/out/runs/000001.partial/dictionary/dictionary.csv"
        XCTAssertEqual(AggregationError.write(path: path, reason: "cannot write \(path): No space left on device").description,
                       "cannot write \(path): No space left on device")
        XCTAssertEqual(AggregationError.write(path: path, reason: "No space left on device").description,
                       "cannot write \(path): No space left on device")
    }

    /// A --out that could not be made, or a --dir without a store, named its path twice
    /// ("P: cannot create the output directory P: Not a directory").
    func testAnOutputOrStoreErrorNamesItsPathOnce() {
        let path = "/tmp/a-file/out"
        XCTAssertEqual(AggregationError.output(path: path, reason: "cannot create the output directory \(path): Not a directory").description,
                       "cannot create the output directory \(path): Not a directory")
        XCTAssertEqual(AggregationError.output(path: path, reason: "it is locked by another run").description,
                       "\(path): it is locked by another run")
    }

    /// A version answering a schema the run was not given said "... (looked in )".
    func testAnUnknownSchemaDoesNotListAnEmptySearch() {
        let hash = "sha256:78941b67"
        XCTAssertEqual(AggregationError.schemaNotGiven(hashes: [hash], searched: []).description,
                       "stored responses answer questionnaire schema \(hash), not among the schemas given")
        XCTAssertTrue(AggregationError.schemaNotGiven(hashes: [hash], searched: ["s/schemas"]).description
            .hasSuffix("not among the schemas given (looked in s/schemas)"))
    }
}
