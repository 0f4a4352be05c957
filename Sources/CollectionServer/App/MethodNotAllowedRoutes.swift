import HTTPTypes
import Hummingbird

/// 405 Method Not Allowed with `Allow` (RFC 9110, 15.5.6 and 10.2.1) on every path the router
/// has a route for, for each method it has no route for: Hummingbird 2's router answers a path
/// it knows with a method it does not as it answers a path it does not know (404; its
/// `RouterResponder` goes to the not-found responder for both, and has no option for a 405).
///
/// So after every route is registered, ``register(on:answer:)`` reads the router's own list of
/// routes (`Router.routes`, Hummingbird's public description of its trie) and adds, per path,
/// a responder for each method of ``methods`` the path lacks. They resolve through the same
/// trie as the real routes, so which path a request reaches is unchanged. A path that takes
/// GET takes HEAD too: the router answers HEAD from the GET (`autoGenerateHeadEndpoints`).
/// Paths that already answer every method (the API's and the operations routes' own 405s and
/// the API's JSON 404) get nothing.
enum MethodNotAllowedRoutes {
    /// The methods answered 405 on a path that does not take them: those a client may send to
    /// a page or an API path (CONNECT names a host, not a path).
    static let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options, .trace, HTTPRequest.Method("QUERY")!]

    /// `Allow`'s value for a path whose routes take `taken`: in the order of ``methods``, with
    /// HEAD wherever GET is.
    static func allow(_ taken: some Sequence<HTTPRequest.Method>) -> String {
        var all = Set(taken)
        if all.contains(.get) { all.insert(.head) }
        return (methods.filter(all.contains) + all.filter { !methods.contains($0) }.sorted { $0.rawValue < $1.rawValue })
            .map(\.rawValue).joined(separator: ", ")
    }

    /// Adds the 405 responders to `router`, whose routes must all be registered already. Each
    /// calls `answer` with the request, its context and the `Allow` value; the response gets
    /// the `Allow` header whatever `answer` gives it.
    static func register(
        on router: Router<CensusRequestContext>,
        answer: @escaping @Sendable (Request, CensusRequestContext, String) throws -> Response
    ) {
        var byPath: [String: (path: RouterPath, methods: Set<HTTPRequest.Method>)] = [:]
        for route in router.routes { byPath[route.path.description, default: (route.path, [])].methods.insert(route.method) }
        for (path, taken) in byPath.values {
            let allow = allow(taken)
            let answered = taken.contains(.get) ? taken.union([.head]) : taken
            for method in methods where !answered.contains(method) {
                router.on(path, method: method) { request, context -> Response in
                    var response = try answer(request, context, allow)
                    response.headers[.allow] = allow
                    return response
                }
            }
        }
    }
}
