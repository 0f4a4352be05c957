import CensusCollection
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The JSON API under `/api/v1`, for apps and machine clients (see `docs/server.md`, *The
/// JSON API*, and the OpenAPI document it serves at `/api/v1/openapi.json`).
///
/// Its own route group: errors are problem documents (``APIErrorMiddleware``), never pages;
/// requests authenticate with bearer tokens (``BearerAuthMiddleware``), never cookies; a
/// method a path does not take gets 405 with `Allow`; an unknown path under it gets a JSON 404.
struct APIFace: Sendable {
    let collector: Collector
    let codeCheck: AccessCodeCheck
    let householdTokens: HouseholdTokens
    let machineTokens: MachineTokenFile
    let configuration: ServerConfiguration
    let metrics: ServerMetrics
    /// The OpenAPI document's bytes, served as they are.
    let openAPIDocument: [UInt8]

    /// Every operation, by path template (as the router writes it) and method: the router is
    /// built from this list's paths, and a test holds the OpenAPI document to it.
    static let operations: [(path: String, methods: [HTTPRequest.Method])] = [
        ("/api/v1/openapi.json", [.get]),
        ("/api/v1/auth", [.post]),
        ("/api/v1/responses", [.post]),
        ("/api/v1/households/{id}/status", [.get]),
    ]

    /// Answers 405 with `Allow`, as a problem document, for every method of
    /// ``MethodNotAllowedRoutes/methods`` `path` does not take (the pages get theirs from
    /// ``MethodNotAllowedRoutes``, as pages). A path that takes GET takes HEAD too (the router
    /// answers it from the GET).
    static func refuseOtherMethods<Methods: RouterMethods<CensusRequestContext>>(_ routes: Methods, path: String, allowed: [HTTPRequest.Method]) {
        let taken = allowed.contains(.get) && !allowed.contains(.head) ? allowed + [.head] : allowed
        let allow = MethodNotAllowedRoutes.allow(taken)
        for method in MethodNotAllowedRoutes.methods where !taken.contains(method) {
            routes.on(RouterPath(path), method: method) { _, _ -> Response in
                throw APIError(.methodNotAllowed, "method_not_allowed", "this path takes \(allow)", headers: [.allow: allow])
            }
        }
    }

    func register(on router: Router<CensusRequestContext>) {
        let api = router.group("api/v1").add(middleware: APIErrorMiddleware())
        api.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: openAPIDocument)))
        }
        api.post("auth") { request, context in try await signIn(request, context) }
        let authenticated = api.group()
            .add(middleware: BearerAuthMiddleware(householdTokens: householdTokens, machineTokens: machineTokens, metrics: metrics))
        authenticated.post("responses") { request, context in try await submit(request, context) }
        authenticated.get("households/:id/status") { request, context in try status(request, context) }

        for (path, methods) in Self.operations {
            Self.refuseOtherMethods(api, path: String(path.dropFirst("/api/v1/".count)), allowed: methods)
        }
        for method in MethodNotAllowedRoutes.methods {
            for path in ["", "**"] {
                api.on(RouterPath(path), method: method) { _, _ -> Response in
                    throw APIError(.notFound, "not_found", "no such API path (the operations are listed in /api/v1/openapi.json)")
                }
            }
        }
    }
}
