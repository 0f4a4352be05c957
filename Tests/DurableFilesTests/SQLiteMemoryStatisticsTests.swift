import DurableFiles
import GRDB
import XCTest

/// SQLite takes its start-time options only before its first use: a serving process turns the
/// memory statistics off first thing; later, the call is refused and changes nothing.
final class SQLiteMemoryStatisticsTests: XCTestCase {
    func testTheStatisticsCannotBeTurnedOffOnceSQLiteIsInUse() throws {
        let queue = try DatabaseQueue()
        XCTAssertEqual(try queue.read { try Int.fetchOne($0, sql: "SELECT 1") }, 1)
        XCTAssertFalse(SQLiteMemoryStatistics.disable(), "SQLite answers SQLITE_MISUSE once initialised")
        XCTAssertEqual(try queue.read { try Int.fetchOne($0, sql: "SELECT 2") }, 2, "and works as before")
    }
}
