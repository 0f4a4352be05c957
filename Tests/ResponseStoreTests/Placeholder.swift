import XCTest
final class PlaceholderResponseStoreTests: XCTestCase { func testNothing() {} }
