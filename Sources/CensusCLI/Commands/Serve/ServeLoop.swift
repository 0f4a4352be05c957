import CensusCommandLine
import CollectionServer
import Foundation
import Logging

/// Opens a server, runs it until SIGINT/SIGTERM, and reports how it stopped.
enum ServeLoop {
    static func run(_ configuration: ServerConfiguration, logger: Logger, started: @escaping @Sendable (Int, CollectionServer) -> Void) async throws {
        let server: CollectionServer
        do { server = try await CollectionServer.open(configuration) } catch {
            throw CLIError("\(error)")
        }
        for shard in server.unavailableShards {
            Console.warning("\(shard.error.map { "\($0)" } ?? "shard \(shard.index) unavailable"); its households see \"service unavailable\" until it is fixed")
        }
        let app = server.makeApplication(logger: logger) { port in started(port, server) }
        do {
            try await app.runService()
        } catch {
            server.close()
            throw CLIError("the server stopped: \(describe(error)) (listening on \(configuration.host):\(configuration.port))")
        }
        server.close()
        FileIO.writeOut("census serve: stopped; every save was committed and the store closed.\n")
    }

    /// A bind failure in words ("address already in use").
    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("Address already in use") || text.contains("EADDRINUSE") { return "the port is already in use (choose another with --port)" }
        if text.contains("Cannot assign requested address") || text.contains("EADDRNOTAVAIL") { return "this machine has no such address (check --host)" }
        return text
    }
}
