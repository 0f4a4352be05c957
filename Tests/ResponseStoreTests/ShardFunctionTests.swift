import XCTest
@testable import ResponseStore

/// Where a household lives: FNV-1a 64 of its id, mod the shard count, the same everywhere.
final class ShardFunctionTests: XCTestCase {
    func testShardFunctionIsStableFNV1a() {
        XCTAssertEqual(ShardFunction.fnv1a64(""), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(ShardFunction.fnv1a64("a"), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(ShardFunction.fnv1a64("foobar"), 0x8594_4171_f739_67e8)
        var counts = Array(repeating: 0, count: 8)
        for i in 0..<80_000 { counts[ShardFunction.shard(for: "H" + String(i), count: 8)] += 1 }
        for c in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 600) }
    }
}
