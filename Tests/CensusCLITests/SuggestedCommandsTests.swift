import CensusTestSupport
import Foundation
import XCTest

/// Every `census …` command a library or CLI message suggests is a command that exists.
final class SuggestedCommandsTests: XCTestCase {
    /// Every `census …` command suggested by an error message names a
    /// subcommand that exists.
    func testSuggestedCommandsExist() throws {
        let existing: Set<String> = [
            "census store init", "census store check", "census store accept-schema", "census store where",
            "census store show", "census store submit", "census store backup", "census frame import", "census frame generate",
            "census frame codes", "census frame lookup", "census frame stats", "census compile", "census demo",
            "census check", "census store upgrade", "census serve",
        ]
        // The subcommands really are registered in the CLI sources.
        let cli = try swiftFiles(in: ["CensusCLI"]).map { try String(contentsOf: $0, encoding: .utf8) }.joined()
        for name in ["init", "check", "upgrade", "accept-schema", "where", "show", "submit", "backup", "import", "generate", "codes", "lookup", "stats"] {
            XCTAssertTrue(cli.contains("commandName: \"\(name)\""), name)
        }
        var checked = 0
        for file in try swiftFiles(in: ["ResponseStore", "AddressFrame", "DurableFiles", "CensusCollection"]) {
            let text = try String(contentsOf: file, encoding: .utf8)
            var rest = Substring(text)
            while let r = rest.range(of: "`census ") {
                let words = rest[r.lowerBound...].dropFirst().prefix { $0 != "`" }.split(separator: " ")
                let command = (["census"] + words.dropFirst().prefix(2)
                    .prefix { $0.allSatisfy { $0.isLowercase || $0 == "-" } && !$0.hasPrefix("-") })
                    .joined(separator: " ")
                XCTAssertTrue(existing.contains(command), "\(file.lastPathComponent): `\(words.joined(separator: " "))` is not a census command")
                checked += 1
                rest = rest[r.upperBound...]
            }
        }
        XCTAssertGreaterThan(checked, 5)
    }

    /// The Swift files of the given modules, in all their folders.
    private func swiftFiles(in modules: [String]) throws -> [URL] {
        modules.flatMap { module -> [URL] in
            let root = packageRoot.appendingPathComponent("Sources/\(module)")
            let all = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? []
            return all.filter { $0.pathExtension == "swift" }
        }
    }
}
