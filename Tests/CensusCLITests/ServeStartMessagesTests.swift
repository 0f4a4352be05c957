import CensusTestSupport
import Foundation
import XCTest

/// What `census serve` says when it cannot start, tried from outside as a newcomer would: each
/// message names what failed in words and what to do, without a Swift type name, and never
/// proposes writing over a file that is there.
final class ServeStartMessagesTests: XCTestCase {
    private let sessionKey = ["CENSUS_SESSION_KEY": String(repeating: "k", count: 48)]

    /// A host that is no address said "the server stopped: SocketAddressError.UnknownHost: …
    /// (listening on 0.0.0.0.0:8080)"; a port in use said "the server stopped: the port is
    /// already in use (choose another with --port) (listening on …)".
    func testAnAddressItCannotListenOnIsSaidSo() throws {
        let served = try ServedStore(households: 20)
        defer { served.remove() }
        let badHost = try census(["serve", "--dir", "st", "--schema", fixtureSchema, "--dev-secret", "--host", "0.0.0.0.0", "--port", "0"],
                                 in: served.root, environment: sessionKey)
        XCTAssertEqual(badHost.status, 2, badHost.stderr)
        XCTAssertTrue(badHost.stderr.contains("census serve: cannot listen on 0.0.0.0.0:0: --host is neither an IP address nor a name that resolves"), badHost.stderr)
        XCTAssertFalse(badHost.stderr.contains("SocketAddressError"), badHost.stderr)
        XCTAssertFalse(badHost.stderr.contains("listening on"), badHost.stderr)

        try served.start()
        let port = served.port
        let taken = try census(["serve", "--dir", "st", "--schema", fixtureSchema, "--dev-secret", "--port", String(port)],
                               in: served.root, environment: sessionKey)
        XCTAssertEqual(taken.status, 2, taken.stderr)
        XCTAssertTrue(taken.stderr.contains("census serve: cannot listen on 127.0.0.1:\(port): the port is already in use; choose another with --port\n"), taken.stderr)
        XCTAssertEqual(served.stop(SIGTERM), 0)
    }

    /// A --schema that is there but is not a schema (responses, the form's source) said
    /// "Compile the form with `census compile FORM.census -o THAT-FILE`", which would write
    /// over it; a missing one said only "the file cannot be read".
    func testASchemaThatIsNotOneIsNeverProposedAsAnOutput() throws {
        let served = try ServedStore(households: 20)
        defer { served.remove() }
        try Data(#"{"residents": []}"#.utf8 + [0x0A]).write(to: served.root.appendingPathComponent("answers.json"))
        let notASchema = try census(["serve", "--dir", "st", "--schema", "answers.json", "--dev-secret"], in: served.root, environment: sessionKey)
        XCTAssertEqual(notASchema.status, 2, notASchema.stderr)
        XCTAssertTrue(notASchema.stderr.contains("census serve: cannot use the schema \(served.root.path)/answers.json: $.format: missing"), notASchema.stderr)
        XCTAssertTrue(notASchema.stderr.contains("is it a schema written by `census compile FORM.census -o SCHEMA.json`?"), notASchema.stderr)
        XCTAssertFalse(notASchema.stderr.contains("-o answers.json"), notASchema.stderr)

        let source = try census(["serve", "--dir", "st", "--schema", "\(packageRoot.path)/questionnaires/census-household.census", "--dev-secret"],
                                in: served.root, environment: sessionKey)
        XCTAssertEqual(source.status, 2, source.stderr)
        XCTAssertTrue(source.stderr.contains("this is a questionnaire source: compile it first"), source.stderr)

        let missing = try census(["serve", "--dir", "st", "--schema", "nothing.json", "--dev-secret"], in: served.root, environment: sessionKey)
        XCTAssertEqual(missing.status, 2, missing.stderr)
        XCTAssertEqual(missing.stderr, "census serve: warning: using the public development access-code secret: demo only\n"
                       + "census serve: cannot use the schema \(served.root.path)/nothing.json: No such file or directory; "
                       + "`census compile FORM.census -o \(served.root.path)/nothing.json` writes it\n")
    }

    /// A store whose shards are all read-only said, for each, "… Other shards are unaffected.;
    /// its households see …": whole sentences now, and one line that no shard can be written.
    func testAStoreWithNoWritableShardIsSaidOnceInSentences() throws {
        let served = try ServedStore(households: 20)
        defer { served.remove() }
        let shards = served.store.appendingPathComponent("shards")
        defer { chmod(shards.path, 0o755) }
        chmod(shards.path, 0o555)
        let running = try DemoServerTests.Running(["serve", "--dir", "st", "--schema", fixtureSchema, "--dev-secret", "--port", "0"],
                                                  in: served.root, environment: sessionKey)
        guard running.wait(for: "census serve: http://") else {
            _ = running.stop(SIGKILL)
            return XCTFail("census serve did not start: \(running.output)")
        }
        XCTAssertEqual(running.stop(SIGTERM), 0, running.output)
        let warnings = running.output.split(separator: "\n").filter { $0.hasPrefix("census serve: warning: shard") }
        XCTAssertEqual(warnings.count, 4, running.output)
        for line in warnings {
            XCTAssertFalse(line.contains(".;"), String(line))
            XCTAssertTrue(line.hasSuffix(". Its households see \"service unavailable\" until it is fixed."), String(line))
        }
        XCTAssertTrue(running.output.contains("census serve: warning: no shard can be written: every household sees \"service unavailable\" until they are fixed\n"), running.output)
    }
}
