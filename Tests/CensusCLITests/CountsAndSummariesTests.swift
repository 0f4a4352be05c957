import CensusTestSupport
import Foundation
import XCTest

/// What a newcomer reads after each command (issues 9-12, tried from the README): counts that
/// agree with their noun ("1 record", not "1 records"), a line saying what was written where,
/// and figures that say what they count, so that two commands' numbers agree in the reader's mind.
final class CountsAndSummariesTests: XCTestCase {
    /// A count of one with a plural noun, as the commands printed them ("1 records").
    private let pluralAfterOne = /(?:^|[^\d.,])1 (records|households|codes|reminder codes|shards|files|versions|planned versions|local authorities|members|branches|responses|mistakes|times|access codes|errors|warnings)\b/

    func testACountOfOneTakesTheSingular() throws {
        let dir = try makeTempDirectory(self)
        var said: [String] = []
        func run(_ arguments: [String]) throws -> Run {
            let r = try census(arguments, in: dir)
            XCTAssertEqual(r.status, 0, "census \(arguments.joined(separator: " ")): \(r.stderr)")
            said.append(r.stdout + r.stderr)
            return r
        }
        let generated = try run(["frame", "generate", "--households", "1", "--seed", "1", "--out", "fr"])
        XCTAssertTrue(generated.stdout.contains("wrote 1 household to "), generated.stdout)
        XCTAssertTrue(generated.stdout.contains("imported 1 household in 1 local authority into "), generated.stdout)
        let issued = try run(["frame", "codes", "issue", "--dir", "fr", "--letters", "fr/letters.csv", "--dev-secret"])
        XCTAssertTrue(issued.stdout.hasPrefix("issued 1 code; letters written to "), issued.stdout)
        XCTAssertTrue(try run(["store", "init", "--dir", "fr", "--shards", "1"]).stdout.hasPrefix("created a store of 1 shard in fr "))
        _ = try run(["staff", "add", "--dir", "fr", "--name", "ada", "--role", "field"])
        let verified = try run(["audit", "verify", "--dir", "fr"])
        XCTAssertTrue(verified.stdout.hasPrefix("The audit log is intact: 1 record, head hash "), verified.stdout)
        let households = try run(["generate", "--schema", fixtureSchema, "--households", "1", "-o", "h.ndjson"])
        XCTAssertEqual(households.stderr, "census generate: wrote 1 household to h.ndjson\n")
        let filled = try run(["store", "fill", "--dir", "fill", "--households", "1", "--shards", "1", "--seed", "3"])
        XCTAssertTrue(filled.stdout.hasPrefix("making fill: a frame of 1 household (seed 3), 1 shard, "), filled.stdout)
        _ = try run(["aggregate", "--dir", "fill", "--out", "out"])
        for text in said {
            XCTAssertNil(text.firstMatch(of: pluralAfterOne), text)
        }
    }

    /// A count above one takes the plural too: the form's summary, the first thing `census`
    /// prints, said "1 error, 3 warning, 1 confirm".
    func testTheFormSummaryCountsChecksWithTheirNouns() throws {
        let dir = try makeTempDirectory(self)
        let summary = try census(["demo", "--form-only"], in: dir)
        XCTAssertEqual(summary.status, 0, summary.stderr)
        XCTAssertTrue(summary.stdout.contains("  checks          5: 1 error, 3 warnings, 1 confirmation\n"), summary.stdout)
    }

    /// `census generate -o FILE` printed nothing on success, unlike `census compile` and the
    /// frame commands: it says what it wrote where now (to standard output the households are
    /// the output itself, and nothing else is said).
    func testGenerateSaysWhatItWroteWhere() throws {
        let dir = try makeTempDirectory(self)
        let toFile = try census(["generate", "--schema", fixtureSchema, "--households", "3", "--seed", "7", "-o", "h.ndjson"], in: dir)
        XCTAssertEqual(toFile.status, 0, toFile.stderr)
        XCTAssertEqual(toFile.stdout, "")
        XCTAssertEqual(toFile.stderr, "census generate: wrote 3 households to h.ndjson\n")
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("h.ndjson"), encoding: .utf8).split(separator: "\n").count, 3)

        let withMistakes = try census(["generate", "--schema", fixtureSchema, "--households", "4", "--seed", "7", "--invalid-rate", "1",
                                       "--mistakes", "m.ndjson", "-o", "bad.ndjson"], in: dir)
        XCTAssertEqual(withMistakes.status, 0, withMistakes.stderr)
        let recorded = try String(contentsOf: dir.appendingPathComponent("m.ndjson"), encoding: .utf8).split(separator: "\n").count
        XCTAssertTrue(withMistakes.stderr.contains("census generate: wrote 4 households to bad.ndjson and \(recorded) mistake\(recorded == 1 ? "" : "s") to m.ndjson\n"),
                      withMistakes.stderr)

        let routes = try census(["generate", "--schema", fixtureSchema, "--cover-routes", "-o", "routes.ndjson"], in: dir)
        XCTAssertEqual(routes.status, 0, routes.stderr)
        XCTAssertNotNil(routes.stderr.firstMatch(of: /^census generate: cover-routes: wrote \d+ households to routes.ndjson, covering \d+ of \d+ branches\n/), routes.stderr)

        let toStandardOutput = try census(["generate", "--schema", fixtureSchema, "--households", "2"], in: dir)
        XCTAssertEqual(toStandardOutput.status, 0)
        XCTAssertEqual(toStandardOutput.stderr, "")
        XCTAssertEqual(toStandardOutput.stdout.split(separator: "\n").count, 2)
    }

    /// `store show` printed "paper paper" and 95.5% with no column names, where `store submit`
    /// had printed 96% for the same response. It has a header now, and every command prints a
    /// percentage by the one rule (`percentText`), so submit, show and validate agree.
    func testStoreShowHasColumnHeadersAndSaysTheSamePercentageAsSubmitAndValidate() throws {
        let dir = try makeTempDirectory(self)
        let body = packageRoot.appendingPathComponent("fixtures/households/edge-newborn.json").path
        XCTAssertEqual(try census(["frame", "generate", "--households", "3", "--seed", "1", "--out", "st"], in: dir).status, 0)
        XCTAssertEqual(try census(["store", "init", "--dir", "st", "--shards", "2", "--schema-hash", fixtureSchemaHash], in: dir).status, 0)
        let submitted = try census(["store", "submit", "--dir", "st", "--schema", fixtureSchema, "--household", "H000000001",
                                    "--kind", "paper", "--body", body], in: dir)
        XCTAssertEqual(submitted.status, 0, submitted.stderr)
        let percent = try XCTUnwrap(submitted.stdout.firstMatch(of: /\ paper, (\d+%) complete\n/)?.1, submitted.stdout)

        let shown = try census(["store", "show", "--dir", "st", "H000000001"], in: dir)
        XCTAssertEqual(shown.status, 0, shown.stderr)
        let lines = shown.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, shown.stdout)
        XCTAssertEqual(lines[0].split(separator: " ", omittingEmptySubsequences: true),
                       ["receipt", "kind", "channel", "received", "(UTC)", "complete", "form", "idempotency", "key"], shown.stdout)
        let row = lines[1].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        XCTAssertEqual(Array(row.prefix(4)), ["*", submitted.stdout.split(separator: " ")[0].description, "paper", "paper"], shown.stdout)
        XCTAssertEqual(row[5], String(percent), "store show and store submit say the same percentage:\n\(submitted.stdout)\(shown.stdout)")
        // Each value sits under its column's name.
        for name in ["kind", "channel", "complete", "form"] {
            let column = try XCTUnwrap(lines[0].range(of: name)).lowerBound.utf16Offset(in: lines[0])
            let value = lines[1].utf16.dropFirst(column).first
            XCTAssertNotEqual(value, UInt16(UInt8(ascii: " ")), "a value under '\(name)':\n\(shown.stdout)")
        }
        XCTAssertEqual(lines[2], "* = the authoritative return (the version that counts for H000000001)")

        let validated = try census(["validate", "--schema", fixtureSchema, body], in: dir)
        XCTAssertTrue(validated.stdout.contains("; \(percent) complete)"), validated.stdout)
    }

    /// After `store fill --households 5000`, `aggregate` said "read 4,753 households" with no
    /// word on why not 5,000. Both now count against the frame: fill says from how many of the
    /// frame's households the versions came (the return model plans no response from some), and
    /// aggregate reads that many households "with a response, of the 5,000 in the address frame".
    func testFillAndAggregateCountHouseholdsAgainstTheFrameAndAgree() throws {
        let dir = try makeTempDirectory(self)
        let fill = try census(["store", "fill", "--dir", "st", "--households", "60", "--seed", "7", "--shards", "2"], in: dir)
        XCTAssertEqual(fill.status, 0, fill.stderr)
        let planned = try XCTUnwrap(fill.stdout.firstMatch(of: /sent, from (\d+) of the 60 households in the frame \(the return model plans no response from the other (\d+)\); the collection is complete/), fill.stdout)
        let responding = try XCTUnwrap(Int(planned.1))
        XCTAssertEqual(responding + (Int(planned.2) ?? -1), 60, fill.stdout)
        XCTAssertLessThan(responding, 60, "the return model plans some non-response: \(fill.stdout)")

        let aggregate = try census(["aggregate", "--dir", "st", "--out", "out"], in: dir)
        XCTAssertEqual(aggregate.status, 0, aggregate.stderr)
        XCTAssertTrue(aggregate.stdout.contains("  read      \(responding) households with a response, of the 60 in the address frame ("), aggregate.stdout)
        let returns = try XCTUnwrap(aggregate.stdout.firstMatch(of: /exported  (\d+) households? with a return \(submitted online or on paper; a save alone is not one\)/), aggregate.stdout)
        XCTAssertLessThanOrEqual(Int(returns.1) ?? .max, responding)

        let again = try census(["aggregate", "--dir", "st", "--out", "out"], in: dir)
        XCTAssertTrue(again.stdout.contains("  read      0 households with new versions since run 1, of the 60 in the address frame ("), again.stdout)
    }
}
