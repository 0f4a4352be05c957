import CensusCommandLine
import CollectionServer
import Foundation
import Logging

/// Opens a server, runs it until SIGINT/SIGTERM, and reports how it stopped.
enum ServeLoop {
    static func run(_ configuration: ServerConfiguration, logger: Logger, started: @escaping @Sendable (Int, CollectionServer) -> Void) async throws {
        // Where the tasks really run (CensusMain installed the loops unless told not to): the
        // release build once served on Swift's pool for weeks with nothing said (stop 22).
        let onLoops = await EventLoopExecutor.tasksRunOnEventLoops()
        if !onLoops && EventLoopExecutor.wantsEventLoops(ProcessInfo.processInfo.environment) {
            Console.warning("Swift's tasks are not running on the event loops (the runtime's global executor hook could not be set); serving on Swift's thread pool")
        }
        let server: CollectionServer
        do { server = try await CollectionServer.open(configuration) } catch {
            throw CLIError("\(error)")
        }
        logger.info("executor", metadata: ["executor": .string(onLoops ? "event-loops" : "swift-pool")])
        // The store's message is whole sentences; what the server does about it follows as one.
        for shard in server.unavailableShards {
            Console.warning("\(shard.error.map { "\($0)" } ?? "shard \(shard.index) is unavailable.") Its households see \"service unavailable\" until it is fixed.")
        }
        if !server.unavailableShards.isEmpty && server.unavailableShards.count == server.collector.store.shardStatus.count {
            Console.warning("no shard can be written: every household sees \"service unavailable\" until they are fixed")
        }
        let listening = Listening()
        let app = server.makeApplication(logger: logger) { port in
            listening.began()
            started(port, server)
        }
        // The stall detector (EventLoopLagProbe): every loop's lateness into /metrics, a warning
        // for each stall over CENSUS_LOOP_LAG_MS.
        let probe = EventLoopLagProbe.start(environment: ProcessInfo.processInfo.environment, logger: logger, metrics: server.metrics)
        defer { probe.stop() }
        do {
            try await app.runService()
        } catch {
            server.close()
            // Before it listened, the address is what failed (a port in use, a host that is not
            // this machine's); after, the server did.
            if !listening.hasBegun {
                throw CLIError("cannot listen on \(configuration.host):\(configuration.port): \(describe(error))")
            }
            throw CLIError("the server stopped: \(describe(error))")
        }
        server.close()
        FileIO.writeOut("\(Console.command): stopped; every save was committed and the store closed.\n")
    }

    /// A bind failure in words ("the port is already in use; choose another with --port"), or
    /// the error as it describes itself.
    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("Address already in use") || text.contains("EADDRINUSE") { return "the port is already in use; choose another with --port" }
        if text.contains("Cannot assign requested address") || text.contains("EADDRNOTAVAIL") { return "this machine has no such address (check --host)" }
        // NIO's resolver: "SocketAddressError.UnknownHost: Name or service not known (error -2) for host H, port P".
        if text.contains("UnknownHost") {
            let reason = text.range(of: ": ").map { String(text[$0.upperBound...]) }?.components(separatedBy: " (error").first ?? text
            return "--host is neither an IP address nor a name that resolves (\(reason)); 127.0.0.1 serves this machine only"
        }
        return text
    }

    /// Whether the server has begun to listen: set once, from the server's start-up task.
    private final class Listening: @unchecked Sendable {
        private let lock = NSLock()
        private var begun = false
        func began() { lock.withLock { begun = true } }
        var hasBegun: Bool { lock.withLock { begun } }
    }
}
