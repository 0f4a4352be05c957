/// Random bytes from the system's generator (`getrandom`), eight per call to it.
///
/// `(0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }` asks the system once per
/// byte (on Linux a system call each): 12 calls for every request's id. This asks once per
/// eight bytes; the bytes are the same quality (the system's CSPRNG).
enum RandomBytes {
    /// `count` random bytes.
    static func make(_ count: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: rng.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }
}
