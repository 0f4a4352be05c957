import AddressFrame
import CensusCollection
import Foundation
import Hummingbird
import Questionnaire
import ResponseStore

/// One request of a signed-in household: its record read from its shard, the answers
/// evaluated by the evaluator, and the journey that follows from them.
///
/// Everything a form page shows is computed here from the schema and the answers: which
/// screens apply, labels with piping, findings. Only the household in the session is ever
/// loaded: no URL names a household.
///
/// A person who signed in with an individual access code is a visit of their own: the same
/// pages, saves and submission, under their individual return's key (`H000123/i1`), with a
/// journey of their own section only, judged on it alone. A household's visit leaves out
/// the sections of its members who answer separately (docs/field.md, "Individual responses").
struct HouseholdVisit {
    let site: HouseholdSite
    /// The key the answers are kept under: the household id, or an individual return's key.
    let householdID: String
    /// The person answering, for a visit on an individual access code.
    let individual: IndividualRespondent?
    /// The household's people who answer separately (for the household's own visit).
    let separately: [IndividualRespondent]
    let language: String
    /// The household's address on one line (`{household_address}`) and the form's variant it answers.
    let address: String
    let variant: String?
    var record: OnlineRecord
    var live: LiveEvaluation
    var journey: Journey
    /// Whether ``live`` is the evaluation of the saved answers (``state`` as of its last
    /// save), which ``keepEvaluation()`` may keep for the next request; false for a
    /// candidate's (answers not saved: see ``with(_:)``).
    private(set) var evaluatesSavedAnswers = false

    var state: WorkingResponse { record.state }
    var schema: Schema { site.schema }
    var fields: QuestionFields { QuestionFields(schema: site.schema, language: language) }

    /// Loads the signed-in household; throws ``PageError/signedOut`` without a session and
    /// ``PageError/alreadySubmitted`` after an online submission (unless `allowSubmitted`).
    static func open(_ site: HouseholdSite, _ context: CensusRequestContext, allowSubmitted: Bool = false) throws -> HouseholdVisit {
        guard let token = context.session, let household = token.householdID else { throw PageError.signedOut }
        let language = site.language(context)
        let record: OnlineRecord
        let frameRecord: Household
        let people: [IndividualRespondent]
        let (frameID, person) = IndividualReturn.split(household)
        do {
            frameRecord = try site.collector.household(frameID)   // kept in memory by the collector
            people = site.individualSection == nil ? [] : try site.frame.individuals(of: frameID)
            record = try site.online.load(household)
        } catch {
            context.logger.error("household unavailable", metadata: ["error": "\(error)"])
            throw PageError.unavailable
        }
        if let out = record.state.signedOutAt, token.signedInAt < out {
            // Signed out since (here or on another device): this session is over.
            throw PageError.sessionEnded
        }
        let individual = person.flatMap { p in people.first { $0.person == p } }
        // A key naming a person the frame does not know (cannot happen but through a forged
        // cookie, which the signature refuses): signed out.
        if person != nil, individual == nil { throw PageError.signedOut }
        if record.submission != nil, !allowSubmitted { throw PageError.alreadySubmitted }
        let separately = individual == nil ? people : []
        let focus = Self.focus(site, individual: individual, separately: separately, state: record.state)
        let kept = site.evaluations.take(household, sequence: record.state.lastSequence, language: language, focus: Self.focusKey(focus))
        var visit = HouseholdVisit(site: site, householdID: household, individual: individual, separately: separately,
                                   language: language, address: OnlineAnswers.addressLine(frameRecord),
                                   variant: OnlineAnswers.variant(for: frameRecord, schema: site.schema), record: record, state: record.state,
                                   live: kept?.live, screens: kept?.screens)
        visit.evaluatesSavedAnswers = true
        return visit
    }

    /// Lends this visit's evaluation to the next request of the same answers (``EvaluationCache``),
    /// when it is the evaluation of its saved answers. Call it last: the visit must not be
    /// used after it.
    func keepEvaluation() {
        guard evaluatesSavedAnswers else { return }
        site.evaluations.put(live, screens: journey.screens, household: householdID, sequence: state.lastSequence, language: language,
                             focus: Self.focusKey(journey.focus))
    }

    /// What an evaluation was narrowed to (see ``focus(_:individual:separately:state:)``), as a
    /// cache key: a household's evaluation leaves out the members answering separately, which
    /// can change without a save of its own (a person given an individual code).
    static func focusKey(_ focus: Journey.Focus) -> String {
        switch focus {
        case .household(let members): return "household:" + members.sorted().joined(separator: ",")
        case .individual(let sections, let roster): return "individual:\(roster):" + sections.sorted().joined(separator: ",")
        }
    }

    /// A visit of `state`, evaluated by `live` when given (with `screens`, the journey's
    /// screens `live` gave for these members, when known), else evaluated afresh.
    init(site: HouseholdSite, householdID: String, individual: IndividualRespondent?, separately: [IndividualRespondent],
         language: String, address: String, variant: String?,
         record: OnlineRecord, state: WorkingResponse, live: LiveEvaluation? = nil, screens: [Screen]? = nil) {
        self.site = site
        self.householdID = householdID
        self.individual = individual
        self.separately = separately
        self.language = language
        self.address = address
        self.variant = variant
        self.record = record
        self.record.state = state
        let focus = Self.focus(site, individual: individual, separately: separately, state: state)
        if let live {
            self.live = live
        } else {
            let live = LiveEvaluation(evaluator: site.evaluator,
                                      response: state.response(schema: site.schema, outline: site.outline, variant: variant),
                                      language: language, householdAddress: address)
            if let section = site.individualSection {
                switch focus {
                case .individual: live.evaluation = live.evaluation.limited(to: section, position: 1)
                case .household(let members):
                    let positions = Set(members.compactMap { state.position(of: $0, in: section.roster) })
                    live.evaluation = live.evaluation.excluding(section, positions: positions)
                }
            }
            self.live = live
        }
        journey = Journey(outline: site.outline, state: state, live: self.live, focus: focus, screens: live == nil ? nil : screens)
    }

    /// What the journey covers: a person's own section, or the household's form without the
    /// sections of the members (by id) whose names are those of people answering separately.
    static func focus(_ site: HouseholdSite, individual: IndividualRespondent?, separately: [IndividualRespondent],
                      state: WorkingResponse) -> Journey.Focus {
        guard let section = site.individualSection else { return .household(separately: []) }
        if individual != nil { return .individual(sections: Set(section.sections), roster: section.roster) }
        if separately.isEmpty { return .household(separately: []) }
        var wanted = separately.map { IndividualSection.nameKey([$0.firstName, $0.lastName]) }
        var members: Set<String> = []
        for member in state.members[section.roster] ?? [] {
            guard let k = wanted.firstIndex(of: section.nameKey(of: member.answers)) else { continue }
            wanted.remove(at: k)
            members.insert(member.id)
        }
        return .household(separately: members)
    }

    /// The same household with other answers (a candidate page, before it is saved).
    func with(_ state: WorkingResponse) -> HouseholdVisit {
        HouseholdVisit(site: site, householdID: householdID, individual: individual, separately: separately, language: language,
                       address: address, variant: variant, record: record, state: state)
    }

    /// The members (by id) of the household's roster who answer separately.
    var membersAnsweringSeparately: Set<String> {
        if case .household(let members) = journey.focus { return members }
        return []
    }

    func question(_ id: String) -> Question? { site.questionsByID[id] }

    /// A form text piped for an instance.
    func text(_ text: LocalizedText?, at instance: ScopeInstance, container: String? = nil) -> String {
        guard let text else { return "" }
        return live.text(text, at: instance, container: container)
    }

    /// What the list screens and headings call a member: the text answers of the roster's
    /// own form (first, middle and last name, say), else "Person N".
    func memberName(roster: String, id: String) -> String {
        let position = state.position(of: id, in: roster) ?? 0
        guard let member = state.members[roster]?.first(where: { $0.id == id }) else { return UIText.personN.text(language, String(position)) }
        var words: [String] = []
        for part in site.outline.parts {
            guard case .roster(let r, let form) = part, r == roster else { continue }
            for page in form {
                for q in page.questions {
                    if case .text? = question(q)?.type, let t = member.answers[q]?.stringValue, !t.isEmpty { words.append(t) }
                }
            }
        }
        return words.isEmpty ? UIText.personN.text(language, String(position)) : words.joined(separator: " ")
    }

    /// The stored answer to an asked question.
    func answer(_ a: AskedQuestion) -> JSONValue? {
        switch a.instance {
        case .household: return state.household[a.question.id]
        case .member(let roster, let position): return state.member(at: position, in: roster)?.answers[a.question.id]
        case .pair(let roster, let person, _):
            guard let p = state.member(at: person, in: roster)?.id, let o = a.otherMember else { return nil }
            return state.pairs[roster]?["\(p)/\(o)"]?[a.question.id]
        }
    }

    /// The response to submit: the answers to the questions that apply now (answers left
    /// behind by a change of route are not sent), with the time of submission.
    func submittedResponse() -> JSONValue {
        var kept = state
        kept.household = state.household.filter { live.applies(question: $0.key, at: .household) }
        for (roster, list) in state.members {
            guard live.applies(container: roster, at: .household) else { kept.members[roster] = []; continue }
            let separately = roster == site.individualSection?.roster ? membersAnsweringSeparately : []
            let theirs = site.individualSection?.questions ?? []
            kept.members[roster] = list.enumerated().map { index, member in
                var m = member
                m.answers = member.answers.filter { live.applies(question: $0.key, at: .member(roster: roster, position: index + 1)) }
                // What the household said in the section of someone answering separately is
                // not sent: that person's own return is what counts for them.
                if separately.contains(member.id) { m.answers = m.answers.filter { !theirs.contains($0.key) } }
                return m
            }
        }
        for (roster, pairs) in state.pairs {
            var keptPairs: [String: [String: JSONValue]] = [:]
            for (key, answers) in pairs {
                guard let (p, o) = WorkingResponse.split2(key), let person = state.position(of: p, in: roster),
                      let other = state.position(of: o, in: roster), person > other else { continue }
                let at = ScopeInstance.pair(roster: roster, person: person, other: other)
                keptPairs[key] = answers.filter { live.applies(question: $0.key, at: at) }
            }
            kept.pairs[roster] = keptPairs
        }
        return kept.response(schema: site.schema, outline: site.outline, submittedAt: Date(), variant: variant)
    }

    /// The page that asks a household question, to link to it from elsewhere.
    func householdPagePath(of question: String) -> String? {
        guard let home = site.outline.questionHome[question], case .page = site.outline.parts[home.part] else { return nil }
        return "/form/page/\(home.page)"
    }

    /// The instance key a confirmation is recorded under ("household", "m3", "m3/m1").
    func instanceKey(_ instance: ScopeInstance) -> String {
        switch instance {
        case .household: return ""
        case .member(let roster, let position): return state.member(at: position, in: roster)?.id ?? ""
        case .pair(let roster, let person, let other):
            return (state.member(at: person, in: roster)?.id ?? "") + "/" + (state.member(at: other, in: roster)?.id ?? "")
        }
    }

    /// The instance a confirmation key names.
    func instance(forKey key: String, scope: Scope) -> ScopeInstance? {
        switch scope {
        case .household: return key.isEmpty ? .household : nil
        case .member(let roster): return state.position(of: key, in: roster).map { .member(roster: roster, position: $0) }
        case .pair(let roster):
            guard let (p, o) = WorkingResponse.split2(key), let person = state.position(of: p, in: roster),
                  let other = state.position(of: o, in: roster), person > other else { return nil }
            return .pair(roster: roster, person: person, other: other)
        }
    }

    /// Saves a page's delta (durable before this returns) and continues from the answers saved.
    func saving(_ delta: [String: JSONValue], candidate: HouseholdVisit) async throws -> HouseholdVisit {
        let saved: WorkingResponse
        do {
            saved = try await site.online.save(householdID, delta: delta, after: state, completeness: candidate.live.evaluation.completeness)
        } catch {
            throw PageError.unavailable
        }
        // The answers saved are the candidate's: its evaluation holds (only the visited screens
        // and the save's number changed, which the evaluator does not read).
        // Unless another device's saves came first (the save was numbered after them): then
        // the candidate's evaluation is not of the answers saved, and is not kept (nor are
        // its screens: the members may differ).
        let savedAsCandidate = saved.lastSequence == state.lastSequence + 1
        var visit = HouseholdVisit(site: site, householdID: householdID, individual: individual, separately: separately, language: language,
                                   address: address, variant: variant, record: record, state: saved, live: candidate.live,
                                   screens: savedAsCandidate ? candidate.journey.screens : nil)
        visit.evaluatesSavedAnswers = savedAsCandidate
        return visit
    }
}
