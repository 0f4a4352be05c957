import AddressFrame
import CensusCollection
import FieldOperations
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth

/// `GET|POST /staff/households/ID/individual` (supervisors): a private individual access code
/// for a named person of a household (they asked in the field or by phone), through the same
/// ``IndividualCodeIssuer`` as the household's own request from its form. The code goes to a
/// letters file for the print run; the browser never shows it. Audited as
/// `individual_code_issued` (the person's key, never their name or code).
struct IndividualCodeRoutes {
    let site: StaffSite
    let households: HouseholdSite

    func register(on staff: RouterGroup<StaffRequestContext>) {
        let group = staff.group("households")
            .restricted(to: .supervisor)
        group.get(":household/individual") { _, context in try page(context) }
        group.post(":household/individual") { request, context in try await issue(request, context) }
    }

    func page(_ context: StaffRequestContext, first: String = "", last: String = "", errors: [String: String] = [:],
              status: HTTPResponse.Status = .ok) throws -> Response {
        let household = try households.staffHousehold(context)
        guard households.individualSection != nil else {
            throw StaffPageError.notFound("The form collected has no section a person may answer separately.")
        }
        var view = site.chrome(context, title: "Issue an individual access code")
        view["heading"] = "Issue an individual access code for a person at \(household.householdID)"
        view["household"] = household.householdID
        view["address"] = OnlineAnswers.addressLine(household)
        view["csrf"] = context.sessions.session?.csrf ?? ""
        view["first"] = first
        view["last"] = last
        if let e = errors["first"] { view["firstError"] = e }
        if let e = errors["last"] { view["lastError"] = e }
        if !errors.isEmpty {
            view["errorSummary"] = ["title": "There is a problem", "items": [("first", "#first-name"), ("last", "#last-name")].compactMap { key, href in
                errors[key].map { ["href": href, "text": $0] }
            }]
        }
        return try site.html("staff-individual", view, status: status)
    }

    func issue(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        let (fields, member) = try await site.post(request, context)
        let household = try households.staffHousehold(context)
        guard households.individualSection != nil else {
            throw StaffPageError.notFound("The form collected has no section a person may answer separately.")
        }
        let first = String((fields.first("first_name") ?? "").prefix(200))
        let last = String((fields.first("last_name") ?? "").prefix(200))
        var errors: [String: String] = [:]
        for (key, text, what) in [("first", first, "first name"), ("last", last, "last name")] {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { errors[key] = "Enter the person's \(what)" }
            else if trimmed.count > 100 { errors[key] = "The \(what) must be 100 characters or fewer" }
            else if trimmed.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) {
                errors[key] = "The \(what) must not contain control characters"
            }
        }
        if !errors.isEmpty { return try page(context, first: first, last: last, errors: errors, status: .unprocessableContent) }
        let issued: (IndividualRespondent, URL)
        do {
            issued = try await IndividualCodeIssuer(site: households).issue(
                householdID: household.householdID, firstName: first, lastName: last, requestedBy: .staff)
        } catch let e as IndividualCodeError {
            return try page(context, first: first, last: last, errors: ["first": "No code was issued: \(e.description)"], status: .unprocessableContent)
        } catch {
            throw StaffPageError.unavailable("No code was issued: \(error)")
        }
        let (person, letters) = issued
        try await site.record(member.name, .individualCodeIssued, subject: household.householdID,
                        detail: "person \(person.person), letter in \(letters.lastPathComponent)")
        return try site.message(context, status: .ok, heading: "An individual access code was issued at \(household.householdID)",
                                paragraphs: ["The letter to the person (\(person.person) in this household) is in \(letters.lastPathComponent), in the letters folder of the store, for the print run.",
                                             "Their questions are left out of the household's online form; their own return counts for them."],
                                action: ("/staff/keying/household?id=\(household.householdID)", "Back to the household"))
    }
}
