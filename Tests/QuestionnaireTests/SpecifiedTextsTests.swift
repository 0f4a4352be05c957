import XCTest
@testable import Questionnaire

/// ``ResponseReader/specifiedTexts(question:instance:)``: the "please specify" texts the
/// aggregator exports (`_detail` columns) are the same whether the fast reader read the response
/// (which keeps them as it goes) or the general path did (which takes them from the tree).
final class SpecifiedTextsTests: XCTestCase {
    static let evaluator = try! Evaluator(schema: MiniCensus.schema)
    let country = MiniCensus.schema.questions.firstIndex { $0.id == "country_of_birth" }!

    func household(secondName: String) -> [UInt8] {
        var o = MiniCensus.couple()
        o["residents"] = [
            MiniCensus.person("Ann", "1980-05-01", isYou: true, extra: ["country_of_birth": ["value": "elsewhere", "detail": "  Peru "]]),
            MiniCensus.person(secondName, "1979-02-11", extra: ["country_of_birth": "elsewhere"]),
        ]
        return JSONWriter().bytes(.object(o))
    }

    func testTheSameTextsFromTheFastReaderAndFromTheTree() {
        let reader = ResponseReader(evaluator: Self.evaluator)
        XCTAssertTrue(reader.read(bytes: household(secondName: "Bob")))
        XCTAssertFalse(reader.run.specifiedTexts.isEmpty, "a clean response is read by the fast reader")
        XCTAssertEqual(reader.specifiedTexts(question: country, instance: 0), ["  Peru "], "exactly as written")
        XCTAssertEqual(reader.specifiedTexts(question: country, instance: 1), [], "an option chosen without its text")

        // An escaped quote in a name sends the response to the general path.
        XCTAssertTrue(reader.read(bytes: household(secondName: "B\"ob")))
        XCTAssertTrue(reader.run.specifiedTexts.isEmpty, "the general path read it")
        XCTAssertEqual(reader.specifiedTexts(question: country, instance: 0), ["  Peru "])
        XCTAssertEqual(reader.specifiedTexts(question: country, instance: 1), [])
    }

    func testNoTextsLeftFromTheResponseBefore() {
        let reader = ResponseReader(evaluator: Self.evaluator)
        XCTAssertTrue(reader.read(bytes: household(secondName: "Bob")))
        var o = MiniCensus.couple()
        o["residents"] = [MiniCensus.person("Ann", "1980-05-01", isYou: true, extra: ["country_of_birth": "elsewhere"])]
        o["household_relationships"] = []
        XCTAssertTrue(reader.read(bytes: JSONWriter().bytes(.object(o))))
        XCTAssertEqual(reader.specifiedTexts(question: country, instance: 0), [])
    }
}
