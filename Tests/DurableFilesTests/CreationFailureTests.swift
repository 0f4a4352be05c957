import Foundation
import SystemReasons
import XCTest

/// ``CreationFailure`` says what a failed creation means where it happened, and what to do; the
/// cases a test cannot cause as root (no permission) or without filling a disk are given their
/// `errno` directly.
final class CreationFailureTests: XCTestCase {
    func testEachReasonSaysWhatItMeansAndWhatToDo() throws {
        let dir = NSTemporaryDirectory() + "creation-failure-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/out.json"
        XCTAssertEqual(CreationFailure.explain(file, errno: EACCES, doing: "creating the file"),
                       "you may not create files in \(dir) (creating the file: Permission denied); write to a directory you can write to, or get write permission on \(dir)")
        XCTAssertEqual(CreationFailure.explain(file, errno: ENOSPC, doing: "creating the file"),
                       "the disk holding \(dir) is full (creating the file: No space left on device); free some space on it, or write to another disk")
        XCTAssertEqual(CreationFailure.explain(file, errno: EROFS, doing: "creating the file"),
                       "\(dir) is on a read-only file system (creating the file: Read-only file system); write to a directory on a writable disk")
        XCTAssertEqual(CreationFailure.explain(dir + "/a/b/out.json", errno: ENOENT, doing: "creating the file"),
                       "the directory \(dir)/a/b does not exist (creating the file: No such file or directory); create it first (mkdir -p \(dir)/a/b) or write somewhere else")
        XCTAssertEqual(CreationFailure.explain(dir, errno: EISDIR, doing: "opening it"),
                       "\(dir) is a directory (opening it: Is a directory); give the name of a file")
        XCTAssertEqual(CreationFailure.explain(file, errno: EIO, doing: "creating the file"), "creating the file failed: Input/output error")
    }
}
