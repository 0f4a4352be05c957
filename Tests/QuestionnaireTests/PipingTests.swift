import XCTest
@testable import Questionnaire
import QuestionnaireLanguage

/// Piping a value that is not known (not answered, skipped, refused): a member's name reads
/// "person N", as before; any other value reads "…", never another value's fallback.
final class PipingTests: XCTestCase {
    static let source = """
        questionnaire t {
          version "1"
          title "T" cy "T"
          languages en, cy
          census_date 2021-03-21
          roster people "People" cy "Pobl" {
            question first_name: text "First name" cy "Enw cyntaf"
            question last_name: text "Last name" cy "Cyfenw"
            let name = join(first_name, last_name)
          }
          section work "Work" cy "Gwaith" for people {
            question works: yes_no "Does {name} work?" cy "Ydy {name} yn gweithio?"
            question pay: integer 0...5000 when works == yes "Pay" cy "Cyflog"
            let yearly = pay * 52
            warning unpaid when works == yes and pay is not answered
              "{first_name} earns {pay}, {yearly} a year" cy "Mae {first_name} yn ennill {pay}, {yearly} y flwyddyn"
            warning named when works == no "{name} ({first_name}) does not work" cy "Nid yw {name} yn gweithio"
          }
        }
        """

    func messages(_ people: [JSONValue], language: String = "en") throws -> [String] {
        let schema = try XCTUnwrap(Compiler.compile(SourceFile(name: "t.census", text: Self.source)).schema)
        let ev = try Evaluator(schema: schema)
        let response: JSONValue = ["schema": ["id": "t", "hash": .string(schema.hash)], "channel": "online", "people": .array(people)]
        return ev.evaluate(response, options: EvaluationOptions(language: language)).findings.map(\.message)
    }

    // The reported case: "{first_name} earns {pay}" with no pay gave "Ann earns person 1" (in
    // Welsh too), and derived values the same.
    func testAnUnknownValueIsNotCalledByTheMembersPosition() throws {
        XCTAssertEqual(try messages([["first_name": "Ann", "works": "yes"]]), ["Ann earns …, … a year"])
        XCTAssertEqual(try messages([["first_name": "Ann", "works": "yes"]], language: "cy"), ["Mae Ann yn ennill …, … y flwyddyn"])
        // Refused (outside its range): the same.
        XCTAssertEqual(try messages([["first_name": "Ann", "works": "yes", "pay": 9000]]).last, "Ann earns …, … a year")
    }

    func testAMembersNameStillReadsPersonN() throws {
        // No name at all: the name and each part of it read "person 2".
        XCTAssertEqual(try messages([["first_name": "Ann", "works": "no"], ["works": "no"]]),
                       ["Ann (Ann) does not work", "person 2 (person 2) does not work"])
        XCTAssertEqual(try messages([["first_name": "Ann", "works": "yes"], ["works": "yes"]]), ["Ann earns …, … a year", "person 2 earns …, … a year"])
        XCTAssertEqual(try messages([["last_name": "Jones", "works": "no"]], language: "cy"), ["Nid yw Jones yn gweithio"])
    }

    func testWhichValuesNameAMember() throws {
        let schema = try XCTUnwrap(Compiler.compile(SourceFile(name: "t.census", text: Self.source)).schema)
        let ev = try Evaluator(schema: schema)
        let names = zip(schema.questions.map(\.id), ev.plan.qNamesMember).filter(\.1).map(\.0)
        XCTAssertEqual(names, ["first_name", "last_name"])
        XCTAssertEqual(zip(schema.derived.map(\.id), ev.plan.dNamesMember).filter(\.1).map(\.0), ["name"])
        // The census form: the residents' and the visitors' names.
        let census = CensusFormTests.evaluator
        XCTAssertEqual(zip(census.schema.derived.map(\.id), census.plan.dNamesMember).filter(\.1).map(\.0), ["name", "visitor_name"])
        XCTAssertEqual(zip(census.schema.questions.map(\.id), census.plan.qNamesMember).filter(\.1).map(\.0),
                       ["first_name", "middle_names", "last_name", "visitor_first_name", "visitor_last_name"])
    }

    /// Pipes read by bytes (``Run/render(_:scope:instance:container:)``): text in any script
    /// and emoji around and inside pipes and switches come out whole, `{{`/`}}` stay braces.
    func testPipesAmongMultiByteText() throws {
        XCTAssertEqual(try messages([["first_name": "Siân", "last_name": "Ŵyn 👩‍👩‍👧", "works": "no"]], language: "cy"),
                       ["Nid yw Siân Ŵyn 👩‍👩‍👧 yn gweithio"])
        XCTAssertEqual(try messages([["first_name": "Zoë", "last_name": "{Nuñez}", "works": "no"]]),
                       ["Zoë {Nuñez} (Zoë) does not work"])
    }
}

