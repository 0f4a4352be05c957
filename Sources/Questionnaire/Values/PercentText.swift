/// A share as a percentage people read: `percentText(0.955)` is "96%", `percentText(0.7496,
/// decimals: 1)` is "75.0%". The one rounding rule for every percentage the platform prints (the
/// CLI's completeness and return rates, the staff keying page, the aggregation report), so that a
/// figure reads the same wherever it is shown (`store submit` said 96% complete where `store show`
/// said 95.5%):
/// - to the nearest step of `decimals` places (0 to 6), halves away from zero, after the binary
///   noise of the product is removed (0.145 × 100 is 14.499999999999998 in a `Double`; it reads
///   as 14.5, so 15%);
/// - a share strictly between 0 and 1 never reads as 0% or 100%: a response with one answer
///   missing is not "100% complete" (99.6% reads 99%), nor is one answer "0% complete".
///
/// Completeness (answered / applicable questions) is given in whole percent; rates and shares of
/// households (return rate, online share) to one decimal place, as census outputs publish them.
/// A share that is not a number reads "–".
public func percentText(_ share: Double, decimals: Int = 0) -> String {
    guard share.isFinite else { return "–" }
    let places = max(0, min(decimals, 6))
    var scale = 1
    for _ in 0..<places { scale *= 10 }
    let full = 100 * scale
    // Twelve significant digits at most survive the multiplication; the rest is noise.
    let exact = (share * Double(full) * 1e6).rounded() / 1e6
    var steps = Int(exact.rounded(.toNearestOrAwayFromZero))
    if share < 1 && share > 0 { steps = min(max(steps, 1), full - 1) }
    let sign = steps < 0 ? "-" : ""
    let magnitude = steps.magnitude
    guard places > 0 else { return "\(sign)\(magnitude)%" }
    let fraction = String(magnitude % UInt(scale))
    return "\(sign)\(magnitude / UInt(scale)).\(String(repeating: "0", count: places - fraction.count))\(fraction)%"
}
