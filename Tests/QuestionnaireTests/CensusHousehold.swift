import Foundation
import XCTest
@testable import Questionnaire
import QuestionnaireLanguage

/// A valid household of the census form (the first of fixtures/households/valid.ndjson: three
/// residents, Thomas Robinson born 1967-11-19 in Nigeria, his wife and their son), to change one
/// answer at a time.
struct CensusHousehold {
    var json: JSONValue = CensusFormTests.lines("valid.ndjson")[0]

    static var evaluator: Evaluator { CensusFormTests.evaluator }

    /// Sets (or with `nil` removes) a household answer or envelope key.
    func with(_ key: String, _ value: JSONValue?) -> CensusHousehold {
        guard case .object(var top) = json else { preconditionFailure("fixture changed") }
        top[key] = value
        return CensusHousehold(json: .object(top))
    }

    /// Sets (or removes) an answer of resident `index` (0-based).
    func resident(_ index: Int, _ key: String, _ value: JSONValue?) -> CensusHousehold {
        guard case .object(var top) = json, case .array(var members)? = top["residents"], case .object(var member) = members[index]
        else { preconditionFailure("fixture changed") }
        member[key] = value
        members[index] = .object(member)
        top["residents"] = .array(members)
        return CensusHousehold(json: .object(top))
    }

    var bytes: [UInt8] { JSONWriter().bytes(json) }

    /// The evaluation, checked to be the same on the byte-level reader, the general path and the
    /// tree API (they must always agree).
    func evaluate(_ options: EvaluationOptions = EvaluationOptions(includeApplicable: true, includeDerived: true),
                  file: StaticString = #filePath, line: UInt = #line) -> Evaluation {
        let ev = Self.evaluator
        let fast = ev.evaluate(bytes: bytes, options: options)
        let record = JSONWriter().string(fast.json)
        XCTAssertEqual(record, JSONWriter().string(ev.evaluateGeneral(bytes: bytes, options: options).json), "general path", file: file, line: line)
        XCTAssertEqual(record, JSONWriter().string(ev.evaluate(json, options: options).json), "tree API", file: file, line: line)
        return fast
    }

    /// Its findings as `code path: message`, in the evaluator's order.
    func findings(language: String? = nil, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        evaluate(EvaluationOptions(language: language, includeApplicable: true, includeDerived: true), file: file, line: line)
            .findings.map { "\($0.code) \($0.path): \($0.message)" }
    }
}

extension Evaluation {
    func derived(_ path: String) -> Value? { derived.first { $0.path == path }?.value }
    func isApplicable(_ path: String) -> Bool { applicable.contains { $0.path == path } }
}
