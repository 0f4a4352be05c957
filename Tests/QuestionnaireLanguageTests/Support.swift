import Foundation
import Questionnaire
import XCTest

@testable import QuestionnaireLanguage

/// Helpers shared by the compiler tests.
enum Support {
    /// The repository root, found from this file's path (Tests/QuestionnaireLanguageTests/Support.swift).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: repositoryRoot.appendingPathComponent(relativePath)))
    }

    /// The data files of the forms in questionnaires/ (suggestion lists).
    static let formFiles = Compiler.files(besides: repositoryRoot.appendingPathComponent("questionnaires/form.census").path)

    /// Compiles a whole form, with the data files of the forms in questionnaires/.
    static func compileForm(_ file: SourceFile) -> Compiler.Result { Compiler.compile(file, loadFile: formFiles) }

    static func questionnaire(_ name: String) throws -> SourceFile {
        let path = "questionnaires/\(name).census"
        return SourceFile(name: path, bytes: try read(path))
    }

    /// The lines before a snippet in ``source(_:)``: snippet line 1 is file line `headerLines + 1`.
    static let headerLines = 6

    /// A minimal valid questionnaire around `snippet` (English and Welsh).
    static func source(_ snippet: String) -> String {
        """
        questionnaire t {
          version "1"
          title "T" cy "T"
          languages en, cy
          census_date 2021-03-21

        \(snippet)
        }

        """
    }

    /// Every evaluator message worded in `language`, on one line: for forms in a language the
    /// evaluator has no wording for, whose tests are about something else.
    static func messages(_ language: String) -> String {
        "messages \(language) { " + EvaluatorMessage.allCases.map { "\($0.rawValue) \"\(language) \($0.rawValue)\"" }.joined(separator: " ") + " }"
    }

    static func compile(_ snippet: String) -> Compiler.Result {
        Compiler.compile(SourceFile(name: "t.census", text: source(snippet)))
    }

    /// A diagnostic as the tests compare it: line relative to the snippet, 1-based column.
    struct Found: Equatable, CustomStringConvertible {
        var code: String
        var message: String
        var line: Int
        var column: Int
        var hint: String?

        var description: String { "\(line):\(column) [\(code)] \(message)\(hint.map { " (hint: \($0))" } ?? "")" }
    }

    static func found(_ result: Compiler.Result, lineOffset: Int = headerLines) -> [Found] {
        result.diagnostics.map { d in
            let (line, column) = result.file.location(of: d.span.start)
            return Found(code: d.code, message: d.message, line: line - lineOffset, column: column, hint: d.hint)
        }
    }
}

extension XCTestCase {
    /// Compiles `snippet` inside a minimal questionnaire and checks its first diagnostic: code,
    /// message and position (line within the snippet, column), and the hint when given.
    /// With `only`, it must also be the only diagnostic.
    @discardableResult
    func assertDiagnostic(
        _ snippet: String, code: String, message: String, at position: (line: Int, column: Int),
        hint: String? = nil, noHint: Bool = false, only: Bool = true,
        file: StaticString = #filePath, line: UInt = #line
    ) -> [Support.Found] {
        let result = Support.compile(snippet)
        let all = Support.found(result)
        guard let first = all.first else {
            XCTFail("expected a [\(code)] diagnostic, got none", file: file, line: line)
            return all
        }
        let listing = all.map(\.description).joined(separator: "\n  ")
        XCTAssertEqual(first.code, code, "diagnostics:\n  \(listing)", file: file, line: line)
        XCTAssertEqual(first.message, message, file: file, line: line)
        XCTAssertEqual(first.line, position.line, "line of: \(first)", file: file, line: line)
        XCTAssertEqual(first.column, position.column, "column of: \(first)", file: file, line: line)
        if let hint { XCTAssertEqual(first.hint, hint, file: file, line: line) }
        if noHint { XCTAssertNil(first.hint, file: file, line: line) }
        if only { XCTAssertEqual(all.count, 1, "expected exactly one diagnostic:\n  \(listing)", file: file, line: line) }
        XCTAssertNil(result.schema, "a source with errors has no schema", file: file, line: line)
        return all
    }
}
