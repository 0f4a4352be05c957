import Questionnaire
/// Answers from a question's type and range, for questions the household model does not know.
extension HouseholdGenerator {
    static let streets = ["High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue", "Mill Lane", "Heol y Parc"]
    static let towns = [("Leeds", "LS6 2AB"), ("Cardiff", "CF10 1AA"), ("Manchester", "M14 5RT"), ("Bristol", "BS7 8PX"), ("Norwich", "NR2 4QH"), ("Swansea", "SA1 3QR"), ("London", "SE15 4LL")]

    func address(_ rng: inout SeededRandom, uk: Bool) -> JSONValue {
        let (town, postcode) = rng.pick(HouseholdGenerator.towns)
        return [
            "lines": .array([.string("\(rng.int(1...240)) \(rng.pick(HouseholdGenerator.streets))")]),
            "town": .string(town), "postcode": .string(postcode), "country": "United Kingdom",
        ]
    }

    /// An option, with a written-in or whole-number detail when it takes one.
    func withDetail(_ id: String, _ list: Evaluator.ChoiceInfo, _ rng: inout SeededRandom) -> JSONValue {
        if let max = list.index[id]?.specifyMax { return ["value": .string(id), "detail": .string(String("Written in".prefix(max)))] }
        if let k = list.positionOf(id), let range = list.specifyNumber[k] {
            let low = range.min ?? 0
            return ["value": .string(id), "detail": .integer(rng.int(low...max(low, range.max ?? low + 10)))]
        }
        return .string(id)
    }

    /// A plausible random answer of the question's type, inside its range.
    func generic(_ question: Question, _ info: Evaluator.QuestionInfo, _ s: Int, _ i: Int, _ run: Run, _ rng: inout SeededRandom) -> JSONValue? {
        let c = run.ctx(scope: s, instance: i)
        let lo = info.min.map { run.eval($0, c) } ?? .unknown
        let hi = info.max.map { run.eval($0, c) } ?? .unknown
        switch info.kind {
        case .text(let maxLength, let pattern, let regex):
            let words = ["Sample answer", "Not sure", "Yes", "Various", "Part time", "Local"]
            if pattern != nil, let regex {
                for candidate in words + ["A", "1", "AB1 2CD"] where (try? regex.wholeMatch(in: candidate)) != nil {
                    return .string(candidate)
                }
                return nil
            }
            return .string(String(rng.pick(words).prefix(maxLength)))
        case .integer:
            // Across the whole range when it has both ends (hours 0...99 reach a "> 80"
            // warning); a number with no upper bound stays near its lower one.
            let low: Int
            let high: Int
            if case .int(let l) = lo { low = l } else { low = 0 }
            if case .int(let h) = hi { high = h } else { high = low + 10 }
            guard high >= low else { return nil }
            return .integer(rng.int(low...high))
        case .decimal:
            let low = lo.number ?? 0
            let high = hi.number ?? low + 10
            guard high >= low else { return nil }
            return .double(((low + (high - low) * rng.unit()) * 10).rounded(.down) / 10)
        case .date:
            let low = lo.asDate ?? schema.censusDate.adding(CalendarDuration(-80, .years))!
            let high = hi.asDate ?? schema.censusDate
            guard high >= low else { return nil }
            return .string(CalendarDate(dayNumber: rng.int(low.dayNumber...high.dayNumber))!.iso)
        case .monthYear:
            let low: MonthYear = lo.asDate.map(MonthYear.init) ?? MonthYear(schema.censusDate.adding(CalendarDuration(-30, .years))!)
            let high: MonthYear = hi.asDate.map(MonthYear.init) ?? MonthYear(schema.censusDate)
            guard high >= low else { return nil }
            return .string(MonthYear(monthNumber: rng.int(low.monthNumber...high.monthNumber))!.iso)
        case .oneOf(let list), .anyOf(let list):
            // Earlier options are more common on real forms; only options offered here.
            let offered = list.order.filter { run.isOffered(info.scope, info.local, i, $0) }
            guard !offered.isEmpty else { return nil }
            let id = rng.weighted(offered.enumerated().map { ($0.element, 1.0 / Double($0.offset + 1)) })
            guard case .anyOf = info.kind else { return withDetail(id, list, &rng) }
            // Several options: sometimes a second one.
            var ids = [id]
            if list.index[id]?.exclusive != true, rng.chance(0.3) {
                let second = rng.pick(offered)
                if second != id, list.index[second]?.exclusive != true { ids.append(second) }
            }
            return .array(ids.map { withDetail($0, list, &rng) })
        case .address(let uk): return address(&rng, uk: uk)
        }
    }
}
