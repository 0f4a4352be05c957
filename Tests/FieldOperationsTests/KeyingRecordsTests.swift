import CensusTestSupport
import FieldOperations
import Foundation
import XCTest

/// The double keying records: the setting, a batch from first keying to settlement, and
/// keyers' tallies counted once per settled form.
final class KeyingRecordsTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = try makeTempDirectory(self, name)
    }

    func testASampleChoosesTheSameHouseholdsEveryTimeAndAboutItsShare() {
        let ids = (0..<10_000).map { String(format: "H%08d", $0) }
        let chosen = ids.filter { DoubleKeyingSetting.sample(percent: 10).applies(to: $0) }
        XCTAssertEqual(Double(chosen.count), 1000, accuracy: 150)
        XCTAssertEqual(chosen, ids.filter { DoubleKeyingSetting.sample(percent: 10).applies(to: $0) })
        XCTAssertFalse(DoubleKeyingSetting.off.applies(to: "H1"))
        XCTAssertTrue(DoubleKeyingSetting.all.applies(to: "H1"))
    }

    func testABatchGoesFromFirstKeyingToSettlementOnce() throws {
        let records = try KeyingRecords.open(at: directory.appendingPathComponent(KeyingRecords.fileName))
        defer { records.close() }
        XCTAssertEqual(try records.setting(), .off)
        try records.set(.sample(percent: 25), by: "sue")
        XCTAssertEqual(try records.setting(), .sample(percent: 25))
        let batch = try records.holdFirstKeying(household: "H1", keyer: "ann", body: Data("{}".utf8))
        XCTAssertEqual(try records.openBatch(household: "H1")?.state, .secondKeying)
        XCTAssertNil(try records.recordSecondKeying(batch: batch.id, keyer: "ann", body: Data("{}".utf8)), "not by the first keyer")
        XCTAssertEqual(try records.recordSecondKeying(batch: batch.id, keyer: "bob", body: Data("{}".utf8))?.state, .settling)
        XCTAssertNil(try records.recordSecondKeying(batch: batch.id, keyer: "cat", body: Data("{}".utf8)), "keyed twice already")
        XCTAssertEqual(try records.batchesToSettle().map(\.id), [batch.id])
        XCTAssertTrue(try records.recordSettlement(batch: batch.id, by: "sue", receipt: "R1", fieldsCompared: 40, errors: ["ann": 0, "bob": 2], differences: 2))
        XCTAssertFalse(try records.recordSettlement(batch: batch.id, by: "sue", receipt: "R1", fieldsCompared: 40, errors: ["ann": 0, "bob": 2], differences: 2))
        XCTAssertNil(try records.openBatch(household: "H1"))
        let tallies = try records.tallies()
        XCTAssertEqual(tallies.map(\.keyer), ["ann", "bob"])
        XCTAssertEqual(tallies[1].errorRate, 0.05, accuracy: 1e-9)
        XCTAssertEqual(tallies[0].forms, 1)
    }
}
