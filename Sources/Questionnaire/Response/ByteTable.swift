/// A read-only map from short UTF-8 keys to integers, looked up straight from the bytes of a
/// document (no `String` is made): open addressing in a power-of-two table (see ``hash(_:_:)``).
///
/// Every key's bytes sit in one buffer, and the table is a class that owns plain buffers: a
/// look-up (one per key and per option of every response) reads memory and nothing else, with
/// no reference counting of a key's own array and no bounds checks.
final class ByteTable: @unchecked Sendable {
    /// Per slot: the entry there, or -1.
    private let slots: UnsafeMutablePointer<Int32>
    private let mask: Int
    /// Entry `e`'s key is `keyBytes[keyStart[e] ..< keyStart[e + 1]]`.
    private let keyBytes: UnsafeMutablePointer<UInt8>
    private let keyStart: UnsafeMutablePointer<Int>
    private let values: UnsafeMutablePointer<Int>
    private let entryCount: Int

    /// Keys and their values; a key given again keeps its first value.
    init(_ entries: [(String, Int)]) {
        var size = 8
        while size < entries.count * 3 { size *= 2 }
        var table = [Int32](repeating: -1, count: size)
        var bytes: [UInt8] = []
        var starts: [Int] = [0]
        var kept: [Int] = []
        for (key, value) in entries {
            let utf8 = Array(key.utf8)
            var i = ByteTable.hash(utf8) & (size - 1)
            var duplicate = false
            while table[i] >= 0 {
                let e = Int(table[i])
                if bytes[starts[e]..<starts[e + 1]].elementsEqual(utf8) { duplicate = true; break }
                i = (i + 1) & (size - 1)
            }
            if duplicate { continue }
            table[i] = Int32(kept.count)
            bytes += utf8
            starts.append(bytes.count)
            kept.append(value)
        }
        mask = size - 1
        entryCount = kept.count
        slots = .allocate(capacity: size)
        slots.initialize(from: table, count: size)
        keyBytes = .allocate(capacity: max(1, bytes.count))
        keyBytes.initialize(from: bytes, count: bytes.count)
        keyStart = .allocate(capacity: starts.count)
        keyStart.initialize(from: starts, count: starts.count)
        values = .allocate(capacity: max(1, kept.count))
        values.initialize(from: kept, count: kept.count)
    }

    deinit {
        slots.deallocate()
        keyBytes.deallocate()
        keyStart.deallocate()
        values.deallocate()
    }

    static func hash(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { hash($0.baseAddress!, $0.count) }
    }

    /// A key of 8 bytes or more is hashed from its first and last 8 bytes (two loads, which
    /// cover every byte of keys up to 16 long) and its length; a shorter one byte by byte. Keys
    /// that share all three only probe further: every look-up compares the whole key.
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var h: UInt64
        if n >= 8 {
            let first = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
            let last = UnsafeRawPointer(p + (n - 8)).loadUnaligned(as: UInt64.self)
            h = (first &* 0x9E37_79B9_7F4A_7C15) ^ (last &+ UInt64(truncatingIfNeeded: n))
        } else {
            h = UInt64(truncatingIfNeeded: n)
            for k in 0..<n { h = (h << 8) | UInt64(p[k]) }
            h = h &* 0x9E37_79B9_7F4A_7C15
        }
        h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: h ^ (h >> 32))
    }

    /// The value for the key in `bytes[range]`, or `nil`.
    @inline(__always)
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        let n = range.count
        guard n > 0, let base = bytes.baseAddress else { return nil }
        let p = base + range.lowerBound
        var i = ByteTable.hash(p, n) & mask
        while true {
            let e = Int(slots[i])
            if e < 0 { return nil }
            let start = keyStart[e]
            if keyStart[e + 1] - start == n {
                let k = keyBytes + start
                var j = 0
                while j < n && k[j] == p[j] { j += 1 }
                if j == n { return values[e] }
            }
            i = (i + 1) & mask
        }
    }
}
