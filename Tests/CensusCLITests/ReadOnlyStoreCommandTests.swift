import CensusTestSupport
import Foundation
import GRDB
import XCTest
@testable import DurableFiles
@testable import ResponseStore

/// Read-only commands (`store show`, `where`, `check`, `frame lookup`, `frame stats`) on a
/// read-only store: read-only files, read-only directories, with and without a write-ahead
/// log. They used to refuse ("shard 0 … is read-only … Fix permissions"); now they open the
/// files read-only, create nothing, and write commands still give the clear error.
final class ReadOnlyStoreCommandTests: XCTestCase {
    let hash = "sha256:" + String(repeating: "a", count: 64)

    /// A store of 2 shards with one response for H1, and a frame of 40 households with codes.
    private func makeStore(_ dir: URL) throws -> (code: String, st: URL) {
        try writeResponse(dir)
        for args in [["store", "init", "--shards", "2", "--dir", "st"],
                     ["frame", "generate", "--households", "40", "--out", "st"],
                     ["store", "submit", "--dir", "st", "--household", "H000000001", "--schema", fixtureSchema, "--body", "b.json"],
                     ["frame", "codes", "issue", "--dir", "st", "--letters", "l.csv", "--dev-secret"]] {
            let r = try census(args, in: dir)
            XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
        }
        let letters = try String(contentsOf: dir.appendingPathComponent("l.csv"), encoding: .utf8)
        let code = String(letters.split(separator: "\n")[1].split(separator: ",")[2])
        return (code, dir.appendingPathComponent("st"))
    }

    /// Removes write permission from the store's files and directories; restored at teardown.
    private func makeReadOnly(_ st: URL, directories: Bool) throws {
        let fm = FileManager.default
        let shards = st.appendingPathComponent("shards")
        var paths = try fm.contentsOfDirectory(atPath: shards.path).map { shards.appendingPathComponent($0).path }
        paths += [st.appendingPathComponent("frame.sqlite").path, st.appendingPathComponent("manifest.json").path]
        if directories { paths += [shards.path, st.path] }
        for p in paths {
            let mode = (try fm.attributesOfItem(atPath: p)[.posixPermissions] as? Int) ?? 0o644
            try fm.setAttributes([.posixPermissions: mode & ~0o222], ofItemAtPath: p)
        }
        addTeardownBlock {
            for p in paths.reversed() { try? fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: p) }
        }
    }

    private func listing(_ st: URL) throws -> [String] {
        let fm = FileManager.default
        return try (fm.contentsOfDirectory(atPath: st.path) + fm.contentsOfDirectory(atPath: st.appendingPathComponent("shards").path)).sorted()
    }

    /// Checkpoints every WAL into its database and removes the -wal and -shm files, as after
    /// a clean shutdown: a read-only directory then holds the database files alone.
    private func checkpointAway(_ st: URL) throws {
        let shards = st.appendingPathComponent("shards")
        let files = try FileManager.default.contentsOfDirectory(atPath: shards.path).filter { $0.hasSuffix(".sqlite") }
            .map { shards.appendingPathComponent($0).path } + [st.appendingPathComponent("frame.sqlite").path]
        for f in files {
            let q = try DatabaseQueue(path: f)
            try q.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try q.close()
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: f + suffix) }
        }
    }

    private func assertReadCommandsWork(_ dir: URL, code: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let show = try census(["store", "show", "--dir", "st", "H000000001"], in: dir)
        XCTAssertEqual(show.status, 0, show.stderr, file: file, line: line)
        XCTAssertTrue(show.stdout.split(separator: "\n").dropFirst().first?.hasPrefix("* R0") == true, show.stdout, file: file, line: line)
        XCTAssertTrue(show.stdout.hasSuffix("* = the authoritative return (the version that counts for H000000001)\n"), show.stdout, file: file, line: line)
        let whereIs = try census(["store", "where", "--dir", "st", "H000000001"], in: dir)
        XCTAssertEqual(whereIs.status, 0, whereIs.stderr, file: file, line: line)
        let stats = try census(["frame", "stats", "--dir", "st"], in: dir)
        XCTAssertEqual(stats.status, 0, stats.stderr, file: file, line: line)
        XCTAssertEqual(stats.stdout.split(separator: "\n").prefix(3), [
            "households: 40", "codes issued: 40, active: 40, households with an active code: 40",
            "access-code secret: the PUBLIC DEVELOPMENT SECRET (--dev-secret): anyone can check guessed codes against this frame; demo only. Its codes cannot be moved to another secret: for real use, import the households into a new frame and issue codes with the deployment's secret",
        ], file: file, line: line)
        let lookup = try census(["frame", "lookup", "--dir", "st", "--dev-secret", code], in: dir)
        XCTAssertEqual(lookup.status, 0, lookup.stderr, file: file, line: line)
        XCTAssertTrue(lookup.stdout.hasPrefix("H0000000"), lookup.stdout, file: file, line: line)

        // check: intact, but read-only shards cannot take writes; --read-only accepts a read-only copy.
        let check = try census(["store", "check", "--dir", "st"], in: dir)
        XCTAssertEqual(check.status, 1, check.stdout + check.stderr, file: file, line: line)
        XCTAssertTrue(check.stdout.contains("shard 0: ok, READ-ONLY (1 version)"), check.stdout, file: file, line: line)
        XCTAssertTrue(check.stderr.contains("pass --read-only to check a read-only copy"), check.stderr, file: file, line: line)
        let copy = try census(["store", "check", "--dir", "st", "--read-only"], in: dir)
        XCTAssertEqual(copy.status, 0, copy.stdout + copy.stderr, file: file, line: line)

        // Write commands: the existing clear errors.
        let submit = try census(["store", "submit", "--dir", "st", "--household", "H000000001", "--schema", fixtureSchema, "--body", "b.json"], in: dir)
        XCTAssertEqual(submit.status, 2, file: file, line: line)
        XCTAssertTrue(submit.stderr.contains("is read-only (file or directory not writable). Fix permissions"), submit.stderr, file: file, line: line)
        let accept = try census(["store", "accept-schema", "--dir", "st", "--restrict", hash], in: dir)
        XCTAssertEqual(accept.status, 2, file: file, line: line)
        XCTAssertTrue(accept.stderr.hasSuffix("manifest.json is read-only (file or directory not writable). Fix permissions (e.g. `chmod u+w`) or remount read-write; nothing was changed.\n"), accept.stderr, file: file, line: line)
        let revoke = try census(["frame", "codes", "revoke", "--dir", "st", "--household", "H000000001"], in: dir)
        XCTAssertEqual(revoke.status, 2, file: file, line: line)
        XCTAssertTrue(revoke.stderr.contains("frame.sqlite is read-only (file or directory not writable)"), revoke.stderr, file: file, line: line)
        XCTAssertEqual(revoke.stderr.split(separator: "\n").count, 1, revoke.stderr, file: file, line: line)
    }

    func testReadOnlyFilesCanBeRead() throws {
        let dir = try makeTempDirectory(self)
        let (code, st) = try makeStore(dir)
        try makeReadOnly(st, directories: false)
        try assertReadCommandsWork(dir, code: code)
    }

    func testReadOnlyDirectoryWithWriteAheadLogsCanBeReadAndNothingIsCreated() throws {
        let dir = try makeTempDirectory(self)
        let (code, st) = try makeStore(dir)
        try makeReadOnly(st, directories: true)
        let before = try listing(st)
        try assertReadCommandsWork(dir, code: code)
        XCTAssertEqual(try listing(st), before)
    }

    func testReadOnlyDirectoryWithoutWriteAheadLogsIsOpenedImmutable() throws {
        let dir = try makeTempDirectory(self)
        let (code, st) = try makeStore(dir)
        try checkpointAway(st)
        try makeReadOnly(st, directories: true)
        let before = try listing(st)
        XCTAssertFalse(before.contains { $0.hasSuffix("-shm") || $0.hasSuffix("-wal") }, "\(before)")
        try assertReadCommandsWork(dir, code: code)
        XCTAssertEqual(try listing(st), before, "a read-only open created files")
    }

    func testReadOnlyDirectoryWithALogButNoIndexIsRefusedClearly() throws {
        let dir = try makeTempDirectory(self)
        _ = try makeStore(dir)
        let st = dir.appendingPathComponent("st")
        try checkpointAway(st)
        let shard = ShardFunction.shard(for: "H1", count: 2)
        let path = st.appendingPathComponent("shards/shard-00\(shard).sqlite").path
        // A log that SQLite could only read through an index it cannot create here.
        try Data(repeating: 1, count: 4096).write(to: URL(fileURLWithPath: path + "-wal"))
        try makeReadOnly(st, directories: true)
        let r = try census(["store", "show", "--dir", "st", "H1"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "census store show: shard \(shard) at \(path) cannot be read: its write-ahead log \(path)-wal is not empty (it may hold committed transactions), and reading it needs \(path)-shm, which cannot be created in the read-only directory; make the directory writable, or copy the files (with the -wal) to a writable place and read them there. Other shards are unaffected.\n")
    }

    func testReadOnlyFrameWithALogButNoIndexIsRefusedWithoutBlamingTheFrame() throws {
        let dir = try makeTempDirectory(self)
        _ = try makeStore(dir)
        let st = dir.appendingPathComponent("st")
        try checkpointAway(st)
        let path = st.appendingPathComponent("frame.sqlite").path
        try Data(repeating: 1, count: 4096).write(to: URL(fileURLWithPath: path + "-wal"))
        try makeReadOnly(st, directories: true)
        let r = try census(["frame", "stats", "--dir", "st"], in: dir)
        XCTAssertEqual(r.status, 2)
        // Not "Restore it from backup": the frame is fine, only its directory is read-only.
        XCTAssertEqual(r.stderr, "census frame stats: cannot read the address frame \(path): its write-ahead log \(path)-wal is not empty (it may hold committed transactions), and reading it needs \(path)-shm, which cannot be created in the read-only directory; make the directory writable, or copy the files (with the -wal) to a writable place and read them there.\n")
    }
}
