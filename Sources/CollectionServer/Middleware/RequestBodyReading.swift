import Hummingbird
import NIOCore

/// Why a request's body could not be read whole, for the API's, the household pages' and the
/// staff pages' own error answers.
enum BodyReadFailure: Error {
    /// More than the limit was sent (413).
    case tooLarge
    /// The body did not arrive whole: it ended before its declared length, or its chunked
    /// encoding is malformed (400; not "too large", which a body of a few bytes was told).
    case unreadable
}

extension Request {
    /// The whole body, at most `limit` bytes.
    ///
    /// - throws: ``BodyReadFailure/tooLarge`` past `limit` (NIO's `NIOTooManyBytesError`);
    ///   ``BodyReadFailure/unreadable`` for any other failure of the connection's body stream.
    mutating func collectBody(limit: Int) async throws(BodyReadFailure) -> ByteBuffer {
        do {
            return try await collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw .tooLarge
        } catch {
            throw .unreadable
        }
    }
}
