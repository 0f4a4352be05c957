@testable import CollectionServer
import XCTest

/// Numbers as people type them: thousands separators are read, a comma anywhere else is asked
/// about again (found trying the pages: "3,5" bedrooms was saved as 35, on the household pages
/// and the keying page, which read numbers with the same code).
final class NumberInputTests: XCTestCase {
    func testOnlyThousandsSeparatorsAreTakenOut() {
        XCTAssertEqual(QuestionFields.withoutThousandsSeparators("12,345"), "12345")
        XCTAssertEqual(QuestionFields.withoutThousandsSeparators("1,234,567"), "1234567")
        XCTAssertEqual(QuestionFields.withoutThousandsSeparators("12 345"), "12345")
        XCTAssertEqual(QuestionFields.withoutThousandsSeparators("-1,000.5"), "-1000.5")
        XCTAssertEqual(QuestionFields.withoutThousandsSeparators("35"), "35")
        XCTAssertEqual(QuestionFields.withoutThousandsSeparators("2.5"), "2.5")
        for typed in ["3,5", "3 5", "1,23", "12,3456", ",123", "1,,000", "1,000 000", "1, 000"] {
            XCTAssertNil(QuestionFields.withoutThousandsSeparators(typed), typed)
        }
    }
}
