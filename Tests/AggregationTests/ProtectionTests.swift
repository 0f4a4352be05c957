import Crypto
import Foundation
import XCTest
@testable import Aggregation

/// Cell key perturbation: what a published table can and cannot show.
final class ProtectionTests: XCTestCase {
    /// Parsed rows of a published table: area, categories, count ("" when withheld), status.
    func table(_ out: URL, _ id: String) throws -> [[String]] {
        let text = try String(contentsOf: out.appendingPathComponent("tables/\(id).csv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func testPublishedTablesNeverShowACountFromOneToNine() async throws {
        let census = try TestCensus(self, households: 400)
        try await census.collect()
        let out = census.directory.appendingPathComponent("out")
        _ = try Aggregator.run(census.options(out))
        var suppressed = 0, zeros = 0, published = 0
        for id in TableDefinitions.censusDefaults.tables.map(\.id) {
            for row in try table(out, id) {
                let count = row[row.count - 2], status = row[row.count - 1]
                switch status {
                case "suppressed": XCTAssertEqual(count, ""); suppressed += 1
                case "zero": XCTAssertEqual(count, "0"); zeros += 1
                case "perturbed":
                    let n = try XCTUnwrap(Int(count))
                    XCTAssertGreaterThanOrEqual(n, 10, "\(id): \(row)")
                    published += 1
                default: XCTFail("status \(status) in \(id)")
                }
            }
        }
        XCTAssertGreaterThan(suppressed, 0)
        XCTAssertGreaterThan(zeros, 0)
        XCTAssertGreaterThan(published, 20)
        // The report's tables withhold them too.
        let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        for n in 1...9 { XCTAssertFalse(report.contains("<td class=n>\(n)</td></tr></tbody></table>\n<h3>"), "\(n)") }
    }

    func testTheSameCellHasTheSameValueInEveryTable() async throws {
        let census = try TestCensus(self, households: 400)
        try await census.collect()
        let out = census.directory.appendingPathComponent("out")
        _ = try Aggregator.run(census.options(out))
        // `sex` alone, and sex as the margin of age by sex (age = all): the same records.
        let sex = try table(out, "sex")
        let ageBySex = try table(out, "age_by_sex")
        var compared = 0
        for row in sex {
            let (area, code, count) = (row[0], row[1], row[3])
            let margin = try XCTUnwrap(ageBySex.first { $0[0] == area && $0[1] == "all" && $0[3] == code }, "\(area) \(code)")
            XCTAssertEqual(margin[5], count, "\(area) sex=\(code)")
            compared += 1
        }
        XCTAssertGreaterThan(compared, 10)
        // All residents of an area: the total of every person table.
        let country = try table(out, "country_of_birth")
        for row in sex where row[1] == "all" {
            XCTAssertEqual(country.first { $0[0] == row[0] && $0[1] == "all" }?[3], row[3], row[0])
        }
    }

    func testThePerturbationTableKeepsItsPromises() {
        let p = PerturbationTable.standard
        XCTAssertEqual(p.publish(count: 0, keySum: 123), 0, "zeros stay zero")
        for n in 0...1_200 {
            let distribution = p.keysPerNoise(count: n)
            XCTAssertEqual(distribution.values.reduce(0, +), 256)
            var mean = 0.0, variance = 0.0
            for (noise, keys) in distribution {
                XCTAssertLessThanOrEqual(abs(noise), p.maximumNoise)
                if n > 0 { XCTAssertGreaterThanOrEqual(n + noise, 1, "never zero or negative: n=\(n)") }
                // A cell's noise does not reveal its key: every noise value that occurs is given by
                // at least `minimumKeysPerNoise` keys.
                if n > 0 { XCTAssertGreaterThanOrEqual(keys, p.minimumKeysPerNoise, "n=\(n) noise=\(noise)") }
                mean += Double(noise * keys) / 256
                variance += Double(noise * noise * keys) / 256
            }
            if n > p.maximumNoise {
                XCTAssertEqual(mean, 0, accuracy: 1e-12, "unbiased: n=\(n)")
                XCTAssertEqual(variance, p.variance, accuracy: 0.35, "variance: n=\(n)")
            }
        }
        // The noise is not a monotone function of the key (keys of one noise are spread).
        let row = (0..<256).map { p.noise(count: 50, key: $0) }
        XCTAssertNotEqual(row, row.sorted())
        XCTAssertNotEqual(row, row.sorted(by: >))
        // The same count and key: the same value, wherever the cell appears.
        XCTAssertEqual(p.publish(count: 57, keySum: 1000), p.publish(count: 57, keySum: 1000 + 256 * 3))
        for n in 1..<p.threshold { XCTAssertNil(p.publish(count: n, keySum: 0).flatMap { $0 < p.threshold ? $0 : nil }) }
    }

    func testRecordKeysAreUniformAndFixed() {
        let keys = RecordKeys(storeID: "store-a")
        var counts = [Int](repeating: 0, count: 256)
        for i in 0..<25_600 { counts[keys.household("H\(i)")] += 1 }
        // Chi-square with 255 degrees of freedom: 99.9% below about 330.
        let chi = counts.reduce(0.0) { $0 + pow(Double($1) - 100, 2) / 100 }
        XCTAssertLessThan(chi, 330)
        XCTAssertEqual(keys.household("H1"), RecordKeys(storeID: "store-a").household("H1"))
        XCTAssertEqual(keys.members("H1", roster: "residents", count: 40).count, 40)
        XCTAssertEqual(Array(keys.members("H1", roster: "residents", count: 40).prefix(3)), keys.members("H1", roster: "residents", count: 3))
    }

    /// The keys are bytes of HMAC-SHA256 (Crypto's, over the message's UTF-8 bytes) with the
    /// key the store id makes: exactly, for the household, the members of the first block and
    /// those past 31 (the next block, `/1`); any change to how they are made changes every
    /// export's `record_key`.
    func testRecordKeysAreBytesOfHMACSHA256() {
        let key = SymmetricKey(data: Array("census-record-keys-v1:store-b".utf8))
        func mac(_ message: String) -> [Int] {
            Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key)).map(Int.init)
        }
        let keys = RecordKeys(storeID: "store-b")
        for id in ["H1", "HH-000042", "Ménage-7", ""] {
            XCTAssertEqual(keys.household(id), mac(id)[0], id)
            XCTAssertEqual(keys.members(id, roster: "residents", count: 40), mac(id + "/residents") + mac(id + "/residents/1").prefix(8), id)
            XCTAssertEqual(keys.members(id, roster: "visitors", count: 2), Array(mac(id + "/visitors").prefix(2)), id)
        }
        XCTAssertEqual(keys.members("H1", roster: "residents", count: 0), [])
    }

    func testATableTheFormCannotHaveFailsClearly() async throws {
        let census = try TestCensus(self, households: 10)
        var options = census.options(census.directory.appendingPathComponent("out"))
        options.tables = TableDefinitions(tables: [TableDefinition(id: "t", title: "T", unit: "residents", dimensions: [TableDimension(variable: "shoe_size")])])
        XCTAssertThrowsError(try Aggregator.run(options)) { error in
            XCTAssertEqual("\(error)", "table t: the form has no variable 'shoe_size' in residents or the household questions; give tables that fit the form with --tables FILE")
        }
        options.tables = TableDefinitions(tables: [TableDefinition(id: "t", title: "T", unit: "residents", dimensions: [TableDimension(variable: "age")])])
        XCTAssertThrowsError(try Aggregator.run(options)) { error in
            XCTAssertTrue("\(error)".contains("'age' is a number: give its bands"), "\(error)")
        }
        options.tables = TableDefinitions(tables: [TableDefinition(id: "t", title: "T", unit: "pets", dimensions: [TableDimension(variable: "sex")])])
        XCTAssertThrowsError(try Aggregator.run(options)) { error in
            XCTAssertTrue("\(error)".contains("unit 'pets' is neither households nor a roster of the form (rosters: residents, visitors)"), "\(error)")
        }
    }
}
