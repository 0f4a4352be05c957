import AddressFrame
import CensusCollection
import Foundation
import HTTPTypes
import Hummingbird
import Questionnaire
import ResponseStore

/// Individual responses on the household pages (docs/field.md, "Individual responses"):
///
/// - `GET|POST /form/individual/ROSTER/MEMBER`: the household asks for a private individual
///   access code for one of its members (linked from the first page of that member's section,
///   for the members the form's `individual_response` allows). The code goes to the person by
///   post; the member's section then leaves the household's form.
/// - A person signing in with an individual code answers their own section on the same pages,
///   under their own key (``HouseholdVisit``): ``seed(_:)`` puts them in their roster first,
///   with the name the code was issued to.
struct IndividualResponseRoutes {
    let site: HouseholdSite

    func register(on router: Router<CensusRequestContext>) {
        router.get("/form/individual/:roster/:member") { request, context in try page(request, context) }
        router.post("/form/individual/:roster/:member") { request, context in try await ask(request, context) }
    }

    /// The member a request names, with their name, if the household may ask for them.
    private func eligible(_ visit: HouseholdVisit, _ context: CensusRequestContext) throws -> (id: String, first: String, last: String, name: String) {
        guard visit.individual == nil, let section = site.individualSection,
              try context.parameters.require("roster") == section.roster else { throw PageError.notFound }
        let id = try context.parameters.require("member")
        guard let position = visit.state.position(of: id, in: section.roster),
              let member = visit.state.member(at: position, in: section.roster),
              visit.live.evaluation.individualResponses.contains(where: { $0.path == "$.\(section.roster)[\(position - 1)]" }),
              let names = Self.names(member.answers, section) else { throw PageError.notFound }
        return (id, names.first, names.last, visit.memberName(roster: section.roster, id: id))
    }

    func page(_ request: Request, _ context: CensusRequestContext) throws -> Response {
        let visit = try HouseholdVisit.open(site, context)
        let member = try eligible(visit, context)
        let lang = visit.language
        if visit.membersAnsweringSeparately.contains(member.id) { return try done(request, context, member.name, lang) }
        let heading = UIText.separatelyHeading.text(lang, member.name)
        var view = site.chrome(request, context, title: heading, back: visit.journey.firstUnvisited()?.path ?? "/form/check-answers")
        view["heading"] = heading
        view["paragraphs"] = [UIText.separatelyBody.text(lang, member.name), UIText.separatelyPrivacy.text(lang)]
        view["action"] = request.uri.path
        view["button"] = UIText.separatelyButton.text(lang, member.name)
        view["csrf"] = site.sessions.codec.csrfToken(for: context.session!)
        return try site.html("individual-request", view)
    }

    func ask(_ request: Request, _ context: CensusRequestContext) async throws -> Response {
        var request = request
        _ = try await site.checkedForm(&request, context)
        let visit = try HouseholdVisit.open(site, context)
        let member = try eligible(visit, context)
        if !visit.membersAnsweringSeparately.contains(member.id) {
            do {
                _ = try await IndividualCodeIssuer(site: site).issue(householdID: IndividualReturn.household(of: visit.householdID),
                                                                     firstName: member.first, lastName: member.last, requestedBy: .household)
            } catch let e as IndividualCodeError {
                throw PageError.badForm(e.description)
            } catch {
                context.logger.error("individual code not issued", metadata: ["error": "\(error)"])
                throw PageError.unavailable
            }
        }
        return try done(request, context, member.name, visit.language)
    }

    private func done(_ request: Request, _ context: CensusRequestContext, _ name: String, _ lang: String) throws -> Response {
        try site.message(request, context, status: .ok, heading: UIText.separatelyDoneHeading.text(lang, name),
                         paragraphs: [UIText.separatelyDoneBody.text(lang, name)], action: ("/form", UIText.continueButton.text(lang)))
    }

    /// The first and last name of a member: the first and the last of the roster's name
    /// questions (the whole name in the first, for a roster that asks it in one); nil without
    /// a name.
    static func names(_ answers: [String: JSONValue], _ section: IndividualSection) -> (first: String, last: String)? {
        let parts = section.nameQuestions.map { (answers[$0]?.stringValue ?? "").trimmingCharacters(in: .whitespaces) }
        guard let first = parts.first, !first.isEmpty else { return nil }
        if parts.count == 1 {
            let words = first.split(separator: " ")
            guard words.count >= 2 else { return nil }
            return (words.dropLast().joined(separator: " "), String(words[words.count - 1]))
        }
        // First and last name (middle names are not on the letter, nor compared).
        let last = parts[parts.count - 1]
        return last.isEmpty ? nil : (first, last)
    }

    /// Before a person's first page: puts them in their roster, as member `m1`, named as their
    /// code was issued (the name questions are the roster's, not theirs to answer again).
    /// Nothing happens for a household's key or a person already seeded or submitted.
    static func seed(_ site: HouseholdSite, key: String) async throws {
        let (household, person) = IndividualReturn.split(key)
        guard let person, let section = site.individualSection,
              let individual = try site.frame.individuals(of: household).first(where: { $0.person == person }) else { return }
        let record = try site.online.load(key)
        guard record.submission == nil, (record.state.members[section.roster] ?? []).isEmpty else { return }
        var answers: [String: JSONValue] = [:]
        if section.nameQuestions.count == 1, let only = section.nameQuestions.first {
            answers[only] = .string(individual.firstName + " " + individual.lastName)
        } else if let first = section.nameQuestions.first, let last = section.nameQuestions.last {
            answers[first] = .string(individual.firstName)
            answers[last] = .string(individual.lastName)
        }
        let id = record.state.newMemberID(roster: section.roster)
        _ = try await site.online.save(key, delta: ["m": .object(["\(section.roster)/\(id)": .object(answers)])],
                                       after: record.state, completeness: 0)
    }
}
