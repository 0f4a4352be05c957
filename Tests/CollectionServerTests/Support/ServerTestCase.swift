import XCTest

/// The set-up the server's tests share: before each test, a ``ServerFixture`` (``makeFixture()``);
/// after it, the fixture's files removed.
class ServerTestCase: XCTestCase {
    var fixture: ServerFixture!

    /// The fixture each test starts with: the census form and twelve households unless a
    /// subclass says otherwise.
    func makeFixture() throws -> ServerFixture { try ServerFixture() }

    override func setUp() async throws {
        try await super.setUp()
        fixture = try makeFixture()
    }

    override func tearDown() async throws {
        fixture.remove()
        try await super.tearDown()
    }
}

/// The staff pages' tests: a fixture of four households and its ``StaffFixture`` accounts (one
/// per role).
class StaffServerTestCase: ServerTestCase {
    var staff: StaffFixture!

    override func makeFixture() throws -> ServerFixture { try ServerFixture(households: 4) }

    override func setUp() async throws {
        try await super.setUp()
        staff = try StaffFixture(fixture)
    }
}
