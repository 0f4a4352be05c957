import AddressFrame
import CollectionServer
import SyntheticCensus
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Questionnaire
import ResponseStore
import XCTest

/// Whole households through the census form's pages: what they submit is what they meant.
final class JourneyTests: ServerTestCase {
    /// Generated households of the census form (valid, online), by number of residents.
    static func households(_ schema: Schema, residents: Int, count: Int = 1, seed: UInt64 = 11) throws -> [JSONValue] {
        let evaluator = try Evaluator(schema: schema)
        let generator = HouseholdGenerator(evaluator: evaluator, seed: seed)
        var out: [JSONValue] = []
        for i in 0..<5000 where out.count < count {
            let h = generator.household(i).response
            guard h["residents"]?.arrayValue?.count == residents, evaluator.evaluate(h).isValid else { continue }
            out.append(h)
        }
        guard out.count == count else { throw FixtureError("no generated household with \(residents) residents") }
        return out
    }

    func testGeneratedHouseholdsSubmitWhatTheyMeant() async throws {
        let fixture = self.fixture!
        let targets = try Self.households(fixture.schema, residents: 3, count: 2) + Self.households(fixture.schema, residents: 1)
        try await fixture.withServer { client, server in
            for (k, target) in targets.enumerated() {
                var browser = Browser(client)
                let first = try await browser.signIn(fixture.codes[k].code)
                var driver = JourneyDriver(schema: fixture.schema, target: target, browser: browser)
                let done = try await driver.run(from: first)
                XCTAssertEqual(done.status, .ok)
                XCTAssertTrue(done.contains("Census submitted"), done.mainText)
                let receipt = Page.capture(#"<strong>(R\d+-\d+)</strong>"#, in: done.body)
                XCTAssertNotNil(receipt)

                let store = try ResponseStore.openForReading(at: fixture.directory)
                defer { store.close() }
                let versions = try store.versions(of: fixture.codes[k].household, includeBodies: true)
                XCTAssertEqual(versions.count, 1)
                XCTAssertEqual(versions.first?.kind, .submitted)
                XCTAssertEqual(versions.first?.receiptID, receipt)
                let stored = try JSONParser.parse(versions[0].body!)
                let differences = jsonDifferences(answersOnly(stored), answersOnly(asTyped(target, schema: fixture.schema)))
                XCTAssertEqual(differences, [], "household \(k)")
                XCTAssertTrue(try Evaluator(schema: fixture.schema).evaluate(stored).isValid)
                XCTAssertFalse(try store.pageSaves(of: fixture.codes[k].household).isEmpty)
                _ = server
            }
        }
    }
}
