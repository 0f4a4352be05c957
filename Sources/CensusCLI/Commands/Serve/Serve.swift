import AddressFrame
import ArgumentParser
import CensusCommandLine
import CollectionServer
import Foundation
import Logging
import ResponseStore

/// `census serve`: the collection server over a store.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the online census: households sign in with their letter's code and answer the form.",
        discussion: """
            Serves the household pages over the store in --dir (made by `census frame …` and \
            `census store init`; it holds frame.sqlite, manifest.json and shards/) for the \
            compiled form --schema. Every page a household saves is stored in its shard before \
            the next page is sent.

            Secrets, from the environment (it refuses to start, saying what to do, when one \
            is missing or does not match):
              CENSUS_CODE_SECRET_FILE or CENSUS_CODE_SECRET: the access-code secret the \
            frame's codes were issued with (--dev-secret: the public development secret, demo \
            only).
              CENSUS_SESSION_KEY_FILE or CENSUS_SESSION_KEY: signs session cookies (at least \
            32 bytes); keep it across restarts so that households stay signed in.

            Also serves the JSON API under /api/v1 (its OpenAPI document at \
            /api/v1/openapi.json; machine tokens from `census token create`) and /healthz, \
            /readyz and /metrics. Logs one line per request on standard error (--log-format, \
            --log-level).

            Stops on SIGINT (Ctrl-C) or SIGTERM: it stops accepting connections, finishes the \
            requests in flight, commits every pending save, closes the shards and exits 0.
            """
    )

    @OptionGroup var directory: StoreDirectory
    @Option(help: "The compiled questionnaire schema (census compile FORM.census -o SCHEMA.json).")
    var schema: String
    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"
    @Option(help: "The TCP port.")
    var port: Int = 8080
    @Flag(help: "Use the public development access-code secret (demo stores only).")
    var devSecret = false
    @Flag(help: "Mark cookies Secure: the site is reached over HTTPS (a TLS proxy in front of it).")
    var secureCookies = false
    @Flag(help: "Trust X-Forwarded-For, X-Forwarded-Proto and X-Request-Id from a reverse proxy in front of the server.")
    var trustProxy = false
    @OptionGroup var logging: ServerLogOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if schema.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--schema is empty: give the compiled schema file") }
    }

    func run() async throws {
        let codeSecret: DeploymentSecret
        do { codeSecret = try DeploymentSecret.load(allowDevelopment: devSecret) } catch {
            throw CLIError("\(error)")
        }
        if codeSecret.isDevelopment { Console.warning("using the public development access-code secret: demo only") }
        let sessionKey: SessionKey
        do { sessionKey = try SessionKey.load() } catch { throw CLIError("\(error)") }
        let dir = directory.dir
        var configuration = ServerConfiguration(storeDirectory: directory.url, schemaFile: URL(fileURLWithPath: schema),
                                                codeSecret: codeSecret, sessionKey: sessionKey)
        configuration.host = host
        configuration.port = port
        configuration.secureCookies = secureCookies
        configuration.trustProxy = trustProxy
        try await ServeLoop.run(configuration, logger: logging.logger()) { port, server in
            FileIO.writeOut("census serve: http://\(host):\(port)/ (store \(dir), schema \(server.schema.id) \(server.schema.version), \(server.schema.hash.prefix(19))…)\n")
            FileIO.writeOut("Stop with Ctrl-C or SIGTERM: in-flight requests finish and every save is committed first.\n")
        }
    }
}
