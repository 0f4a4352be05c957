import AddressFrame
import CensusCollection
import FieldOperations
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import Questionnaire

/// Double keying, for supervisors:
/// - `GET /staff/double-keying`: the setting (off, all forms, a sample of households), the
///   forms waiting to be settled, and each keyer's keying error rate;
/// - `POST /staff/double-keying/setting`: changes the setting (audited);
/// - `GET|POST /staff/double-keying/BATCH`: the fields on which the two keyings differ, each
///   to settle by choosing one keying's value; the settled response is stored as a paper
///   version through the ``Collector``, and the batch records both keyers and the settler.
///
/// A supervisor who keyed a form cannot settle it.
struct DoubleKeyingRoutes {
    let site: StaffSite
    let households: HouseholdSite

    func register(on staff: RouterGroup<StaffRequestContext>) {
        let group = staff.group("double-keying")
            .restricted(to: .supervisor)
        group.get("") { _, context in try overview(context) }
        group.post("setting") { request, context in try await setSetting(request, context) }
        group.get(":batch") { _, context in try settlementPage(context, choices: nil, missing: []) }
        group.post(":batch") { request, context in try await settle(request, context) }
    }

    private func records() throws -> KeyingRecords { try site.requireKeyingRecords() }

    // MARK: Overview and setting

    func overview(_ context: StaffRequestContext, settingError: String? = nil) throws -> Response {
        let records = try records()
        let setting: DoubleKeyingSetting
        let waiting: [KeyingBatch]
        let second: Int
        let tallies: [KeyerTally]
        do {
            setting = try records.setting()
            waiting = try records.batchesToSettle()
            second = try records.awaitingSecondKeying()
            tallies = try records.tallies()
        } catch { throw StaffPageError.unavailable("\(error)") }
        var view = site.chrome(context, title: "Double keying", hasErrors: settingError != nil)
        view["heading"] = "Double keying"
        view["csrf"] = context.sessions.session?.csrf ?? ""
        view["current"] = setting.description
        view["modeOff"] = setting == .off
        view["modeAll"] = setting == .all
        if case .sample(let p) = setting { view["modeSample"] = true; view["percent"] = p } else { view["percent"] = 10 }
        if let settingError {
            view["settingError"] = settingError
            view["errorSummary"] = ["title": "There is a problem", "items": [["href": "#sample-percent", "text": settingError]]]
        }
        view["awaitingSecond"] = second
        view["hasWaiting"] = !waiting.isEmpty
        let format = ISO8601DateFormatter()
        view["waiting"] = waiting.map { b -> [String: Any] in
            ["id": b.id, "household": b.householdID, "first": b.firstKeyer, "second": b.secondKeyer ?? "",
             "at": b.secondAt.map { format.string(from: $0) } ?? ""]
        }
        view["hasTallies"] = !tallies.isEmpty
        view["tallies"] = tallies.map { t -> [String: Any] in
            ["keyer": t.keyer, "forms": t.forms, "fields": t.fields, "errors": t.errors, "rate": String(format: "%.2f%%", t.errorRate * 100)]
        }
        return try site.html("staff-double-keying", view, status: settingError == nil ? .ok : .unprocessableContent)
    }

    func setSetting(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        let (fields, member) = try await site.post(request, context)
        let setting: DoubleKeyingSetting
        switch fields.first("mode") {
        case "off": setting = .off
        case "all": setting = .all
        case "sample":
            guard let p = fields.trimmed("percent").flatMap({ Int($0.replacingOccurrences(of: "%", with: "")) }), (1...100).contains(p) else {
                return try overview(context, settingError: "Enter the sample as a whole number of percent, 1 to 100")
            }
            setting = .sample(percent: p)
        default:
            return try overview(context, settingError: "Choose off, all forms or a sample")
        }
        do { try records().set(setting, by: member.name) } catch let e as StaffPageError { throw e } catch { throw StaffPageError.unavailable("\(error)") }
        try await site.record(member.name, .doubleKeyingSet, subject: "double keying", detail: setting.description)
        return StaffSite.redirect("/staff/double-keying")
    }

    // MARK: Settling

    private func batch(_ context: StaffRequestContext) throws -> KeyingBatch {
        guard let id = Int64(try context.parameters.require("batch")) else { throw StaffPageError.notFound("There is no double-keyed form with that number.") }
        let found: KeyingBatch?
        do { found = try records().batch(id) } catch let e as StaffPageError { throw e } catch { throw StaffPageError.unavailable("\(error)") }
        guard let found else { throw StaffPageError.notFound("There is no double-keyed form number \(id).") }
        return found
    }

    /// The batch the page names, ready for `member` to settle (keyed twice, not settled, not
    /// keyed by them), with its two keyings compared.
    private func settling(_ context: StaffRequestContext, by member: StaffMember) throws -> (KeyingBatch, KeyingComparison) {
        let batch = try batch(context)
        guard batch.state == .settling else {
            throw StaffPageError.refused(batch.state == .settled ? "Form \(batch.id) is already settled (receipt \(batch.receipt ?? ""))." : "Form \(batch.id) has not been keyed a second time yet.")
        }
        try refuseOwnKeying(batch, member)
        return (batch, try comparison(batch))
    }

    private func comparison(_ batch: KeyingBatch) throws -> KeyingComparison {
        let household = try households.staffHousehold(typed: batch.householdID)
        return KeyingComparison(schema: households.schema, evaluator: households.evaluator, firstBody: batch.firstBody,
                                secondBody: batch.secondBody ?? Data(), variant: OnlineAnswers.variant(for: household, schema: households.schema),
                                address: OnlineAnswers.addressLine(household))
    }

    func settlementPage(_ context: StaffRequestContext, choices: FormFields?, missing: Set<String>, status: HTTPResponse.Status = .ok) throws -> Response {
        let (batch, comparison) = try settling(context, by: try site.member(context))
        let reader = QuestionFields(schema: households.schema, language: "en")
        func shown(_ field: KeyingSheet.Field, _ value: JSONValue?) -> String {
            reader.display(field.question, value, optionLabel: { KeyingSheet.text($0, "en") }) ?? "(blank)"
        }
        var view = site.chrome(context, title: "Settle form \(batch.id)", hasErrors: !missing.isEmpty)
        view["heading"] = "Settle the double keying of \(batch.householdID)"
        view["batch"] = batch.id
        view["keyers"] = "Keyed by \(batch.firstKeyer) (first) and \(batch.secondKeyer ?? "") (second)."
        view["csrf"] = context.sessions.session?.csrf ?? ""
        view["count"] = comparison.differences.count
        view["differences"] = comparison.differences.map { d -> [String: Any] in
            let name = "choice." + d.field.name
            let chosen = choices?.first(name)
            var v: [String: Any] = [
                "name": name, "id": name, "where": comparison.sheet.where(d.field),
                "first": shown(d.field, d.first), "second": shown(d.field, d.second),
                "firstChecked": chosen == "first", "secondChecked": chosen == "second",
            ]
            if missing.contains(name) { v["error"] = "Choose the first or the second keying's value" }
            return v
        }
        if !missing.isEmpty {
            view["errorSummary"] = ["title": "Settle every difference", "items": comparison.differences.compactMap { d -> [String: String]? in
                missing.contains("choice." + d.field.name) ? ["href": "#choice." + d.field.name, "text": "\(comparison.sheet.where(d.field)): choose a value"] : nil
            }]
        }
        return try site.html("staff-settle", view, status: status)
    }

    func settle(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        let (fields, member) = try await site.post(request, context)
        let (batch, comparison) = try settling(context, by: member)
        var choices: [String: Bool] = [:]
        var missing: Set<String> = []
        for d in comparison.differences {
            let name = "choice." + d.field.name
            switch fields.first(name) {
            case "first": choices[d.field.name] = true
            case "second": choices[d.field.name] = false
            default: missing.insert(name)
            }
        }
        if !missing.isEmpty { return try settlementPage(context, choices: fields, missing: missing, status: .unprocessableContent) }
        let receipt = try await Self.store(batch, comparison, choices: choices, settler: member.name, site: site, households: households)
        return try site.message(context, status: .ok, heading: "Form \(batch.id) settled",
                                paragraphs: ["The settled paper return of \(batch.householdID) is stored: receipt \(receipt).",
                                             "\(comparison.differences.count) differences settled; keyed by \(batch.firstKeyer) and \(batch.secondKeyer ?? "")."],
                                action: ("/staff/double-keying", "Back to double keying"))
    }

    private func refuseOwnKeying(_ batch: KeyingBatch, _ member: StaffMember) throws {
        if batch.firstKeyer == member.name || batch.secondKeyer == member.name {
            throw StaffPageError.refused("You keyed this form, so another supervisor must settle it.")
        }
    }

    /// Stores the settled response through the collection path, then records the settlement
    /// and each keyer's errors, and audits it. Returns the receipt.
    static func store(_ batch: KeyingBatch, _ comparison: KeyingComparison, choices: [String: Bool], settler: String,
                      site: StaffSite, households: HouseholdSite) async throws -> String {
        guard let records = site.keyingRecords else { throw StaffPageError.unavailable(site.unavailableReason ?? "") }
        let (response, errors) = comparison.settled(choosingFirst: choices)
        let body = Data(JSONWriter().bytes(response))
        let outcome: CollectionOutcome
        do {
            outcome = try await households.collector.submit(CollectionRequest(householdID: batch.householdID, body: body, kind: .paper, idempotencyKey: "settle-\(batch.id)"))
        } catch {
            switch error {
            case .storeUnavailable, .frameUnavailable: throw StaffPageError.unavailable("The settled return could not be stored; nothing was saved. \(error)")
            default: throw StaffPageError.refused("The settled return was refused: \(error)")
            }
        }
        let receipt = outcome.receipt.receiptID
        var byKeyer = [batch.firstKeyer: errors.first]
        if let second = batch.secondKeyer { byKeyer[second] = errors.second }
        let recorded: Bool
        do {
            recorded = try records.recordSettlement(batch: batch.id, by: settler, receipt: receipt, fieldsCompared: comparison.fieldsCompared,
                                                    errors: byKeyer, differences: comparison.differences.count)
        } catch { throw StaffPageError.unavailable("The settled return is stored (receipt \(receipt)), but the settlement could not be recorded: \(error)") }
        if recorded {
            try await site.record(settler, .settled, subject: batch.householdID,
                            detail: "double-keyed form \(batch.id) keyed by \(batch.firstKeyer) and \(batch.secondKeyer ?? ""); \(comparison.differences.count) of \(comparison.fieldsCompared) fields differed (errors: \(batch.firstKeyer) \(errors.first), \(batch.secondKeyer ?? "") \(errors.second)); receipt \(receipt)")
        }
        return receipt
    }
}
