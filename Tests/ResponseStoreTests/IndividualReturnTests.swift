import CensusTestSupport
import Foundation
import GRDB
import XCTest
@testable import ResponseStore

/// A person's individual returns: stored under their own key in their household's shard,
/// chosen among their own returns only, and never the household's authoritative return.
final class IndividualReturnTests: XCTestCase {
    func testKeysSplitAndShareTheirHouseholdsShard() throws {
        XCTAssertEqual(IndividualReturn.key(household: "H000123", person: "i1"), "H000123/i1")
        XCTAssertEqual(IndividualReturn.split("H000123/i1").household, "H000123")
        XCTAssertEqual(IndividualReturn.split("H000123/i1").person, "i1")
        XCTAssertEqual(IndividualReturn.split("H000123").household, "H000123")
        XCTAssertNil(IndividualReturn.split("H000123").person)
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 8)
        defer { store.close() }
        for n in 0..<200 {
            let id = "H\(n)"
            XCTAssertEqual(store.shard(for: id + "/i1"), store.shard(for: id))
            XCTAssertEqual(store.shard(for: id), ShardFunction.shard(for: id, count: 8), "households keep their shards")
        }
    }

    func testAnIndividualReturnIsChosenAmongThePersonsOwnReturnsAndNeverTheHouseholds() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 2)
        defer { store.close() }
        let household = try await store.submit(submission("H7", kind: .submitted, at: 100, completeness: 0.5))
        // The individual's versions: a more complete unsubmitted save never counts.
        _ = try await store.submit(submission("H7/i1", kind: .partial, at: 300, completeness: 0.9))
        let theirs = try await store.submit(submission("H7/i1", kind: .submitted, at: 200, completeness: 0.8))
        _ = try await store.submit(submission("H7/i2", kind: .partial, at: 300, completeness: 0.9))
        _ = try await store.submit(submission("H70", kind: .submitted, at: 100, completeness: 0.99))

        XCTAssertEqual(try store.authoritativeReturn(for: "H7")?.receiptID, household.receiptID)
        XCTAssertEqual(try store.versions(of: "H7").count, 1)
        let individual = try store.individualVersions(of: "H7")
        XCTAssertEqual(individual.map(\.householdID), ["H7/i1", "H7/i1", "H7/i2"], "not H70")
        let (own, people) = AuthoritativeReturn.separate(try store.versions(of: "H7") + individual, household: "H7")
        XCTAssertEqual(own.map(\.receiptID), [household.receiptID])
        XCTAssertEqual(people["i1"]?.receiptID, theirs.receiptID)
        XCTAssertNil(people["i2"], "only an unsubmitted save: no individual return")
        XCTAssertNil(AuthoritativeReturn.chooseIndividual(from: []))

        try store.withSnapshot(shard: store.shard(for: "H7")) { snapshot in
            XCTAssertEqual(try snapshot.versionsWithIndividuals(of: "H7").count, 4)
            var seen: [String] = []
            try snapshot.forEachHousehold { id, _ in seen.append(id) }
            let at = try XCTUnwrap(seen.firstIndex(of: "H7"))
            XCTAssertEqual(Array(seen[at...].prefix(3)), ["H7", "H7/i1", "H7/i2"], "individuals come straight after their household")
        }
    }

    /// An incremental run asks for the versions of every changed household: each must be found
    /// through the household_id index, not by walking the shard's table in id order.
    func testAHouseholdsVersionsAreFoundThroughTheIndexNotAWalkOfTheShard() async throws {
        let dir = try makeTempDirectory(self)
        let store = try ResponseStore.create(at: dir, shardCount: 1)
        defer { store.close() }
        for n in 0..<20 { _ = try await store.submit(submission("H\(n)", kind: .submitted, at: Double(100 + n), completeness: 0.5)) }
        _ = try await store.submit(submission("H7/i1", kind: .submitted, at: 300, completeness: 0.8))
        try store.withSnapshot(shard: 0) { snapshot in
            let plan = try Row.fetchAll(snapshot.db, sql: "EXPLAIN QUERY PLAN " + ShardSnapshot.versionsWithIndividualsSQL,
                                        arguments: ["H7", "H7/", "H70", snapshot.watermark]).map { $0["detail"] as String }
            XCTAssertFalse(plan.contains { $0.contains("PRIMARY KEY") || $0.hasPrefix("SCAN") }, "\(plan)")
            XCTAssertTrue(plan.contains { $0.contains("INDEX") && $0.contains("household_id") }, "\(plan)")
            XCTAssertEqual(try snapshot.versionsWithIndividuals(of: "H7").map(\.householdID), ["H7", "H7/i1"])
        }
    }
}
