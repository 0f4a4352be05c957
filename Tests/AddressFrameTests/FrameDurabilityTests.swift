import CensusTestSupport
import DurableFiles
import Foundation
import XCTest
@testable import AddressFrame

/// The frame's connection commits with `synchronous = FULL` (GRDB reset it to NORMAL after
/// `prepareDatabase`; issue 13), so a committed code is on disk before its letter is published.
final class FrameDurabilityTests: XCTestCase {
    func testTheFrameCommitsWithSynchronousFull() throws {
        let dir = try makeTempDirectory(self)
        let frame = try AddressFrame.open(at: dir.appendingPathComponent(AddressFrame.fileName), create: true)
        defer { try? frame.close() }
        XCTAssertEqual(try SQLiteSynchronous.current(on: frame.queue), .full)
    }
}
