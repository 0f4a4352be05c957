import Questionnaire
/// The realistic mistakes `--invalid-rate` puts into households.
extension HouseholdGenerator {
    // MARK: Mistakes

    func inject(into household: inout GeneratedHousehold, _ rng: inout SeededRandom) {
        let original = household.response
        let kinds = InjectedMistake.Kind.allCases
        let first = rng.int(0...(kinds.count - 1))
        for k in 0..<kinds.count {
            let kind = kinds[(first + k) % kinds.count]
            if let (response, mistake) = mistake(kind, original, &rng) {
                // Keep it only if the evaluator reports it where we expect (it always should).
                let found = evaluator.evaluate(response).findings.contains { $0.code == mistake.code && $0.path == mistake.path }
                if found {
                    household = GeneratedHousehold(response: response, mistakes: [mistake])
                    return
                }
            }
        }
    }

    func mistake(_ kind: InjectedMistake.Kind, _ response: JSONValue, _ rng: inout SeededRandom) -> (JSONValue, InjectedMistake)? {
        guard case .object(var top) = response else { return nil }
        let ev = evaluator
        switch kind {
        case .futureDateOfBirth:
            // A date of birth after census day (a typo in the year, or today's date).
            guard let r = residents, case .array(var members)? = top[ev.rosters[r].id], !members.isEmpty else { return nil }
            let ms = ev.rosters[r].memberScope
            guard let dobId = ["dob", "date_of_birth"].first(where: { ev.scopes[ms].questionIndex[$0] != nil }) else { return nil }
            let m = rng.int(0...(members.count - 1))
            guard case .object(var member) = members[m] else { return nil }
            let future = schema.censusDate.adding(CalendarDuration(rng.int(1...400), .days))!
            member[dobId] = .string(future.iso)
            members[m] = .object(member)
            top[ev.rosters[r].id] = .array(members)
            return (.object(top), InjectedMistake(kind: kind, code: "out_of_range", path: "$.\(ev.rosters[r].id)[\(m)].\(dobId)"))
        case .missingRequired:
            // Leave out a required answer that was given.
            var candidates: [(String, Int, String)] = []
            for q in schema.questions where q.required {
                switch q.scope {
                case .household: if top[q.id] != nil { candidates.append(("", -1, q.id)) }
                case .member(let roster):
                    for (m, member) in (top[roster]?.arrayValue ?? []).enumerated() where member[q.id] != nil {
                        candidates.append((roster, m, q.id))
                    }
                case .pair: break
                }
            }
            guard !candidates.isEmpty else { return nil }
            let (roster, m, id) = rng.pick(candidates)
            if roster.isEmpty {
                top[id] = nil
                return (.object(top), InjectedMistake(kind: kind, code: "required", path: "$.\(id)"))
            }
            guard case .array(var members)? = top[roster], case .object(var member) = members[m] else { return nil }
            member[id] = nil
            members[m] = .object(member)
            top[roster] = .array(members)
            return (.object(top), InjectedMistake(kind: kind, code: "required", path: "$.\(roster)[\(m)].\(id)"))
        case .answeredSkippedQuestion:
            // Answer a member question the routing skips (marital status for a child, and so on).
            let evaluation = ev.evaluate(response, options: EvaluationOptions(includeApplicable: true))
            let applicable = Set(evaluation.applicable.map(\.path))
            var candidates: [(Int, Int, Int)] = []
            for (r, roster) in ev.rosters.enumerated() {
                let ms = roster.memberScope
                let n = top[roster.id]?.arrayValue?.count ?? 0
                for m in 0..<n {
                    for (q, gi) in ev.scopes[ms].questions.enumerated() where !applicable.contains("$.\(roster.id)[\(m)].\(schema.questions[gi].id)") {
                        switch ev.questions[gi].kind {
                        case .oneOf, .anyOf, .text: candidates.append((r, m, q))
                        default: break
                        }
                    }
                }
            }
            guard !candidates.isEmpty else { return nil }
            let (r, m, q) = rng.pick(candidates)
            let roster = ev.rosters[r]
            let gi = ev.scopes[roster.memberScope].questions[q]
            let question = schema.questions[gi]
            let scratch = Run(ev, options: EvaluationOptions())
            scratch.allocate()
            guard let value = generic(question, ev.questions[gi], 0, 0, scratch, &rng),
                case .array(var members)? = top[roster.id], case .object(var member) = members[m]
            else { return nil }
            member[question.id] = value
            members[m] = .object(member)
            top[roster.id] = .array(members)
            return (.object(top), InjectedMistake(kind: kind, code: "not_applicable", path: "$.\(roster.id)[\(m)].\(question.id)"))
        }
    }
}
