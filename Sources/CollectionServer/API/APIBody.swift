import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Questionnaire

/// Reading an API request's JSON body: the media type (415), the size (413, before the body
/// is read when `Content-Length` says so), and, for bodies the API reads itself, the JSON
/// (400 naming the line and column of the mistake).
enum APIBody {
    /// The body's bytes, after checking it is `application/json` (UTF-8) and at most `limit` bytes.
    static func read(_ request: inout Request, limit: Int) async throws -> Data {
        let type = request.headers[.contentType] ?? ""
        guard isJSON(type) else {
            let said = type.isEmpty ? "no Content-Type" : "Content-Type '\(type.prefix(80))'"
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "the body must be JSON (Content-Type: application/json); the request has \(said)")
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw tooLarge(limit)
        }
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(limit: limit) } catch {
            switch error {
            case .tooLarge: throw tooLarge(limit)
            case .unreadable:
                throw APIError(.badRequest, "unreadable_body", "the body did not arrive whole: it ended before its Content-Length, or its chunked encoding is malformed")
            }
        }
        guard buffer.readableBytes > 0 else { throw APIError(.badRequest, "empty_body", "the body is empty: send one JSON object") }
        return Data(buffer.readableBytesView)
    }

    /// The body parsed as one JSON object.
    static func object(_ data: Data) throws -> [String: JSONValue] {
        let value: JSONValue
        do { value = try JSONParser.parse(data) } catch {
            throw APIError(.badRequest, "malformed_json", "the body is not valid JSON: \(error)")
        }
        guard case .object(let object) = value else {
            throw APIError(.badRequest, "not_an_object", "the body must be one JSON object, not \(value.kindName)")
        }
        return object
    }

    /// `application/json`, optionally with `charset=utf-8` (any case); nothing else.
    static func isJSON(_ contentType: String) -> Bool {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard parts.first == "application/json" else { return false }
        for parameter in parts.dropFirst() where !parameter.isEmpty {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0] == "charset", pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) == "utf-8" else { return false }
        }
        return true
    }

    static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, "too_large", "the body is larger than \(limit / 1024) KiB; a household's response is far smaller")
    }

    /// A JSON response.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: JSONWriter().bytes(value))))
    }
}

extension Date {
    /// RFC 3339 in UTC with whole seconds, `2021-03-21T10:05:00Z` (milliseconds when not whole).
    /// (FoundationEssentials' format style, not `ISO8601DateFormatter`: making one of those per
    /// response set up an ICU date formatter each time, 8% of the API's CPU.)
    var rfc3339: String {
        timeIntervalSince1970.rounded(.down) == timeIntervalSince1970
            ? formatted(Self.wholeSeconds) : formatted(Self.fractionalSeconds)
    }

    private static let wholeSeconds = Date.ISO8601FormatStyle()
    private static let fractionalSeconds = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
