import CompressNIO
import Foundation
import NIOCore
import Questionnaire

/// A household's page saves, compressed into one: what is kept of them once the household has
/// submitted (its submitted response holds the answers; the saves keep how they were given,
/// page by page, for paradata and audit, at a fraction of the size).
///
/// Format: the bytes `00 50 53 41 01` ("\0PSA", version 1), then zlib (RFC 1950) of the compact
/// JSON array `[[sequence, savedAt (seconds), delta], …]`, oldest first. A page save's own body
/// is a JSON object, so it never starts with `00`.
enum PageSaveArchive {
    static let magic: [UInt8] = [0x00, 0x50, 0x53, 0x41, 0x01]

    struct Entry {
        var sequence: Int64
        var savedAt: Int64
        var delta: JSONValue
    }

    static func isArchive(_ body: Data) -> Bool { body.first == 0x00 }

    static func encode(_ entries: [Entry]) throws -> Data {
        let json = JSONValue.array(entries.map { .array([.integer(Int($0.sequence)), .integer(Int($0.savedAt)), $0.delta]) })
        var buffer = ByteBuffer(bytes: JSONWriter().bytes(json))
        let compressed = try buffer.compress(with: .zlib())
        return Data(magic) + Data(compressed.readableBytesView)
    }

    /// The saves an archive holds, or nil when it cannot be read.
    static func decode(_ body: Data) -> [Entry]? {
        guard body.count > magic.count, Array(body.prefix(magic.count)) == magic else { return nil }
        var buffer = ByteBuffer(bytes: body.dropFirst(magic.count))
        guard let inflated = try? buffer.decompress(with: .zlib(), maxSize: 64 << 20),
              let json = try? JSONParser.parse(Array(inflated.readableBytesView)), case .array(let items) = json
        else { return nil }
        return items.compactMap { item in
            guard case .array(let parts) = item, parts.count == 3, let seq = parts[0].intValue, let at = parts[1].intValue else { return nil }
            return Entry(sequence: Int64(seq), savedAt: Int64(at), delta: parts[2])
        }
    }
}
