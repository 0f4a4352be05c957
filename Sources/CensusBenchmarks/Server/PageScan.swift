#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading values out of a page's HTML for the load clients, by a scan of its bytes.
///
/// The load clients share the machine's two cores with the server they measure, so what they
/// spend reading pages is taken from the server: Swift Regex, NSRegularExpression and
/// Foundation's `String.range(of:)` (which bridges the whole page to UTF-16 on Linux) over the
/// keying page's 390 KB took more CPU a form than the server (BENCHMARKS.md, "Keying").
enum PageScan {
    /// Every value quoted after `prefix` in `html`, in order, at most `limit`: the bytes from
    /// the end of `prefix` to the next `"`, where what follows that quote starts with `then`.
    static func quoted(after prefix: String, then: String = "", in html: String, limit: Int = .max) -> [String] {
        let prefix = Array(prefix.utf8), then = Array(then.utf8)
        guard let first = prefix.first else { return [] }
        func scan(_ b: UnsafeBufferPointer<UInt8>) -> [String] {
            guard let base = b.baseAddress else { return [] }
            func matches(_ pattern: [UInt8], at i: Int) -> Bool {
                guard i + pattern.count <= b.count else { return false }
                for k in 0..<pattern.count where b[i + k] != pattern[k] { return false }
                return true
            }
            var values: [String] = []
            var i = 0
            while i < b.count, values.count < limit {
                // memchr to the next byte that can start `prefix` (vectorised in the C library).
                guard let hit = memchr(base + i, Int32(first), b.count - i) else { break }
                i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                guard matches(prefix, at: i) else { i += 1; continue }
                let start = i + prefix.count
                guard let quote = memchr(base + start, Int32(UInt8(ascii: "\"")), b.count - start) else { break }
                let end = base.distance(to: quote.assumingMemoryBound(to: UInt8.self))
                if matches(then, at: end + 1) { values.append(String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)) }
                i = end + 1
            }
            return values
        }
        if let values = html.utf8.withContiguousStorageIfAvailable(scan) { return values }
        return Array(html.utf8).withUnsafeBufferPointer(scan)
    }
}
