import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// `census-bench keying`: field keyers keying paper returns on the staff pages of a running
/// `census serve`, all at once, by a bounded load client that behaves like their browsers.
///
/// Each keyer signs in (its own staff session; sign-in is not timed: bcrypt is slow by design),
/// then keys one household after another: the household page (`/staff/keying/household`), the
/// keying page for `--people` person blocks (**render**), and the save (**save**: the page
/// posted with every choice keyed as its first code, the names and dates of birth typed), until
/// `--forms` forms or `--seconds` seconds. Double keying must be off (a save then stores a
/// paper return through the collection path and appends an audit record).
///
/// With no `--think` (the default) the keyers are a closed loop with no pause: each asks for
/// its next page the moment the last one arrives, so 50 keyers keep the server saturated and
/// the figures are its capacity, with latency set by the queue (Little's law: 50 keyers over
/// the forms per second the machine can do). A real keyer types for minutes between opening a
/// form and saving it: `--think S` makes each keyer type for a random 0.5 S to 1.5 S (uniform)
/// between the keying page and the save, and start at a random moment in the first S, so the
/// latencies are those of 50 keyers at a pace (still far faster than a real one's, to get
/// samples in a minute's run).
///
/// Reports p50/p99 of render and save, forms per second, and the forms per hour one keyer
/// could key if the software were the only limit (3,600 s over the median render plus save).
struct KeyingBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keying",
        abstract: "Keyers keying paper returns on the staff pages of a running census serve (a bounded load client).",
        discussion: """
            benchmarks/server/keying.sh does everything: a store, field keyers (census staff add), \
            the server, this client. --staff is a CSV of name,password (field staff).
            """
    )

    @Option(help: "The server, on 127.0.0.1.") var url = "http://127.0.0.1:8080"
    @Option(help: "Field keyers' accounts: a CSV of name,password, one a line.") var staff: String
    @Option(help: "The letters file of the frame (its household_id column gives the forms to key).") var letters: String
    @Option(help: "Keyers keying at once (at most the accounts given).") var keyers = 50
    @Option(help: "At most this many forms in all.") var forms = 2000
    @Option(help: "At most this many seconds of keying.") var seconds = 60.0
    @Option(help: "Person blocks filled on each paper form.") var people = 3
    @Option(help: "Seconds a keyer types between the keying page and the save (each a random 0.5x-1.5x of it); 0: none, a closed loop.") var think = 0.0

    func validate() throws {
        guard let host = URL(string: url)?.host, host == "127.0.0.1" || host == "localhost" else {
            throw ValidationError("--url must be on 127.0.0.1 (load stays on this machine)")
        }
        guard keyers > 0, keyers <= 500, forms > 0, seconds > 0, seconds <= 600, (1...30).contains(people), think >= 0, think <= 300 else {
            throw ValidationError("--keyers (1-500), --forms, --seconds (at most 600), --people (1-30) and --think (0-300) must be in range")
        }
    }

    func run() async throws {
        let accounts = try String(contentsOfFile: staff, encoding: .utf8).split(whereSeparator: \.isNewline).compactMap { line -> (String, String)? in
            let parts = line.split(separator: ",", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
        guard accounts.count >= keyers else { throw ValidationError("\(staff) has \(accounts.count) accounts; --keyers is \(keyers)") }
        let households = try JourneyBenchmark.letters(letters).prefix(forms).map(\.household)
        print("keying: \(keyers) keyers, at most \(households.count) forms of \(people) people, at most \(seconds) s; "
              + (think > 0 ? "typing \(think) s a form (0.5x-1.5x)" : "no pause (closed loop)"))

        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(60)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: keyers)
        let client = HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: configuration)
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url

        // Sign-in first (not timed): each keyer its own session.
        var browsers: [LoadBrowser] = []
        for (name, password) in accounts.prefix(keyers) {
            var browser = LoadBrowser(client: client, base: base)
            _ = try await browser.get("/staff/sign-in")
            let signedIn = try await browser.post("/staff/sign-in", [("name", name), ("password", password), ("code", "")])
            guard signedIn.status == 303 else { throw ValidationError("\(name) could not sign in: \(signedIn.status)") }
            browser.samples = []
            browsers.append(browser)
        }
        print("signed in: \(browsers.count) keyers; load \(Self.loadAverage())")

        let next = Counter()
        let ids = Array(households)
        let started = DispatchTime.now().uptimeNanoseconds
        let deadline = started + UInt64(seconds * 1e9)
        let people = self.people
        let think = self.think
        let results = try await withThrowingTaskGroup(of: KeyerResult.self) { group in
            for browser in browsers {
                group.addTask {
                    var browser = browser
                    var result = KeyerResult()
                    // Keyers at a pace start at random moments, not all at once.
                    if think > 0 { try await Task.sleep(nanoseconds: UInt64(Double.random(in: 0..<think) * 1e9)) }
                    while DispatchTime.now().uptimeNanoseconds < deadline {
                        let k = next.take()
                        guard k < ids.count else { break }
                        do {
                            try await Self.key(ids[k], people: people, think: think, browser: &browser, result: &result)
                        } catch {
                            result.failures.append("\(ids[k]): \(error)")
                        }
                    }
                    return result
                }
            }
            var all: [KeyerResult] = []
            for try await r in group { all.append(r) }
            return all
        }
        let finished = DispatchTime.now().uptimeNanoseconds
        try await client.shutdown()
        report(results, window: Double(min(finished, deadline) - started) / 1e9, end: min(finished, deadline))
    }

    struct KeyerResult: Sendable {
        var render: [UInt64] = []
        var save: [UInt64] = []
        var find: [UInt64] = []
        var saved = 0
        var savedAt: [UInt64] = []
        var failures: [String] = []
        /// Saves refused (422) before the keyer learned which boxes to leave blank.
        var refusals = 0
        var refusedFields: Set<String> = []
    }

    /// Keys one form: the household page, the keying page, typing for about `think` seconds
    /// (none when 0), the save.
    static func key(_ household: String, people: Int, think: Double, browser: inout LoadBrowser, result: inout KeyerResult) async throws {
        var t = DispatchTime.now().uptimeNanoseconds
        let found = try await browser.get("/staff/keying/household?id=\(household)")
        guard found.status == 200 else { throw Failure("household page: \(found.status)") }
        result.find.append(DispatchTime.now().uptimeNanoseconds - t)
        let formPath = "/staff/keying/\(household)/form?residents=\(people)&visitors=0"
        t = DispatchTime.now().uptimeNanoseconds
        let page = try await browser.get(formPath)
        guard page.status == 200 else { throw Failure("keying page: \(page.status)") }
        result.render.append(DispatchTime.now().uptimeNanoseconds - t)
        var fields = Self.keyedFields(page.body, people: people).filter { !result.refusedFields.contains($0.0) }
        if think > 0 { try await Task.sleep(nanoseconds: UInt64(Double.random(in: 0.5...1.5) * think * 1e9)) }
        t = DispatchTime.now().uptimeNanoseconds
        var saved = try await browser.post(formPath, fields)
        var end = DispatchTime.now().uptimeNanoseconds
        if saved.status == 422 {
            // A code the form refuses for this person (an option only later people are offered,
            // say): the keyer leaves that box blank, as the page asks, and saves again. Learned
            // once per keyer; the refused save is counted, not timed.
            result.refusals += 1
            let refused = Set(saved.body.matches(of: /<li><a href="#([^"]+)">/).map { String($0.1) })
            result.refusedFields.formUnion(refused)
            fields = fields.filter { !refused.contains($0.0) }
            t = DispatchTime.now().uptimeNanoseconds
            saved = try await browser.post(formPath, fields)
            end = DispatchTime.now().uptimeNanoseconds
        }
        guard saved.status == 200, saved.body.contains("saved") else {
            let text = saved.body.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
                .replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
            throw Failure("save: \(saved.status) \(text.prefix(300))")
        }
        result.save.append(end - t)
        result.saved += 1
        result.savedAt.append(end)
    }

    /// What a keyer types on the page: the hidden idempotency key, every choice as its first
    /// code, names, and a date of birth for each person; other boxes left blank, as on paper.
    ///
    /// Read by a scan of the page's bytes, not a regular expression: the load client shares the
    /// two cores with the server, and Swift Regex (the codes) and NSRegularExpression (the key)
    /// over the 390 KB page of three people took 15.6 ms of client CPU a form, twice the
    /// server's 7.6 ms once the server kept its sheets (one keyer, 10 s, /usr/bin/time).
    static func keyedFields(_ html: String, people: Int) -> [(String, String)] {
        var fields: [(String, String)] = []
        if let key = PageScan.quoted(after: #"name="key" value=""#, in: html, limit: 1).first { fields.append(("key", key)) }
        // <ol id="NAME-codes" class="codes">
        for id in PageScan.quoted(after: #"<ol id=""#, then: #" class="codes">"#, in: html) where id.hasSuffix("-codes") && id.count > 6 {
            fields.append((String(id.dropLast(6)), "1"))
        }
        for p in 0..<people {
            fields += [("residents.\(p).first_name", "Person\(p + 1)"), ("residents.\(p).last_name", "Keyed"),
                       ("residents.\(p).dob-day", "\(1 + p)"), ("residents.\(p).dob-month", "\(3 + p)"), ("residents.\(p).dob-year", "\(1960 + 13 * p)")]
        }
        return fields
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    private func report(_ results: [KeyerResult], window: Double, end: UInt64) {
        func ms(_ xs: [UInt64], _ q: Double) -> Double { quantileMilliseconds(xs, q) ?? .nan }
        let render = results.flatMap(\.render), save = results.flatMap(\.save), find = results.flatMap(\.find)
        let saved = results.flatMap(\.savedAt).filter { $0 <= end }.count
        let failures = results.flatMap(\.failures)
        let refusals = results.reduce(0) { $0 + $1.refusals }
        let blanked = results.reduce(into: Set<String>()) { $0.formUnion($1.refusedFields) }
        print(String(format: "window: %.1f s; forms saved: %d (%.1f/s, %.0f/hour); failures: %d", window, saved,
                     Double(saved) / window, Double(saved) / window * 3600, failures.count))
        print(String(format: "render (keying page) ms: p50 %.1f p99 %.1f max %.1f (%d)", ms(render, 0.5), ms(render, 0.99), ms(render, 1), render.count))
        print(String(format: "save ms: p50 %.1f p99 %.1f max %.1f (%d)", ms(save, 0.5), ms(save, 0.99), ms(save, 1), save.count))
        print(String(format: "household page ms: p50 %.1f p99 %.1f", ms(find, 0.5), ms(find, 0.99)))
        let perForm = (ms(render, 0.5) + ms(save, 0.5) + ms(find, 0.5)) / 1000
        if perForm > 0 {
            print(String(format: "software-only bound for one keyer: %.0f forms/hour (3600 s / %.1f ms of median household page + render + save at this load)",
                         3600 / perForm, perForm * 1000))
        }
        print("refused saves (a box the form refuses for that person, then left blank): \(refusals); boxes: \(blanked.sorted().prefix(5).joined(separator: " "))")
        print("load after: \(Self.loadAverage())")
        for f in failures.prefix(3) { print("failure: \(f)") }
    }
}
