import AddressFrame
import CensusCommandLine
import CollectionServer
import Foundation
import Logging
import Questionnaire
import ResponseStore

#if canImport(Glibc)
import Glibc
#endif

/// `census` with no arguments: the demo census, served on this machine.
///
/// In one directory (replaced on each run, as by the offline demo): the compiled form
/// (`census.json`), an address frame with access-code letters, an 8-shard store and a session
/// key; then the collection server on 127.0.0.1. It prints what a person needs to try it:
/// the address, the letters file, three codes, how to stop, and the `census serve` command
/// that serves the same store again (without replacing it).
struct DemoServer {
    let schema: Schema
    let directory: URL
    let households: Int
    let seed: UInt64
    let firstPort: Int

    func run() async throws {
        let setup = try DemoSetup.create(schema: schema, directory: directory, households: households, seed: seed) { label, line in
            FileIO.writeOut("  " + label + String(repeating: " ", count: max(1, 12 - label.count)) + line + "\n")
        }
        // The server opens the store and frame itself.
        setup.close()
        let homes = setup.households
        let codes = setup.codes
        let letters = directory.appendingPathComponent("letters.csv")
        let schemaFile = directory.appendingPathComponent("census.json")
        try Data(schema.canonicalBytes()).write(to: schemaFile)
        let keyFile = directory.appendingPathComponent("session.key")
        let sessionKey = try SessionKey.createFile(at: keyFile)

        guard let port = Self.freePort(from: firstPort, host: "127.0.0.1") else {
            throw CLIError("no free port on 127.0.0.1 from \(firstPort) to \(firstPort + 99); choose another with --port")
        }
        var configuration = ServerConfiguration(storeDirectory: directory, schemaFile: schemaFile, codeSecret: .development, sessionKey: sessionKey)
        configuration.host = "127.0.0.1"
        configuration.port = port
        let tryThese = homes.prefix(3).compactMap { home in codes[home.householdID].map { (home, $0) } }
        let command = DemoCensus.command
        let dir = directory.path
        // The demo's terminal is for people: warnings only, as text.
        var logger = Logger(label: "census.server") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        try await ServeLoop.run(configuration, logger: logger) { port, _ in
            var out = "\nThe demo census is being served at http://127.0.0.1:\(port)/\n"
            out += "  letters     \(letters.path): \(counted(homes.count, "access code")) (keyed with the public development secret: demo only)\n"
            for (i, (home, code)) in tryThese.enumerated() {
                out += "  \(i == 0 ? "try a code" : "          ")  \(code)   \(home.householdID), \(home.addressLine1), \(home.postcode)\n"
            }
            out += "  stop        Ctrl-C (every save is committed first; the store stays in \(dir))\n"
            out += "  again       CENSUS_SESSION_KEY_FILE=\(keyFile.path) \(command) serve --dir \(dir) --schema \(schemaFile.path) --dev-secret --port \(port)\n"
            out += "              (serves this store again without replacing it; `\(command)` alone starts a new demo)\n"
            out += "  progress    \(command) aggregate --dir \(dir) --out \(dir)/outputs   (any time, while it serves: exports, progress,\n"
            out += "              protected tables; it prints where the report is)\n"
            FileIO.writeOut(out)
        }
    }

    /// The first port from `start` (at most 100 tried) that can be bound on `host` now.
    static func freePort(from start: Int, host: String) -> Int? {
        for port in start..<min(start + 100, 65536) where canBind(port, host: host) { return port }
        return nil
    }

    private static func canBind(_ port: Int, host: String) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }
}
