import Foundation
import Questionnaire

extension KeyingSheet {
    /// The answer to `field` in a keyed response (nil: not answered).
    func answer(of field: Field, in response: JSONValue) -> JSONValue? {
        let value: JSONValue?
        switch field.place {
        case .household:
            value = response[field.question.id]
        case .member(let roster, let index):
            guard let members = response[roster]?.arrayValue, index < members.count else { return nil }
            value = members[index][field.question.id]
        case .pair(let block, let index):
            guard let pair = pairs[block]?[index] else { return nil }
            value = response[block]?.arrayValue?.first { $0["person"]?.intValue == pair.person && $0["other"]?.intValue == pair.other }?[field.question.id]
        }
        guard let value, !value.isNull else { return nil }
        return value
    }

    /// The response holding `byName` (answers by field name). With `trimmingEmptyPeople`, the
    /// people at the end of a roster with nothing answered are left out, with their pairs.
    func response(answers byName: [String: JSONValue], trimmingEmptyPeople: Bool) -> JSONValue {
        var answers: [Place: [String: JSONValue]] = [:]
        for field in fields {
            if let value = byName[field.name] { answers[field.place, default: [:]][field.question.id] = value }
        }
        var counts = self.counts
        var pairs = self.pairs
        if trimmingEmptyPeople {
            for roster in Self.rosters(of: schema, language: "en") {
                var n = counts[roster.id] ?? 0
                while n > 0, answers[.member(roster: roster.id, index: n - 1)] == nil { n -= 1 }
                counts[roster.id] = n
                // Pairs are in order (2,1), (3,1), (3,2), ...: the first n(n-1)/2 are those of n people.
                if let block = roster.pairBlock { pairs[block] = Array((pairs[block] ?? []).prefix(n * (n - 1) / 2)) }
            }
        }
        return Self.response(schema: schema, variant: variant, counts: counts, pairs: pairs, answers: answers)
    }
}
