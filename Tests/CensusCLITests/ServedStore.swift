import CensusTestSupport
import Foundation
import XCTest

/// A store made with the `census` commands (a generated frame with letters, 4 shards, an
/// ingest token), served by a real `census serve` child process on 127.0.0.1 (a port the
/// system chooses), for tests that need real sockets, real processes and SIGKILL.
final class ServedStore: @unchecked Sendable {
    let root: URL
    let store: URL
    /// The households of the frame, in frame order.
    let households: [String]
    /// An `ingest` machine token.
    let ingestToken: String
    let sessionKey = String(repeating: "k", count: 48)
    private(set) var server: DemoServerTests.Running?
    private(set) var port = 0

    init(households count: Int = 400) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("census-served-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        store = root.appendingPathComponent("st")
        for arguments in [
            ["frame", "generate", "--households", String(count), "--seed", "11", "--out", "st"],
            ["frame", "codes", "issue", "--dir", "st", "--letters", "letters.csv", "--dev-secret"],
            ["store", "init", "--dir", "st", "--shards", "4"],
        ] {
            let run = try census(arguments, in: root)
            guard run.status == 0 else { throw ServedStoreError("census \(arguments.joined(separator: " ")): \(run.stderr)") }
        }
        let made = try census(["token", "create", "--dir", "st", "--name", "load", "--role", "ingest"], in: root)
        guard made.status == 0 else { throw ServedStoreError("census token create: \(made.stderr)") }
        ingestToken = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let csv = try String(contentsOf: store.appendingPathComponent("frame.csv"), encoding: .utf8)
        households = csv.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").first.map(String.init) }
    }

    /// Starts `census serve` (with `environment` added to this process's) and waits until it
    /// listens; returns its base URL.
    @discardableResult
    func start(environment: [String: String] = [:]) throws -> URL {
        let running = try DemoServerTests.Running(
            ["serve", "--dir", "st", "--schema", fixtureSchema, "--dev-secret", "--port", "0", "--log-level", "warning"],
            in: root, environment: environment.merging(["CENSUS_SESSION_KEY": sessionKey]) { $1 })
        server = running
        guard running.wait(for: "census serve: http://127.0.0.1:"),
              let match = running.output.firstMatch(of: /census serve: http:\/\/127\.0\.0\.1:(\d+)\//), let port = Int(match.1)
        else {
            _ = running.stop(SIGKILL)
            throw ServedStoreError("census serve did not start: \(running.output)")
        }
        self.port = port
        return baseURL
    }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// A valid census response (fixture line `line % 40`) as a paper return of `household`.
    func paperReturn(line: Int, household: String) throws -> Data {
        guard var object = fixtureResponses[line % fixtureResponses.count] as? [String: Any] else {
            throw ServedStoreError("fixture line \(line) is not an object")
        }
        object["channel"] = "paper"
        object["id"] = household
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// The valid fixture households (fixtures/households/valid.ndjson), parsed once.
    private lazy var fixtureResponses: [Any] = {
        let text = (try? String(contentsOf: packageRoot.appendingPathComponent("fixtures/households/valid.ndjson"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }
    }()

    /// Stops the server with `signal` (SIGKILL: no shutdown at all); returns its exit status.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM) -> Int32? {
        defer { server = nil }
        return server?.stop(signal)
    }

    func remove() {
        _ = stop(SIGKILL)
        try? FileManager.default.removeItem(at: root)
    }
}

struct ServedStoreError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
