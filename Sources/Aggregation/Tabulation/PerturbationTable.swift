import Foundation

/// Cell key perturbation (the ABS method, used by ONS for the 2021 Census tables): a
/// published count is the true count plus noise looked up in a *perturbation table* by the
/// count and the cell's key, so the same cell (the same records) always gets the same value,
/// in every table it appears in, and differencing two tables does not reveal a small cell.
///
/// - Every record carries a key 0-255 (``RecordKeys``); a cell's key is the sum of its
///   records' keys mod 256.
/// - For each true count `n` the table gives a distribution of the noise `d` over
///   `-maximumNoise...maximumNoise`: a discretised normal shape whose variance is about
///   ``variance`` (the keys come in 256ths), truncated so that `n + d >= 1` (a count never
///   turns into zero, and never negative; zeros stay zero). For `n > maximumNoise` that
///   truncation never bites: `+x` and `-x` get the same number of keys, so the noise is exactly
///   unbiased; for smaller `n` it is biased upwards (those counts are below the publication
///   threshold anyway).
/// - The 256 keys are shared out among the noise values in proportion to their probability
///   (largest remainders), each value that occurs getting at least ``minimumKeysPerNoise``
///   keys, so a published value narrows a cell's key down to no fewer than that many keys.
///   The keys given to each noise value are spread over 0-255 by a fixed permutation per row
///   rather than in one run, so the noise is not a monotone function of the key.
/// - Rows exist for `n` up to ``rows``; a larger count uses row `rows - cycle + 1 + (n - rows - 1) mod cycle`
///   (as ONS did: the same noise distribution, different key assignment).
/// - After perturbation, a count below ``threshold`` (1-9 by default) is not published.
///
/// Parameters are recorded in the manifest and in `tables/README.txt`.
public struct PerturbationTable: Sendable, Equatable {
    /// The largest noise added or taken away, in counts (`d` lies in `-maximumNoise...maximumNoise`).
    public let maximumNoise: Int
    /// The noise distribution's target variance, in counts squared (met to within the 256ths
    /// the keys come in).
    public let variance: Double
    /// Perturbed counts below this are not published (an empty count, status `suppressed`).
    public let threshold: Int
    /// The fewest keys any noise value that occurs is given (so a published value leaves at
    /// least this many keys possible).
    public let minimumKeysPerNoise: Int
    /// Counts with their own row: `1...rows`; larger counts reuse the last ``cycle`` rows.
    public let rows: Int
    /// How many of the last rows larger counts cycle over.
    public let cycle: Int
    /// noise[n][key] for n in 0...rows.
    private let noise: [[Int8]]

    /// The project's defaults: maximum noise 4, variance 2, counts below 10 not published,
    /// at least 4 keys per noise value, 750 rows cycling over the last 250.
    public static let standard = PerturbationTable(maximumNoise: 4, variance: 2, threshold: 10)

    /// Builds the table's `rows + 1` rows of 256 noise values (row 0 is all zeros).
    ///
    /// Preconditions (a programming error otherwise; `census aggregate` uses ``standard``):
    /// `maximumNoise >= 1`, `variance > 0`, `rows > cycle > 0`.
    public init(maximumNoise: Int, variance: Double, threshold: Int, minimumKeysPerNoise: Int = 4, rows: Int = 750, cycle: Int = 250) {
        precondition(maximumNoise >= 1 && variance > 0 && rows > cycle && cycle > 0)
        self.maximumNoise = maximumNoise
        self.variance = variance
        self.threshold = threshold
        self.minimumKeysPerNoise = minimumKeysPerNoise
        self.rows = rows
        self.cycle = cycle
        let sigma = PerturbationTable.sigma(forVariance: variance, maximumNoise: maximumNoise)
        var table: [[Int8]] = [Array(repeating: 0, count: 256)]
        for n in 1...rows {
            table.append(PerturbationTable.row(n: n, sigma: sigma, maximumNoise: maximumNoise, minimumKeys: minimumKeysPerNoise))
        }
        noise = table
    }

    /// The noise for a cell of true count `count` and cell key `key` (0-255).
    public func noise(count: Int, key: Int) -> Int {
        guard count > 0 else { return 0 }
        let row = count <= rows ? count : rows - cycle + 1 + (count - rows - 1) % cycle
        return Int(noise[row][key & 255])
    }

    /// The published value of a cell: `nil` when suppressed (perturbed count 1 to threshold - 1).
    public func publish(count: Int, keySum: Int) -> Int? {
        guard count > 0 else { return 0 }
        let key = ((keySum % 256) + 256) % 256
        let value = count + noise(count: count, key: key)
        return value < threshold ? nil : value
    }

    /// The distribution of the noise for count `n`: how many of the 256 keys give each value.
    package func keysPerNoise(count n: Int) -> [Int: Int] {
        var out: [Int: Int] = [:]
        for k in 0..<256 { out[noise(count: n, key: k), default: 0] += 1 }
        return out
    }

    // MARK: Building the table

    /// The σ of the discretised normal on -D...D whose variance is `variance` (bisection).
    static func sigma(forVariance variance: Double, maximumNoise d: Int) -> Double {
        func v(_ s: Double) -> Double {
            var total = 0.0, sum2 = 0.0
            for x in -d...d {
                let w = exp(-Double(x * x) / (2 * s * s))
                total += w
                sum2 += w * Double(x * x)
            }
            return sum2 / total
        }
        var lo = 0.05, hi = 50.0
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if v(mid) < variance { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    static func row(n: Int, sigma: Double, maximumNoise d: Int, minimumKeys: Int) -> [Int8] {
        let low = max(-d, 1 - n)
        let values = Array(low...d)
        let weights = values.map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = weights.reduce(0, +)
        var keys: [Int]
        if low == -d {
            // The whole range: keys for ±x equal, so the noise is exactly unbiased.
            keys = Array(repeating: 0, count: values.count)
            var used = 0
            for x in 1...d {
                let k = max(minimumKeys, Int((weights[d + x] / total * 256).rounded()))
                keys[d + x] = k
                keys[d - x] = k
                used += 2 * k
            }
            keys[d] = 256 - used
        } else {
            // Largest remainders, then every value at least `minimumKeys` keys (taken from zero noise).
            keys = weights.map { Int(($0 / total * 256).rounded(.down)) }
            var left = 256 - keys.reduce(0, +)
            let order = values.indices.sorted {
                (weights[$0] / total * 256).truncatingRemainder(dividingBy: 1) > (weights[$1] / total * 256).truncatingRemainder(dividingBy: 1)
            }
            for i in order where left > 0 {
                keys[i] += 1
                left -= 1
            }
            let zero = values.firstIndex(of: 0)!
            for i in values.indices where i != zero && keys[i] < minimumKeys {
                keys[zero] -= minimumKeys - keys[i]
                keys[i] = minimumKeys
            }
        }
        // Spread: key k goes to slot perm(k); slots are filled value by value.
        var slots: [Int8] = []
        for (i, v) in values.enumerated() { slots.append(contentsOf: repeatElement(Int8(v), count: keys[i])) }
        var out = [Int8](repeating: 0, count: 256)
        // An odd multiplier is a bijection of 0...255; it varies with n.
        let multiplier = (2 * ((n * 37) % 128) + 1)
        let shift = (n * 101) % 256
        for k in 0..<256 { out[k] = slots[(k * multiplier + shift) % 256] }
        return out
    }
}
