import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The outermost middleware but ``ConnectionMiddleware`` (whose client address it logs):
/// gives each request its id, and after it, logs one line and
/// records its metrics.
///
/// The id is the `X-Request-Id` response header and the `request_id` of every log line the
/// request causes. Behind a trusted proxy (``ServerConfiguration/trustProxy``) the proxy's
/// `X-Request-Id` is kept when it is a plain token (letters, digits, `.`, `_`, `:`, `-`; at
/// most 64), so one id follows the request through both.
///
/// The line says `method`, `route` (the route template, `/api/v1/households/{id}/status`, not
/// the path as requested: paths and queries can carry a household id or a return path),
/// `status`, `duration_ms` and `client`. Never a header, a body, a cookie, a code or a token.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = CensusRequestContext
    let metrics: ServerMetrics
    let trustProxy: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        var context = context
        context.requestID = requestID(request, context)
        context.logger[metadataKey: "hb.request.id"] = nil
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            // Every face turns its errors into responses; this is the last guard: a 500 that
            // says nothing about the error.
            context.logger.error("unhandled error", metadata: ["error.type": .string("\(type(of: error))")])
            response = Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: .init(string: "Internal server error (request \(context.requestID))\n")))
        }
        response.headers[.xRequestID] = context.requestID
        let elapsed = DispatchTime.now().uptimeNanoseconds - started
        let route = context.endpointPath ?? "NotFound"
        let status = Int(response.status.code)
        metrics.request(route: route, method: request.method.rawValue, status: status, nanoseconds: elapsed)
        let level: Logger.Level = status >= 500 ? .error : .info
        // The line's metadata only when it is written: under load at `--log-level warning`
        // formatting the duration of every request cost more than the line is worth.
        if context.logger.logLevel <= level {
            context.logger.log(level: level, "request", metadata: [
                "method": .string(request.method.rawValue),
                "route": .string(route),
                "status": .stringConvertible(status),
                "duration_ms": .string(String(format: "%.2f", Double(elapsed) / 1e6)),
                "client": .string(context.clientAddress),
            ])
        }
        return response
    }

    private func requestID(_ request: Request, _ context: Context) -> String {
        if trustProxy, let given = request.headers[.xRequestID], Self.isPlainToken(given) { return given }
        return Base64URL.encode(RandomBytes.make(12))
    }

    static func isPlainToken(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 64 && s.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x3A || c == 0x2D
        }
    }
}

extension HTTPField.Name {
    static let xRequestID = Self("X-Request-Id")!
}
