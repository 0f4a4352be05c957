/// A read-only map from short UTF-8 keys to integers, looked up straight from the bytes of a
/// document (no `String` is made): FNV-1a hashing, open addressing, a power-of-two table.
struct ByteTable: Sendable {
    private var slots: [Int32]
    private var keys: [[UInt8]] = []
    private var values: [Int] = []
    private var mask: Int

    init(_ entries: [(String, Int)]) {
        var size = 8
        while size < entries.count * 3 { size *= 2 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for (key, value) in entries {
            let bytes = Array(key.utf8)
            var i = ByteTable.hash(bytes) & mask
            var duplicate = false
            while slots[i] >= 0 {
                if keys[Int(slots[i])] == bytes { duplicate = true; break }
                i = (i + 1) & mask
            }
            if duplicate { continue }
            slots[i] = Int32(keys.count)
            keys.append(bytes)
            values.append(value)
        }
    }

    static func hash(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { hash($0.baseAddress!, $0.count) }
    }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in 0..<n { h = (h ^ UInt64(p[k])) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
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
            let key = keys[e]
            if key.count == n {
                let equal = key.withUnsafeBufferPointer { k in
                    var j = 0
                    while j < n && k[j] == p[j] { j += 1 }
                    return j == n
                }
                if equal { return values[e] }
            }
            i = (i + 1) & mask
        }
    }
}
