import Foundation
import XCTest
@testable import Questionnaire

/// The evaluator's own messages are one catalog (``EvaluatorMessage``): every message is
/// documented with its placeholders, and its built-in wordings pipe only those.
final class EvaluatorMessagesTests: XCTestCase {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs")

    func testEveryMessageIsDocumentedWithItsPlaceholders() throws {
        let language = try String(contentsOf: Self.docs.appendingPathComponent("language.md"), encoding: .utf8)
        let table = try XCTUnwrap(language.components(separatedBy: "| message | when | pipes |").dropFirst().first?.components(separatedBy: "\n\n").first)
        for message in EvaluatorMessage.allCases {
            let row = try XCTUnwrap(table.split(separator: "\n").first { $0.hasPrefix("|") && $0.split(separator: "|").first?.contains("`\(message.rawValue)`") == true },
                                    "\(message.rawValue) is not in language.md's table of messages")
            for placeholder in message.placeholders {
                XCTAssertTrue(row.contains("`{\(placeholder)}`"), "\(message.rawValue): {\(placeholder)} is not documented")
            }
        }
        // And every one a finding can carry is a code of response-format.md's findings.
        let findings = try String(contentsOf: Self.docs.appendingPathComponent("response-format.md"), encoding: .utf8)
        for message in EvaluatorMessage.allCases {
            guard let code = message.findingCode else { continue }
            XCTAssertTrue(findings.contains("`\(code)`"), "\(code) is not in response-format.md")
        }
    }

    func testBuiltInWordingsPipeOnlyTheirPlaceholders() {
        for message in EvaluatorMessage.allCases {
            XCTAssertEqual(message.unknownPlaceholders(in: message.english), [], message.rawValue)
            XCTAssertEqual(message.unknownPlaceholders(in: message.welsh), [], message.rawValue)
            for placeholder in message.placeholders {
                XCTAssertTrue(message.english.contains("{\(placeholder)}"), "\(message.rawValue) (en) does not pipe {\(placeholder)}")
                XCTAssertTrue(message.welsh.contains("{\(placeholder)}"), "\(message.rawValue) (cy) does not pipe {\(placeholder)}")
            }
        }
    }

    func testFillingATemplate() {
        XCTAssertEqual(EvaluatorMessage.outOfRange.fill("{value} not in {low}..{high} {{x}} {other}", ["7", "1", "5"]), "7 not in 1..5 {x} {other}")
        XCTAssertEqual(EvaluatorMessage.outOfRange.unknownPlaceholders(in: "{value} {{x}} {other} {"), ["other", ""])
        XCTAssertEqual(Messages.text("required", "gd", ["Q?"]), "This question needs an answer: Q?", "a language with no wording reads English")
        XCTAssertEqual(Messages.text("required", "gd", ["Q?"], form: ["gd": ["required": "Feumar: {question}"]]), "Feumar: Q?")
        XCTAssertEqual(Messages.text("required", "cy", ["C?"]), "Mae angen ateb i'r cwestiwn hwn: C?")
    }
}
