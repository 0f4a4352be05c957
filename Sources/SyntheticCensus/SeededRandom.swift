import Questionnaire
/// The one seeded generator of the synthetic census (SplitMix64): households, address frames,
/// the demo and the benchmarks all draw from it, so the same seed gives the same data on every
/// platform and Swift version. Its own helpers (``int(_:)``, ``unit()``, ``pick(_:)``) do not go
/// through the standard library's `random(in:using:)`, whose algorithm may change; as a
/// `RandomNumberGenerator` it also serves those.
///
/// Not for access codes, which come from the system's cryptographic source.
///
/// ```swift
/// var rng = SeededRandom(seed: 7)
/// let size = rng.int(1...6)
/// let household = SeededRandom(seed: 7, index: 42)   // an independent stream per household
/// ```
public struct SeededRandom: RandomNumberGenerator, Sendable {
    /// The generator's whole state (SplitMix64 keeps one 64-bit word): copy the value to replay a stream.
    public var state: UInt64

    /// The SplitMix64 increment (2^64 / golden ratio). A stream seeded `s &+ gamma` is the stream
    /// seeded `s`, one step on: the synthetic frame, the demo's response rates and the store
    /// benchmark start there (their generator used to add it), so a seed keeps giving the
    /// frame and figures it always gave.
    public static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// A stream that starts at `seed`; equal seeds give equal streams everywhere.
    public init(seed: UInt64) { state = seed }

    /// A generator for item `index` of a run seeded with `seed`: independent streams per household.
    public init(seed: UInt64, index: UInt64) {
        var mixer = SeededRandom(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<2 { _ = mixer.next() }
        state = mixer.next() &+ index &* 0xD1B5_4A32_D192_ED03
        _ = next()
    }

    /// The next 64 uniformly distributed bits (one SplitMix64 step).
    public mutating func next() -> UInt64 {
        state &+= SeededRandom.gamma
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `range` (inclusive), by multiply-high (bias negligible for our ranges).
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        if span == 0 { return Int(truncatingIfNeeded: next()) }
        return range.lowerBound + Int(next().multipliedFullWidth(by: span).high)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }

    /// True with probability `p` (0...1).
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// One of `items`, uniformly; `items` must not be empty.
    public mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    /// Picks by weight (weights need not sum to 1).
    public mutating func weighted<T>(_ items: [(T, Double)]) -> T {
        let total = items.reduce(0) { $0 + $1.1 }
        var x = unit() * total
        for (item, w) in items {
            if x < w { return item }
            x -= w
        }
        return items[items.count - 1].0
    }
}
