import ArgumentParser
import Foundation
import Questionnaire
import QuestionnaireLanguage

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

    @Option(name: .long, help: "Validate this NDJSON file instead of generated households.")
    var file: String?

    @Option(name: .long, help: "Only this phase: parse, tree (evaluate parsed trees), or bytes (parse + validate).")
    var only: String?

    func validate() throws {
        guard (1...1_000_000).contains(households) else { throw ValidationError("--households must be 1...1000000") }
        guard (1...100).contains(rounds) else { throw ValidationError("--rounds must be 1...100") }
    }

    func loadSchema() throws -> Schema {
        if let schema {
            guard let data = FileManager.default.contents(atPath: schema) else { throw ValidationError("cannot read \(schema)") }
            return try Schema(jsonBytes: Array(data))
        }
        guard let data = FileManager.default.contents(atPath: source) else { throw ValidationError("cannot read \(source)") }
        let result = Compiler.compile(SourceFile(name: source, text: String(decoding: data, as: UTF8.self)))
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
                lines = (0..<households).map { writer.bytes(generator.household($0).response) }
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

        func timed(_ name: String, _ body: () -> Int) {
            if let only, !(only == "parse" && name == "parse") && !(only == "tree" && name == "validate (tree)") && !(only == "bytes" && name == "parse + validate") { return }
            var times: [Duration] = []
            var check = 0
            for _ in 0..<rounds { times.append(clock.measure { check = body() }) }
            times.sort()
            let best = times[0], median = times[times.count / 2]
            print("\(name.padding(toLength: 18, withPad: " ", startingAt: 0)) best \(rate(n, best)) households/s (\(perItem(n, best)) each)   median \(rate(n, median)) households/s   [\(check)]")
        }
        timed("parse") {
            var count = 0
            for line in lines { if (try? JSONParser.parse(line)) != nil { count += 1 } }
            return count
        }
        timed("validate (tree)") {
            var valid = 0
            for v in parsed where evaluator.evaluate(v).isValid { valid += 1 }
            return valid
        }
        timed("parse + validate") {
            var valid = 0
            let session = evaluator.makeSession()
            for line in lines where session.evaluate(bytes: line).isValid { valid += 1 }
            return valid
        }
        print("(bracketed: responses parsed / valid in the last round; one thread)")
    }

    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
    func rate(_ n: Int, _ d: Duration) -> String { String(Int(Double(n) / max(seconds(d), 1e-9))) }
    func perItem(_ n: Int, _ d: Duration) -> String { String(format: "%.1f µs", seconds(d) / Double(max(n, 1)) * 1e6) }
    func format(_ d: Duration) -> String { String(format: "%.2f s", seconds(d)) }
}
