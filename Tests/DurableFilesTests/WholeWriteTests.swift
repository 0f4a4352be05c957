import Foundation
import SystemReasons
import XCTest

/// ``WholeWrite``, the one write loop of the store's files and the commands' outputs: every
/// byte written, a failure's `errno` returned (a full disk is `/dev/full`).
final class WholeWriteTests: XCTestCase {
    func testEveryByteIsWrittenAndAFullDiskGivesItsErrno() throws {
        let path = NSTemporaryDirectory() + "whole-write-\(getpid()).bin"
        defer { unlink(path) }
        let bytes = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertNil(bytes.withUnsafeBytes { WholeWrite.write($0, to: fd) })
        close(fd)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data(bytes))

        let full = open("/dev/full", O_WRONLY)
        try XCTSkipIf(full < 0, "no /dev/full here")
        defer { close(full) }
        XCTAssertEqual(bytes.withUnsafeBytes { WholeWrite.write($0, to: full) }, ENOSPC)
        XCTAssertNil([UInt8]().withUnsafeBytes { WholeWrite.write($0, to: full) }, "nothing to write is no failure")
    }
}
