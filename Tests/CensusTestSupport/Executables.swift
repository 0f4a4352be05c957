import Foundation

/// An executable product (`census`, `census-bench`) built next to the test bundle.
public func builtExecutable(_ name: String) throws -> URL {
    var candidates: [URL] = []
    // On macOS the runner is inside the .xctest bundle; walk up a few levels.
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<4 {
        candidates.append(dir.appendingPathComponent(name))
        dir = dir.deletingLastPathComponent()
    }
    for c in candidates where FileManager.default.isExecutableFile(atPath: c.path) { return c }
    struct NotBuilt: Error, CustomStringConvertible { var description: String }
    throw NotBuilt(description: "\(name) is not built next to the tests (looked in \(candidates.map(\.path))); run `swift build` first (swift test builds it)")
}

/// A strong test secret: 48 pseudo-random bytes from `seed` (xorshift64*), as text (base64), as a
/// deployment would configure it (`CENSUS_CODE_SECRET`).
public func testSecretText(seed: UInt64 = 1) -> String {
    var x = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    var bytes: [UInt8] = []
    for _ in 0..<48 {
        x ^= x >> 12; x ^= x << 25; x ^= x >> 27
        bytes.append(UInt8(truncatingIfNeeded: (x &* 0x2545_F491_4F6C_DD1D) >> 56))
    }
    return Data(bytes).base64EncodedString()
}
