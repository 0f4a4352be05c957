import CensusTestSupport
import Foundation
import XCTest
@testable import AddressFrame
@testable import ResponseStore

/// Runs `census store …` and `census frame …` with bad input, as a new user
/// would, and checks that each fails with a short, clear message and a
/// non-zero exit status: never a Swift error dump or a crash.
final class CLIErrorTests: XCTestCase {
    /// Asserts a clean failure: non-zero exit (not a signal), a one-line
    /// message containing `expected`, and no dump of an internal error.
    @discardableResult
    private func assertCleanFailure(_ arguments: [String], in dir: URL, expecting expected: String,
                                    lines: Int = 1, environment: [String: String] = [:],
                                    file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        let r = try census(arguments, in: dir, environment: environment)
        let shown = "census \(arguments.joined(separator: " ")) -> \(r.status)\n\(r.stderr)"
        XCTAssertNotEqual(r.status, 0, shown, file: file, line: line)
        XCTAssertLessThan(r.status, 128, "killed by a signal: " + shown, file: file, line: line)
        XCTAssertEqual(r.messageLines.count, lines, shown, file: file, line: line)
        XCTAssertTrue(r.stderr.contains(expected), shown, file: file, line: line)
        for dump in ["Error Domain=", "NSCocoaErrorDomain", "Fatal error", "SQLite error", "UserInfo=", "DatabaseError"] {
            XCTAssertFalse(r.stderr.contains(dump), shown, file: file, line: line)
        }
        return r
    }

    func testCheckTalliesWarningsAndErrorsAndExitsOneForEither() throws {
        let dir = try makeTempDirectory(self)
        let head = "questionnaire w {\n  version \"1\"\n  title \"W\"\n  languages en\n  census_date 2021-03-21\n"
        let warned = head + "  choices t { owns \"Owns\" none \"None\" exclusive }\n  question t: one_of(t) \"T\"\n}\n"
        try Data(warned.utf8).write(to: dir.appendingPathComponent("warned.census"))
        try Data((head + "  question a: integer\n}\n").utf8).write(to: dir.appendingPathComponent("broken.census"))
        let w = try census(["check", "warned.census"], in: dir)
        XCTAssertEqual(w.status, 1, w.stderr)
        XCTAssertTrue(w.stderr.contains("warning: option 'none' is exclusive"), w.stderr)
        XCTAssertTrue(w.stderr.hasSuffix("1 warning found.\n"), w.stderr)
        let both = try census(["check", "warned.census", "broken.census"], in: dir)
        XCTAssertEqual(both.status, 1, both.stderr)
        XCTAssertTrue(both.stderr.hasSuffix("1 error and 1 warning found.\n"), both.stderr)
        // A warning does not stop the schema being written.
        let c = try census(["compile", "warned.census", "-o", "w.json"], in: dir)
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("w.json").path))
    }

    func testASourceGivenAsTheSchemaSaysToCompileItFirst() throws {
        let dir = try makeTempDirectory(self)
        let form = packageRoot.appendingPathComponent("questionnaires/example.census").path
        try Data("{}".utf8).write(to: dir.appendingPathComponent("r.json"))
        try assertCleanFailure(["validate", "--schema", form, "r.json"], in: dir,
                               expecting: "this is a questionnaire source: compile it first (census compile \(form) -o ")
    }

    func testStoreCommandsFailCleanly() throws {
        let dir = try makeTempDirectory(self)
        let a = "sha256:" + String(repeating: "a", count: 64)
        try assertCleanFailure(["store", "check", "--dir", "nope"], in: dir, expecting: "census store init")
        try assertCleanFailure(["store", "show", "--dir", "nope", "H1"], in: dir, expecting: "no store manifest")
        try assertCleanFailure(["store", "where", "--dir", "nope", "H1"], in: dir, expecting: "no store manifest")
        try assertCleanFailure(["store", "accept-schema", "--dir", "nope", a], in: dir, expecting: "no store manifest")
        XCTAssertEqual(try census(["store", "init", "--shards", "2", "--dir", "st", "--schema-hash", a], in: dir).status, 0)
        try assertCleanFailure(["store", "init", "--shards", "2", "--dir", "st"], in: dir, expecting: "already exists")
        try Data("garbage".utf8).write(to: dir.appendingPathComponent("file"))
        try assertCleanFailure(["store", "init", "--dir", "file/st"], in: dir, expecting: "cannot create the store directory")
        try importFixtureFrame(into: dir)
        let submit = ["store", "submit", "--dir", "st", "--household", "H000000001", "--schema", fixtureSchema]
        try assertCleanFailure(submit + ["--body", "missing.json"],
                               in: dir, expecting: "cannot read the response body file missing.json: No such file")
        try assertCleanFailure(submit + ["--body", "."],
                               in: dir, expecting: "Is a directory")
        try assertCleanFailure(submit + ["--kind", "bogus", "--body", "-"],
                               in: dir, expecting: "Please provide one of 'partial', 'submitted' or 'paper'", lines: 2)
        try writeResponse(dir)
        try assertCleanFailure(submit + ["--body", "b.json"],
                               in: dir, expecting: "census store accept-schema --dir")
        try assertCleanFailure(["store", "accept-schema", "--dir", "st", "sha256:short"], in: dir, expecting: "not a questionnaire schema hash")
        XCTAssertEqual(try census(["store", "accept-schema", "--dir", "st", fixtureSchemaHash], in: dir).status, 0)
        XCTAssertEqual(try census(submit + ["--body", "b.json", "--key", "k1"], in: dir).status, 0)
        try writeResponse(dir, "b2.json", line: 1)
        try assertCleanFailure(submit + ["--body", "b2.json", "--key", "k1"],
                               in: dir, expecting: "already used for a different save")
        let replay = try census(submit + ["--body", "b.json", "--key", "k1"], in: dir)
        XCTAssertEqual(replay.status, 0)
        XCTAssertTrue(replay.stdout.contains("retry: already stored"), replay.stdout)
    }

    /// `store submit` goes through the collection path: an online submission with errors is
    /// kept as an unsubmitted save and says why; a paper return with errors is stored as paper.
    func testStoreSubmitEvaluatesAndAppliesTheKindRule() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--shards", "2", "--dir", "st"], in: dir).status, 0)
        try importFixtureFrame(into: dir)
        let invalid = try String(contentsOf: packageRoot.appendingPathComponent("fixtures/households/invalid.ndjson"), encoding: .utf8)
        try Data(invalid.split(separator: "\n")[0].utf8).write(to: dir.appendingPathComponent("bad.json"))
        let submit = ["store", "submit", "--dir", "st", "--household", "H000000002", "--schema", fixtureSchema, "--body", "bad.json"]
        let online = try census(submit, in: dir)
        XCTAssertEqual(online.status, 1, online.stderr)
        XCTAssertTrue(online.stdout.contains(" partial, "), online.stdout)
        XCTAssertTrue(online.stderr.hasPrefix("census store submit: not submitted: the response has 1 error and 0 confirmations to give"), online.stderr)
        // The one mistake of that household, as the fixture records it.
        let line = try String(contentsOf: packageRoot.appendingPathComponent("fixtures/households/invalid.mistakes.ndjson"), encoding: .utf8).split(separator: "\n")[0]
        let mistake = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertTrue(online.stderr.contains("\(mistake["path"] ?? "?")  [\(mistake["code"] ?? "?")]"), online.stderr)
        let paper = try census(submit + ["--kind", "paper"], in: dir)
        XCTAssertEqual(paper.status, 0, paper.stderr)
        XCTAssertTrue(paper.stdout.contains(" paper, "), paper.stdout)
        let show = try census(["store", "show", "--dir", "st", "H000000002"], in: dir)
        let lines = show.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 4, show.stdout)
        XCTAssertEqual(lines[0].split(separator: " ").prefix(4), ["receipt", "kind", "channel", "received"], show.stdout)
        XCTAssertTrue(lines[1].hasPrefix("  R") && lines[1].split(separator: " ")[1...2] == ["partial", "online"], show.stdout)
        XCTAssertTrue(lines[2].hasPrefix("* R") && lines[2].split(separator: " ")[2...3] == ["paper", "paper"], show.stdout)
    }

    func testFrameCommandsFailCleanly() throws {
        let dir = try makeTempDirectory(self)
        let fixtures = packageRoot.appendingPathComponent("fixtures")
        try assertCleanFailure(["frame", "stats", "--dir", "nope"], in: dir, expecting: "census frame import")
        try assertCleanFailure(["frame", "lookup", "--dir", "nope", "BCDF-GHJK-LMNP-QRST"], in: dir, expecting: "no address frame")

        // A bad CSV into a new directory: every bad row reported, nothing left behind.
        try assertCleanFailure(["frame", "import", fixtures.appendingPathComponent("frame-bad-rows.csv").path, "--out", "fr"],
                               in: dir, expecting: "line 5:", lines: 6)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("fr").path))
        try assertCleanFailure(["frame", "import", "missing.csv", "--out", "fr"], in: dir, expecting: "cannot read the frame CSV")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("fr").path))

        let small = fixtures.appendingPathComponent("frame-small.csv").path
        XCTAssertEqual(try census(["frame", "import", small, "--out", "fr"], in: dir).status, 0)
        // The same file again: one cause, a few lines, not 250.
        try assertCleanFailure(["frame", "import", small, "--out", "fr"], in: dir, expecting: "imported before?", lines: 5)
        try assertCleanFailure(["frame", "generate", "--households", "10", "--out", "fr"], in: dir, expecting: "already exists")

        // Secrets.
        try assertCleanFailure(["frame", "codes", "issue", "--dir", "fr", "--letters", "l.csv"], in: dir, expecting: "--dev-secret")
        try assertCleanFailure(["frame", "lookup", "--dir", "fr", "BCDF-GHJK-LMNP-QRST"], in: dir, expecting: "at least 32",
                               environment: ["CENSUS_CODE_SECRET": "short"])
        let issue = try census(["frame", "codes", "issue", "--dir", "fr", "--letters", "l.csv", "--dev-secret"], in: dir)
        XCTAssertEqual(issue.status, 0, issue.stderr)
        try assertCleanFailure(["frame", "codes", "issue", "--dir", "fr", "--letters", "l.csv", "--dev-secret"], in: dir, expecting: "choose a new file name")
        try assertCleanFailure(["frame", "lookup", "--dir", "fr", "BCDF-GHJK-LMNP-QRST"], in: dir, expecting: "does not match",
                               environment: ["CENSUS_CODE_SECRET": testSecretText()])

        // Malformed and unknown codes.
        try assertCleanFailure(["frame", "lookup", "--dir", "fr", "--dev-secret", "BCDF-GHJK-LMNP-QRS0"], in: dir, expecting: "no letter O or zero")
        try assertCleanFailure(["frame", "lookup", "--dir", "fr", "--dev-secret", "BCDF-GHJK"], in: dir, expecting: "16 characters")
        try assertCleanFailure(["frame", "lookup", "--dir", "fr", "--dev-secret", "BCDF-GHJK-LMNP-QRST"], in: dir, expecting: "not recognised")
        try assertCleanFailure(["frame", "codes", "revoke", "--dir", "fr", "--dev-secret", "--code", "BCDF-GHJK-LMNP-QRST"], in: dir, expecting: "no code of this frame")

        // Unknown households and missing arguments.
        try assertCleanFailure(["frame", "codes", "reissue", "--dir", "fr", "--dev-secret", "--household", "NOPE", "--letters", "r.csv"],
                               in: dir, expecting: "household NOPE is not in the address frame")
        try assertCleanFailure(["frame", "codes", "revoke", "--dir", "fr", "--household", "NOPE"], in: dir, expecting: "household NOPE is not in the address frame")
        try assertCleanFailure(["frame", "codes", "reissue", "--dir", "fr", "--dev-secret", "--households-file", "nofile", "--letters", "r.csv"],
                               in: dir, expecting: "cannot read the households file nofile")
        try assertCleanFailure(["frame", "codes", "reissue", "--dir", "fr", "--dev-secret", "--letters", "r.csv"], in: dir, expecting: "--households-file")
        try assertCleanFailure(["frame", "codes", "revoke", "--dir", "fr"], in: dir, expecting: "give either --code C or --household H")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("r.csv").path))

        // A file that is not a frame.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("bad"), withIntermediateDirectories: true)
        try Data(repeating: 0x5A, count: 4096).write(to: dir.appendingPathComponent("bad/frame.sqlite"))
        try assertCleanFailure(["frame", "stats", "--dir", "bad"], in: dir, expecting: "not an address frame database")
    }

    // MARK: - Defects found by the CLI review (each case failed before its fix)

    func testValidateRejectsEmptyAndUnreadableInputCleanly() throws {
        let dir = try makeTempDirectory(self)
        let schema = packageRoot.appendingPathComponent("fixtures/households/census-household.schema.json").path
        let household = packageRoot.appendingPathComponent("fixtures/households/edge-newborn.json")
        try Data().write(to: dir.appendingPathComponent("empty.json"))
        // Empty input used to exit 0 with no output, as if every response were valid.
        var r = try assertCleanFailure(["validate", "--schema", schema, "empty.json"], in: dir,
                                       expecting: "census validate: empty.json holds no response (it is empty); give a JSON response or NDJSON, one response per line")
        XCTAssertEqual(r.status, 2)
        r = try assertCleanFailure(["validate", "--schema", schema, "-"], in: dir, expecting: "census validate: standard input holds no response")
        XCTAssertEqual(r.status, 2)
        // Unreadable files used to say only "cannot read PATH".
        try assertCleanFailure(["validate", "--schema", "nope.json", household.path], in: dir,
                               expecting: "census validate: cannot read the schema file nope.json: No such file or directory")
        try assertCleanFailure(["validate", "--schema", schema, "missing.json"], in: dir,
                               expecting: "census validate: cannot read the responses file missing.json: No such file or directory")
        try Data("{}".utf8).write(to: dir.appendingPathComponent("notschema.json"))
        try assertCleanFailure(["validate", "--schema", "notschema.json", household.path], in: dir,
                               expecting: "notschema.json: $.format: missing; is it a schema written by `census compile FORM.census -o SCHEMA.json`?")
        // A language the form does not have used to fall back to English silently.
        try assertCleanFailure(["validate", "--schema", schema, "--language", "fr", household.path], in: dir,
                               expecting: "--language fr: the form has no such language; it has en, cy")
    }

    func testValidateReadsPrettyDocumentsWithMistakesAsOneResponse() throws {
        let dir = try makeTempDirectory(self)
        let schema = packageRoot.appendingPathComponent("fixtures/households/census-household.schema.json").path
        let pretty = try Data(contentsOf: packageRoot.appendingPathComponent("fixtures/households/edge-newborn.json"))
        // Truncated, and with trailing text: one finding each (it used to be one per line).
        try pretty.prefix(2000).write(to: dir.appendingPathComponent("truncated.json"))
        var r = try census(["validate", "--schema", schema, "truncated.json"], in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 2, r.stdout)
        XCTAssertTrue(r.stdout.hasPrefix("truncated.json: INVALID (1 error,"), r.stdout)
        XCTAssertTrue(r.stdout.contains("[json] not valid JSON: line "), r.stdout)
        try (pretty + Data("garbage\n".utf8)).write(to: dir.appendingPathComponent("trailing.json"))
        // The household is checked, and the text after it is reported where it starts.
        r = try census(["validate", "--schema", schema, "trailing.json"], in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, r.stdout)
        XCTAssertTrue(lines[0].hasPrefix("line 1: valid"), r.stdout)
        XCTAssertTrue(lines[1].hasSuffix(": INVALID (1 error, 0 warnings, 0 confirmations to give, 0 ignored answers; 0% complete)"), r.stdout)
        XCTAssertTrue(lines[2].hasSuffix("[json] not valid JSON: line 1, column 1: unexpected character 'g': expected a value"), r.stdout)
        // A byte order mark used to make a valid household invalid.
        try (Data([0xEF, 0xBB, 0xBF]) + pretty).write(to: dir.appendingPathComponent("bom.json"))
        r = try census(["validate", "--schema", schema, "bom.json"], in: dir)
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertTrue(r.stdout.hasPrefix("bom.json: valid"), r.stdout)
    }

    func testGenerateTakesNegativeNumbersAndLeavesNoPartialOutput() throws {
        let dir = try makeTempDirectory(self)
        let schema = packageRoot.appendingPathComponent("fixtures/households/census-household.schema.json").path
        // "-1" used to be read as an option name: "Missing value for '--households'".
        try assertCleanFailure(["generate", "--schema", schema, "--households", "-1"], in: dir, expecting: "--households must be 0...10000000")
        try assertCleanFailure(["generate", "--schema", schema, "--invalid-rate", "-0.1"], in: dir, expecting: "--invalid-rate must be between 0 and 1")
        try assertCleanFailure(["store", "init", "--dir", "st", "--shards", "-1"], in: dir, expecting: "--shards must be between 1 and 4096")
        // An unwritable --mistakes file used to leave an empty output file behind.
        try assertCleanFailure(["generate", "--schema", schema, "--households", "3", "--mistakes", "no/such/dir/m.ndjson", "-o", "g.ndjson"],
                               in: dir, expecting: "cannot write no/such/dir/m.ndjson: the directory no/such/dir does not exist (creating no/such/dir/m.ndjson.tmp-")
        try assertCleanFailure(["generate", "--schema", schema, "--households", "3", "-o", "."], in: dir, expecting: "cannot write .: it is a directory")
        try assertCleanFailure(["generate", "--schema", "nope.json", "--households", "3", "-o", "g.ndjson"], in: dir,
                               expecting: "cannot read the schema file nope.json: No such file or directory")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".out-") && !$0.hasPrefix(".err-") }
        XCTAssertEqual(left, [])
        let ok = try census(["generate", "--schema", schema, "--households", "3", "-o", "g.ndjson"], in: dir)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("g.ndjson"), encoding: .utf8).split(separator: "\n").count, 3)
    }

    /// A form whose error check no household can pass: the households are written, and standard
    /// error names the check, how often and where (exit status 1), instead of passing them as valid.
    func testGenerateSaysWhichCheckItCouldNotSatisfy() throws {
        let dir = try makeTempDirectory(self)
        try """
            questionnaire impossible {
              version "1"
              title "Impossible"
              languages en
              census_date 2021-03-21
              section household "Household" {
                question rooms: integer 1...30 required "How many rooms?"
                error too_few_rooms when rooms < 40 "At least 40 rooms"
              }
            }
            """.write(to: dir.appendingPathComponent("f.census"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try census(["compile", "f.census", "-o", "f.json"], in: dir).status, 0)
        let r = try census(["generate", "--schema", "f.json", "--households", "4", "-o", "g.ndjson"], in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("generate: 4 of 4 households are not valid"), r.stderr)
        XCTAssertTrue(r.stderr.contains("check.too_few_rooms: 4 times, first in household 1 at $.rooms: At least 40 rooms"), r.stderr)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("g.ndjson"), encoding: .utf8).split(separator: "\n").count, 4)
    }

    func testStoreRejectsBadHashesBodiesAndManifestsCleanly() throws {
        let dir = try makeTempDirectory(self)
        // init used to accept any text as a schema hash (accept-schema refused it).
        try assertCleanFailure(["store", "init", "--dir", "st", "--schema-hash", "nothash"], in: dir,
                               expecting: "'nothash' is not a questionnaire schema hash: expected sha256: and 64 lowercase hex digits")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("st").path))
        XCTAssertEqual(try census(["store", "init", "--shards", "2", "--dir", "st", "--schema-hash", fixtureSchemaHash], in: dir).status, 0)
        try importFixtureFrame(into: dir)

        // Bodies that are not a household response used to be stored (and could become the
        // authoritative return).
        try Data().write(to: dir.appendingPathComponent("empty.json"))
        try Data("[1]".utf8).write(to: dir.appendingPathComponent("array.json"))
        try Data("{\"foo\":1}".utf8).write(to: dir.appendingPathComponent("foo.json"))
        let submit = ["store", "submit", "--dir", "st", "--household", "H000000001", "--schema", fixtureSchema, "--body"]
        try assertCleanFailure(submit + ["empty.json"], in: dir,
                               expecting: "the response body file empty.json is not valid JSON (line 1, column 1: unexpected end of input: expected a value); nothing was stored")
        try assertCleanFailure(submit + ["array.json"], in: dir,
                               expecting: "the response body file array.json is not a JSON object (a household response is one); nothing was stored")
        // Issue 14: `{"foo":1}` was stored, and replaced a valid return.
        try assertCleanFailure(submit + ["foo.json"], in: dir, expecting: "the response does not say which form it answers")
        // A household that is not in the frame.
        try writeResponse(dir)
        try assertCleanFailure(["store", "submit", "--dir", "st", "--household", "H1", "--schema", fixtureSchema, "--body", "b.json"],
                               in: dir, expecting: "household 'H1' is not in the address frame")
        XCTAssertEqual(try census(["store", "show", "--dir", "st", "H000000001"], in: dir).stdout, "no responses for H000000001\n")
        // One the frame does not know is said to be a wrong id, not a household yet to answer.
        let unknown = try census(["store", "show", "--dir", "st", "H1"], in: dir)
        XCTAssertEqual(unknown.status, 1, unknown.stderr)
        XCTAssertEqual(unknown.stdout, "")
        XCTAssertTrue(unknown.stderr.hasPrefix("census store show: H1 is not in the address frame beside the store"), unknown.stderr)
        // An empty household id used to print " -> shard 1".
        try assertCleanFailure(["store", "where", "--dir", "st", ""], in: dir, expecting: "give a household id (as in the address frame), not an empty string")
        try assertCleanFailure(["store", "show", "--dir", "st", ""], in: dir, expecting: "give a household id")

        // Corrupt manifests used to print a DecodingError dump.
        let manifest = dir.appendingPathComponent("st/manifest.json")
        try Data("garbage{".utf8).write(to: manifest)
        let r = try assertCleanFailure(["store", "check", "--dir", "st"], in: dir, expecting: "manifest.json is unreadable: it is not valid JSON. Restore manifest.json from backup")
        XCTAssertFalse(r.stderr.contains("DecodingError"), r.stderr)
        try Data("{}".utf8).write(to: manifest)
        try assertCleanFailure(["store", "show", "--dir", "st", "H1"], in: dir, expecting: "manifest.json is unreadable: field 'format' is missing.")
        try Data(#"{"format": 7}"#.utf8).write(to: manifest)
        try assertCleanFailure(["store", "where", "--dir", "st", "H1"], in: dir, expecting: "manifest.json is unreadable: field 'format' has the wrong type.")
    }

    func testFrameImportOfHeaderOnlyFileImportsNothing() throws {
        let dir = try makeTempDirectory(self)
        let header = "household_id,address_line_1,address_line_2,address_line_3,postcode,output_area,lsoa,local_authority\n"
        try Data(header.utf8).write(to: dir.appendingPathComponent("header.csv"))
        // It used to create an empty frame and report "imported 0 households".
        try assertCleanFailure(["frame", "import", "header.csv", "--out", "fr"], in: dir,
                               expecting: "line 2: no households: the file has only the header line; expected one household per line after it", lines: 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("fr").path))
        try Data((header + "H1,1 Acacia Road,,Leeds,LS1 5NF,E00000001,E01000001,E08000035\n").utf8).write(to: dir.appendingPathComponent("one.csv"))
        let ok = try census(["frame", "import", "one.csv", "--out", "fr"], in: dir)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.hasPrefix("imported 1 household in 1 local authority into "), ok.stdout)
    }

    func testHouseholdIdsAreCheckedAndHouseholdFilesMayHaveAByteOrderMark() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--shards", "2", "--dir", "st"], in: dir).status, 0)
        try Data("{}".utf8).write(to: dir.appendingPathComponent("b.json"))
        // "H1 " (a trailing space) used to be stored as a household of its own.
        try assertCleanFailure(["store", "submit", "--dir", "st", "--household", "H1 ", "--schema", fixtureSchema, "--body", "b.json"], in: dir,
                               expecting: "'H1 ' is not a household id: ids are 1-32 letters, digits, '-' or '_', as in the address frame")
        try assertCleanFailure(["store", "where", "--dir", "st", String(repeating: "H", count: 1000)], in: dir,
                               expecting: "'" + String(repeating: "H", count: 40) + "…' is not a household id")

        let small = packageRoot.appendingPathComponent("fixtures/frame-small.csv").path
        XCTAssertEqual(try census(["frame", "import", small, "--out", "fr"], in: dir).status, 0)
        XCTAssertEqual(try census(["frame", "codes", "issue", "--dir", "fr", "--letters", "l.csv", "--dev-secret"], in: dir).status, 0)
        // A byte order mark used to stick to the first id: "household \u{FEFF}H000000001 is not in the address frame".
        try Data("\u{FEFF}H000000001\r\nH000000002\r\n".utf8).write(to: dir.appendingPathComponent("ids.txt"))
        let r = try census(["frame", "codes", "reissue", "--dir", "fr", "--households-file", "ids.txt", "--letters", "r.csv", "--dev-secret"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("issued 2 reminder codes"), r.stdout)
        let revoke = try census(["frame", "codes", "revoke", "--dir", "fr", "--household", "H000000003"], in: dir)
        XCTAssertEqual(revoke.stdout, "revoked 1 active code of H000000003\n", revoke.stderr)
    }

    // A shard path that is a directory used to be reported as a failed transaction to retry.
    func testShardThatIsADirectoryIsReportedAsNotADatabase() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--shards", "2", "--dir", "st"], in: dir).status, 0)
        let shard = dir.appendingPathComponent("st/shards/shard-001.sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: shard.path + suffix) }
        try FileManager.default.createDirectory(at: shard, withIntermediateDirectories: false)
        let r = try census(["store", "check", "--dir", "st"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("shard 1: FAILED — shard 1 at \(shard.path) is corrupt or not a shard database (it is a directory, not a database file)"), r.stdout)
        XCTAssertFalse(r.stdout.contains("rolled back"), r.stdout)
    }
}
