import ArgumentParser
import Foundation
import Questionnaire
import QuestionnaireLanguage
import SyntheticCensus

/// `census-bench validate`: in-process evaluation throughput on generated census households.
struct ValidateBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Measure NDJSON parse and response evaluation throughput (households per second, one core).",
        discussion: """
            Generates --households complete households (not timed), then times, on one thread: \
            parsing the NDJSON lines, evaluating the parsed responses, and both together. Each \
            phase runs --rounds times; the best and median rounds are reported. Target: at \
            least 50,000 households per second per core, parse included.

            Example: swift run -c release census-bench validate --households 20000 --rounds 5
            """
    )

    @Option(name: .long, help: "A compiled schema; default: compile --source.")
    var schema: String?

    @Option(name: .long, help: "The form to compile when no --schema is given.")
    var source = "questionnaires/census-household.census"

    @Option(name: .long, help: "Households to generate (1...1000000).")
    var households = 20_000

    @Option(name: .long, help: "Generator seed.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Timed rounds per phase (1...100).")
    var rounds = 5

    @Option(name: .long, help: "Share of generated households given one injected mistake (0...1).")
    var invalidRate = 0.0

    @Option(name: .long, help: "Validate this NDJSON file instead of generated households.")
    var file: String?

    @Option(name: .long, help: "Only this phase: parse (general parser), read (fast reader), tree (evaluate parsed trees), bytes (end to end), general (parse + evaluate, general path only).")
    var only: String?

    func validate() throws {
        guard (1...1_000_000).contains(households) else { throw ValidationError("--households must be 1...1000000") }
        guard (1...100).contains(rounds) else { throw ValidationError("--rounds must be 1...100") }
        guard (0...1).contains(invalidRate) else { throw ValidationError("--invalid-rate must be 0...1") }
    }

    func loadSchema() throws -> Schema {
        if let schema {
            guard let data = FileManager.default.contents(atPath: schema) else { throw ValidationError("cannot read \(schema)") }
            return try Schema(jsonBytes: Array(data))
        }
        guard let data = FileManager.default.contents(atPath: source) else { throw ValidationError("cannot read \(source)") }
        let result = Compiler.compile(SourceFile(name: source, text: String(decoding: data, as: UTF8.self)), loadFile: Compiler.files(besides: source))
        guard let s = result.schema else { throw ValidationError("\(source) does not compile:\n\(result.render())") }
        return s
    }

    func run() throws {
        let schema = try loadSchema()
        let evaluator = try Evaluator(schema: schema)
        var lines: [[UInt8]] = []
        let clock = ContinuousClock()
        var generation = Duration.zero
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            lines = Array(data).split(separator: UInt8(ascii: "\n")).map { Array($0) }
        } else {
            let generator = HouseholdGenerator(evaluator: evaluator, seed: seed)
            let writer = JSONWriter()
            generation = clock.measure {
                lines = (0..<households).map { writer.bytes(generator.household($0, invalidRate: invalidRate).response) }
            }
        }
        let n = lines.count
        let bytes = lines.reduce(0) { $0 + $1.count }
        var people = 0
        var parsed: [JSONValue] = []
        parsed.reserveCapacity(n)
        for line in lines {
            let v = try JSONParser.parse(line)
            people += v["residents"]?.arrayValue?.count ?? 0
            parsed.append(v)
        }
        print("schema \(schema.id) \(schema.version) (\(schema.questions.count) questions, \(schema.checks.count) checks)")
        print("\(n) households, \(people) residents (mean \(String(format: "%.2f", Double(people) / Double(max(n, 1))))), \(bytes / 1024) KiB NDJSON, mean \(bytes / max(n, 1)) bytes")
        if generation > .zero { print("generated in \(format(generation)) (\(rate(n, generation)) households/s)") }

        // The whole stream as one buffer, split into lines inside every timed phase.
        var ndjson: [UInt8] = []
        ndjson.reserveCapacity(bytes + n)
        for line in lines { ndjson += line; ndjson.append(UInt8(ascii: "\n")) }
        func eachLine(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
            ndjson.withUnsafeBufferPointer { all in
                var start = 0
                for k in 0..<all.count where all[k] == UInt8(ascii: "\n") {
                    if k > start { body(UnsafeBufferPointer(rebasing: all[start..<k])) }
                    start = k + 1
                }
            }
        }
        var results: [String: Duration] = [:]
        func timed(_ key: String, _ name: String, _ body: () -> Int) {
            if let only, only != key { return }
            var times: [Duration] = []
            var check = 0
            for _ in 0..<rounds { times.append(clock.measure { check = body() }) }
            times.sort()
            let best = times[0], median = times[times.count / 2]
            results[key] = best
            print("\(name.padding(toLength: 44, withPad: " ", startingAt: 0)) best \(rate(n, best).evalPad(7)) hh/s (\(perItem(n, best)))   median \(rate(n, median).evalPad(7)) hh/s   [\(check)]")
        }
        let session = evaluator.makeSession()
        timed("parse", "NDJSON parse, general (JSONParser tree)") {
            var count = 0
            eachLine { if (try? JSONParser.parse($0)) != nil { count += 1 } }
            return count
        }
        timed("read", "NDJSON read, fast reader (bytes to frames)") {
            var count = 0
            eachLine { if session.readOnly(bytes: $0) { count += 1 } }
            return count
        }
        timed("tree", "validate parsed trees (general path)") {
            var valid = 0
            for v in parsed where evaluator.evaluate(v).isValid { valid += 1 }
            return valid
        }
        timed("bytes", "parse + validate, end to end (fast path)") {
            var valid = 0
            eachLine { if session.evaluate(bytes: $0).isValid { valid += 1 } }
            return valid
        }
        timed("general", "parse + validate, general path only") {
            var valid = 0
            eachLine { if session.evaluateGeneral(bytes: $0).isValid { valid += 1 } }
            return valid
        }
        if let read = results["read"], let both = results["bytes"] {
            print("=> routing, checks and findings alone: about \(perItem(n, both - read)) per household")
        }
        print("(hh/s = households per second on one thread; bracketed: households parsed / read fast / valid in the last round)")
    }

    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
    func rate(_ n: Int, _ d: Duration) -> String { String(Int(Double(n) / max(seconds(d), 1e-9))) }
    func perItem(_ n: Int, _ d: Duration) -> String { String(format: "%.1f µs", seconds(d) / Double(max(n, 1)) * 1e6) }
    func format(_ d: Duration) -> String { String(format: "%.2f s", seconds(d)) }
}

private extension String {
    func evalPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
