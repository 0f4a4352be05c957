import ArgumentParser
import AddressFrame
import AsyncHTTPClient
import CensusCollection
import Foundation
import NIOCore
import NIOPosix
import Questionnaire
import SyntheticCensus
import Synchronization

/// `census-bench journeys`: whole households through the HTML pages of a running
/// `census serve`, by a bounded load client that behaves like a browser.
///
/// Each journey is one household of the frame (a code from the letters file): start page,
/// sign in, language, every page of the form answered from a generated household of
/// `--residents` people (``HouseholdPageAnswers``, the same page logic as the journey tests),
/// people added on the list screens, check your answers, submit, the confirmation page.
/// Cookies, CSRF tokens and redirects are handled as a browser handles them.
///
/// Bounded: at most `--journeys` journeys and `--seconds` seconds (journeys still running at
/// the end of the window are abandoned and not counted); only 127.0.0.1 or localhost.
struct JourneyBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journeys",
        abstract: "Household journeys through the HTML pages of a running census serve (a bounded, browser-like load client).",
        discussion: """
            Start the server first (benchmarks/server/run.sh does everything: store, letters, \
            server, this client). Reports journeys/s, requests/s, answered pages/s (a page's \
            save and the next page), p50/p99 latency by request kind, and the server's memory \
            (--server-pid).
            """
    )

    @Option(help: "The server, on 127.0.0.1.") var url = "http://127.0.0.1:8080"
    @Option(help: "The compiled form the server collects (census.json).") var schema: String
    @Option(help: "The letters file of the frame (household_id, access_code).") var letters: String
    @Option(help: "The address frame the letters are for (default: frame.sqlite beside the letters file): each household is answered for its own variant of the form.") var frame: String?
    @Option(help: "Skip this many letters first (households already used by an earlier run).") var skip = 0
    @Option(help: "People in each household.") var residents = 3
    @Option(help: "At most this many journeys.") var journeys = 2000
    @Option(help: "At most this many seconds of load.") var seconds = 30.0
    @Option(help: "Households answering at once (each its own session; they share a connection pool).") var concurrency = 32
    @Option(help: "Connections to the server.") var connections = 32
    @Option(help: "The server's process id, to report its memory.") var serverPid: Int32?
    @Option(help: "Seed of the generated households.") var seed: UInt64 = 11

    func validate() throws {
        guard let host = URL(string: url)?.host, host == "127.0.0.1" || host == "localhost" else {
            throw ValidationError("--url must be on 127.0.0.1 (load stays on this machine)")
        }
        guard journeys > 0, seconds > 0, seconds <= 600, concurrency > 0, concurrency <= 4096 else {
            throw ValidationError("--journeys, --seconds (at most 600) and --concurrency must be positive")
        }
    }

    func run() async throws {
        let schema = try Schema(jsonBytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: self.schema))))
        let letters = try Self.letters(self.letters).dropFirst(skip).prefix(journeys)
        guard letters.count == journeys else {
            throw ValidationError("the letters file has \(letters.count) unused codes after --skip \(skip); --journeys is \(journeys)")
        }
        // Each household answers for its own variant of the form (the server decides it from
        // the household's local authority): an answer set made for Wales, posted for a
        // household in England, would tick options its pages do not offer.
        let framePath = frame ?? URL(fileURLWithPath: self.letters).deletingLastPathComponent().appendingPathComponent(AddressFrame.fileName).path
        let addressFrame = try AddressFrame.open(at: URL(fileURLWithPath: framePath), readOnly: true)
        let variants = try letters.map { letter -> String in
            guard let household = try addressFrame.household(letter.household) else {
                throw ValidationError("household \(letter.household) of \(self.letters) is not in \(framePath)")
            }
            return OnlineAnswers.variant(for: household, schema: schema) ?? ""
        }
        try addressFrame.close()
        let targets = try Self.households(schema, residents: residents, count: min(journeys, 64), variants: Set(variants), seed: seed)
        let plans = zip(letters, variants).enumerated().map { k, pair in
            (pair.0.code, HouseholdPageAnswers(schema: schema, target: targets[pair.1]![k % targets[pair.1]!.count]))
        }
        let distinct = targets.values.reduce(0) { $0 + $1.count }
        print("journeys: \(plans.count) households of \(residents) (\(distinct) distinct answer sets), concurrency \(concurrency), \(connections) connections, at most \(seconds) s")

        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(30)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        let client = HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: configuration)
        let memory = serverPid.map { MemorySampler(pid: $0) }
        let rssBefore = memory?.read()

        let next = Counter()
        let started = DispatchTime.now().uptimeNanoseconds
        let deadline = started + UInt64(seconds * 1e9)
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let sampling = Task { await memory?.sample(until: deadline) }
        let results = try await withThrowingTaskGroup(of: [JourneyResult].self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var done: [JourneyResult] = []
                    while true {
                        let k = next.take()
                        guard k < plans.count, DispatchTime.now().uptimeNanoseconds < deadline else { break }
                        done.append(await Self.journey(client: client, base: base, code: plans[k].0, answers: plans[k].1, deadline: deadline))
                    }
                    return done
                }
            }
            var all: [JourneyResult] = []
            for try await r in group { all += r }
            return all
        }
        let finished = DispatchTime.now().uptimeNanoseconds
        sampling.cancel()
        try await client.shutdown()
        let window = Double(min(finished, deadline) - started) / 1e9
        report(results, window: window, windowEnd: min(finished, deadline), before: rssBefore, memory: memory)
    }

    // MARK: One journey

    struct JourneyResult: Sendable {
        var completed = false
        var abandoned = false
        var failure: String?
        var samples: [RequestSample] = []
        /// Answered pages: a form post that saved and redirected (sign-in, language and submit not counted).
        var answered = 0
        var finishedAt: UInt64 = 0
    }

    static func journey(client: HTTPClient, base: String, code: String, answers: HouseholdPageAnswers, deadline: UInt64) async -> JourneyResult {
        var browser = LoadBrowser(client: client, base: base)
        var result = JourneyResult()
        do {
            _ = try await browser.get("/")
            _ = try await browser.get("/sign-in")
            let signedIn = try await browser.post("/sign-in", [("accessCode", code)])
            guard signedIn.status == 303, signedIn.location == "/language" else { throw JourneyFailure("sign-in: \(signedIn.status)") }
            _ = try await browser.follow(signedIn)
            var page = try await browser.follow(try await browser.post("/language", [("language", "en")]))
            for _ in 0..<600 {
                if DispatchTime.now().uptimeNanoseconds >= deadline { result.abandoned = true; break }
                let response: LoadBrowser.Page
                switch answers.next(html: page.body) {
                case .submitted:
                    result.completed = true
                case .unknown:
                    throw JourneyFailure("a page without a form the client knows (status \(page.status))")
                case .post(let path, let fields):
                    response = try await browser.post(path, fields)
                    if path != "/form/submit", response.status == 303 { result.answered += 1 }
                    page = try await next(response, path, &browser)
                    continue
                case .addMember(let path, let member):
                    let form = try await browser.get(path)
                    response = try await browser.post(path, answers.fields(for: member, html: form.body))
                    if response.status == 303 { result.answered += 1 }
                    page = try await next(response, path, &browser)
                    continue
                }
                break
            }
            if !result.completed && !result.abandoned { throw JourneyFailure("no end within 600 pages") }
        } catch {
            result.failure = "\(error)"
        }
        result.samples = browser.samples
        result.finishedAt = DispatchTime.now().uptimeNanoseconds
        return result
    }

    private static func next(_ response: LoadBrowser.Page, _ path: String, _ browser: inout LoadBrowser) async throws -> LoadBrowser.Page {
        guard response.status == 303 else {
            let text = response.body.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
                .replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
            throw JourneyFailure("\(path): \(response.status) \(text.prefix(300))")
        }
        return try await browser.follow(response)
    }

    struct JourneyFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: Inputs

    /// The letters file's households and codes, in frame order.
    static func letters(_ path: String) throws -> [(household: String, code: String)] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline)
        guard let header = lines.first?.split(separator: ",").map(String.init),
              let h = header.firstIndex(of: "household_id"), let c = header.firstIndex(of: "access_code")
        else { throw ValidationError("\(path) has no household_id and access_code columns") }
        lines.removeFirst()
        // Both columns come before the address, the only one that may hold a quoted comma.
        return lines.compactMap { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return fields.count > max(h, c) ? (String(fields[h]), String(fields[c])) : nil
        }
    }

    /// Valid generated households of `residents` people, online, by variant of the form (""
    /// for a form without variants): up to `count` of each variant asked for.
    static func households(_ schema: Schema, residents: Int, count: Int, variants: Set<String>, seed: UInt64) throws -> [String: [JSONValue]] {
        let evaluator = try Evaluator(schema: schema)
        let generator = HouseholdGenerator(evaluator: evaluator, seed: seed)
        var out: [String: [JSONValue]] = [:]
        // Households in Wales are about 5% of those generated: draw until each variant has its share.
        for i in 0..<max(count * 200, 40_000) {
            if variants.allSatisfy({ out[$0, default: []].count >= count }) { break }
            let h = generator.household(i).response
            let variant = h["variant"]?.stringValue ?? ""
            guard variants.contains(variant), out[variant, default: []].count < count,
                  h["residents"]?.arrayValue?.count == residents, evaluator.evaluate(h).isValid else { continue }
            out[variant, default: []].append(h)
        }
        for variant in variants where out[variant, default: []].isEmpty {
            throw ValidationError("no generated household of the variant '\(variant)' has \(residents) residents")
        }
        return out
    }

    // MARK: Report

    private func report(_ results: [JourneyResult], window: Double, windowEnd: UInt64, before: MemorySampler.Reading?, memory: MemorySampler?) {
        let samples = results.flatMap(\.samples).filter { $0.finishedAt <= windowEnd }
        let completed = results.filter(\.completed)
        let failed = results.filter { $0.failure != nil }
        let answered = results.filter { $0.finishedAt <= windowEnd }.reduce(0) { $0 + $1.answered }
        func ms(_ xs: [UInt64], _ q: Double) -> String { quantileMilliseconds(xs, q).map { String(format: "%.1f", $0) } ?? "-" }
        let all = samples.map(\.nanoseconds), gets = samples.filter { $0.method == .get }.map(\.nanoseconds)
        let posts = samples.filter { $0.method == .post }.map(\.nanoseconds)
        var statuses: [Int: Int] = [:]
        for s in samples { statuses[s.status, default: 0] += 1 }
        print(String(format: "window: %.1f s", window))
        print(String(format: "journeys: %d completed (%.1f/s), %d failed, %d abandoned at the end of the window",
                     completed.count, Double(completed.count) / window, failed.count, results.filter(\.abandoned).count))
        if !completed.isEmpty {
            print(String(format: "per journey: %.0f requests, %.0f answered pages",
                         Double(completed.reduce(0) { $0 + $1.samples.count }) / Double(completed.count),
                         Double(completed.reduce(0) { $0 + $1.answered }) / Double(completed.count)))
        }
        print(String(format: "requests: %d (%.0f/s; GET %d, POST %d), answered pages (save + next page): %.0f/s",
                     samples.count, Double(samples.count) / window, gets.count, posts.count, Double(answered) / window))
        print("latency ms: all p50 \(ms(all, 0.5)) p99 \(ms(all, 0.99)) max \(ms(all, 1)); GET p50 \(ms(gets, 0.5)) p99 \(ms(gets, 0.99)); POST p50 \(ms(posts, 0.5)) p99 \(ms(posts, 0.99))")
        print("statuses: " + statuses.keys.sorted().map { "\($0): \(statuses[$0]!)" }.joined(separator: ", "))
        for f in failed.prefix(3) { print("failure: \(f.failure ?? "")") }
        if let memory, let before {
            let after = memory.read()
            print("server memory: RSS \(before.rssKB / 1024) MB before, peak \(max(memory.peakKB, after?.rssKB ?? 0) / 1024) MB during, \((after?.rssKB ?? 0) / 1024) MB after (VmHWM \((after?.hwmKB ?? 0) / 1024) MB)")
        }
    }
}

/// Hands out 0, 1, 2, ... to concurrent tasks.
final class Counter: Sendable {
    private let value = Mutex(0)
    func take() -> Int { value.withLock { n in defer { n += 1 }; return n } }
}

/// Reads a process's resident memory from `/proc/PID/status` (Linux).
final class MemorySampler: Sendable {
    let pid: Int32
    private let peak = Mutex(0)
    var peakKB: Int { peak.withLock { $0 } }

    struct Reading { var rssKB: Int; var hwmKB: Int }

    init(pid: Int32) { self.pid = pid }

    func read() -> Reading? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0
        }
        return Reading(rssKB: field("VmRSS"), hwmKB: field("VmHWM"))
    }

    /// Samples every half second until `deadline` (uptime nanoseconds) or cancellation.
    func sample(until deadline: UInt64) async {
        while DispatchTime.now().uptimeNanoseconds < deadline, !Task.isCancelled {
            if let r = read() { peak.withLock { $0 = max($0, r.rssKB) } }
            try? await Task.sleep(nanoseconds: 500_000_000)
        }
    }
}
