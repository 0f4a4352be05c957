/// A read-only map from short UTF-8 keys to integers, looked up straight from the bytes of a
/// document (no `String` is made): open addressing in a power-of-two table of slots.
///
/// A slot holds its key's length, first and last 8 bytes (which are the whole key up to 16
/// bytes long) and its value, so that a look-up of a key up to 16 bytes reads one slot and
/// nothing else: one cache line, where a slot that named an entry whose bytes and value lay in
/// other buffers took three dependent loads, each a likely cache miss while the responses
/// stream through the cache (the fast reader's look-ups, one per key and per option of every
/// response, spent most of their time waiting on those loads: BENCHMARKS.md, "Validation").
/// Longer keys compare their middle bytes from one buffer of key bytes.
final class ByteTable: @unchecked Sendable {
    /// One slot: `length` -1 when empty.
    private struct Slot {
        var first: UInt64 = 0
        var last: UInt64 = 0
        var length: Int32 = -1
        var value: Int32 = 0
        /// Where the key's bytes start in ``keyBytes`` (read only for keys over 16 bytes).
        var offset: Int32 = 0
    }

    private let slots: UnsafeMutablePointer<Slot>
    private let mask: Int
    private let keyBytes: UnsafeMutablePointer<UInt8>

    /// Keys and their values; a key given again keeps its first value. Values and the keys'
    /// total length must fit in 32 bits (they are small: codes, positions and ranks).
    init(_ entries: [(String, Int)]) {
        var size = 8
        while size < entries.count * 3 { size *= 2 }
        var table = [Slot](repeating: Slot(), count: size)
        var bytes: [UInt8] = []
        for (key, value) in entries {
            let utf8 = Array(key.utf8)
            if utf8.isEmpty { continue }  // never looked up: a key of a document is not empty here
            let start = bytes.count
            bytes += utf8
            let duplicate: Bool = bytes.withUnsafeBufferPointer { all in
                let p = all.baseAddress! + start
                let n = utf8.count
                let (first, last) = ByteTable.words(p, n)
                var i = ByteTable.hash(first, last, n) & (size - 1)
                while table[i].length >= 0 {
                    if ByteTable.matches(table[i], p, n, first, last, all.baseAddress!) { return true }
                    i = (i + 1) & (size - 1)
                }
                table[i] = Slot(first: first, last: last, length: Int32(n), value: Int32(value), offset: Int32(start))
                return false
            }
            if duplicate { bytes.removeLast(utf8.count) }
        }
        mask = size - 1
        slots = .allocate(capacity: size)
        slots.initialize(from: table, count: size)
        keyBytes = .allocate(capacity: max(1, bytes.count))
        keyBytes.initialize(from: bytes, count: bytes.count)
    }

    deinit {
        slots.deallocate()
        keyBytes.deallocate()
    }

    /// A key's first and last 8 bytes (two loads); a key shorter than 8 bytes is packed into
    /// `first` byte by byte (its length, compared too, tells the keys apart).
    @inline(__always)
    private static func words(_ p: UnsafePointer<UInt8>, _ n: Int) -> (UInt64, UInt64) {
        if n >= 8 {
            return (UnsafeRawPointer(p).loadUnaligned(as: UInt64.self), UnsafeRawPointer(p + (n - 8)).loadUnaligned(as: UInt64.self))
        }
        var first: UInt64 = 0
        for k in 0..<n { first = (first << 8) | UInt64(p[k]) }
        return (first, 0)
    }

    /// From a key's first and last 8 bytes and its length: keys that share all three only
    /// probe further, as every look-up compares the whole key.
    @inline(__always)
    private static func hash(_ first: UInt64, _ last: UInt64, _ n: Int) -> Int {
        var h = (first &* 0x9E37_79B9_7F4A_7C15) ^ (last &+ UInt64(truncatingIfNeeded: n))
        h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: h ^ (h >> 32))
    }

    /// Whether the slot holds the key at `p` (its length `n`, its words `first` and `last`).
    @inline(__always)
    private static func matches(_ slot: Slot, _ p: UnsafePointer<UInt8>, _ n: Int, _ first: UInt64, _ last: UInt64,
                                _ keyBytes: UnsafePointer<UInt8>) -> Bool {
        guard Int(slot.length) == n, slot.first == first, slot.last == last else { return false }
        // Up to 16 bytes the two words are the whole key; past that, the bytes between them.
        if n <= 16 { return true }
        let k = keyBytes + Int(slot.offset)
        var j = 8
        while j < n - 8 && k[j] == p[j] { j += 1 }
        return j == n - 8
    }

    /// The value for the key in `bytes[range]`, or `nil`.
    @inline(__always)
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        let n = range.count
        guard n > 0, let base = bytes.baseAddress else { return nil }
        let p = base + range.lowerBound
        let (first, last) = ByteTable.words(p, n)
        var i = ByteTable.hash(first, last, n) & mask
        while true {
            let slot = slots[i]
            if slot.length < 0 { return nil }
            if ByteTable.matches(slot, p, n, first, last, keyBytes) { return Int(slot.value) }
            i = (i + 1) & mask
        }
    }
}
