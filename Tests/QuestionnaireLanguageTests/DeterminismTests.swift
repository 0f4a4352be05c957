import Foundation
import Questionnaire
import XCTest

@testable import QuestionnaireLanguage

/// The same source always compiles to the same bytes and hash (the golden files check this
/// across processes, whose hashing seeds differ); any change of content changes the hash.
final class DeterminismTests: XCTestCase {
    func testCompilingTwiceGivesIdenticalBytesAndHash() throws {
        let bytes = try Support.read("questionnaires/census-household.census")
        let file = SourceFile(name: "census-household.census", bytes: bytes)
        let first = try XCTUnwrap(Support.compileForm(file).schema)
        let second = try XCTUnwrap(Support.compileForm(file).schema)
        let fresh = try XCTUnwrap(
            Support.compileForm(SourceFile(name: "other-name.census", text: String(decoding: bytes, as: UTF8.self))).schema)
        XCTAssertEqual(first.canonicalBytes(), second.canonicalBytes())
        XCTAssertEqual(first.canonicalBytes(), fresh.canonicalBytes(), "the file name must not affect the schema")
        XCTAssertEqual(first.hash, second.hash)
        XCTAssertEqual(first.hash, fresh.hash)
        XCTAssertEqual(first, fresh)
    }

    func testCompilingConcurrentlyGivesIdenticalBytes() throws {
        let bytes = try Support.read("questionnaires/example.census")
        let expected = try XCTUnwrap(Support.compileForm(SourceFile(name: "e", bytes: bytes)).schema).canonicalBytes()
        let results = Locked<[[UInt8]]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let out = Support.compileForm(SourceFile(name: "e", bytes: bytes)).schema?.canonicalBytes() ?? []
            results.withLock { $0.append(out) }
        }
        XCTAssertEqual(results.value.count, 8)
        for r in results.value { XCTAssertEqual(r, expected) }
    }

    func testByteOrderMarkIsIgnored() throws {
        let bytes = try Support.read("questionnaires/example.census")
        let plain = try XCTUnwrap(Support.compileForm(SourceFile(name: "e", bytes: bytes)).schema)
        let withBOM = Support.compileForm(SourceFile(name: "e", bytes: [0xEF, 0xBB, 0xBF] + bytes))
        XCTAssertEqual(withBOM.diagnostics, [])
        XCTAssertEqual(withBOM.schema?.hash, plain.hash)
    }

    func testCommentsAndWhitespaceDoNotChangeTheHash() throws {
        let text = String(decoding: try Support.read("questionnaires/example.census"), as: UTF8.self)
        let original = try XCTUnwrap(Support.compileForm(SourceFile(name: "e", text: text)).schema)
        let reformatted = text.replacingOccurrences(of: "\n", with: "\n   # a comment\n")
            .replacingOccurrences(of: "  ", with: "\t")
        let result = Support.compileForm(SourceFile(name: "e", text: reformatted))
        XCTAssertEqual(result.diagnostics, [], result.render())
        XCTAssertEqual(result.schema?.hash, original.hash)
    }

    func testChangingOneLabelChangesTheHash() throws {
        let text = String(decoding: try Support.read("questionnaires/census-household.census"), as: UTF8.self)
        let original = try XCTUnwrap(Support.compileForm(SourceFile(name: "c", text: text)).schema)
        let label = "\"Do you usually live at {household_address}?\""
        XCTAssertEqual(text.components(separatedBy: label).count, 2)
        let edited = text.replacingOccurrences(of: label, with: "\"Do you usually live at {household_address}? \"")
        let changed = try XCTUnwrap(Support.compileForm(SourceFile(name: "c", text: edited)).schema)
        XCTAssertNotEqual(changed.hash, original.hash)
        XCTAssertNotEqual(changed.canonicalBytes(), original.canonicalBytes())
        // Only that label differs.
        var restored = changed
        let index = try XCTUnwrap(restored.questions.firstIndex { $0.id == "lives_here" })
        restored.questions[index].label["en"] = "Do you usually live at {household_address}?"
        restored.seal()
        XCTAssertEqual(restored, original)
    }

    func testChangingTheVersionOrAWelshTextChangesTheHash() throws {
        let text = String(decoding: try Support.read("questionnaires/example.census"), as: UTF8.self)
        let original = try XCTUnwrap(Support.compileForm(SourceFile(name: "e", text: text)).schema).hash
        for (from, to) in [("version \"1.0\"", "version \"1.1\""), ("cy \"Trydan\"", "cy \"Trydan!\""), ("max 40", "max 41")] {
            XCTAssertTrue(text.contains(from), from)
            let result = Support.compileForm(SourceFile(name: "e", text: text.replacingOccurrences(of: from, with: to)))
            XCTAssertEqual(result.diagnostics, [], result.render())
            XCTAssertNotEqual(result.schema?.hash, original, "changing \(from) should change the hash")
        }
    }
}

/// A value shared between threads.
final class Locked<Value>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()
    init(_ value: Value) { stored = value }
    var value: Value { lock.lock(); defer { lock.unlock() }; return stored }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&stored)
    }
}
