import Foundation
import XCTest
@testable import Questionnaire
@testable import SyntheticCensus
import QuestionnaireLanguage

/// `census generate` on forms other than the census household form: every household it writes
/// must validate clean, or the generator must say which check it could not satisfy.
final class AnyFormGeneratorTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func evaluator(source: String, name: String = "t.census") throws -> Evaluator {
        let result = Compiler.compile(SourceFile(name: name, text: source))
        guard let schema = result.schema else {
            XCTFail("\(name) does not compile: \(result.diagnostics)")
            throw CocoaError(.fileReadCorruptFile)
        }
        return try Evaluator(schema: schema)
    }

    static func evaluator(file: String) throws -> Evaluator {
        let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
        return try evaluator(source: text, name: file)
    }

    static let files = [
        "questionnaires/example.census", "questionnaires/communal-establishment.census",
        "Tests/QuestionnaireLanguageTests/Forms/coverage-survey.census",
        "Tests/QuestionnaireLanguageTests/Forms/scotland-household.census",
    ]

    /// A small form the census model knows little about: its own names (surname, forename,
    /// date_of_birth), a number of residents that must equal the roster's size, checks comparing
    /// two answers, a date range relative to census day, an exclusive option, and an estimate of
    /// age asked only when the date of birth is not answered.
    static let handWritten = """
        questionnaire hard {
          version "1"
          title "Hard"
          languages en
          census_date 2021-03-21

          section household "Household" {
            question usual_residents: integer 1...20 required "How many people usually live here?"
            question rooms: integer 1...30 required "How many rooms?"
            question bedrooms: integer 0...20 required "How many bedrooms?"
            error bedrooms_rooms when bedrooms > rooms "More bedrooms than rooms"
            question moved_in: date census_date - 80y ... census_date required "When did you move in?"
            question heating: any_of {
                gas "Gas"
                oil "Oil"
                none "None" exclusive
              } required "Heating"
            roster people "People" min 1 max 12 {
              question surname: text max 20 required "Surname"
              question forename: text max 20 required "Forename"
              question date_of_birth: date census_date - 110y ... census_date "Date of birth"
              question age_estimate: integer 0...120 when date_of_birth is not answered "Age"
              error too_old when age_estimate > 100 "Too old"
              question started_school: date census_date - 100y ... census_date when date_of_birth is answered "School"
              error school_before_birth when started_school < date_of_birth "School before birth"
              question hours: integer 0...100 "Hours"
              question overtime: integer 0...50 when hours is answered "Overtime"
              error overtime_hours when overtime > hours "Overtime more than hours"
              confirm long_week when hours > 60 on hours "Over 60 hours: is this right?"
            }
            error residents_match when count(people) != usual_residents "Number of residents must match the list"
            error moved_in_after when moved_in < census_date - 50y "Moved in too long ago"
          }
        }
        """

    /// A number of people that must equal the roster's size but cannot be 1 or 2: the roster
    /// must grow and the number follow it (two changes at once).
    static let sized = """
        questionnaire sized {
          version "1"
          title "Sized"
          languages en
          census_date 2021-03-21
          section household "Household" {
            question people_here: integer 3...20 required "How many people live here?"
            roster people "People" min 1 max 6 {
              question name: text max 30 required "Name"
            }
            error size when count(people) != people_here "The number must match the list"
          }
        }
        """

    /// Three changes at once: the roster (with relationships) grown to 3, the number set to 3,
    /// and an answer compared with that number brought down to it.
    static let chained = """
        questionnaire chained {
          version "1"
          title "Chained"
          languages en
          census_date 2021-03-21
          section household "Household" {
            question rooms: integer 3...30 "Rooms"
            question people_here: integer 3...36 required "How many people live here?"
            error rooms_people when rooms > people_here "More rooms than people"
            roster people "People" min 1 max 3 {
              question name: text max 30 required "Name"
            }
            error size when count(people) != people_here "The number must match the list"
          }
          relationships rel for people when count(people) >= 2 {
            question relation: one_of {
                partner "Partner"
                other "Other"
              } required "Relation"
          }
        }
        """

    /// Households `0..<n` that the evaluator does not find valid, with their problems.
    func invalid(_ generator: HouseholdGenerator, _ n: Int) -> [String] {
        (0..<n).compactMap { i in
            let h = generator.household(i)
            let evaluation = generator.evaluator.evaluate(h.response)
            if evaluation.isValid && h.unsatisfied.isEmpty { return nil }
            return "household \(i): \(evaluation.findings.filter { $0.severity == .error || $0.severity == .confirm })"
        }
    }

    func testEveryFormsHouseholdsValidate() throws {
        for file in Self.files {
            let generator = HouseholdGenerator(evaluator: try Self.evaluator(file: file), seed: 9)
            XCTAssertEqual(invalid(generator, 150), [], file)
        }
        for source in [Self.handWritten, Self.sized, Self.chained] {
            let generator = HouseholdGenerator(evaluator: try Self.evaluator(source: source), seed: 9)
            XCTAssertEqual(invalid(generator, 300), [], generator.evaluator.schema.id)
        }
    }

    /// Without the repair these forms give invalid households (so the test above tests it).
    func testWithoutRepairTheFormsGiveInvalidHouseholds() throws {
        var failing: [String] = []
        for source in [Self.handWritten, Self.sized, Self.chained] + (try Self.files.map { try String(contentsOf: Self.root.appendingPathComponent($0), encoding: .utf8) }) {
            let generator = HouseholdGenerator(evaluator: try Self.evaluator(source: source), seed: 9)
            generator.repairs = false
            if !invalid(generator, 150).isEmpty { failing.append(generator.evaluator.schema.id) }
        }
        XCTAssertEqual(failing, ["hard", "sized", "chained", "example"])
    }

    /// The form's own names for questions the model knows get the model's answers.
    func testSynonymsGetModelledAnswers() throws {
        let generator = HouseholdGenerator(evaluator: try Self.evaluator(source: Self.handWritten), seed: 4)
        var surnames = Set<String>()
        for i in 0..<50 {
            for member in generator.household(i).response["people"]?.arrayValue ?? [] {
                if let s = member["surname"]?.stringValue { surnames.insert(s) }
            }
        }
        XCTAssertTrue(surnames.isSubset(of: Set(Composition.lastNames)), "\(surnames)")
        XCTAssertGreaterThan(surnames.count, 5)
    }

    func testRepairedGenerationIsDeterministic() throws {
        let ev = try Self.evaluator(source: Self.handWritten)
        let writer = JSONWriter()
        let a = HouseholdGenerator(evaluator: ev, seed: 21), b = HouseholdGenerator(evaluator: ev, seed: 21)
        let c = HouseholdGenerator(evaluator: ev, seed: 22)
        let first = (0..<60).map { writer.bytes(a.household($0).response) }
        XCTAssertEqual(first, (0..<60).map { writer.bytes(b.household($0).response) })
        XCTAssertNotEqual(first, (0..<60).map { writer.bytes(c.household($0).response) })
        // Any household can be made alone.
        XCTAssertEqual(writer.bytes(b.household(37).response), first[37])
    }

    func testAnImpossibleCheckIsReported() throws {
        let source = """
            questionnaire impossible {
              version "1"
              title "Impossible"
              languages en
              census_date 2021-03-21
              section household "Household" {
                question rooms: integer 1...30 required "How many rooms?"
                error too_few_rooms when rooms < 40 "At least 40 rooms"
                question floors: integer 1...5 "Floors"
              }
            }
            """
        let generator = HouseholdGenerator(evaluator: try Self.evaluator(source: source), seed: 1)
        for i in 0..<5 {
            let h = generator.household(i)
            XCTAssertEqual(h.unsatisfied.map(\.code), ["check.too_few_rooms"])
            XCTAssertEqual(h.unsatisfied.first?.path, "$.rooms")
        }
    }

    /// Branches that need two answers changed at once (age_estimate asked only when
    /// date_of_birth is not answered, and a check on it) are reached.
    func testRouteCoverageChangesTwoAnswersAtOnce() throws {
        for source in [Self.handWritten, try String(contentsOf: Self.root.appendingPathComponent(Self.files[2]), encoding: .utf8)] {
            let ev = try Self.evaluator(source: source)
            let report = RouteCoverage(generator: HouseholdGenerator(evaluator: ev, seed: 1)).cover()
            XCTAssertEqual(report.unreached, [], ev.schema.id)
        }
    }
}
