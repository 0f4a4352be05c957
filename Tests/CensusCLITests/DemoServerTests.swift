import CensusTestSupport
import Foundation
import XCTest

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `census` with no arguments serves the demo census: what it prints (the address, three
/// codes, how to stop, the command that serves the store again) works, and it stops cleanly.
final class DemoServerTests: XCTestCase {
    /// A `census` process whose standard output is read as it runs.
    final class Running: @unchecked Sendable {
        let process = Process()
        private let pipe = Pipe()
        private let lock = NSLock()
        /// The output's bytes so far (decoded on reading: a chunk may end inside a character).
        private var bytes: [UInt8] = []

        init(_ arguments: [String], in dir: URL, environment: [String: String] = [:]) throws {
            process.executableURL = try censusExecutable()
            process.arguments = arguments
            process.currentDirectoryURL = dir
            var env = ProcessInfo.processInfo.environment
            for key in ["CENSUS_CODE_SECRET", "CENSUS_CODE_SECRET_FILE", "CENSUS_SESSION_KEY", "CENSUS_SESSION_KEY_FILE"] { env[key] = nil }
            for (k, v) in environment { env[k] = v }
            process.environment = env
            process.standardOutput = pipe
            process.standardError = pipe
            process.standardInput = FileHandle.nullDevice
            try process.run()
            // A thread of its own reads the pipe to its end with blocking reads. Foundation's
            // `readabilityHandler` is a dispatch source on the descriptor: on Linux, a Pipe
            // released while that source is registered (the server killed, this object freed)
            // crashed the test process in `_dispatch_event_loop_drain` (CI, stop 20).
            // (Plain read(2): Foundation's `read(upToCount:)` waits for the whole count.)
            let reader = pipe.fileHandleForReading
            let thread = Thread { [self] in
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(reader.fileDescriptor, $0.baseAddress, $0.count) }
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else { break }
                    self.lock.withLock { self.bytes += buffer[..<count] }
                }
                self.lock.withLock { self.ended = true }
            }
            thread.name = "census output reader"
            thread.start()
        }

        /// True once the child's output reached its end (every writer closed the pipe).
        private var ended = false

        var output: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }

        /// Waits until the output contains `marker` (or the process ends, or 120 s pass).
        func wait(for marker: String) -> Bool {
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline {
                if output.contains(marker) { return true }
                if !process.isRunning { return output.contains(marker) }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return false
        }

        /// Waits for `marker` as ``wait(for:)`` does; when it never comes, kills the child and
        /// throws `failure` with everything the child printed (the test fails with it).
        func started(_ marker: String, else failure: String) throws {
            guard wait(for: marker) else {
                _ = stop(SIGKILL)
                throw NotStarted(description: "\(failure): \(output)")
            }
        }

        /// A child that never printed what a started server prints.
        struct NotStarted: Error, CustomStringConvertible { let description: String }

        /// Sends `signal` and waits (at most 30 s) for the exit status.
        func stop(_ signal: Int32 = SIGINT) -> Int32? {
            if process.isRunning { kill(process.processIdentifier, signal) }
            let deadline = Date().addingTimeInterval(30)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit(); return nil }
            // Let the reader take the last of the output (bounded: a grandchild could hold the pipe).
            let drained = Date().addingTimeInterval(2)
            while !lock.withLock({ ended }) && Date() < drained { Thread.sleep(forTimeInterval: 0.01) }
            return process.terminationStatus
        }
    }

    /// A minimal browser over URLSession: no redirects followed, cookies kept by hand.
    final class Client: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        var cookies: [String: String] = [:]
        lazy var session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)

        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            completionHandler(nil)
        }

        func send(_ url: URL, form: [(String, String)]? = nil) throws -> (status: Int, location: String?, body: String) {
            var request = URLRequest(url: url)
            request.httpShouldHandleCookies = false
            if !cookies.isEmpty { request.setValue(cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "), forHTTPHeaderField: "Cookie") }
            if let form {
                request.httpMethod = "POST"
                request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
                var allowed = CharacterSet.alphanumerics
                allowed.insert(charactersIn: "-._~")
                request.httpBody = Data(form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&").utf8)
            }
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var result: (Data?, URLResponse?, (any Error)?)
            session.dataTask(with: request) { data, response, error in
                result = (data, response, error)
                done.signal()
            }.resume()
            _ = done.wait(timeout: .now() + 30)
            if let error = result.2 { throw error }
            guard let http = result.1 as? HTTPURLResponse else { throw URLError(.badServerResponse) }
            if let setCookie = http.value(forHTTPHeaderField: "Set-Cookie") {
                for cookie in setCookie.components(separatedBy: ", census_") {
                    let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
                    if pair.count == 2 { cookies[pair[0].hasPrefix("census_") ? pair[0] : "census_" + pair[0]] = pair[1] }
                }
            }
            return (http.statusCode, http.value(forHTTPHeaderField: "Location"), String(decoding: result.0 ?? Data(), as: UTF8.self))
        }
    }

    static func csrf(_ body: String) -> String? {
        guard let r = body.range(of: #"name="csrf" value=""#) else { return nil }
        return String(body[r.upperBound...].prefix { $0 != "\"" })
    }

    func testThePrintedAddressAndCodesWorkAndCtrlCStopsCleanly() throws {
        let dir = try makeTempDirectory(self)
        let port = 20_000 + Int.random(in: 0..<20_000)
        let demo = try Running(["--dir", "demo", "--households", "40", "--port", String(port)], in: dir)
        try demo.started("  again ", else: "the demo server did not start")
        let out = demo.output
        let url = try XCTUnwrap(out.split(separator: "\n").compactMap { line -> Substring? in
            guard let r = line.range(of: "http://127.0.0.1:") else { return nil }
            return line[r.lowerBound...]
        }.first)
        XCTAssertTrue(url.hasPrefix("http://127.0.0.1:"), out)
        let codes = out.split(separator: "\n").compactMap { line -> String? in
            line.split(separator: " ").first { $0.count == 19 && $0.filter { $0 == "-" }.count == 3 }.map(String.init)
        }
        XCTAssertEqual(codes.count, 3, out)
        XCTAssertTrue(out.contains("stop        Ctrl-C"), out)
        let again = try XCTUnwrap(out.split(separator: "\n").first { $0.contains("  again ") }.map(String.init))

        // Each code signs in and reaches the first question.
        for code in codes {
            let client = Client()
            let base = URL(string: String(url))!
            XCTAssertEqual(try client.send(base).status, 200)
            let form = try client.send(base.appendingPathComponent("sign-in"))
            let signedIn = try client.send(base.appendingPathComponent("sign-in"), form: [("csrf", Self.csrf(form.body) ?? ""), ("accessCode", code)])
            XCTAssertEqual(signedIn.status, 303, "code \(code): \(signedIn.body.prefix(300))")
            XCTAssertEqual(signedIn.location, "/language")
            let language = try client.send(base.appendingPathComponent("language"))
            let chosen = try client.send(base.appendingPathComponent("language"), form: [("csrf", Self.csrf(language.body) ?? ""), ("language", "en")])
            XCTAssertEqual(chosen.location, "/form")
            let resume = try client.send(base.appendingPathComponent("form"))
            XCTAssertEqual(resume.location, "/form/page/coronavirus")
        }
        XCTAssertEqual(demo.stop(SIGINT), 0, demo.output)
        // Said by the command that was run (`census`), not by `census serve`.
        XCTAssertTrue(demo.output.contains("\ncensus: stopped; every save was committed"), demo.output)

        // The printed command serves the same store again (not replaced), and SIGTERM stops it.
        let words = again.split(separator: " ").map(String.init)
        let env = words.first { $0.hasPrefix("CENSUS_SESSION_KEY_FILE=") }!.split(separator: "=", maxSplits: 1).map(String.init)
        let arguments = Array(words.drop { $0 != "serve" })
        let executable = try XCTUnwrap(words.first { $0.hasSuffix("census") })
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: executable.hasPrefix("/") ? executable : dir.appendingPathComponent(executable).path), executable)
        // Served this time with its tasks on Swift's pool (CENSUS_EXECUTOR=swift-pool; the first
        // run used the default, the event loops): the same pages, and SIGTERM still stops it cleanly.
        let served = try Running(arguments, in: dir, environment: [env[0]: env[1], "CENSUS_EXECUTOR": "swift-pool"])
        guard served.wait(for: "census serve: http://") else {
            _ = served.stop(SIGKILL)
            return XCTFail("`\(again)` did not serve: \(served.output)")
        }
        let client = Client()
        let base = URL(string: String(url))!
        let form = try client.send(base.appendingPathComponent("sign-in"))
        let signedIn = try client.send(base.appendingPathComponent("sign-in"), form: [("csrf", Self.csrf(form.body) ?? ""), ("accessCode", codes[0])])
        XCTAssertEqual(signedIn.status, 303, String(signedIn.body.prefix(300)))
        XCTAssertEqual(served.stop(SIGTERM), 0, served.output)
        XCTAssertTrue(served.output.contains("census serve: stopped; every save was committed"), served.output)
    }

    /// A second `census` on the directory of a demo still serving replaced it: the running
    /// server went on writing every save into deleted files. It is refused now, and once the
    /// first demo has stopped the directory is replaced as before.
    func testASecondDemoNeverReplacesTheDirectoryOfOneStillRunning() throws {
        let dir = try makeTempDirectory(self)
        let port = 20_000 + Int.random(in: 0..<20_000)
        let first = try Running(["--dir", "demo", "--households", "20", "--port", String(port)], in: dir)
        try first.started("  again ", else: "the demo server did not start")
        let shard = dir.appendingPathComponent("demo/shards/shard-000.sqlite").path
        func inode() throws -> UInt64 {
            var info = stat()
            guard stat(shard, &info) == 0 else { throw NSError(domain: "stat \(shard)", code: Int(errno)) }
            return UInt64(info.st_ino)
        }
        let before = try inode()
        // The offline demo (it exits by itself; the served one prepares its directory the
        // same way, and would serve until stopped if it were let through).
        let second = try census(["demo", "--simulate", "--dir", "demo", "--households", "20"], in: dir)
        XCTAssertEqual(second.status, 2, second.stderr)
        XCTAssertTrue(second.stderr.contains("/demo is in use by a `census` still running on it (a demo, or `census serve` of it); stop that first"), second.stderr)
        XCTAssertEqual(try inode(), before, "the running demo's shard is untouched")
        XCTAssertEqual(first.stop(SIGINT), 0, first.output)
        // Served again with the command the demo printed: still not replaced under it.
        let served = try Running(["serve", "--dir", "demo", "--schema", "demo/census.json", "--dev-secret", "--port", "0"], in: dir,
                                 environment: ["CENSUS_SESSION_KEY_FILE": dir.appendingPathComponent("demo/session.key").path])
        try served.started("census serve: http://", else: "census serve did not start")
        let underServe = try census(["demo", "--simulate", "--dir", "demo", "--households", "20"], in: dir)
        XCTAssertEqual(underServe.status, 2, underServe.stderr)
        XCTAssertTrue(underServe.stderr.contains("is in use by a `census` still running on it"), underServe.stderr)
        XCTAssertEqual(served.stop(SIGTERM), 0, served.output)
        let again = try census(["demo", "--simulate", "--dir", "demo", "--households", "20"], in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
    }

    func testServeRefusesWithAClearMessageWhenSomethingIsMissing() throws {
        let dir = try makeTempDirectory(self)
        // No store at all.
        let noStore = try census(["serve", "--dir", "nowhere", "--schema", "census.json", "--dev-secret"], in: dir,
                                 environment: ["CENSUS_SESSION_KEY": String(repeating: "k", count: 40)])
        XCTAssertEqual(noStore.status, 2)  // not done (census help: exit status)
        XCTAssertTrue(noStore.stderr.contains("cannot use the schema") && noStore.stderr.contains("census compile"), noStore.stderr)
        // No session key.
        let noKey = try census(["serve", "--dir", "nowhere", "--schema", "census.json", "--dev-secret"], in: dir)
        XCTAssertEqual(noKey.status, 2)  // not done (census help: exit status)
        XCTAssertTrue(noKey.stderr.contains("no session key configured"), noKey.stderr)
        // No access-code secret.
        let noSecret = try census(["serve", "--dir", "nowhere", "--schema", "census.json"], in: dir,
                                  environment: ["CENSUS_SESSION_KEY": String(repeating: "k", count: 40)])
        XCTAssertEqual(noSecret.status, 2)  // not done (census help: exit status)
        XCTAssertTrue(noSecret.stderr.contains("no access-code secret configured"), noSecret.stderr)
    }

    func testAJourneyCarriesOnAfterTheServerIsKilled() throws {
        let dir = try makeTempDirectory(self)
        let port = 20_000 + Int.random(in: 0..<20_000)
        let demo = try Running(["--dir", "demo", "--households", "20", "--port", String(port)], in: dir)
        try demo.started("  again ", else: "the demo server did not start")
        let out = demo.output
        let code = try XCTUnwrap(out.split(separator: "\n").first { $0.contains("try a code") }?.split(separator: " ").first { $0.count == 19 }.map(String.init))
        let again = try XCTUnwrap(out.split(separator: "\n").first { $0.contains("  again ") }.map(String.init))
        let base = URL(string: "http://127.0.0.1:\(port)")!
        let client = Client()
        func post(_ path: String, _ fields: [(String, String)]) throws -> (status: Int, location: String?, body: String) {
            let page = try client.send(base.appendingPathComponent(path))
            return try client.send(base.appendingPathComponent(path), form: [("csrf", Self.csrf(page.body) ?? "")] + fields)
        }
        _ = try post("sign-in", [("accessCode", code)])
        _ = try post("language", [("language", "en")])
        XCTAssertEqual(try post("form/page/coronavirus", []).location, "/form/page/people_intro")
        XCTAssertEqual(try post("form/page/people_intro", []).location, "/form/page/lives_here")
        XCTAssertEqual(try post("form/page/lives_here", [("lives_here", "yes")]).location, "/form/page/who_else")
        XCTAssertEqual(try post("form/page/who_else", [("who_else", "family")]).location, "/form/list/residents")
        // Killed between two pages: no shutdown, nothing flushed by it.
        kill(demo.process.processIdentifier, SIGKILL)
        demo.process.waitUntilExit()
        XCTAssertEqual(demo.process.terminationReason, .uncaughtSignal)

        let words = again.split(separator: " ").map(String.init)
        let env = words.first { $0.hasPrefix("CENSUS_SESSION_KEY_FILE=") }!.split(separator: "=", maxSplits: 1).map(String.init)
        let served = try Running(Array(words.drop { $0 != "serve" }), in: dir, environment: [env[0]: env[1]])
        defer { _ = served.stop(SIGTERM) }
        guard served.wait(for: "census serve: http://") else { return XCTFail("did not serve again: \(served.output)") }
        // The same browser, still signed in, resumes after the last page it saved.
        let resume = try client.send(base.appendingPathComponent("form"))
        XCTAssertEqual(resume.status, 303)
        XCTAssertEqual(resume.location, "/form/list/residents")
        let earlier = try client.send(base.appendingPathComponent("form/page/who_else"))
        XCTAssertTrue(earlier.body.contains(#"value="family" checked"#), "the answer saved before the kill is there")
    }
}
