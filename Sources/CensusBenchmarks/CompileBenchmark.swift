import ArgumentParser
import Foundation
import QuestionnaireLanguage

/// `census-bench compile`: compile time of the census form and of generated forms, in-process
/// and as a whole process, to show size and growth.
struct CompileBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Measure compile time: the census form and generated forms up to --max-questions.",
        discussion: """
            In-process figures are the median of --repeat runs of Compiler.compile plus schema \
            encoding. Whole-process figures run `census-compile FILE -o /dev/null` (--compiler, \
            the README's compile command) and `census compile FILE -o /dev/null` (--census) \
            --repeat times each, alternating, and report the median wall times.
            """
    )

    @Option(help: "The census form source.")
    var form = "questionnaires/census-household.census"

    @Option(help: "Path to a release build of census-compile, for whole-process timings (skipped if missing).")
    var compiler = ".build/release/census-compile"

    @Option(help: "Path to a release build of census, for whole-process timings of `census compile` (skipped if missing).")
    var census = ".build/release/census"

    @Option(help: "Repetitions per measurement (median reported).")
    var `repeat` = 15

    @Option(help: "Largest generated form, in questions.")
    var maxQuestions = 10_000

    @Option(help: "Where to write generated forms for the whole-process runs.")
    var workDirectory = "/tmp/census-bench-forms"

    func run() throws {
        let census = try String(contentsOfFile: form, encoding: .utf8)
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; repeat \(self.repeat); medians")
        print("")
        print("form                               questions  in-process ms  per question us  census-compile ms  census compile ms")
        try? FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        try measure(name: "census-household.census", source: census, path: form)
        var sizes = [1_000, 2_500, 5_000, 10_000].filter { $0 <= maxQuestions }
        if sizes.isEmpty { sizes = [maxQuestions] }
        for nested in [false, true] {
            for size in sizes {
                let source = FormGenerator(questions: size, nestedInRoster: nested).source()
                let path = "\(workDirectory)/generated-\(size)\(nested ? "-nested" : "").census"
                try source.write(toFile: path, atomically: true, encoding: .utf8)
                try measure(name: "generated \(size)\(nested ? " in roster" : " flat")", source: source, path: path)
            }
        }
    }

    func measure(name: String, source: String, path: String) throws {
        let file = SourceFile(name: name, text: source)
        let first = Compiler.compile(file, loadFile: Compiler.files(besides: path))
        guard let schema = first.schema else {
            print("\(name): does not compile:\n\(first.render().prefix(2000))")
            throw ExitCode(1)
        }
        var times: [Double] = []
        for _ in 0..<self.repeat {
            let start = DispatchTime.now().uptimeNanoseconds
            let result = Compiler.compile(SourceFile(name: name, text: source), loadFile: Compiler.files(besides: path))
            _ = result.schema?.canonicalBytes()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let inProcess = median(times)
        let count = schema.questions.count
        // The two commands alternate, so that a change in the machine's load falls on both.
        let commands = [[self.compiler, path, "-o", "/dev/null"], [self.census, "compile", path, "-o", "/dev/null"]]
        let runnable = commands.map { FileManager.default.isExecutableFile(atPath: $0[0]) }
        var wall: [[Double]] = [[], []]
        for _ in 0..<self.repeat {
            for (k, command) in commands.enumerated() where runnable[k] {
                let start = DispatchTime.now().uptimeNanoseconds
                let status = spawnAndWait(command)
                wall[k].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                guard status == 0 else { print("\(command.joined(separator: " ")) failed"); throw ExitCode(1) }
            }
        }
        let process = wall.map { $0.isEmpty ? "-" : String(format: "%.1f", median($0)) }
        let perQuestion = inProcess * 1000 / Double(count)
        print(
            name.padding(toLength: 35, withPad: " ", startingAt: 0)
                + String(count).leftPad(9) + String(format: "%.2f", inProcess).leftPad(15)
                + String(format: "%.1f", perQuestion).leftPad(17) + process[0].leftPad(19) + process[1].leftPad(19))
    }

    /// Runs a program with posix_spawn (no shell, no Foundation.Process overhead), output discarded.
    func spawnAndWait(_ arguments: [String]) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return (status >> 8) & 0xFF
    }

    func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
