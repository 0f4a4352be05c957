import Foundation

/// A process run under `strace`, and the system calls it made, in time order: to check *when*
/// data reached the disk, which no in-process test can see (a test that reads a pragma back
/// proves the setting, not the fsync; SIGKILL keeps the page cache).
///
/// `strace -f -y -qq -ttt -T`: every thread, file descriptors shown with their paths, entry
/// time of each call and its duration, so each call has an entry and an exit time even when
/// threads interleave (`<unfinished ...>` / `<... resumed>`).
public struct SyscallTrace {
    public struct Call {
        public var tid: Int
        public var name: String
        /// The path of the first argument when it is a file descriptor (`-y`), else "".
        public var fdPath: String
        /// The quoted string arguments, unescaped loosely (enough for paths and ASCII data).
        public var strings: [String]
        public var result: Int
        public var entry: Double
        public var exit: Double
    }

    public var calls: [Call]

    /// How a traced process ended.
    public typealias Outcome = ChildOutcome

    /// Why tracing cannot run here, or nil. CI installs strace (`.ci/run`); a container may
    /// forbid ptrace.
    public static func unavailableReason() -> String? {
        guard let strace = ["/usr/bin/strace", "/bin/strace"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return "strace is not installed (`.ci/run` installs it: apt-get install strace)"
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: strace)
        p.arguments = ["-qq", "-e", "trace=none", "/bin/true"]
        p.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        p.standardError = err
        do { try p.run() } catch { return "strace cannot be started: \(error)" }
        p.waitUntilExit()
        if p.terminationStatus != 0 {
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            return "strace cannot trace a process here (ptrace not permitted?): \(text.prefix(200))"
        }
        return nil
    }

    /// Runs `executable` under strace in `dir`, tracing `syscalls`; returns its run and the calls.
    public static func run(_ executable: URL, _ arguments: [String], in dir: URL, syscalls: [String],
                           environment: [String: String] = [:]) throws -> (run: Outcome, trace: SyscallTrace) {
        let log = dir.appendingPathComponent(".strace-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: log) }
        let run = try runChild(URL(fileURLWithPath: "/usr/bin/strace"),
                               ["-f", "-y", "-qq", "-ttt", "-T", "-s", "256", "-e", "trace=" + syscalls.joined(separator: ","),
                                "-o", log.path, executable.path] + arguments,
                               in: dir, environment: environment)
        return (run, parse(try String(contentsOf: log, encoding: .utf8)))
    }

    /// Parses strace's output (see the type's documentation for the options).
    public static func parse(_ text: String) -> SyscallTrace {
        var calls: [Call] = []
        var unfinished: [Int: Call] = [:]
        for raw in text.split(separator: "\n") {
            var line = Substring(raw)
            let tid = Int(line.prefix(while: \.isNumber)) ?? 0
            line = line.drop(while: \.isNumber).drop(while: { $0 == " " })
            let stamp = Double(line.prefix(while: { $0 != " " })) ?? 0
            line = line.drop(while: { $0 != " " }).drop(while: { $0 == " " })
            if line.hasPrefix("<... ") {
                // `<... name resumed>...) = ret <dur>`
                guard var call = unfinished.removeValue(forKey: tid) else { continue }
                call.result = result(of: line)
                call.exit = stamp
                call.strings += strings(in: line)
                calls.append(call)
                continue
            }
            guard let paren = line.firstIndex(of: "(") else { continue }  // "+++ exited", signals
            let name = String(line[..<paren])
            let args = line[line.index(after: paren)...]
            var call = Call(tid: tid, name: name, fdPath: fdPath(args), strings: strings(in: args),
                            result: 0, entry: stamp, exit: stamp)
            if line.hasSuffix("<unfinished ...>") {
                unfinished[tid] = call
                continue
            }
            call.result = result(of: line)
            call.exit = stamp + duration(of: line)
            calls.append(call)
        }
        return SyscallTrace(calls: calls.sorted { $0.entry < $1.entry })
    }

    private static func fdPath(_ args: Substring) -> String {
        let digits = args.prefix(while: \.isNumber)
        let rest = args.dropFirst(digits.count)
        guard !digits.isEmpty, rest.first == "<", let end = rest.firstIndex(of: ">") else { return "" }
        return String(rest[rest.index(after: rest.startIndex)..<end])
    }

    private static func strings(in args: Substring) -> [String] {
        var out: [String] = []
        var current: String?
        var escaped = false
        for ch in args {
            if var s = current {
                if escaped { s.append(ch == "n" ? "\n" : ch); escaped = false; current = s; continue }
                if ch == "\\" { escaped = true; continue }
                if ch == "\"" { out.append(s); current = nil; continue }
                s.append(ch)
                current = s
            } else if ch == "\"" {
                current = ""
            }
        }
        return out
    }

    private static func result(of line: Substring) -> Int {
        guard let eq = line.range(of: ") = ", options: .backwards) else { return -1 }
        return Int(line[eq.upperBound...].prefix(while: { $0 == "-" || $0.isNumber })) ?? -1
    }

    private static func duration(of line: Substring) -> Double {
        guard line.hasSuffix(">"), let open = line.lastIndex(of: "<") else { return 0 }
        return Double(line[line.index(after: open)..<line.index(before: line.endIndex)]) ?? 0
    }

    public func isSync(_ c: Call) -> Bool { (c.name == "fsync" || c.name == "fdatasync") && c.result == 0 }
    public func isWrite(_ c: Call) -> Bool { c.name == "pwrite64" || c.name == "write" || c.name == "pwritev" || c.name == "writev" }

    /// True when everything written to the file whose path ends with `suffix` before `moment`
    /// was covered by an fsync of it that started after the last such write ended, and ended
    /// before `moment`. (Without any write before `moment`, false: nothing was made durable.)
    public func isDurable(_ suffix: String, before moment: Double) -> Bool {
        guard let lastWrite = calls.last(where: { isWrite($0) && $0.fdPath.hasSuffix(suffix) && $0.exit <= moment }) else { return false }
        return calls.contains { isSync($0) && $0.fdPath.hasSuffix(suffix) && $0.entry >= lastWrite.exit && $0.exit < moment }
    }
}
