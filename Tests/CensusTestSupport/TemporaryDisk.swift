import Foundation
import XCTest

/// A tmpfs mounted on a new temporary directory for the test (`options` as for `mount -o`:
/// "size=2m" for a disk that fills, "ro,size=1m" for a read-only one), unmounted when the test
/// ends. Skips the test where a tmpfs cannot be mounted (not root).
public func mountTemporaryDisk(_ test: XCTestCase, options: String, _ name: String = #function) throws -> URL {
    let dir = try makeTempDirectory(test, name)
    let mount = Process()
    mount.executableURL = URL(fileURLWithPath: "/bin/mount")
    mount.arguments = ["-t", "tmpfs", "-o", options, "tmpfs", dir.path]
    mount.standardError = FileHandle.nullDevice
    guard (try? mount.run()) != nil else { throw XCTSkip("cannot run mount") }
    mount.waitUntilExit()
    guard mount.terminationStatus == 0 else { throw XCTSkip("cannot mount a tmpfs here (not root?)") }
    test.addTeardownBlock {
        let umount = Process()
        umount.executableURL = URL(fileURLWithPath: "/bin/umount")
        umount.arguments = [dir.path]
        try? umount.run()
        umount.waitUntilExit()
    }
    return dir
}
