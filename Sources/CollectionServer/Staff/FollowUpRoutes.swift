import AddressFrame
import CensusCollection
import FieldOperations
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import ResponseStore

/// `GET /staff/follow-up?area=LA&by=YYYY-MM-DD`: the households of one of the member's areas
/// with no return received by the end of that day (UTC), to visit: grouped by LSOA, the
/// lowest-responding LSOAs first, each household by its address. Printable (the print
/// stylesheet drops the header and footer); it shows addresses and ids, never answers.
///
/// A return is a submitted online questionnaire or a keyed paper form; answers saved online
/// but not submitted are not a return (the household still needs a visit, or a reminder).
struct FollowUpRoutes {
    let site: StaffSite
    let households: HouseholdSite
    /// The longest list one page shows.
    static let maximumListed = 5_000

    func register(on staff: RouterGroup<StaffRequestContext>) {
        staff.group("follow-up")
            .restricted(to: .field)
            .get("") { request, context in try followUp(request, context) }
    }

    func followUp(_ request: Request, _ context: StaffRequestContext) throws -> Response {
        let member = try site.member(context)
        let frame = households.frame
        let allAreas: [String]
        do { allAreas = Array(Set(try frame.householdsByLSOA().map(\.localAuthority))).sorted() } catch {
            throw StaffPageError.unavailable("The address frame cannot be read: \(error)")
        }
        let areas = member.account.areas.isEmpty ? allAreas : member.account.areas.filter { allAreas.contains($0) }
        let query = request.uri.queryParameters
        let area = query.get("area").map { $0.trimmingCharacters(in: .whitespaces).uppercased() } ?? areas.first ?? ""
        let dayFormat = DateFormatter()
        dayFormat.locale = Locale(identifier: "en_GB_POSIX")
        dayFormat.timeZone = TimeZone(identifier: "UTC")
        dayFormat.dateFormat = "yyyy-MM-dd"
        let byText = query.get("by")?.trimmingCharacters(in: .whitespaces) ?? dayFormat.string(from: Date())
        var view = site.chrome(context, title: "Follow-up list")
        view["heading"] = "Follow-up list"
        view["areas"] = areas.map { ["code": $0, "selected": $0 == area] }
        view["by"] = byText
        guard let day = dayFormat.date(from: byText) else {
            view["hasErrors"] = true
            view["byError"] = "Enter the date as year-month-day, for example 2021-03-28"
            view["errorSummary"] = ["title": "There is a problem", "items": [["href": "#follow-up-by", "text": "Enter the date as year-month-day, for example 2021-03-28"]]]
            return try site.html("staff-follow-up", view, status: .unprocessableContent)
        }
        guard areas.contains(area) else {
            throw StaffPageError.refused(area.isEmpty ? "Your account has no areas in the address frame." : "\(area.prefix(16)) is not one of your areas (\(areas.joined(separator: ", "))).")
        }
        let end = day.addingTimeInterval(24 * 60 * 60)
        let homes: [Household]
        do { homes = try frame.households(localAuthority: area) } catch {
            throw StaffPageError.unavailable("The address frame cannot be read: \(error)")
        }
        var byLSOA: [String: (total: Int, visit: [Household])] = [:]
        for home in homes {
            let returned: Bool
            do {
                returned = try households.store.versions(of: home.householdID).contains { $0.kind != .partial && $0.receivedAt < end }
            } catch {
                throw StaffPageError.unavailable("The response store cannot be read: \(error)")
            }
            byLSOA[home.lsoa, default: (0, [])].total += 1
            if !returned { byLSOA[home.lsoa, default: (0, [])].visit.append(home) }
        }
        let ordered = byLSOA.map { (lsoa: $0.key, total: $0.value.total, visit: $0.value.visit) }
            .filter { !$0.visit.isEmpty }
            .sorted { a, b in
                let ra = Double(a.total - a.visit.count) / Double(a.total), rb = Double(b.total - b.visit.count) / Double(b.total)
                return ra != rb ? ra < rb : a.lsoa < b.lsoa
            }
        var listed = 0
        view["lsoas"] = ordered.map { group -> [String: Any] in
            let returned = group.total - group.visit.count
            let shown = group.visit.sorted { ($0.postcode, $0.addressLine1, $0.householdID) < ($1.postcode, $1.addressLine1, $1.householdID) }
                .prefix(max(0, Self.maximumListed - listed))
            listed += shown.count
            return [
                "lsoa": group.lsoa, "rate": String(format: "%.0f%%", Double(returned) * 100 / Double(group.total)),
                "returned": returned, "total": group.total, "toVisit": group.visit.count,
                "households": shown.map { ["id": $0.householdID, "address": OnlineAnswers.addressLine($0)] },
            ]
        }
        let toVisit = ordered.reduce(0) { $0 + $1.visit.count }
        view["area"] = area
        view["summary"] = "\(toVisit) of \(homes.count) households in \(area) had no return by the end of \(byText) (UTC)."
        if toVisit > listed { view["truncated"] = "The first \(listed) are listed; narrow the list by a later date once these are visited." }
        return try site.html("staff-follow-up", view)
    }
}
