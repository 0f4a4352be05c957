import XCTest

@testable import QuestionnaireLanguage

/// Defects left by an earlier review of the diagnostics, each a mistake that gave more than one
/// message, a message in the wrong place, or no hint where one was due.
final class ReviewDefectTests: XCTestCase {
    func testAQuestionWhoseConditionDoesNotParseIsStillDeclared() {
        // Only the syntax error: 'b' is declared, so its use in 'c' is not undefined.
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            question b: integer when a > > 1 "B" cy "B"
            question c: integer when b > 1 "C" cy "C"
            """, code: "syntax", message: "expected a value, found '>'", at: (2, 30), noHint: true)
        // So are the questions of a section whose condition does not parse.
        assertDiagnostic(
            """
            question a: integer "A" cy "A"
            section s "S" cy "S" when a >> 1 {
              question b: integer "B" cy "B"
            }
            question c: integer when b > 1 "C" cy "C"
            """, code: "syntax", message: "expected a value, found '>'", at: (2, 30), noHint: true)
    }
}
