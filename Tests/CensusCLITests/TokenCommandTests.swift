import CensusTestSupport
import Foundation
import XCTest

/// `census token create | list | revoke`: the token shown once on standard output, only its
/// hash kept, names unique among live tokens, revocation by name or id.
final class TokenCommandTests: XCTestCase {
    func testCreateListRevoke() throws {
        let dir = try makeTempDirectory(self)
        XCTAssertEqual(try census(["store", "init", "--dir", "st", "--shards", "2"], in: dir).status, 0)

        let made = try census(["token", "create", "--dir", "st", "--name", "paper-capture", "--role", "ingest"], in: dir)
        XCTAssertEqual(made.status, 0, made.stderr)
        let token = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(token.hasPrefix("cen_m_") && token.count == 49, "only the token on standard output: \(made.stdout)")
        XCTAssertTrue(made.stderr.contains("shown once"), made.stderr)
        let file = dir.appendingPathComponent("st/tokens.sqlite")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let bytes = try Data(contentsOf: file) + ((try? Data(contentsOf: URL(fileURLWithPath: file.path + "-wal"))) ?? Data())
        XCTAssertNil(bytes.range(of: Data(token.utf8)), "the token itself is never stored")

        let duplicate = try census(["token", "create", "--dir", "st", "--name", "paper-capture", "--role", "status"], in: dir)
        XCTAssertNotEqual(duplicate.status, 0)
        XCTAssertTrue(duplicate.stderr.contains("already exists"), duplicate.stderr)
        let badRole = try census(["token", "create", "--dir", "st", "--name", "x", "--role", "admin"], in: dir)
        XCTAssertEqual(badRole.status, 64, badRole.stderr)
        let badName = try census(["token", "create", "--dir", "st", "--name", "has space", "--role", "status"], in: dir)
        XCTAssertEqual(badName.status, 64, badName.stderr)
        XCTAssertEqual(try census(["token", "create", "--dir", "st", "--name", "field", "--role", "status", "--expires-in-days", "30"], in: dir).status, 0)

        let table = try census(["token", "list", "--dir", "st"], in: dir)
        XCTAssertEqual(table.status, 0)
        let lines = table.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3, table.stdout)
        XCTAssertTrue(lines[0].hasPrefix("ID"))
        XCTAssertTrue(lines[1].contains("paper-capture") && lines[1].contains("ingest") && lines[1].hasSuffix("active"), table.stdout)
        XCTAssertFalse(table.stdout.contains(token))
        let json = try census(["token", "list", "--dir", "st", "--format", "json"], in: dir)
        let first = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.split(separator: "\n")[0].utf8)) as? [String: Any])
        let id = try XCTUnwrap(first["id"] as? String)
        XCTAssertEqual(first["role"] as? String, "ingest")
        XCTAssertTrue(first["expiresAt"] is NSNull)

        let revoked = try census(["token", "revoke", "--dir", "st", "paper-capture"], in: dir)
        XCTAssertEqual(revoked.status, 0, revoked.stderr)
        XCTAssertTrue(revoked.stdout.contains("revoked 'paper-capture'"), revoked.stdout)
        let again = try census(["token", "revoke", "--dir", "st", id], in: dir)
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stdout.contains("already revoked"), again.stdout)
        let unknown = try census(["token", "revoke", "--dir", "st", "nobody"], in: dir)
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("no token"), unknown.stderr)
        // The name is free again once revoked.
        XCTAssertEqual(try census(["token", "create", "--dir", "st", "--name", "paper-capture", "--role", "ingest"], in: dir).status, 0)
        let after = try census(["token", "list", "--dir", "st"], in: dir)
        XCTAssertTrue(after.stdout.contains("revoked"), after.stdout)
    }

    func testCreateNeedsAStore() throws {
        let dir = try makeTempDirectory(self)
        let run = try census(["token", "create", "--dir", "nowhere", "--name", "x", "--role", "ingest"], in: dir)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("not a store directory"), run.stderr)
    }
}
