import XCTest
final class PlaceholderQuestionnaireTests: XCTestCase { func testNothing() {} }
