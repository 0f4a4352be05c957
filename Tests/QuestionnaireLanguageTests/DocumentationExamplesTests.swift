import Foundation
import Questionnaire
import XCTest

@testable import QuestionnaireLanguage

/// The documentation is true: every questionnaire-language example in docs/language.md compiles
/// (or, when marked as a mistake, gives the diagnostic the docs say), and the JSON response in
/// docs/response-format.md is valid against the form it names.
///
/// How docs/language.md marks its fenced blocks (the info string after the three backticks):
/// - `census [CONTEXT]`: compiles with no diagnostic at all (not even a warning);
/// - `census-error CODE [CONTEXT]`: compiles with diagnostics, every one of them `CODE`;
/// - `census-check`: the exact output of `census check form.census` for the `census-error`
///   block before it (checked under the name `form.census`, so write that block whole);
/// - `sh`, `text`: not checked here.
/// A block that does not start with `questionnaire` is a fragment: it is put inside the named
/// CONTEXT below, or inside a minimal header when there is none. A line that is only `...`
/// stands for the rest of a form and is replaced by one question.
final class DocumentationExamplesTests: XCTestCase {
    static let docs = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs")

    struct Block {
        var info: [String]
        var line: Int  // of the opening fence, 1-based
        var text: String
    }

    static func blocks(_ name: String) throws -> [Block] {
        let text = try String(contentsOf: docs.appendingPathComponent(name), encoding: .utf8)
        var blocks: [Block] = []
        var open: Block?
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard line.hasPrefix("```") else {
                if open != nil { open!.text += line + "\n" }
                continue
            }
            if let block = open {
                blocks.append(block)
                open = nil
            } else {
                open = Block(info: line.dropFirst(3).split(separator: " ").map(String.init), line: i + 1, text: "")
            }
        }
        XCTAssertNil(open, "\(name): a fence opened at line \(open?.line ?? 0) is never closed")
        return blocks
    }

    /// What a fragment is put inside: `<<BLOCK>>` is the fragment. Each declares only what the
    /// fragments that name it use, so that the fragments may declare the rest.
    static let contexts: [String: String] = [
        // A text on its own, as a question's label.
        "text": "question q: date <<BLOCK>>",
        // Statements inside a per-member section, about a member who may be the respondent.
        "member": """
            roster people "People" cy "Pobl" {
              question first_name: text "First name" cy "Enw cyntaf"
              let name = first_name
            }
            section individual "About {name}" cy "Am {name}" for people {
              question is_you: yes_no "Are you {name}?" cy "Ai chi yw {name}?"
            <<BLOCK>>
            }
            """,
        // Statements inside a per-member section, about a member with an age.
        "member-age": """
            roster people "People" cy "Pobl" {
              question first_name: text "First name" cy "Enw cyntaf"
              let name = first_name
              question dob: date "Date of birth" cy "Dyddiad geni"
              let age = years_between(dob, census_date)
            }
            section individual "About {name}" cy "Am {name}" for people {
              question is_you: yes_no "Are you {name}?" cy "Ai chi yw {name}?"
            <<BLOCK>>
            }
            """,
        // Questions about a member of a roster, in a form with an England and a Wales variant.
        "member-address": """
            variants { england "England" cy "Lloegr" wales "Wales" cy "Cymru" }
            roster people "People" cy "Pobl" {
              question first_name: text "First name" cy "Enw cyntaf"
              let name = first_name
            <<BLOCK>>
            }
            """,
        // A section that uses a choice list of heating types.
        "heating": """
            choices heating {
              gas "Mains gas" cy "Nwy prif gyflenwad"
              none "No central heating" cy "Dim gwres canolog" exclusive
            }
            <<BLOCK>>
            """,
        // Statements in a roster whose members have a date of birth.
        "member-dob": """
            roster people "People" cy "Pobl" {
              question dob: date "Date of birth" cy "Dyddiad geni"
            <<BLOCK>>
            }
            """,
        // Checks on a member's name, date of birth, age and arrival.
        "member-checks": """
            roster people "People" cy "Pobl" {
              question first_name: text "First name" cy "Enw cyntaf"
              let name = first_name
              question dob: date "Date of birth" cy "Dyddiad geni"
              let age = years_between(dob, census_date)
              question arrival: month_year "Arrival" cy "Cyrraedd"
            <<BLOCK>>
            }
            """,
        // A relationship block for a roster of residents with names.
        "residents": """
            choices relationship {
              partner "Partner" cy "Partner"
              unrelated "Unrelated" cy "Dim perthynas"
            }
            roster residents "Residents" cy "Preswylwyr" {
              question first_name: text "First name" cy "Enw cyntaf"
              let name = first_name
            }
            <<BLOCK>>
            """,
    ]

    static let filler = "question filler: yes_no \"Filler\" cy \"Llenwi\""

    /// The docs' suggestion lists: any `.txt` file a block names reads as two countries.
    static let suggestionFiles: Compiler.FileLoader = { path in path.hasSuffix(".txt") ? Array("France\nWales\n".utf8) : nil }

    /// The source a block is checked as, and the number of lines before the block's first line.
    static func source(of block: Block, context: String?) throws -> String {
        let body = block.text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) == "..." ? filler : String($0) }
            .joined(separator: "\n")
        let firstWord = body.split(whereSeparator: { $0 == "\n" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty && !$0.hasPrefix("#") }?.split(separator: " ").first
        if firstWord == "questionnaire" {
            XCTAssertNil(context, "line \(block.line): a whole questionnaire needs no context")
            return body
        }
        guard let context else { return Support.source(body) }
        let template = try XCTUnwrap(contexts[context], "line \(block.line): no context named '\(context)'")
        return Support.source(template.replacingOccurrences(of: "<<BLOCK>>", with: body))
    }

    static func describe(_ result: Compiler.Result) -> String {
        result.diagnostics.isEmpty ? "no diagnostics" : result.render()
    }

    func testEveryLanguageExampleIsTrue() throws {
        let blocks = try Self.blocks("language.md")
        var checked = 0, mistakes = 0
        var previousMistake: Compiler.Result?
        for block in blocks {
            let kind = block.info.first ?? ""
            switch kind {
            case "census":
                XCTAssertLessThanOrEqual(block.info.count, 2, "line \(block.line): census [CONTEXT]")
                let source = try Self.source(of: block, context: block.info.dropFirst().first)
                let result = Compiler.compile(SourceFile(name: "language.md:\(block.line)", text: source), loadFile: Self.suggestionFiles)
                XCTAssertTrue(result.diagnostics.isEmpty,
                    "docs/language.md:\(block.line): the example should compile cleanly:\n\(Self.describe(result))\n--- source ---\n\(source)")
                XCTAssertNotNil(result.schema, "docs/language.md:\(block.line)")
                checked += 1
                previousMistake = nil
            case "census-error":
                XCTAssertTrue((2...3).contains(block.info.count), "line \(block.line): census-error CODE [CONTEXT]")
                let code = block.info.count > 1 ? block.info[1] : ""
                let source = try Self.source(of: block, context: block.info.count > 2 ? block.info[2] : nil)
                let result = Compiler.compile(SourceFile(name: "form.census", text: source), loadFile: Self.suggestionFiles)
                XCTAssertFalse(result.diagnostics.isEmpty, "docs/language.md:\(block.line): the mistake gave no diagnostic")
                XCTAssertEqual(Set(result.diagnostics.map(\.code)), [code],
                    "docs/language.md:\(block.line): expected only [\(code)]:\n\(Self.describe(result))")
                mistakes += 1
                previousMistake = result
            case "census-check":
                let mistake = try XCTUnwrap(previousMistake, "line \(block.line): census-check must follow a census-error block")
                let errors = mistake.diagnostics.count
                let printed = mistake.render() + "\n\(errors) error\(errors == 1 ? "" : "s") found.\n"
                XCTAssertEqual(printed, block.text, "docs/language.md:\(block.line): census check prints something else")
                previousMistake = nil
            case "sh", "text":
                previousMistake = nil
            default:
                XCTFail("docs/language.md:\(block.line): unknown or missing info string '\(kind)' (see DocumentationExamplesTests)")
            }
        }
        // A fence the parser misses would silently check nothing.
        XCTAssertGreaterThanOrEqual(checked, 10)
        XCTAssertGreaterThanOrEqual(mistakes, 1)
    }

    /// The fence reader and the wrapping find mistakes (so a green run above means something).
    func testAWrongExampleWouldBeCaught() throws {
        let block = Block(info: ["census"], line: 1, text: "question q: integr \"Q\" cy \"Q\"\n")
        let result = Compiler.compile(SourceFile(name: "x", text: try Self.source(of: block, context: nil)))
        XCTAssertEqual(result.diagnostics.map(\.code), ["unknown-type"])
        let elided = Block(info: ["census"], line: 1, text: "  ...\n")
        let filled = Compiler.compile(SourceFile(name: "x", text: try Self.source(of: elided, context: nil)))
        XCTAssertTrue(filled.diagnostics.isEmpty, filled.render())
    }

    func testResponseExampleIsValidForTheFormItNames() throws {
        let json = try XCTUnwrap(try Self.blocks("response-format.md").first { $0.info.first == "json" })
        let response = try JSONParser.parse(Array(json.text.utf8))
        let form = try Support.questionnaire("census-household")
        let schema = try XCTUnwrap(Support.compileForm(form).schema)
        XCTAssertEqual(response["schema"]?["id"]?.stringValue, schema.id)
        XCTAssertEqual(response["schema"]?["hash"]?.stringValue, schema.hash,
            "docs/response-format.md:\(json.line): the example names another version of the form")
        let evaluation = try Evaluator(schema: schema).evaluate(response)
        XCTAssertTrue(evaluation.isValid, evaluation.findings.map(\.description).joined(separator: "\n"))
        // Nothing ignored, nothing wrong: only the warning a 104-year-old is meant to raise.
        XCTAssertEqual(evaluation.findings.map { "\($0.severity.rawValue) \($0.code) \($0.path)" },
            ["warning check.very_old $.residents[1].dob"])
    }
}

extension DocumentationExamplesTests {
    /// The "example" column of the answer-type table in docs/language.md: each is a type that
    /// compiles (with the choice lists and the date of birth its examples name).
    func testEveryAnswerTypeExampleCompiles() throws {
        let text = try String(contentsOf: Self.docs.appendingPathComponent("language.md"), encoding: .utf8)
        let table = try XCTUnwrap(text.components(separatedBy: "## Answer types").dropFirst().first?
            .components(separatedBy: "\n\n").first)
        let examples = table.split(separator: "\n").dropFirst(2).compactMap { row -> String? in
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, cells[1].hasPrefix("`"), cells[1].hasSuffix("`") else { return nil }
            return String(cells[1].dropFirst().dropLast())
        }
        XCTAssertEqual(examples.count, 9, "one example per answer type")
        for example in examples {
            let result = Support.compile(
                """
                choices tenure { owns "Owns" cy "Perchen"  rents "Rents" cy "Rhentu" }
                choices heating { gas "Gas" cy "Nwy"  none "None" cy "Dim" exclusive }
                question dob: date "Date of birth" cy "Dyddiad geni"
                question q: \(example) "Q" cy "Q"
                """)
            XCTAssertTrue(result.diagnostics.isEmpty, "answer type `\(example)`:\n\(result.render())")
        }
    }
}

extension DocumentationExamplesTests {
    /// The table of diagnostic codes in docs/language.md lists exactly the codes the compiler
    /// reports (read from its sources, where every diagnostic names its code as a literal).
    func testEveryDiagnosticCodeIsDocumented() throws {
        let text = try String(contentsOf: Self.docs.appendingPathComponent("language.md"), encoding: .utf8)
        let table = try XCTUnwrap(text.components(separatedBy: "| code | what it means |").dropFirst().first?
            .components(separatedBy: "\n\n").first)
        var documented = Set<String>()
        for row in table.split(separator: "\n").dropFirst() {
            let first = row.split(separator: "|").first.map(String.init) ?? ""
            for match in first.matches(of: /`([a-z0-9-]+)`/) { documented.insert(String(match.1)) }
        }
        let sources = Self.docs.deletingLastPathComponent().appendingPathComponent("Sources/QuestionnaireLanguage")
        var reported = Set<String>()
        let files = try XCTUnwrap(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
        for file in files where file.hasSuffix(".swift") {
            let source = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for match in source.matches(of: /(?:code: |error\()"([a-z0-9]+(?:-[a-z0-9]+)+|syntax|misplaced)"/) {
                reported.insert(String(match.1))
            }
        }
        XCTAssertGreaterThan(reported.count, 20, "the sources were not read")
        XCTAssertEqual(reported.subtracting(documented).sorted(), [], "reported but not in the docs' table")
        XCTAssertEqual(documented.subtracting(reported).sorted(), [], "in the docs' table but never reported")
    }
}

extension DocumentationExamplesTests {
    /// The lexical section's two lists of words: reserved words name nothing; the other words
    /// of the language name a question, a choice list and an option.
    func testReservedWordsAreAsDocumented() throws {
        let text = try String(contentsOf: Self.docs.appendingPathComponent("language.md"), encoding: .utf8)
        let item = try XCTUnwrap(text.components(separatedBy: "- Reserved words, which cannot name anything: ").dropFirst().first?
            .components(separatedBy: "\n\n").first)
        let (reservedPart, freePart) = try {
            let parts = item.components(separatedBy: "Other words of the language")
            return (try XCTUnwrap(parts.first), try XCTUnwrap(parts.dropFirst().first?.components(separatedBy: "mean something").first))
        }()
        func words(_ part: String) -> [String] {
            part.matches(of: /`([^`]+)`/).flatMap { $0.1.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init) }
        }
        let reserved = words(reservedPart), free = words(freePart)
        XCTAssertEqual(Set(reserved), Keyword.all, "the docs list exactly the lexer's reserved words")
        XCTAssertEqual(free.count, 35)
        for word in reserved {
            let result = Support.compile("question \(word): integer \"Q\" cy \"Q\"")
            XCTAssertEqual(result.diagnostics.first?.code, "syntax", "'\(word)' is documented as reserved")
        }
        for word in free {
            let result = Support.compile(
                """
                choices \(word) { \(word) "A" cy "A"  other "B" cy "B" }
                question \(word): any_of(\(word)) "Q" cy "Q"
                question later: integer when \(word) contains \(word) "L" cy "L"
                """)
            XCTAssertEqual(result.diagnostics.map(\.code), [], "'\(word)' is documented as free to use as a name:\n\(result.render())")
        }
    }
}
