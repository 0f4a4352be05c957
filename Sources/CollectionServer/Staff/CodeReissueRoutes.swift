import AddressFrame
import CensusCollection
import FieldOperations
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth

/// `GET|POST /staff/households/ID/reissue` (supervisors): a new access code for a household,
/// on a reminder letter, optionally revoking its earlier codes, as `census frame codes
/// reissue` does: the same ``AddressFrame/issueCodes(_:letter:hasher:lettersFile:revokePrevious:now:)``,
/// the codes committed durably before the letters file is published. The letter goes to a new
/// file in `STORE/letters/` for the print run; the browser never shows the code.
struct CodeReissueRoutes {
    let site: StaffSite
    let households: HouseholdSite
    /// One reissue at a time: each opens the frame for writing.
    private static let lock = NSLock()

    func register(on staff: RouterGroup<StaffRequestContext>) {
        let group = staff.group("households")
            .restricted(to: .supervisor)
        group.get(":household/reissue") { _, context in try page(context) }
        group.post(":household/reissue") { request, context in try await reissue(request, context) }
    }

    func page(_ context: StaffRequestContext) throws -> Response {
        let household = try households.staffHousehold(context)
        var view = site.chrome(context, title: "Reissue an access code")
        view["heading"] = "Reissue an access code to \(household.householdID)"
        view["household"] = household.householdID
        view["address"] = OnlineAnswers.addressLine(household)
        view["csrf"] = context.sessions.session?.csrf ?? ""
        return try site.html("staff-reissue", view)
    }

    func reissue(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        let (fields, member) = try await site.post(request, context)
        let household = try households.staffHousehold(context)
        let revoke = fields.first("revoke") == "yes"
        let store = households.configuration.storeDirectory
        let lettersDirectory = store.appendingPathComponent("letters")
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let letters = lettersDirectory.appendingPathComponent("reissue-\(stamp)-\(household.householdID)-\(UUID().uuidString.prefix(8)).csv")
        let hasher = households.hasher
        let summary: CodeIssueSummary
        do {
            summary = try await site.offLoop {
                try Self.lock.withLock {
                    try FileManager.default.createDirectory(at: lettersDirectory, withIntermediateDirectories: true)
                    let frame = try AddressFrame.open(at: store.appendingPathComponent(AddressFrame.fileName))
                    defer { try? frame.close() }
                    return try frame.issueCodes(.households([household.householdID]), letter: .reminder, hasher: hasher,
                                                lettersFile: letters, revokePrevious: revoke)
                }
            }
        } catch {
            throw StaffPageError.unavailable("No code was issued: \(error)")
        }
        try await site.record(member.name, .codeReissued, subject: household.householdID, detail: "reminder letter in \(letters.lastPathComponent)")
        if summary.revoked > 0 {
            try await site.record(member.name, .codesRevoked, subject: household.householdID, detail: "\(summary.revoked) earlier codes revoked with the reissue")
        }
        return try site.message(context, status: .ok, heading: "A new access code was issued to \(household.householdID)",
                                paragraphs: ["The reminder letter is in \(letters.lastPathComponent), in the letters folder of the store, for the print run.",
                                             summary.revoked > 0 ? "\(summary.revoked) earlier codes were revoked: they no longer sign in." : "Earlier codes still work."],
                                action: ("/staff/keying/household?id=\(household.householdID)", "Back to the household"))
    }
}
