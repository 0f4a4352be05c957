import CensusTestSupport
import Foundation
import SyntheticCensus
import Synchronization
import XCTest
@testable import AddressFrame

/// Individual access codes: one letter per code, a table of their own (a household's sign-in
/// never opens one), the same person for the same name, names checked.
final class IndividualCodeTests: XCTestCase {
    func testAnIndividualCodeOpensThePersonAndNeverTheHousehold() throws {
        let dir = try makeTempDirectory(self)
        let frame = try AddressFrame.open(at: dir.appendingPathComponent(AddressFrame.fileName), create: true)
        defer { try? frame.close() }
        let homes = FrameGenerator(households: 3, seed: 2).generate()
        try frame.insertGenerated(homes)
        let hasher = AccessCodeHasher(secret: .development)
        let household = homes[1].householdID
        let letters = dir.appendingPathComponent("letters/individual-1.csv")
        let edith = try frame.issueIndividualCode(householdID: household, firstName: " Edith ", lastName: "Rees",
                                                  requestedBy: .household, hasher: hasher, lettersFile: letters)
        XCTAssertEqual(edith.person, "i1")
        XCTAssertEqual(edith.firstName, "Edith")
        let text = try String(contentsOf: letters, encoding: .utf8)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasPrefix("household_id,person,letter,access_code,first_name,last_name"))
        let code = String(lines[1].split(separator: ",")[3])
        XCTAssertEqual(try frame.lookupIndividual(code: code, hasher: hasher), edith)
        XCTAssertThrowsError(try frame.lookup(code: code, hasher: hasher)) { XCTAssertEqual($0 as? CodeLookupError, .notFound) }

        // The same name (any case, any spacing) is the same person, with a second code.
        let again = try frame.issueIndividualCode(householdID: household, firstName: "EDITH", lastName: " rees",
                                                  requestedBy: .staff, hasher: hasher, lettersFile: dir.appendingPathComponent("letters/individual-2.csv"))
        XCTAssertEqual(again.person, "i1")
        let rhys = try frame.issueIndividualCode(householdID: household, firstName: "Rhys", lastName: "Rees",
                                                 requestedBy: .staff, hasher: hasher, lettersFile: dir.appendingPathComponent("letters/individual-3.csv"))
        XCTAssertEqual(rhys.person, "i2")
        XCTAssertEqual(try frame.individuals(of: household).map(\.person), ["i1", "i2"])
        XCTAssertEqual(try frame.individuals(of: household).first?.requestedBy, .household)
        XCTAssertEqual(try frame.individuals(of: homes[0].householdID), [])
        XCTAssertThrowsError(try frame.lookupIndividual(code: "bcdf-ghjk-lmnp-qrst", hasher: hasher))

        // Refused, with nothing issued: an empty or overlong name, an unknown household, a taken file name.
        XCTAssertThrowsError(try frame.issueIndividualCode(householdID: household, firstName: "  ", lastName: "Rees", requestedBy: .staff,
                                                           hasher: hasher, lettersFile: dir.appendingPathComponent("letters/x.csv"))) {
            XCTAssertEqual($0 as? IndividualCodeError, .invalidName(field: "first name", reason: "is empty"))
        }
        XCTAssertThrowsError(try frame.issueIndividualCode(householdID: household, firstName: "A", lastName: String(repeating: "b", count: 101),
                                                           requestedBy: .staff, hasher: hasher, lettersFile: dir.appendingPathComponent("letters/y.csv")))
        XCTAssertThrowsError(try frame.issueIndividualCode(householdID: "H404", firstName: "A", lastName: "B", requestedBy: .staff,
                                                           hasher: hasher, lettersFile: dir.appendingPathComponent("letters/z.csv"))) {
            XCTAssertEqual("\($0)", "\(FrameError.unknownHousehold("H404"))")
        }
        XCTAssertThrowsError(try frame.issueIndividualCode(householdID: household, firstName: "A", lastName: "B", requestedBy: .staff,
                                                           hasher: hasher, lettersFile: letters))
        XCTAssertEqual(try frame.individuals(of: household).count, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("letters/x.csv").path))
    }

    /// individuals(of:) is kept in memory between requests, and still answers what the frame
    /// says now: after a code issued through this frame, and after one issued through another
    /// connection to the same file (another process, another server node).
    func testTheIndividualsKeptInMemoryFollowTheFrame() throws {
        let dir = try makeTempDirectory(self)
        let url = dir.appendingPathComponent(AddressFrame.fileName)
        let frame = try AddressFrame.open(at: url, create: true)
        defer { try? frame.close() }
        let homes = FrameGenerator(households: 3, seed: 2).generate()
        try frame.insertGenerated(homes)
        let hasher = AccessCodeHasher(secret: .development)
        let household = homes[0].householdID
        XCTAssertEqual(try frame.individuals(of: household), [])
        XCTAssertEqual(try frame.individuals(of: household), [], "asked again: kept")
        _ = try frame.issueIndividualCode(householdID: household, firstName: "Edith", lastName: "Rees", requestedBy: .household,
                                          hasher: hasher, lettersFile: dir.appendingPathComponent("letters/1.csv"))
        XCTAssertEqual(try frame.individuals(of: household).map(\.firstName), ["Edith"], "this frame's own issue")

        let other = try AddressFrame.open(at: url)
        _ = try other.issueIndividualCode(householdID: household, firstName: "Rhys", lastName: "Rees", requestedBy: .staff,
                                          hasher: hasher, lettersFile: dir.appendingPathComponent("letters/2.csv"))
        try other.close()
        XCTAssertEqual(try frame.individuals(of: household).map(\.firstName), ["Edith", "Rhys"], "another connection's issue")
        XCTAssertEqual(try frame.individuals(of: homes[1].householdID), [])
    }

    /// The frame reads through several connections (its pool's readers), each numbering its own
    /// `data_version`: whichever connection answers, what another connection committed is seen.
    func testTheIndividualsKeptFollowTheFrameThroughEveryReader() throws {
        let dir = try makeTempDirectory(self)
        let url = dir.appendingPathComponent(AddressFrame.fileName)
        let writer = try AddressFrame.open(at: url, create: true)
        defer { try? writer.close() }
        let homes = FrameGenerator(households: 3, seed: 3).generate()
        try writer.insertGenerated(homes)
        let household = homes[0].householdID
        // As the collection server reads it: read-only, through a pool of readers.
        let frame = try AddressFrame.open(at: url, readOnly: true)
        defer { try? frame.close() }
        // Concurrent asks open several readers, and keep the answer.
        func askConcurrently() -> Set<[String]> {
            let answers = Mutex<Set<[String]>>([])
            DispatchQueue.concurrentPerform(iterations: 16) { _ in
                let names = (try? frame.individuals(of: household).map(\.firstName)) ?? ["failed"]
                answers.withLock { _ = $0.insert(names) }
            }
            return answers.withLock { $0 }
        }
        XCTAssertEqual(askConcurrently(), [[]])
        _ = try writer.issueIndividualCode(householdID: household, firstName: "Rhys", lastName: "Rees", requestedBy: .staff,
                                           hasher: AccessCodeHasher(secret: .development), lettersFile: dir.appendingPathComponent("letters/1.csv"))
        XCTAssertEqual(askConcurrently(), [["Rhys"]], "another connection's issue, through every reader")
    }

    /// The cache's rule, connection by connection: a connection seen for the first time, or whose
    /// number moved, forgets what was kept; a read that raced with a forget is not kept.
    func testTheIndividualsCacheFollowsEachConnectionsDataVersion() {
        let cache = IndividualsCache()
        let first = NSObject(), second = NSObject()
        let a = ObjectIdentifier(first), b = ObjectIdentifier(second)
        let person = IndividualRespondent(householdID: "H1", person: "i1", firstName: "Edith", lastName: "Rees", requestedBy: .household)
        var (people, generation) = cache.lookup("H1", connection: a, dataVersion: 1)
        XCTAssertNil(people)
        cache.keep([person], for: "H1", generation: generation)
        XCTAssertEqual(cache.lookup("H1", connection: a, dataVersion: 1).people, [person], "kept")
        (people, generation) = cache.lookup("H1", connection: b, dataVersion: 7)
        XCTAssertNil(people, "a connection seen for the first time forgets")
        cache.keep([], for: "H1", generation: generation)
        XCTAssertEqual(cache.lookup("H1", connection: b, dataVersion: 7).people, [])
        XCTAssertEqual(cache.lookup("H1", connection: a, dataVersion: 1).people, [], "a's number has not moved")
        (people, generation) = cache.lookup("H1", connection: a, dataVersion: 2)
        XCTAssertNil(people, "a's number moved: another connection committed")
        cache.forget()
        cache.keep([person], for: "H1", generation: generation)
        XCTAssertNil(cache.lookup("H1", connection: a, dataVersion: 2).people, "read before a forget: not kept")
        withExtendedLifetime((first, second)) {}
    }
}
