import XCTest
final class PlaceholderQuestionnaireLanguageTests: XCTestCase { func testNothing() {} }
