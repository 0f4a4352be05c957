import Foundation
import Mustache
import NIOCore

/// Pages rendered by swift-mustache once per shape of view, then filled in per request.
///
/// A household page's view changes from request to request in its strings (the piped
/// labels, the answers, the CSRF token, the links) far more than in its shape (which names
/// it has, its flags, how many options and fields). swift-mustache renders a view by looking
/// every name up through the context stack with dynamic casts: in the profile of a page
/// request (BENCHMARKS.md, "Collection server") it was the largest single cost, about 270 µs of
/// a page's GET. So the first view of each shape (``ViewShape``) is rendered by
/// swift-mustache with a marker in place of each of its strings, and the output, cut at the
/// markers, is kept as a skeleton: literal HTML and holes, each hole naming the string that
/// fills it and whether the template escapes it there. Every later view of that shape is its
/// skeleton with its own strings written into the holes (HTML-escaped as the template does,
/// see ``CensusHTML``): the same bytes swift-mustache would give, without the look-ups.
///
/// The first view of each shape is rendered both ways and the skeleton kept only when they
/// agree. Bounded (``limit`` shapes; an arbitrary half is forgotten when full: a skeleton is
/// only a saving). A view holding a value of a type the shape walk does not know is rendered
/// by swift-mustache directly.
final class TemplateSkeletons: @unchecked Sendable {
    /// One template's output for one shape: literal bytes between holes.
    struct Skeleton {
        /// The literal bytes, all of them, in order.
        var literal: [UInt8]
        /// Each hole: where the literal before it ends, the value that fills it, and whether
        /// the template HTML-escapes it there.
        var holes: [(literalEnd: Int, value: Int, escaped: Bool)]
    }

    /// What is kept for a shape: its skeleton, or that its views are rendered directly.
    private enum Entry {
        case skeleton(Skeleton)
        /// The first view of this shape did not render from a skeleton as swift-mustache
        /// renders it (a template showing a dictionary or list as text, say).
        case direct
    }

    private let lock = NSLock()
    private var entries: [[UInt8]: Entry] = [:]
    /// The most shapes kept (a page's skeleton is a few kilobytes).
    let limit: Int

    init(limit: Int = 1_024) {
        self.limit = max(1, limit)
    }

    /// The number of skeletons kept (for tests).
    var count: Int {
        lock.withLock { entries.values.filter { if case .skeleton = $0 { return true } else { return false } }.count }
    }

    /// Template `name` rendered with `view` into a buffer: from its shape's skeleton, made by
    /// `library` the first time; nil when swift-mustache has no such template.
    ///
    /// The first view of a shape is also rendered directly, and the skeleton kept only if
    /// its fill is the same bytes: a template that reads a string other than as text or
    /// presence (see ``ViewShape``) gets its views of that shape rendered directly from then on.
    func render(_ name: String, _ view: [String: Any], library: MustacheLibrary) -> ByteBuffer? {
        var shape = ViewShape(template: name, makingMarkers: false)
        _ = shape.dictionary(view)
        if shape.unknown { return library.render(view, withTemplate: name).map { ByteBuffer(string: $0) } }
        switch lock.withLock({ entries[shape.key] }) {
        case .skeleton(let skeleton):
            if let filled = Self.fill(skeleton, shape.values) { return filled }
        case .direct:
            return library.render(view, withTemplate: name).map { ByteBuffer(string: $0) }
        case nil:
            break
        }
        guard let direct = library.render(view, withTemplate: name) else { return nil }
        var marking = ViewShape(template: name, makingMarkers: true)
        let marked = marking.dictionary(view)
        var entry = Entry.direct
        if let text = library.render(marked, withTemplate: name), let skeleton = Self.skeleton(of: text, holes: marking.values.count),
           let filled = Self.fill(skeleton, shape.values), filled.readableBytesView.elementsEqual(direct.utf8) {
            entry = .skeleton(skeleton)
        }
        lock.withLock {
            if entries.count >= limit, entries[shape.key] == nil {
                for key in entries.keys.prefix(limit / 2 + 1) { entries[key] = nil }
            }
            entries[shape.key] = entry
        }
        return ByteBuffer(string: direct)
    }

    /// The skeleton of a render of marked values (``ViewShape/marker(_:)``): nil when a
    /// marker is not whole or names no value.
    static func skeleton(of text: String, holes: Int) -> Skeleton? {
        var literal: [UInt8] = []
        literal.reserveCapacity(text.utf8.count)
        var found: [(literalEnd: Int, value: Int, escaped: Bool)] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            guard b == 0x01 else {
                if b == 0x02 { return nil }
                literal.append(b)
                i += 1
                continue
            }
            // SOH, digits, an apostrophe (or its escape), STX.
            var j = i + 1
            var index = 0
            while j < bytes.count, bytes[j] >= 0x30, bytes[j] <= 0x39, j - i <= 9 {
                index = index * 10 + Int(bytes[j] - 0x30)
                j += 1
            }
            guard j > i + 1, index < holes else { return nil }
            let escaped: Bool
            if j < bytes.count, bytes[j] == 0x27 {
                escaped = false
                j += 1
            } else if bytes[j...].starts(with: "&#39;".utf8) {
                escaped = true
                j += 5
            } else {
                return nil
            }
            guard j < bytes.count, bytes[j] == 0x02 else { return nil }
            found.append((literal.count, index, escaped))
            i = j + 1
        }
        return Skeleton(literal: literal, holes: found)
    }

    /// `skeleton` with `values` in its holes; nil when a hole names a value there is not.
    static func fill(_ skeleton: Skeleton, _ values: [String]) -> ByteBuffer? {
        var size = skeleton.literal.count
        for hole in skeleton.holes {
            guard hole.value < values.count else { return nil }
            size += values[hole.value].utf8.count
        }
        var buffer = ByteBufferAllocator().buffer(capacity: size + size / 8)
        var start = 0
        for hole in skeleton.holes {
            buffer.writeBytes(skeleton.literal[start..<hole.literalEnd])
            start = hole.literalEnd
            if hole.escaped {
                CensusHTML.escape(values[hole.value], into: &buffer)
            } else {
                buffer.writeString(values[hole.value])
            }
        }
        buffer.writeBytes(skeleton.literal[start...])
        return buffer
    }
}
