/// The `q` quantile (0…1; 1 is the maximum) of latencies in nanoseconds, in milliseconds: the
/// value at rank ⌊count × q⌋ of the sorted latencies (the last for q = 1); nil without any.
/// What the load clients report as p50, p99 and max.
func quantileMilliseconds(_ nanoseconds: [UInt64], _ q: Double) -> Double? {
    guard !nanoseconds.isEmpty else { return nil }
    let sorted = nanoseconds.sorted()
    return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]) / 1e6
}
