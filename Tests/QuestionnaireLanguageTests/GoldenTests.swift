import Foundation
import Questionnaire
import XCTest

@testable import QuestionnaireLanguage

/// The compiled JSON of the real forms is committed under Golden/; any change to the compiler
/// or the forms that changes a schema shows up here as a byte difference.
///
/// To accept a deliberate change, regenerate the files and review the diff:
///
///     UPDATE_GOLDEN=1 swift test --filter GoldenTests
final class GoldenTests: XCTestCase {
    static let forms = ["census-household", "example"]

    var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    func goldenURL(_ form: String) -> URL {
        Support.repositoryRoot.appendingPathComponent("Tests/QuestionnaireLanguageTests/Golden/\(form).schema.json")
    }

    func compileForm(_ form: String, file: StaticString = #filePath, line: UInt = #line) throws -> (Compiler.Result, Schema) {
        let result = Compiler.compile(try Support.questionnaire(form), loadFile: Support.formFiles)
        XCTAssertEqual(result.diagnostics, [], "questionnaires/\(form).census should compile cleanly:\n\(result.render())", file: file, line: line)
        let schema = try XCTUnwrap(result.schema, "no schema for \(form)", file: file, line: line)
        return (result, schema)
    }

    func testRealFormsHaveNoDiagnostics() throws {
        for form in Self.forms {
            let (result, _) = try compileForm(form)
            XCTAssertTrue(result.diagnostics.isEmpty)
            XCTAssertFalse(result.hasErrors)
        }
    }

    func testCompiledOutputMatchesGolden() throws {
        for form in Self.forms {
            let (_, schema) = try compileForm(form)
            let actual = schema.canonicalBytes()
            let url = goldenURL(form)
            if updating {
                try Data(actual).write(to: url)
                continue
            }
            guard let expected = try? Data(contentsOf: url) else {
                XCTFail("missing golden file \(url.path); create it with: UPDATE_GOLDEN=1 swift test --filter GoldenTests")
                continue
            }
            if Array(expected) != actual {
                let golden = Array(expected)
                let common = min(golden.count, actual.count)
                let firstDifference = (0..<common).first { golden[$0] != actual[$0] } ?? common
                let expectedText = String(decoding: expected, as: UTF8.self)
                let lineNumber = expectedText.utf8.prefix(firstDifference).filter { $0 == UInt8(ascii: "\n") }.count + 1
                XCTFail(
                    """
                    compiled \(form) differs from \(url.lastPathComponent) (first difference at byte \(firstDifference), \
                    line \(lineNumber); golden \(expected.count) bytes, compiled \(actual.count) bytes).
                    If the change is intended, regenerate the golden files and review the diff:
                        UPDATE_GOLDEN=1 swift test --filter GoldenTests
                    """)
            }
        }
    }

    func testGoldenFilesAreValidSchemasWithTheirHash() throws {
        guard !updating else { return }
        for form in Self.forms {
            let bytes = try Data(contentsOf: goldenURL(form))
            let schema = try Schema(jsonBytes: Array(bytes))
            XCTAssertEqual(schema.hash, schema.computedHash)
            XCTAssertTrue(schema.hash.hasPrefix("sha256:"))
            XCTAssertEqual(schema.hash.count, "sha256:".count + 64)
        }
    }

    func testSchemaRoundTrips() throws {
        for form in Self.forms {
            let (_, schema) = try compileForm(form)
            let bytes = schema.canonicalBytes()
            let read = try Schema(jsonBytes: bytes)
            XCTAssertEqual(read, schema, "\(form) does not round-trip")
            XCTAssertEqual(read.canonicalBytes(), bytes)
            XCTAssertEqual(read.hash, schema.hash)
        }
    }

    func testTamperedSchemaIsRejectedWithHashMismatch() throws {
        let (_, schema) = try compileForm("census-household")
        let text = String(decoding: schema.canonicalBytes(), as: UTF8.self)
        // One label changed, nothing else: still well-formed JSON and a well-formed schema.
        let original = "\"Do you usually live at {household_address}?\""
        XCTAssertEqual(text.components(separatedBy: original).count, 2, "the label should occur exactly once")
        let tampered = text.replacingOccurrences(of: original, with: "\"Do you usually live at this house?\"")
        XCTAssertNotEqual(tampered, text)
        XCTAssertThrowsError(try Schema(jsonBytes: Array(tampered.utf8))) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("does not match its content"), message)
            XCTAssertTrue(message.contains(schema.hash), "the message names the recorded hash: \(message)")
        }
        // The same edit on the model, resealed, gives a different hash.
        var edited = try Schema(jsonBytes: schema.canonicalBytes())
        let index = try XCTUnwrap(edited.questions.firstIndex { $0.id == "lives_here" })
        edited.questions[index].label["en"] = "Do you usually live at this house?"
        XCTAssertNotEqual(edited.computedHash, schema.hash)
    }

    func testGoldenSummary() throws {
        // A few structural facts, so that a golden regeneration that loses content is noticed.
        let (_, schema) = try compileForm("census-household")
        XCTAssertEqual(schema.id, "census_household")
        XCTAssertEqual(schema.version, "2021.2")
        XCTAssertEqual(schema.variants, ["england", "wales"])
        XCTAssertEqual(schema.languages, ["en", "cy"])
        XCTAssertEqual(schema.censusDate, CalendarDate(year: 2021, month: 3, day: 21))
        XCTAssertGreaterThan(schema.questions.count, 50)
        XCTAssertTrue(schema.questions.contains { $0.id == "relationship" && $0.scope == .pair(roster: "residents") })
        XCTAssertTrue(schema.questions.contains { $0.id == "dob" && $0.scope == .member(roster: "residents") })
        for q in schema.questions {
            XCTAssertEqual(Set(q.label.keys), ["en", "cy"], "question \(q.id) should have both languages")
        }
        let (_, example) = try compileForm("example")
        XCTAssertEqual(example.id, "example")
        XCTAssertTrue(example.choiceLists.contains { $0.id == "yes_no" })
    }
}
