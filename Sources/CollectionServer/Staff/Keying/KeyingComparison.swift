import Foundation
import Questionnaire

/// Two keyings of one paper form, field by field: which fields differ, and the response a
/// supervisor's choices settle on.
///
/// Both keyings are read on one ``KeyingSheet`` with, per roster, the larger of the two person
/// counts (a person keyed by one keyer only differs in every field the other left blank).
struct KeyingComparison {
    struct Difference {
        let field: KeyingSheet.Field
        let first: JSONValue?
        let second: JSONValue?
    }

    let sheet: KeyingSheet
    /// Each field's answer in each keying (nil: not answered).
    let first: [String: JSONValue]
    let second: [String: JSONValue]
    let differences: [Difference]
    /// Fields answered in either keying.
    let fieldsCompared: Int

    init(schema: Schema, evaluator: Evaluator, firstBody: Data, secondBody: Data, variant: String?, address: String) {
        let a = (try? JSONParser.parse(firstBody)) ?? .object([:])
        let b = (try? JSONParser.parse(secondBody)) ?? .object([:])
        var counts: [String: Int] = [:]
        for roster in KeyingSheet.rosters(of: schema, language: "en") {
            counts[roster.id] = max(a[roster.id]?.arrayValue?.count ?? 0, b[roster.id]?.arrayValue?.count ?? 0)
        }
        sheet = KeyingSheet(schema: schema, evaluator: evaluator, counts: counts, variant: variant, address: address, language: "en")
        var first: [String: JSONValue] = [:], second: [String: JSONValue] = [:]
        var differences: [Difference] = []
        var compared = 0
        for field in sheet.fields {
            let x = sheet.answer(of: field, in: a), y = sheet.answer(of: field, in: b)
            if let x { first[field.name] = x }
            if let y { second[field.name] = y }
            if x != nil || y != nil { compared += 1 }
            if Self.canonical(x) != Self.canonical(y) { differences.append(Difference(field: field, first: x, second: y)) }
        }
        self.first = first
        self.second = second
        self.differences = differences
        fieldsCompared = compared
    }

    /// The settled response: every field both keyings agree on, and for each difference the
    /// keying chosen (`true`: the first). Trailing people with nothing answered are left out.
    func settled(choosingFirst: [String: Bool]) -> (response: JSONValue, errors: (first: Int, second: Int)) {
        var answers: [String: JSONValue] = first.filter { name, value in Self.canonical(value) == Self.canonical(second[name]) }
        var errors = (first: 0, second: 0)
        for difference in differences {
            let takeFirst = choosingFirst[difference.field.name] ?? true
            if let value = takeFirst ? difference.first : difference.second { answers[difference.field.name] = value }
            if takeFirst { errors.second += 1 } else { errors.first += 1 }
        }
        return (sheet.response(answers: answers, trimmingEmptyPeople: true), errors)
    }

    static func canonical(_ value: JSONValue?) -> String {
        value.map { JSONWriter().string($0) } ?? ""
    }
}
