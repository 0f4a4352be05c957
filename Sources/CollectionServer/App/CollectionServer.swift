import AddressFrame
import CensusCollection
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Questionnaire
import ResponseStore
import ServiceLifecycle

/// The census collection server: one Hummingbird application over the address frame and the
/// sharded response store, serving the household pages.
///
/// Faces share one router and one middleware chain (see ``makeRouter()``), each face with
/// its own error rendering: the household pages under `/` (start, sign-in, language) and
/// `/form`, static assets under `/assets`, the JSON API under `/api/v1` (``APIFace``), and
/// the operations routes `/healthz`, `/readyz`, `/metrics` (``OperationsRoutes``).
///
/// ```swift
/// let server = try await CollectionServer.open(configuration)
/// try await server.makeApplication().runService()   // until SIGINT/SIGTERM; closes the store after
/// ```
///
/// Opening checks everything a household will need and refuses with a ``ServerStartError``
/// that says what to do: the schema (readable, accepted by the store), the store (its
/// manifest; shards with page saves), the frame (present, keyed with this secret).
public final class CollectionServer: Sendable {
    /// What the server was opened with (address, store, schema, secrets, limits).
    public let configuration: ServerConfiguration
    let site: HouseholdSite
    let staff: StaffSite
    /// Shards that could not be opened (their households get a "service unavailable" page;
    /// every other household is served).
    public let unavailableShards: [ShardStatus]
    /// The server's metrics (served at `/metrics`).
    public let metrics: ServerMetrics
    /// The access-code check the web sign-in and the API share (one throttle).
    let codeCheck: AccessCodeCheck
    /// The machine tokens (`tokens.sqlite` in the store directory, once it exists).
    let machineTokens: MachineTokenFile
    /// The OpenAPI document served at `/api/v1/openapi.json`.
    let openAPIDocument: [UInt8]

    private init(configuration: ServerConfiguration, site: HouseholdSite, staff: StaffSite, unavailableShards: [ShardStatus],
                 metrics: ServerMetrics, openAPIDocument: [UInt8]) {
        self.configuration = configuration
        self.site = site
        self.staff = staff
        self.unavailableShards = unavailableShards
        self.metrics = metrics
        self.openAPIDocument = openAPIDocument
        codeCheck = AccessCodeCheck(frame: site.frame, hasher: site.hasher, throttle: site.throttle, metrics: metrics)
        machineTokens = MachineTokenFile(url: configuration.storeDirectory.appendingPathComponent(MachineTokens.fileName))
    }

    /// Opens the schema, store and frame named by `configuration` and checks them.
    public static func open(_ configuration: ServerConfiguration) async throws -> CollectionServer {
        let schemaPath = configuration.schemaFile.path
        // The system's reason when the file cannot be read (Foundation's own wording on Linux
        // is "The file doesn't exist" without the errno).
        if access(schemaPath, R_OK) != 0 {
            let code = errno
            // Nothing is there: compiling the form to this path is the way out.
            let missing = code == ENOENT ? "; `census compile FORM.census -o \(schemaPath)` writes it" : ""
            throw ServerStartError.schemaUnreadable(path: schemaPath, reason: String(cString: strerror(code)) + missing)
        }
        guard let bytes = FileManager.default.contents(atPath: schemaPath) else {
            throw ServerStartError.schemaUnreadable(path: schemaPath, reason: "the file cannot be read")
        }
        let schema: Schema
        let evaluator: Evaluator
        do {
            schema = try Schema(jsonBytes: [UInt8](bytes))
            evaluator = try Evaluator(schema: schema)
        } catch let error as SchemaError {
            throw ServerStartError.schemaUnreadable(path: schemaPath, reason: error.message + Schema.remedy(forFile: schemaPath, message: error.message))
        } catch {
            throw ServerStartError.schemaUnreadable(path: schemaPath, reason: "\(error)")
        }
        let storePath = configuration.storeDirectory.path
        let metrics = ServerMetrics()
        var storeOptions = StoreOptions()
        storeOptions.commitObserver = { metrics.commit($0) }
        let store: ResponseStore
        do {
            store = try ResponseStore.open(at: configuration.storeDirectory, options: storeOptions)
        } catch {
            throw ServerStartError.storeUnavailable(path: storePath, reason: "\(error)")
        }
        // Keyed returns carry their keyer (v3-recorded-by), which their audit records rely on.
        guard store.supportsRecordedBy else {
            store.close()
            throw ServerStartError.storeUnavailable(path: storePath, reason: StoreError.upgradeRequired(path: storePath, version: store.manifest.shardSchemaVersion).description)
        }
        let accepted = store.manifest.questionnaireSchemas
        if !accepted.isEmpty, !accepted.contains(schema.hash) {
            store.close()
            throw ServerStartError.schemaNotAccepted(hash: schema.hash, accepted: accepted)
        }
        let framePath = configuration.storeDirectory.appendingPathComponent(AddressFrame.fileName)
        let frame: AddressFrame
        do {
            frame = try AddressFrame.open(at: framePath, readOnly: true)
            try frame.verifySecret(AccessCodeHasher(secret: configuration.codeSecret))
        } catch let error as SecretError {
            store.close()
            throw ServerStartError.secretMismatch("\(error)")
        } catch {
            store.close()
            throw ServerStartError.frameUnavailable(path: framePath.path, reason: "\(error)")
        }
        let collector: Collector
        do {
            collector = try Collector(frame: frame, store: store, forms: [evaluator])
        } catch {
            store.close()
            try? frame.close()
            throw ServerStartError.schemaNotAccepted(hash: schema.hash, accepted: accepted)
        }
        let templates: Templates
        let openAPI: [UInt8]
        do {
            templates = try await Templates.load()
            openAPI = try OpenAPIDocument.load()
        } catch {
            store.close()
            try? frame.close()
            throw error
        }
        let site = HouseholdSite(schema: schema, evaluator: evaluator, collector: collector, templates: templates, configuration: configuration)
        let staff = StaffSite(configuration: configuration, templates: templates, households: site)
        return CollectionServer(configuration: configuration, site: site, staff: staff, unavailableShards: store.shardStatus.filter { !$0.isAvailable },
                                metrics: metrics, openAPIDocument: openAPI)
    }

    /// The schema served.
    public var schema: Schema { site.schema }

    /// The collection path the server writes through (for other faces, such as an API).
    public var collector: Collector { site.collector }

    /// Why the staff pages cannot be served (the staff directory or audit log cannot be
    /// opened), or nil when they can. Households are served either way.
    package var staffUnavailableReason: String? { staff.unavailableReason }

    /// The online questionnaire's page saves and submissions.
    public var onlineAnswers: OnlineAnswers { site.online }

    /// The router with every face's routes and the shared middleware.
    ///
    /// The chain, outermost first: the connection (client address, HTTPS), security headers,
    /// the request log and metrics (request id; every error still thrown becomes a response
    /// there); then the operations routes; the API
    /// (its own errors and bearer tokens); then sessions, assets, the staff pages (their own
    /// context, errors, sessions and role policies), the household pages' error rendering and
    /// the household pages; last, 405 with `Allow` for each method a path with routes does not
    /// take (``MethodNotAllowedRoutes``). (Hummingbird applies a middleware to the routes
    /// added after it, and to paths no route matches.)
    public func makeRouter() -> Router<CensusRequestContext> {
        // HEAD wherever GET is (RFC 9110, 9.3.2: `curl -I`, link checkers and monitors ask
        // it): the GET's status and headers without its body. Without this every page said 404.
        let router = Router(context: CensusRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: ConnectionMiddleware(trustProxy: configuration.trustProxy, secureCookies: configuration.secureCookies))
        // Outside the request log, which turns every error still thrown into a response, so
        // that those responses carry the headers too.
        router.add(middleware: SecurityHeadersMiddleware(strictTransportSecurity: configuration.secureCookies))
        router.add(middleware: RequestLogMiddleware(metrics: metrics, trustProxy: configuration.trustProxy))
        OperationsRoutes(store: site.store, frame: site.frame, metrics: metrics).register(on: router)
        APIFace(collector: site.collector, codeCheck: codeCheck, householdTokens: HouseholdTokens(configuration.sessionKey),
                machineTokens: machineTokens, configuration: configuration, metrics: metrics, openAPIDocument: openAPIDocument)
            .register(on: router)
        router.add(middleware: SessionMiddleware(sessions: site.sessions, metrics: metrics, languages: site.schema.languages))
        AssetRoutes(templates: site.templates).register(on: router)
        registerStaffPages(on: router)
        router.add(middleware: PageErrorMiddleware(site: site))
        SignInRoutes(site: site, codeCheck: codeCheck).register(on: router)
        FormRoutes(site: site).register(on: router)
        RosterRoutes(site: site).register(on: router)
        CheckAnswersRoutes(site: site).register(on: router)
        IndividualResponseRoutes(site: site).register(on: router)
        // Last, once every route is known: a method a page does not take is 405, not 404.
        MethodNotAllowedRoutes.register(on: router) { [site] request, context, allow in
            let lang = site.language(context)
            return try site.message(request, context, status: .methodNotAllowed, heading: UIText.methodNotAllowedHeading.text(lang),
                                    paragraphs: [UIText.methodNotAllowedBody.text(lang, allow)])
        }
        return router
    }

    /// The application: the router on ``ServerConfiguration/host`` and ``ServerConfiguration/port``,
    /// with a service that commits pending writes and closes the store and frame after the
    /// HTTP server has stopped (graceful shutdown: in-flight requests finish first).
    public func makeApplication(logger: Logger? = nil, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        var log = logger ?? Logger(label: "census.server")
        if logger == nil { log.logLevel = .info }
        var app = Application(
            router: makeRouter(),
            // A request NIO's parser refuses is answered with what is wrong, not a bare 400.
            server: .http1(configuration: .init(additionalChannelHandlers: [MalformedRequestAnswer(limits: .init())],
                                                idleTimeout: TimeAmount(configuration.idleConnectionTimeout))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil, reuseAddress: true),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: log)
        app.addServices(staff.sessionStore, ClosingService(server: self))
        return app
    }

    /// Commits pending writes, stops the shard writers and closes the store and frame. Later
    /// saves fail (the pages then say the service is unavailable).
    public func close() {
        site.store.close()
        try? site.frame.close()
        staff.close()
    }

    /// `/staff/...`: its own context (``StaffRequestContext``), errors, sessions (hummingbird-auth's,
    /// under their own cookie) and role policies.
    private func registerStaffPages(on router: Router<CensusRequestContext>) {
        let group = router.group("staff", context: StaffRequestContext.self)
            .add(middleware: StaffErrorMiddleware(site: staff))
            .add(middleware: staff.sessionMiddleware())
            .add(middleware: staff.authenticator())
            .add(middleware: StaffSessionRenewal(timeout: configuration.staffSessionTimeout))
        StaffSignInRoutes(site: staff).register(on: group)
        StaffAdminRoutes(site: staff).register(on: group)
        CredentialRoutes(site: staff).register(on: group)
        KeyingRoutes(site: staff, households: site).register(on: group)
        DoubleKeyingRoutes(site: staff, households: site).register(on: group)
        FollowUpRoutes(site: staff, households: site).register(on: group)
        CodeReissueRoutes(site: staff, households: site).register(on: group)
        IndividualCodeRoutes(site: staff, households: site).register(on: group)
    }
}

/// Waits for the application's graceful shutdown, which stops the HTTP server first, then
/// closes the store: every acknowledged save is committed, and no save is cut off.
struct ClosingService: Service {
    let server: CollectionServer

    func run() async throws {
        try? await gracefulShutdown()
        server.close()
    }
}

/// `/assets/NAME`: the stylesheet and images, cacheable (they change only with the build).
struct AssetRoutes {
    let templates: Templates

    func register(on router: Router<CensusRequestContext>) {
        router.get("/assets/:name") { _, context in
            let name = try context.parameters.require("name")
            guard let asset = templates.assets[name] else { throw HTTPError(.notFound, message: "There is no asset of that name.") }
            var headers = HTTPFields()
            headers[.contentType] = asset.contentType
            headers[.cacheControl] = "public, max-age=3600"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
        }
    }
}
