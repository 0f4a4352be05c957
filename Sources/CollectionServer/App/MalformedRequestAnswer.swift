import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import Questionnaire

/// The answer to a request NIO's HTTP/1.1 parser refuses (a header line without a colon, a
/// control character in a field, an unknown method or version, a `Content-Length` that is not
/// a number, header fields past the decoder's limits): a problem document that says what is
/// wrong, `400` (`malformed_http`), or `431` (`header_fields_too_large`) past the limits.
///
/// Hummingbird alone answers every such request with a bare `400` and `Content-Length: 0`: its
/// `HTTPChannelHandler` catches the parser's error and writes that itself, with no hook for a
/// body. This handler goes where Hummingbird lets a server add its own
/// (`HTTP1Channel.Configuration.additionalChannelHandlers`, after the HTTP/1 codec), so it sees
/// the parser's error first. When no request is being answered, it writes the problem
/// document, closes the connection, and does not pass the error on; Hummingbird then sees the
/// connection end between requests and writes nothing more. While a request is being answered
/// (the error is in its body: a malformed chunk), the error goes on as before, and that
/// request's handler says what is wrong (`unreadable_body`).
final class MalformedRequestAnswer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The decoder's limits, to say them in the 431's detail.
    let limits: HTTP1Channel.Configuration.DecoderConfiguration
    /// Requests whose head has arrived and whose response has not ended.
    private var unanswered = 0
    /// Whether this connection's refusal has been written (the parser may report again).
    private var refused = false

    init(limits: HTTP1Channel.Configuration.DecoderConfiguration) {
        self.limits = limits
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { unanswered += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { unanswered = max(0, unanswered - 1) }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, unanswered == 0 else {
            context.fireErrorCaught(error)
            return
        }
        guard !refused else { return }
        refused = true
        let (status, code, detail) = refusal(parserError)
        let document: JSONValue = [
            "status": .integer(Int(status.code)), "title": .string(status.reasonPhrase), "code": .string(code), "detail": .string(detail),
        ]
        let body = ByteBuffer(bytes: JSONWriter().bytes(document))
        let fields: HTTPFields = [.contentType: "application/problem+json", .contentLength: String(body.readableBytes), .connection: "close"]
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// The status, code and words for what the parser refused.
    func refusal(_ error: HTTPParserError) -> (HTTPResponse.Status, String, String) {
        let what: String
        switch error {
        case .headerOverflow:
            let kib = limits.maxHeaderListSize / 1024
            return (.requestHeaderFieldsTooLarge, "header_fields_too_large",
                    "the request's header fields are larger than this server takes (at most \(kib) KiB in all, "
                        + "\(limits.maxHeaderFieldSize / 1024) KiB in one field, \(limits.maxHeaderFieldCount) fields); nothing was done")
        case .invalidHeaderToken, .invalidCharactersUsed, .lfExpected:
            what = "a header field is malformed (each is NAME: VALUE on a line of its own, without control characters)"
        case .invalidMethod:
            what = "the request line does not start with an HTTP method (GET, POST, ...)"
        case .invalidVersion:
            what = "the request line's version is not one this server speaks (HTTP/1.0 or HTTP/1.1)"
        case .invalidURL:
            what = "the request line's target is not a path"
        case .invalidContentLength, .unexpectedContentLength:
            what = "the Content-Length header is not one whole number, or comes with Transfer-Encoding"
        case .invalidChunkSize:
            what = "the chunked body has a chunk size that is not a hexadecimal number"
        default:
            what = "NIO's parser says: \(error.debugDescription)"
        }
        return (.badRequest, "malformed_http", "the request is not valid HTTP/1.1: \(what); nothing was done")
    }
}
