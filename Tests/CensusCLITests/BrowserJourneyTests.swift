import CensusTestSupport
import Foundation
import ResponseStore
import XCTest

/// Households answer in a real browser (headless Chromium driven by selenium, with axe-core
/// on every kind of page) against the demo server that `census` with no arguments starts;
/// what they submitted is then read back from the store.
///
/// The browser side is `Browser/household_journey.py` (it says what each journey covers).
final class BrowserJourneyTests: XCTestCase {
    /// A demo server started for a test, with the codes and household ids it printed.
    struct Demo {
        let server: DemoServerTests.Running
        let url: String
        let directory: URL
        /// (access code, household id) of the three households it offers to try.
        let households: [(code: String, id: String)]

        init(_ arguments: [String], in dir: URL, name: String) throws {
            let port = 20_000 + Int.random(in: 0..<20_000)
            directory = dir.appendingPathComponent(name)
            server = try DemoServerTests.Running(arguments + ["--dir", name, "--households", "12", "--port", String(port)], in: dir)
            guard server.wait(for: "  again ") else {
                _ = server.stop(SIGKILL)
                throw Failed(description: "the demo server did not start: \(server.output)")
            }
            let lines = server.output.split(separator: "\n")
            guard let line = lines.first(where: { $0.contains("http://127.0.0.1:") }), let r = line.range(of: "http://127.0.0.1:") else {
                throw Failed(description: "no address in \(server.output)")
            }
            url = String(line[r.lowerBound...])
            // "  try a code  CODE   HOUSEHOLD, address, postcode"
            households = lines.compactMap { line -> (String, String)? in
                let words = line.split(separator: " ")
                guard let k = words.firstIndex(where: { $0.count == 19 && $0.filter { $0 == "-" }.count == 3 }), k + 1 < words.count else { return nil }
                return (String(words[k]), String(words[k + 1].dropLast()))
            }
            guard households.count == 3 else { throw Failed(description: "not three codes in \(server.output)") }
        }
    }

    struct Failed: Error, CustomStringConvertible { var description: String }

    func testHouseholdsAnswerInChromiumAndEveryKindOfPagePassesAxe() throws {
        try skipUnlessBrowserAvailable()
        let dir = try makeTempDirectory(self)
        // The census form, and a small form with the constructs it does not use (content pages,
        // definitions, "anyone else?" lists, number details, "none" boxes, text areas).
        let served = try Demo([], in: dir, name: "census")
        defer { _ = served.server.stop(SIGKILL) }
        let constructsForm = packageRoot.appendingPathComponent("Tests/CollectionServerTests/Forms/constructs.census")
        let constructs = try Demo(["--form", constructsForm.path], in: dir, name: "constructs")
        defer { _ = constructs.server.stop(SIGKILL) }

        let plan: [String: Any] = [
            "base": served.url, "codes": served.households.map(\.code),
            "constructs_base": constructs.url, "constructs_code": constructs.households[0].code,
        ]
        let planFile = dir.appendingPathComponent("plan.json")
        try JSONSerialization.data(withJSONObject: plan).write(to: planFile)
        let script = packageRoot.appendingPathComponent("Tests/CensusCLITests/Browser/household_journey.py")
        let output: String
        do {
            output = try PythonTools.run([script.path, planFile.path])
        } catch {
            return XCTFail("\(error)")
        }
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], output)
        XCTAssertEqual((summary["problems"] as? [Any])?.count, 0, output)
        let kinds = try XCTUnwrap(summary["kinds_of_page"] as? [String: [String: Any]])
        // Every kind of page was checked, and none had a violation.
        for route in ["/ ", "/sign-in [", "/language", "/form/page/*", "/form/member/", "/form/relationships/*/M",
                      "/form/confirm/*", "/form/list/*", "/form/list/*/add", "/form/list/*/M/remove", "/form/check-answers", "/form/done"] {
            XCTAssertTrue(kinds.keys.contains { $0.hasPrefix(route) }, "no axe run on \(route): \(kinds.keys.sorted())")
        }
        XCTAssertTrue(kinds.keys.contains { $0.contains("errors") }, "an error state")
        XCTAssertTrue(kinds.keys.contains { $0.hasSuffix(" cy") }, "a page in Welsh")
        XCTAssertTrue(kinds.keys.contains { $0.contains("details") }, "a definition")
        for (kind, result) in kinds { XCTAssertEqual(result["violations"] as? Int, 0, kind) }
        // Both axe-core builds where CI installs them (3.1 knows no WCAG 2.1 A rule; 4.4 does).
        let engines = try XCTUnwrap(summary["axe"] as? [[String: Any]])
        if ProcessInfo.processInfo.environment["CENSUS_REQUIRE_BROWSER"] != nil {
            XCTAssertEqual(engines.compactMap { $0["package"] as? String }, ["axe-selenium-python", "axe-core-python"])
        }
        XCTAssertTrue(engines.allSatisfy { ($0["tags"] as? [String])?.contains("wcag2aa") == true }, "\(engines)")

        // Stop the servers (every save committed), then read the returns back from the store.
        XCTAssertEqual(served.server.stop(SIGINT), 0, served.server.output)
        XCTAssertEqual(constructs.server.stop(SIGINT), 0, constructs.server.output)
        let english = try XCTUnwrap(summary["english"] as? [String: Any])
        let welsh = try XCTUnwrap(summary["welsh"] as? [String: Any])
        for (journey, household, firstNames) in [(english, served.households[0], ["Ann", "Edith", "Tom"]), (welsh, served.households[1], ["Gwen"])] {
            let reference = try XCTUnwrap(journey["reference"] as? String)
            // What an operator would type: the CLI shows the household's return.
            let shown = try census(["store", "show", "--dir", served.directory.path, household.id], in: dir)
            XCTAssertEqual(shown.status, 0, shown.stderr)
            XCTAssertTrue(shown.stdout.contains("* \(reference) "), "the receipt on the page is the household's return: \(shown.stdout)")
            XCTAssertTrue(shown.stdout.contains(" online "), shown.stdout)
            // And the answers are the ones typed in the browser.
            let store = try ResponseStore.openForReading(at: served.directory)
            defer { store.close() }
            let versions = try store.versions(of: household.id, includeBodies: true)
            let body = try XCTUnwrap(versions.last?.body)
            let response = try XCTUnwrap(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            let residents = try XCTUnwrap(response["residents"] as? [[String: Any]], "\(response.keys)")
            XCTAssertEqual(residents.compactMap { $0["first_name"] as? String }, firstNames)
            if firstNames.count == 3 {
                // Changed from check your answers: a flat, with where it is; no house type.
                XCTAssertEqual(response["accommodation_type"] as? String, "flat")
                XCTAssertNotNil(response["flat_type"])
                XCTAssertNil(response["house_type"])
                XCTAssertEqual(response["language"] as? String, "en")
            } else {
                XCTAssertEqual(response["language"] as? String, "cy")
            }
        }

        // Two unrelated adults and a visitor, in Welsh on a phone: the shortcut answered the
        // relationship, and the visitor is in the return with their own answers.
        let visitors = try XCTUnwrap(summary["visitors"] as? [String: Any])
        XCTAssertNotNil(visitors["reference"] as? String, "\(visitors)")
        let store = try ResponseStore.openForReading(at: served.directory)
        defer { store.close() }
        let body = try XCTUnwrap(try store.versions(of: served.households[2].id, includeBodies: true).last?.body)
        let response = try XCTUnwrap(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let residents = try XCTUnwrap(response["residents"] as? [[String: Any]], "\(response.keys)")
        XCTAssertEqual(residents.compactMap { $0["first_name"] as? String }, ["Rhys", "Cerys"])
        let pairs = try XCTUnwrap(response["household_relationships"] as? [[String: Any]], "\(response.keys)")
        XCTAssertEqual(pairs.count, 1, "\(pairs)")
        XCTAssertEqual(pairs.first?["relationship"] as? String, "unrelated", "\(pairs)")
        let listedVisitors = try XCTUnwrap(response["visitors"] as? [[String: Any]], "\(response.keys)")
        XCTAssertEqual(listedVisitors.compactMap { $0["visitor_first_name"] as? String }, ["Owen"])
        XCTAssertEqual(listedVisitors.first?["visitor_sex"] as? String, "male")
        XCTAssertEqual(response["language"] as? String, "cy")
    }
}

/// Skips a real-browser test where Chromium, chromium-driver, selenium or axe-selenium-python
/// is missing, and fails it instead where CI requires them (`CENSUS_REQUIRE_BROWSER`, set by
/// `.ci/run`, which installs them).
func skipUnlessBrowserAvailable() throws {
    guard !PythonTools.browserAvailable(["axe_selenium_python"]) else { return }
    if ProcessInfo.processInfo.environment["CENSUS_REQUIRE_BROWSER"] != nil {
        XCTFail("chromium, chromium-driver, selenium and axe-selenium-python are required (.ci/run installs them)")
    }
    throw XCTSkip("chromium-driver, selenium or axe-selenium-python is not installed (apt-get install chromium chromium-driver; pip install selenium axe-selenium-python)")
}
