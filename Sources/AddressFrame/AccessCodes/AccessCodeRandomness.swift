import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A source of random bytes for access codes, which may not be ready.
///
/// The codes' only secret is their randomness, so they come from the operating system's
/// cryptographic source. `SystemRandomNumberGenerator` blocks when that source is not ready
/// (early boot, an entropy-starved VM) and cannot fail, so a stalled source hung `codes issue`
/// (issue 13). A source here says "not ready" instead of blocking; ``AccessCodeDrawing`` waits
/// for it a bounded time, then fails with a clear error.
package protocol RandomByteSource {
    /// Fills `buffer` entirely and returns true, or returns false (filling nothing) when the
    /// source is not ready yet. Throws when it is broken.
    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(AccessCodeRandomnessError) -> Bool
}

/// The operating system's cryptographic random source: `getrandom(2)` with `GRND_NONBLOCK` on
/// Linux (not ready until the kernel's pool is initialised, then never blocking), the system
/// generator elsewhere.
package struct SystemRandomSource: RandomByteSource {
    package init() {}

    /// glibc's `getrandom(2)` wrapper, looked up at run time (Swift's Glibc module does not
    /// export `<sys/random.h>`).
    #if os(Linux)
    private typealias GetRandom = @convention(c) (UnsafeMutableRawPointer?, Int, UInt32) -> Int
    private static let getrandom: GetRandom? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "getrandom")
        .map { unsafeBitCast($0, to: GetRandom.self) }
    private static let nonBlocking: UInt32 = 1  // GRND_NONBLOCK
    #endif

    package mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(AccessCodeRandomnessError) -> Bool {
        #if os(Linux)
        guard let getrandom = Self.getrandom else { throw .failed(reason: "this C library has no getrandom(2)") }
        var offset = 0
        while offset < buffer.count {
            guard let base = buffer.baseAddress else { return true }
            let n = getrandom(base + offset, buffer.count - offset, Self.nonBlocking)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN { return false }
                throw .failed(reason: "getrandom: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
        return true
        #else
        var rng = SystemRandomNumberGenerator()
        for i in buffer.indices { buffer[i] = UInt8.random(in: .min ... .max, using: &rng) }
        return true
        #endif
    }
}

/// Why codes could not be drawn. Nothing was issued.
public enum AccessCodeRandomnessError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The random source stayed not ready for `seconds`.
    case notReady(seconds: Double)
    /// The random source failed.
    case failed(reason: String)
    /// Too few of the bytes drawn fell in the range codes use (each byte is accepted with
    /// probability 243/256): the source is not random.
    case biased(bytes: Int)
    /// `attempts` codes in a row were ones that already exist (with 2⁷⁶ codes, even one
    /// collision in a census is unlikely): the source repeats itself.
    case repeating(attempts: Int)

    public var description: String {
        switch self {
        case .notReady(let seconds):
            return "the system's random source was not ready after \(Int(seconds)) s (its entropy pool is not initialised yet: a machine just started, or a VM without a random device); nothing was issued. Wait a minute, or give the machine a random source (virtio-rng), and run the command again"
        case .failed(let reason):
            return "the system's random source failed (\(reason)); nothing was issued"
        case .biased(let bytes):
            return "the random source gave \(bytes) bytes of which too few were usable: it is not random; nothing was issued"
        case .repeating(let attempts):
            return "the random source gave \(attempts) codes in a row that already exist: it is not random; nothing was issued"
        }
    }

    public var errorDescription: String? { description }
}

/// Draws access codes from a ``RandomByteSource``, with every retry bounded. `package`: the
/// library draws from ``SystemRandomSource``; tests give it a source that stalls or repeats.
package struct AccessCodeDrawing<Source: RandomByteSource> {
    var source: Source
    /// How long to wait for a source that is not ready, in seconds.
    package var readinessTimeout: Double
    /// How long to pause between two tries of a source that is not ready, in seconds.
    package var pause: Double
    /// How many codes in a row may already exist before the source is declared broken.
    package static var maximumCollisions: Int { 16 }

    package init(source: Source, readinessTimeout: Double = 30, pause: Double = 0.05) {
        self.source = source
        self.readinessTimeout = readinessTimeout
        self.pause = pause
    }

    /// A new code, unbiased: each character takes a byte below 243 (= 9 × 27), modulo 27.
    package mutating func next() throws(AccessCodeRandomnessError) -> AccessCode {
        var chars: [Character] = []
        chars.reserveCapacity(AccessCode.length)
        var bytes = [UInt8](repeating: 0, count: 32)
        var drawn = 0
        while chars.count < AccessCode.length {
            // 16 usable bytes of 32 fail with probability ~1e-17 for a random source.
            if drawn >= 8 * bytes.count { throw .biased(bytes: drawn) }
            try fill(&bytes)
            drawn += bytes.count
            for b in bytes where b < 243 && chars.count < AccessCode.length {
                chars.append(AccessCode.alphabet[Int(b) % AccessCode.alphabet.count])
            }
        }
        return AccessCode(unchecked: String(chars))
    }

    private mutating func fill(_ bytes: inout [UInt8]) throws(AccessCodeRandomnessError) {
        let deadline = Date().addingTimeInterval(readinessTimeout)
        while true {
            var ready = false
            var failure: AccessCodeRandomnessError?
            bytes.withUnsafeMutableBytes { raw in
                do throws(AccessCodeRandomnessError) { ready = try source.fill(raw) } catch { failure = error }
            }
            if let failure { throw failure }
            if ready { return }
            if Date() >= deadline { throw .notReady(seconds: readinessTimeout) }
            usleep(UInt32(max(1_000, pause * 1_000_000)))
        }
    }
}
