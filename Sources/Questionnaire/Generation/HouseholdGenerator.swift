/// A mistake the generator put into a household on purpose, and the finding that must catch it.
public struct InjectedMistake: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case futureDateOfBirth = "future_dob"
        case answeredSkippedQuestion = "answered_skipped"
        case missingRequired = "missing_required"
    }
    public var kind: Kind
    /// The finding code the evaluator must report (`out_of_range`, `not_applicable`, `required`).
    public var code: String
    public var path: String

    public var description: String { "\(kind.rawValue): \(code) at \(path)" }
    public var json: JSONValue { ["kind": .string(kind.rawValue), "code": .string(code), "path": .string(path)] }
}

public struct GeneratedHousehold: Sendable {
    public var response: JSONValue
    public var mistakes: [InjectedMistake]
}

/// Realistic synthetic households that follow a form's routing (see docs/generator.md).
///
/// It answers the questions in flow order, asking the evaluator whether each applies, from a
/// synthetic household whose sizes, ages, relationships and countries of birth are shaped like
/// England and Wales. Questions it has no model for get a plausible random answer of their type.
/// Deterministic: household `i` of seed `k` is always the same.
public final class HouseholdGenerator: @unchecked Sendable {
    public let evaluator: Evaluator
    public let seed: UInt64
    var schema: Schema { evaluator.schema }
    let residents: Int?
    let visitors: Int?
    /// Questions that decide whether a roster is asked: never skipped, or the members would be orphaned.
    let rosterGates: Set<Int>

    public init(evaluator: Evaluator, seed: UInt64) {
        self.evaluator = evaluator
        self.seed = seed
        residents = evaluator.rosters.firstIndex { !$0.id.contains("visitor") } ?? (evaluator.rosters.isEmpty ? nil : 0)
        let v = evaluator.rosters.firstIndex { $0.id.contains("visitor") }
        visitors = v == residents ? nil : v
        var gates = Set<Int>()
        for roster in evaluator.rosters {
            var refs: [(scope: Int, index: Int)] = []
            var k = roster.container
            while k >= 0 {
                evaluator.containers[k].when?.collectAnswers(into: &refs)
                k = evaluator.containers[k].parent
            }
            for (s, q) in refs { gates.insert(evaluator.scopes[s].questions[q]) }
        }
        rosterGates = gates
    }

    /// Household `index`: valid (no errors, every confirmation given), or with one realistic
    /// mistake when the draw falls under `invalidRate`.
    public func household(_ index: Int, invalidRate: Double = 0) -> GeneratedHousehold {
        var rng = SeededRandom(seed: seed, index: UInt64(index))
        var best: JSONValue?
        for _ in 0..<12 {
            let comp = Composition.make(&rng, censusDate: schema.censusDate, maxMembers: residents.map { evaluator.rosters[$0].maxMembers } ?? 30)
            let response = fill(comp, &rng)
            best = response
            if evaluator.evaluate(response).isValid { break }
        }
        var result = GeneratedHousehold(response: best!, mistakes: [])
        if invalidRate > 0, rng.chance(invalidRate) { inject(into: &result, &rng) }
        return result
    }

    /// A household from an explicit composition (the hand-written edge cases use this).
    func household(_ comp: Composition, seed extra: UInt64, skipRate: Double = 0.03) -> JSONValue {
        var rng = SeededRandom(seed: seed, index: extra)
        return fill(comp, &rng, skipRate: skipRate)
    }

    // MARK: Filling in the form

    struct Draft {
        var top: [String: JSONValue] = [:]
        var members: [[[String: JSONValue]]]
        var pairs: [[(Int, Int, [String: JSONValue])]]
    }

    func fill(_ comp: Composition, _ rng: inout SeededRandom, skipRate: Double? = nil, paper: Bool? = nil) -> JSONValue {
        let ev = evaluator
        let run = Run(ev, options: EvaluationOptions())
        if let r = residents { run.memberCount[r] = comp.people.count }
        if let v = visitors { run.memberCount[v] = comp.visitors.count }
        run.allocate()
        let isPaper = paper ?? rng.chance(0.2)
        let skip = skipRate ?? (isPaper ? 0.06 : 0.02)
        var draft = Draft(
            members: ev.rosters.indices.map { [[String: JSONValue]](repeating: [:], count: run.memberCount[$0]) },
            pairs: ev.rosters.map { _ in [] })
        var pairAnswers: [Int: [String: JSONValue]] = [:]

        for (gi, question) in schema.questions.enumerated() {
            let info = ev.questions[gi]
            let s = info.scope
            for i in 0..<run.frames[s].count {
                guard run.applies(s, info.local, i) else { continue }
                if !question.required && !rosterGates.contains(gi) && rng.chance(skip) { continue }
                guard let json = answer(question, info, s, i, comp, run, &rng) else { continue }
                run.decode(json, scope: s, instance: i, local: info.local)
                switch ev.scopes[s].kind {
                case .household: draft.top[question.id] = json
                case .member: draft.members[ev.scopes[s].roster][i][question.id] = json
                case .pair: pairAnswers[s * 1_000_000 + i, default: [:]][question.id] = json
                }
            }
        }

        var top = draft.top
        top["schema"] = ["id": .string(schema.id), "hash": .string(schema.hash)]
        top["channel"] = .string(isPaper ? "paper" : "online")
        let day = rng.int(-20...40)
        let start = schema.censusDate.adding(CalendarDuration(day, .days)) ?? schema.censusDate
        let h = rng.int(7...22), m = rng.int(0...59)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        top["startedAt"] = .string("\(start.iso)T\(two(h)):\(two(m)):00Z")
        top["submittedAt"] = .string("\(start.iso)T\(two(min(23, h + 1))):\(two(rng.int(0...59))):00Z")
        if schema.languages.contains("cy"), rng.chance(0.03) { top["language"] = "cy" }
        for (r, roster) in ev.rosters.enumerated() where run.memberCount[r] > 0 {
            top[roster.id] = .array(draft.members[r].map { .object($0) })
            if let block = roster.pairBlock {
                var items: [JSONValue] = []
                let ps = roster.pairScope
                for k in 0..<run.frames[ps].count {
                    guard let answers = pairAnswers[ps * 1_000_000 + k] else { continue }
                    var o = answers
                    o["person"] = .integer(run.pair(r, k).person + 1)
                    o["other"] = .integer(run.pair(r, k).other + 1)
                    items.append(.object(o))
                }
                if !items.isEmpty { top[block] = .array(items) }
            }
        }
        // The respondent confirms every confirmation the form asks for.
        var confirmations: [String: JSONValue] = [:]
        for (k, check) in schema.checks.enumerated() where check.severity == .confirm {
            let s = ev.checks[k].scope
            var list: [JSONValue] = []
            for i in 0..<run.frames[s].count where run.checkFires(k, s, i) {
                switch ev.scopes[s].kind {
                case .household: confirmations[check.id] = true
                case .member: list.append(.integer(i + 1))
                case .pair:
                    let r = ev.scopes[s].roster
                    list.append([.integer(run.pair(r, i).person + 1), .integer(run.pair(r, i).other + 1)])
                }
            }
            if !list.isEmpty { confirmations[check.id] = .array(list) }
        }
        if !confirmations.isEmpty { top["confirmations"] = .object(confirmations) }
        return .object(top)
    }

    /// The answer a member of this household would give, or `nil` to leave it unanswered.
    func answer(_ question: Question, _ info: Evaluator.QuestionInfo, _ s: Int, _ i: Int, _ comp: Composition, _ run: Run, _ rng: inout SeededRandom) -> JSONValue? {
        let ev = evaluator
        let scopeInfo = ev.scopes[s]
        var person: Person?
        var index = i
        if scopeInfo.kind == .member {
            if scopeInfo.roster == residents, i < comp.people.count { person = comp.people[i] }
            if scopeInfo.roster == visitors, i < comp.visitors.count { person = comp.visitors[i] }
        }
        if scopeInfo.kind == .pair, scopeInfo.roster == residents {
            let (p, o) = run.pair(scopeInfo.roster, i)
            if case .oneOf(let list) = info.kind, let rel = Optional(comp.relationship(person: p, other: o)), list.index[rel] != nil {
                return .string(rel)
            }
            index = p
        }
        _ = index
        if let value = modelled(question.id, info, person, comp, s, i, run, &rng) {
            // `null` means the model leaves it unanswered on purpose.
            if value.isNull { return nil }
            if valid(value, info) { return value }
        }
        return generic(question, info, s, i, run, &rng)
    }

    func valid(_ value: JSONValue, _ info: Evaluator.QuestionInfo) -> Bool {
        switch info.kind {
        case .oneOf(let list):
            if let s = value.stringValue { return list.index[s] != nil }
            if let s = value["value"]?.stringValue { return list.index[s]?.specifyMax != nil }
            return false
        case .anyOf(let list):
            return value.arrayValue?.allSatisfy { list.index[$0.stringValue ?? $0["value"]?.stringValue ?? ""] != nil } ?? false
        default: return true
        }
    }

    func option(_ id: String, detail: String?, _ info: Evaluator.QuestionInfo) -> JSONValue {
        if case .oneOf(let list) = info.kind, let max = list.index[id]?.specifyMax, let detail {
            return ["value": .string(id), "detail": .string(String(detail.prefix(max)))]
        }
        return .string(id)
    }

    /// Answers from the household model, for the questions of the census form it knows.
    func modelled(_ id: String, _ info: Evaluator.QuestionInfo, _ p: Person?, _ comp: Composition, _ s: Int, _ i: Int, _ run: Run, _ rng: inout SeededRandom) -> JSONValue? {
        let n = comp.people.count
        if let p {
            let working = p.age >= 16 && p.age < 67 && (p.age * 7 + p.dob.day) % 10 < 7
            let student = (p.age >= 5 && p.age < 18) || (p.age >= 18 && p.age < 23 && p.dob.day % 2 == 0)
            switch id {
            case "first_name", "visitor_first_name": return .string(p.firstName)
            case "last_name", "visitor_last_name": return .string(p.lastName)
            case "middle_names": return rng.chance(0.15) ? .string(rng.pick(Composition.maleNames + Composition.femaleNames)) : .null
            case "gender_identity": return rng.chance(0.995) ? "same" : ["value": "different", "detail": "Non-binary"]
            case "sexual_orientation":
                return .string(rng.weighted([("straight", 89.0), ("gay_lesbian", 1.5), ("bisexual", 1.3), ("other", 0.2)]))
            case "degree": return rng.chance(0.33) ? "yes" : "no"
            case "apprenticeship": return rng.chance(0.06) ? "yes" : "no"
            case "armed_forces": return rng.chance(0.04) ? ["regular"] : ["no"]
            case "supervises": return rng.chance(0.3) ? "yes" : "no"
            case "workplace_type": return .string(rng.weighted([("at_home", 30.0), ("workplace", 55.0), ("depot", 5.0), ("no_fixed_place", 10.0)]))
            case "looking_for_work", "waiting_to_start": return rng.chance(0.1) ? "yes" : "no"
            case "available_to_start": return rng.chance(0.3) ? "yes" : "no"
            case "vocational", "a_levels", "gcses", "other_qualifications":
                return p.age < 19 && id != "gcses" ? ["none"] : nil
            case "is_you":
                let livesHere = run.frames[0].answers.first.map { _ in true } ?? true
                _ = livesHere
                let respondent = householdAnswer("lives_here", run) == .option("yes") && i == 0
                return respondent ? "yes" : "no"
            case "dob", "visitor_dob", "date_of_birth": return .string(p.dob.iso)
            case "sex", "visitor_sex": return .string(p.sex)
            case "spouse_sex":
                if let k = p.partnerIndex { return .string(comp.people[k].sex) }
                return .string(p.sex == "female" ? "male" : "female")
            case "marital": return p.marital.map { .string($0) }
            case "second_address": return .string(rng.weighted([("no", 92.0), ("uk", 6.0), ("outside_uk", 2.0)]))
            case "student": return student ? "yes" : "no"
            case "term_time_where": return .string(p.age < 18 || rng.chance(0.5) ? "here" : "other_address")
            case "country_of_birth": return option(p.birthCountry, detail: p.birthCountryDetail, info)
            case "arrival": return p.arrival.map { .string($0.iso) }
            case "intended_stay": return .string(rng.chance(0.8) ? "twelve_months_or_more" : "less_than_12_months")
            case "one_year_ago":
                if let a = p.arrival, a.monthNumber > MonthYear(schema.censusDate).monthNumber - 12 { return "outside_uk" }
                return .string(rng.weighted([("same", 88.0), ("another_uk", 9.0), ("student", p.age >= 18 && p.age < 25 ? 3.0 : 0.0)]))
            case "national_identity":
                if p.bornAbroad && p.birthCountry == "elsewhere" && rng.chance(0.6) {
                    return [["value": "other", "detail": .string(p.birthCountryDetail ?? "Other")]]
                }
                return p.birthCountry == "wales" ? ["welsh"] : (rng.chance(0.5) ? ["english"] : ["british"])
            case "ethnic_group":
                if p.bornAbroad { return .string(rng.weighted([("white", 45.0), ("asian", 30.0), ("black", 15.0), ("mixed", 4.0), ("other", 6.0)])) }
                return .string(rng.weighted([("white", 85.0), ("asian", 7.0), ("black", 3.0), ("mixed", 4.0), ("other", 1.0)]))
            case "religion":
                return .string(rng.weighted([("no_religion", 37.0), ("christian", 46.0), ("muslim", 6.5), ("hindu", 1.7), ("sikh", 0.9), ("jewish", 0.5), ("buddhist", 0.5)]))
            case "main_language":
                if p.bornAbroad && p.birthCountry == "elsewhere" && rng.chance(0.6) {
                    return ["value": "other", "detail": .string(languageOf(p.birthCountryDetail))]
                }
                return "english"
            case "english_proficiency": return .string(rng.weighted([("very_well", 50.0), ("well", 35.0), ("not_well", 12.0), ("not_at_all", 3.0)]))
            case "welsh_skills":
                return p.birthCountry == "wales" && rng.chance(0.4) ? ["understand", "speak"] : ["none"]
            case "passports":
                if p.bornAbroad && p.birthCountry == "elsewhere" { return rng.chance(0.4) ? ["uk"] : [["value": "other", "detail": .string(p.birthCountryDetail ?? "Other")]] }
                return rng.chance(0.8) ? ["uk"] : ["none"]
            case "general_health":
                let w = Double(p.age) / 100
                return .string(rng.weighted([("very_good", 50 - 30 * w), ("good", 33.0), ("fair", 10 + 20 * w), ("bad", 3 + 8 * w), ("very_bad", 1 + 3 * w)]))
            case "long_term_condition": return rng.chance(0.1 + Double(p.age) / 250) ? "yes" : "no"
            case "unpaid_care": return .string(p.age < 16 ? "no" : rng.weighted([("no", 90.0), ("up_to_19_hours", 6.0), ("from_20_to_49_hours", 2.0), ("over_50_hours", 2.0)]))
            case "activity":
                if working { return rng.chance(0.85) ? ["employee"] : ["self_employed"] }
                return ["none"]
            case "inactive_status":
                if p.age >= 65 { return ["retired"] }
                if student { return ["studying"] }
                return .array([.string(rng.pick(["looking_after_home", "long_term_sick", "other"]))])
            case "ever_worked":
                if p.age >= 50 { return "earlier" }
                return student ? "never" : .string(rng.pick(["last_12_months", "earlier", "never"]))
            case "employment_type": return .string(rng.weighted([("employee", 85.0), ("self_employed_without", 11.0), ("self_employed_with", 4.0)]))
            case "employer": return .string(rng.pick(["NHS", "Tesco", "Cardiff Council", "Acme Engineering Ltd", "Royal Mail", "University of Leeds", "Barclays"]))
            case "job_title": return .string(rng.pick(["Nurse", "Sales assistant", "Software developer", "Teacher", "Delivery driver", "Accountant", "Care worker", "Electrician"]))
            case "job_description": return .string(rng.pick(["Looking after patients on a ward", "Serving customers and stocking shelves", "Writing and testing software", "Teaching pupils aged 11 to 16", "Delivering parcels"]))
            case "industry": return .string(rng.pick(["Hospital", "Supermarket", "Software", "Secondary school", "Parcel delivery", "Construction"]))
            case "hours": return .string(rng.weighted([("up_to_15", 10.0), ("from_16_to_30", 20.0), ("from_31_to_48", 60.0), ("over_48", 10.0)]))
            case "travel_to_work": return .string(rng.weighted([("at_home", 30.0), ("driving", 40.0), ("bus", 8.0), ("train", 5.0), ("on_foot", 8.0), ("bicycle", 3.0), ("passenger", 4.0), ("underground", 2.0)]))
            case "visitor_usual_address_where": return .string(rng.chance(0.85) ? "uk" : "outside_uk")
            default: break
            }
            return nil
        }
        switch id {
        case "lives_here": return .string(rng.chance(0.97) ? "yes" : "no")
        case "who_else":
            if n == 1 { return ["none"] }
            return comp.people.contains { $0.role == .sharer } ? ["housemates"] : ["family"]
        case "household_size": return .integer(n)
        case "any_visitors": return comp.visitors.isEmpty ? "no" : "yes"
        case "visitor_count": return comp.visitors.isEmpty ? nil : .integer(comp.visitors.count)
        case "accommodation_type": return .string(rng.weighted([("house", 78.0), ("flat", 21.0), ("mobile", 1.0)]))
        case "house_type": return .string(rng.weighted([("detached", 30.0), ("semi_detached", 40.0), ("terraced", 30.0)]))
        case "own_door": return rng.chance(0.99) ? "yes" : "no"
        case "bedrooms": return .integer(max(1, min(6, (n + 1) / 2 + rng.int(0...2))))
        case "central_heating": return rng.chance(0.75) ? ["mains_gas"] : (rng.chance(0.5) ? ["electric"] : ["oil"])
        case "tenure":
            let oldest = comp.people.map(\.age).max() ?? 40
            if oldest >= 65 { return .string(rng.weighted([("owns_outright", 75.0), ("rents", 22.0), ("mortgage", 3.0)])) }
            return .string(rng.weighted([("mortgage", 45.0), ("rents", 40.0), ("owns_outright", 10.0), ("shared_ownership", 3.0), ("rent_free", 2.0)]))
        case "landlord": return .string(rng.weighted([("private", 55.0), ("council", 20.0), ("housing_association", 20.0), ("relative", 5.0)]))
        case "cars":
            return .string(n == 1 ? rng.weighted([("none", 45.0), ("one", 50.0), ("two", 5.0)]) : rng.weighted([("none", 12.0), ("one", 40.0), ("two", 38.0), ("three_or_more", 10.0)]))
        default: return nil
        }
    }

    func householdAnswer(_ id: String, _ run: Run) -> Value {
        guard let q = evaluator.scopes[0].questionIndex[id] else { return .unknown }
        return run.answer(0, q, 0)
    }

    func languageOf(_ country: String?) -> String {
        switch country {
        case "Poland": return "Polish"
        case "India": return "Gujarati"
        case "Pakistan": return "Urdu"
        case "Romania": return "Romanian"
        case "Bangladesh": return "Bengali"
        case "China": return "Mandarin Chinese"
        case "Lithuania": return "Lithuanian"
        case "Portugal": return "Portuguese"
        case "Italy": return "Italian"
        case "Spain": return "Spanish"
        case "Germany": return "German"
        case "France": return "French"
        default: return "Arabic"
        }
    }

    static let streets = ["High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue", "Mill Lane", "Heol y Parc"]
    static let towns = [("Leeds", "LS6 2AB"), ("Cardiff", "CF10 1AA"), ("Manchester", "M14 5RT"), ("Bristol", "BS7 8PX"), ("Norwich", "NR2 4QH"), ("Swansea", "SA1 3QR"), ("London", "SE15 4LL")]

    func address(_ rng: inout SeededRandom, uk: Bool) -> JSONValue {
        let (town, postcode) = rng.pick(HouseholdGenerator.towns)
        return [
            "lines": .array([.string("\(rng.int(1...240)) \(rng.pick(HouseholdGenerator.streets))")]),
            "town": .string(town), "postcode": .string(postcode), "country": "United Kingdom",
        ]
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
            let low: Int
            let high: Int
            if case .int(let l) = lo { low = l } else { low = 0 }
            if case .int(let h) = hi { high = h } else { high = low + 10 }
            guard high >= low else { return nil }
            return .integer(rng.int(low...min(high, low + 10)))
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
        case .oneOf(let list):
            // Earlier options are more common on real forms.
            let weights = list.order.enumerated().map { ($0.element, 1.0 / Double($0.offset + 1)) }
            let id = rng.weighted(weights)
            if let max = list.index[id]?.specifyMax { return ["value": .string(id), "detail": .string(String("Written in".prefix(max)))] }
            return .string(id)
        case .anyOf(let list):
            let id = rng.weighted(list.order.enumerated().map { ($0.element, 1.0 / Double($0.offset + 1)) })
            var ids = [id]
            if list.index[id]?.exclusive != true, rng.chance(0.3) {
                let second = rng.pick(list.order)
                if second != id, list.index[second]?.exclusive != true { ids.append(second) }
            }
            return .array(ids.map { id in
                if let max = list.index[id]?.specifyMax { return ["value": .string(id), "detail": .string(String("Written in".prefix(max)))] }
                return .string(id)
            })
        case .address(let uk): return address(&rng, uk: uk)
        }
    }

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
