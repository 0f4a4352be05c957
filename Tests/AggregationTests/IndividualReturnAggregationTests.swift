import AddressFrame
import CensusCollection
import CensusTestSupport
import Foundation
import Questionnaire
import ResponseStore
import XCTest
@testable import Aggregation

/// The aggregator reads a person's individual return over what their household said about
/// them (AuthoritativeReturn, rules 5-7): their answers are counted for them, not the household's.
final class IndividualReturnAggregationTests: XCTestCase {
    func testThePersonsOwnAnswersAreCountedNotTheHouseholds() async throws {
        let census = try TestCensus(self, households: 40)
        // A household of two or more whose second person makes a valid return on their own.
        var found: (index: Int, top: [String: JSONValue], person: [String: JSONValue])?
        for i in 0..<census.homes.count {
            guard case .object(let top) = census.generator.household(i).response, let people = top["residents"]?.arrayValue,
                  people.count >= 2, case .object(var person) = people[1], let sex = person["sex"]?.stringValue else { continue }
            person["is_you"] = "yes"
            if person["address_one_year_ago_where"]?.stringValue == "same_as_first" { person["address_one_year_ago_where"] = "here" }
            person["sex"] = .string(sex == "female" ? "male" : "female")
            found = (i, top, person)
            break
        }
        let (index, top, person) = try XCTUnwrap(found)
        let home = census.homes[index]
        let letters = census.directory.appendingPathComponent("letters/individual.csv")
        let issued = try census.frame.issueIndividualCode(
            householdID: home.householdID, firstName: person["first_name"]?.stringValue ?? "", lastName: person["last_name"]?.stringValue ?? "",
            requestedBy: .staff, hasher: AccessCodeHasher(secret: .development), lettersFile: letters)

        // The household answered for everyone, person 2 included.
        let householdOutcome = try await census.send(index, .submitted)
        XCTAssertEqual(householdOutcome.disposition, .submitted)
        // The person's own return, through the one collection path.
        var envelope: [String: JSONValue] = ["schema": top["schema"] ?? .null, "channel": "online", "residents": .array([.object(person)])]
        if let variant = top["variant"] { envelope["variant"] = variant }
        // Their confirmations (as person 1 of their own return) where the household gave them for person 2.
        if case .object(let given)? = top["confirmations"] {
            let theirs = given.filter { $0.value.arrayValue?.contains(.integer(2)) == true }.mapValues { _ in JSONValue.array([.integer(1)]) }
            if !theirs.isEmpty { envelope["confirmations"] = .object(theirs) }
        }
        let body = Data(JSONWriter().bytes(.object(envelope)))
        let outcome = try await census.collector.submit(CollectionRequest(
            householdID: home.householdID, body: body, kind: .submitted, idempotencyKey: "person-1", person: issued.person))
        XCTAssertEqual(outcome.disposition, .submitted, "\(outcome.evaluation.errors.map { "\($0.path) \($0.code)" })")
        XCTAssertFalse(outcome.evaluation.findings.contains { !$0.path.hasPrefix("$.residents[0].") }, "judged on their section only")
        XCTAssertEqual(try census.store.versions(of: home.householdID).count, 1, "not one of the household's versions")
        XCTAssertEqual(try census.store.versions(of: "\(home.householdID)/\(issued.person)").count, 1)
        do {
            _ = try await census.collector.submit(CollectionRequest(householdID: home.householdID, body: body, kind: .submitted,
                                                                    idempotencyKey: "person-9", person: "i9"))
            XCTFail("a person the frame has no code for was accepted")
        } catch {
            guard case .invalidRequest = error else { return XCTFail("\(error)") }
        }

        let out = census.directory.appendingPathComponent("out")
        var options = census.options(out)
        options.unprotected = true
        let summary = try Aggregator.run(options)
        XCTAssertEqual(summary.households, 1, "the individual return is not a household of its own")
        let residents = try rows(out, table: "residents", format: "ndjson").compactMap { try? JSONParser.parse(Array($0.utf8)) }
        XCTAssertEqual(residents.count, top["residents"]?.arrayValue?.count)
        let second = try XCTUnwrap(residents.first { $0["person_number"]?.intValue == 2 })
        XCTAssertEqual(second["sex"], person["sex"], "the person's own answer, not the household's")
        let first = try XCTUnwrap(residents.first { $0["person_number"]?.intValue == 1 })
        XCTAssertEqual(first["sex"], top["residents"]?.arrayValue?[0]["sex"])

        // A later individual return is a change of its household for an incremental run.
        var changed = person
        changed["sex"] = top["residents"]?.arrayValue?[1]["sex"]
        envelope["residents"] = .array([.object(changed)])
        let again = try await census.collector.submit(CollectionRequest(
            householdID: home.householdID, body: Data(JSONWriter().bytes(.object(envelope))), kind: .submitted,
            idempotencyKey: "person-2", receivedAt: Date().addingTimeInterval(60), person: issued.person))
        XCTAssertEqual(again.disposition, .submitted)
        _ = try Aggregator.run(options)
        let now = try rows(out, table: "residents", format: "ndjson").compactMap { try? JSONParser.parse(Array($0.utf8)) }
        XCTAssertEqual(now.count, residents.count)
        XCTAssertEqual(now.first { $0["person_number"]?.intValue == 2 }?["sex"], changed["sex"])
    }
}
