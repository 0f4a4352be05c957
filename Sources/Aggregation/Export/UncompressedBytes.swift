/// The uncompressed bytes of an export file's current block, written through a raw pointer.
///
/// The row encoders append every key, value and separator of every row here (about 4.3 GB at
/// 1,000,000 households). As a `[UInt8]` each append was a generic `append(contentsOf:)` with a
/// check that the array is uniquely referenced: together about 2.7% of a full run's CPU samples
/// (perf, 1,000,000 households, 2026-12-01). Here an append is a capacity check and a copy.
/// A reference type, so the encoder and the file writer share the block without moving it.
///
/// Not thread-safe: one worker writes a buffer.
final class UncompressedBytes {
    /// The first byte (valid up to `count`; the storage moves when the buffer grows).
    private(set) var base: UnsafeMutablePointer<UInt8>
    /// Bytes written.
    private(set) var count = 0
    private var capacity: Int

    /// An empty buffer with room for `capacity` bytes before it first grows.
    init(capacity: Int = 256) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var isEmpty: Bool { count == 0 }

    /// The bytes written, valid until the next change.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Forgets the bytes, keeping the storage.
    func removeAll() { count = 0 }

    /// Makes room for `n` more bytes.
    @inline(__always) func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    @inline(never) private func grow(_ needed: Int) {
        let larger = max(needed, capacity * 2)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }

    @inline(__always) func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always) func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress, bytes.count > 0 else { return }
        append(start, count: bytes.count)
    }

    @inline(__always) func append(_ start: UnsafePointer<UInt8>, count n: Int) {
        reserve(n)
        Self.copy(start, count: n, to: base + count)
        count += n
    }

    /// Copies `n` bytes (the ranges do not overlap). Most of what a row is made of is short (a
    /// key, an option id, a number: 3.4 million such copies at 10,000 households), and a call
    /// to the C library's `memmove` for each cost more than the copy: up to 16 bytes are moved
    /// here as two words that may overlap, as `memmove` itself does, without the call.
    @inline(__always) static func copy(_ from: UnsafePointer<UInt8>, count n: Int, to: UnsafeMutablePointer<UInt8>) {
        let source = UnsafeRawPointer(from), target = UnsafeMutableRawPointer(to)
        if n >= 8 && n <= 16 {
            let head = source.loadUnaligned(as: UInt64.self), tail = source.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            target.storeBytes(of: head, as: UInt64.self)
            target.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 && n < 8 {
            let head = source.loadUnaligned(as: UInt32.self), tail = source.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            target.storeBytes(of: head, as: UInt32.self)
            target.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
        } else if n < 4 {
            for k in 0..<n { to[k] = from[k] }
        } else {
            to.update(from: from, count: n)
        }
    }

    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// A string's UTF-8 bytes, read in place (no copy of the string).
    @inline(__always) func append(utf8 s: String) {
        if s.utf8.withContiguousStorageIfAvailable({ append($0) }) == nil {
            for b in s.utf8 { append(b) }
        }
    }

    /// `n` in decimal, digits written in place (``writeDigits(_:_:to:)``).
    @inline(__always) func appendDecimal(_ n: Int) {
        if n >= 0 && n < 10 {
            append(UInt8(ascii: "0") + UInt8(n))
            return
        }
        reserve(21)
        if n < 0 {
            base[count] = UInt8(ascii: "-")
            count += 1
        }
        let digits = decimalDigits(n.magnitude)
        writeDigits(n.magnitude, digits, to: base + count)
        count += digits
    }
}
