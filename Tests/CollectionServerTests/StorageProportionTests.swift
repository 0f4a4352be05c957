import AddressFrame
import CollectionServer
import Foundation
import GRDB
import HummingbirdTesting
import Questionnaire
import ResponseStore
import XCTest

/// What a completed household costs in the store, against the size of the response it
/// submitted: page saves must stay proportional (deltas, not the whole response again).
///
/// Figures are printed (`swift test --filter StorageProportionTests`) and recorded in
/// docs/storage.md; the test fails when the goal (within 2x) is missed.
final class StorageProportionTests: XCTestCase {
    struct Figures {
        var households = 0
        var pages = 0
        var submittedBytes = 0
        var pageSaveBodyBytes = 0
        var storedBytes = 0
        var fileBytes = 0
    }

    func testACompletedHouseholdStoresLessThanTwiceItsResponse() async throws {
        let fixture = try ServerFixture(households: 40, configure: { _ in })
        defer { fixture.remove() }
        var targets: [JSONValue] = []
        for (residents, count) in [(1, 4), (2, 5), (3, 5), (4, 3), (5, 1), (6, 1)] {
            targets += try JourneyTests.households(fixture.schema, residents: residents, count: count, seed: 21)
        }
        let emptyBytes = try Self.shardBytes(fixture.directory)
        let households = targets
        let pagesVisited = try await fixture.withServer { client, _ in
            var pages = 0
            for (k, target) in households.enumerated() {
                var browser = Browser(client)
                let first = try await browser.signIn(fixture.codes[k].code)
                var driver = JourneyDriver(schema: fixture.schema, target: target, browser: browser)
                _ = try await driver.run(from: first)
                pages += driver.visited.count
            }
            return pages
        }
        var figures = Figures(households: targets.count, pages: pagesVisited)
        try Self.measureRows(fixture.directory, into: &figures)
        figures.fileBytes = try Self.shardBytes(fixture.directory) - emptyBytes
        let perHousehold = Double(figures.storedBytes) / Double(figures.households)
        let response = Double(figures.submittedBytes) / Double(figures.households)
        let ratio = Double(figures.storedBytes) / Double(figures.submittedBytes)
        let fileRatio = Double(figures.fileBytes) / Double(figures.submittedBytes)
        print("""
            storage per completed household (\(figures.households) households, \(figures.pages) pages, \
            \(String(format: "%.1f", Double(figures.pages) / Double(figures.households))) pages each):
              submitted response        \(Int(response)) bytes
              page saves (bodies)       \(figures.pageSaveBodyBytes / figures.households) bytes
              stored rows (both tables) \(Int(perHousehold)) bytes = \(String(format: "%.2f", ratio))x the response
              shard files (checkpointed) \(figures.fileBytes / figures.households) bytes = \(String(format: "%.2f", fileRatio))x
            """)
        XCTAssertLessThan(ratio, 2.0, "stored rows per household within 2x of the submitted response")
    }

    /// Logical bytes: each row as SQLite stores it (the record's values and a header).
    static func measureRows(_ directory: URL, into figures: inout Figures) throws {
            let manifest = try StoreManifest.read(from: directory)
            for file in manifest.shardFiles {
                let db = try DatabaseQueue(path: directory.appendingPathComponent(file).path)
                try db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
                try db.read { db in
                    figures.submittedBytes += try Int.fetchOne(db, sql: "SELECT coalesce(sum(length(body)), 0) FROM response_version") ?? 0
                    figures.pageSaveBodyBytes += try Int.fetchOne(db, sql: "SELECT coalesce(sum(length(body)), 0) FROM page_save") ?? 0
                    // The payload of every row of both tables: what the shard holds for them,
                    // before B-tree page slack.
                    figures.storedBytes += try Int.fetchOne(db, sql: """
                        SELECT coalesce(sum(length(household_id) + length(kind) + length(channel) + 8 + length(schema_hash)
                               + length(idempotency_key) + 8 + length(body) + 12), 0) FROM response_version
                        """) ?? 0
                    figures.storedBytes += try Int.fetchOne(db, sql: """
                        SELECT coalesce(sum(length(household_id) + length(body) + 14), 0) FROM page_save
                        """) ?? 0
                }
                try db.close()
            }
}

    static func shardBytes(_ directory: URL) throws -> Int {
        let shards = directory.appendingPathComponent("shards")
        return try FileManager.default.contentsOfDirectory(atPath: shards.path).reduce(0) { sum, name in
            let attributes = try FileManager.default.attributesOfItem(atPath: shards.appendingPathComponent(name).path)
            return sum + ((attributes[.size] as? Int) ?? 0)
        }
    }
}
