import AddressFrame
import CensusCollection
import FieldOperations
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import NIOCore
import Questionnaire
import ResponseStore

/// Keying paper returns (field staff and supervisors):
/// - `GET /staff/keying`: find a household by the id printed on its paper form;
/// - `GET /staff/keying/household?id=ID`: whether it already has a return (channel and time,
///   never the answers), and how many people the paper has filled in;
/// - `GET|POST /staff/keying/ID/form?residents=N&...`: one page with every question in paper
///   order (``KeyingSheet``), keyed with the keyboard alone.
///
/// A post is read field by field; input that cannot be an answer (a date that is not one, a
/// code that is not an option's) and answers the evaluator refuses (out of range, too long)
/// are hard errors: shown beside their fields and summarised at the top, nothing stored.
/// Otherwise the return is stored as a paper version through the ``Collector`` (the one write
/// path of the household pages and the API) whatever else the evaluator found: missing answers,
/// routing and consistency findings are warnings, listed with the receipt and recorded.
struct KeyingRoutes {
    let site: StaffSite
    let households: HouseholdSite
    /// The sheets and their blank HTML, built once per person counts, variant and language.
    let sheets = KeyingSheetCache()
    /// The find page's example id, in the form of the frame's ids (``HouseholdIDExample``);
    /// `nil` for an empty frame or ids without digits.
    let idExample: String?

    init(site: StaffSite, households: HouseholdSite) {
        self.site = site
        self.households = households
        // One read at start-up; a frame that cannot be read here fails every look-up later anyway.
        idExample = (try? households.frame.firstHouseholdID())?.flatMap(HouseholdIDExample.shaped(like:))
    }

    func register(on staff: RouterGroup<StaffRequestContext>) {
        let keying = staff.group("keying")
            .restricted(to: .field)
        keying.get("") { _, context in try findPage(context) }
        keying.get("household") { request, context in try householdPage(request, context) }
        keying.get(":household/form") { request, context in try keyingPage(request, context) }
        keying.post(":household/form") { request, context in try await save(request, context) }
    }

    // MARK: Finding the household

    func findPage(_ context: StaffRequestContext, typed: String = "", error: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        var view = site.chrome(context, title: "Key a paper return", hasErrors: error != nil)
        view["heading"] = "Key a paper return"
        view["typed"] = typed
        view["idExample"] = idExample
        if let error {
            view["findError"] = error
            view["errorSummary"] = ["title": "There is a problem", "items": [["href": "#household-id", "text": error]]]
        }
        return try site.html("staff-keying-find", view, status: status)
    }

    /// The household, or the find page again with what is wrong.
    private func lookUp(_ typed: String) throws(StaffPageError) -> Household {
        try households.staffHousehold(typed: typed, hint: " Check the id printed on the form.")
    }

    func householdPage(_ request: Request, _ context: StaffRequestContext) throws -> Response {
        let typed = request.uri.queryParameters.get("id") ?? ""
        if typed.trimmingCharacters(in: .whitespaces).isEmpty {
            return try findPage(context, error: "Enter the household id printed on the paper form", status: .unprocessableContent)
        }
        let household: Household
        do { household = try lookUp(typed) } catch {
            if case .notFound(let why) = error { return try findPage(context, typed: typed, error: why, status: .notFound) }
            throw error
        }
        return try householdView(household, context)
    }

    /// The household page: its returns (channel and time) and the person-block counts to key,
    /// each with what is wrong with it when `countErrors` says (roster id -> message).
    private func householdView(_ household: Household, _ context: StaffRequestContext, typed: [String: String] = [:],
                               countErrors: [String: String] = [:]) throws -> Response {
        var view = site.chrome(context, title: "Household \(household.householdID)", hasErrors: !countErrors.isEmpty)
        view["heading"] = "Household \(household.householdID)"
        view["household"] = household.householdID
        view["address"] = OnlineAnswers.addressLine(household)
        view["returns"] = try returnLines(household.householdID)
        if context.identity?.roles.contains(.supervisor) == true {
            view["reissue"] = "/staff/households/\(household.householdID)/reissue"
            if households.individualSection != nil { view["individual"] = "/staff/households/\(household.householdID)/individual" }
        }
        let rosters = KeyingSheet.rosters(of: households.schema, language: "en")
        view["rosters"] = rosters.map { roster -> [String: Any] in
            var item: [String: Any] = ["id": roster.id, "title": roster.title, "max": roster.maxMembers,
                                       "value": typed[roster.id] ?? (roster.id == rosters.first?.id ? "1" : "0")]
            if let error = countErrors[roster.id] { item["error"] = error }
            return item
        }
        if !countErrors.isEmpty {
            view["errorSummary"] = ["title": "There is a problem",
                                    "items": rosters.compactMap { r in countErrors[r.id].map { ["href": "#count-\(r.id)", "text": $0] } }]
        }
        return try site.html("staff-keying-household", view, status: countErrors.isEmpty ? .ok : .unprocessableContent)
    }

    /// The person-block counts the query asks (`?residents=3&visitors=0`; a roster left out is
    /// 0), and for each that is not a whole number from 0 to its roster's maximum, what is
    /// wrong: such a count was clamped silently before (31 keyed as 30, "abc" as 0).
    private func requestedCounts(_ request: Request) -> (counts: [String: Int], typed: [String: String], errors: [String: String]) {
        var counts: [String: Int] = [:], typed: [String: String] = [:], errors: [String: String] = [:]
        for roster in KeyingSheet.rosters(of: households.schema, language: "en") {
            let given = request.uri.queryParameters.get(roster.id).map { $0.trimmingCharacters(in: .whitespaces) }
            typed[roster.id] = given ?? ""
            guard let given, !given.isEmpty else { counts[roster.id] = 0; continue }
            if let n = Int(given), (0...roster.maxMembers).contains(n) {
                counts[roster.id] = n
            } else {
                errors[roster.id] = "\(roster.title): enter how many person blocks are filled in, a whole number from 0 to \(roster.maxMembers)"
            }
        }
        return (counts, typed, errors)
    }

    /// The household's returns: channel and time only.
    private func returnLines(_ householdID: String) throws -> [String] {
        let versions: [ResponseVersion]
        do { versions = try households.store.versions(of: householdID) } catch {
            throw StaffPageError.unavailable("The household's shard cannot be read: \(error)")
        }
        let format = ISO8601DateFormatter()
        var lines = versions.filter { $0.kind != .partial }.map { v in
            "\(Self.aReturn(v, startingASentence: true)), received \(format.string(from: v.receivedAt)) (receipt \(v.receiptID))."
        }
        if lines.isEmpty { lines = ["No return yet."] }
        if versions.contains(where: { $0.kind == .partial }) { lines.append("Answers saved online, not submitted.") }
        return lines + (try individualLines(householdID))
    }

    /// "a paper return", "an online return" ("A paper return" to start a sentence): a version
    /// by its channel, with the article its first sound takes.
    static func aReturn(_ version: ResponseVersion, startingASentence: Bool = false) -> String {
        let phrase = version.channel == .paper ? "a paper return" : "an online return"
        return startingASentence ? phrase.prefix(1).uppercased() + phrase.dropFirst() : phrase
    }

    /// The people answering separately, each with their return: channel and time only.
    private func individualLines(_ householdID: String) throws -> [String] {
        let people: [IndividualRespondent]
        let versions: [ResponseVersion]
        do {
            people = try households.frame.individuals(of: householdID)
            versions = people.isEmpty ? [] : try households.store.individualVersions(of: householdID)
        } catch {
            throw StaffPageError.unavailable("The household's individual responses cannot be read: \(error)")
        }
        let format = ISO8601DateFormatter()
        return people.map { person in
            let theirs = versions.filter { IndividualReturn.split($0.householdID).person == person.person }
            let asked = person.requestedBy == .household ? "asked for online by the household" : "issued by a supervisor"
            if let best = AuthoritativeReturn.chooseIndividual(from: theirs) {
                return "Person \(person.person) answers separately (code \(asked)): \(Self.aReturn(best)), received \(format.string(from: best.receivedAt)) (receipt \(best.receiptID))."
            }
            return "Person \(person.person) answers separately (code \(asked)): no return yet\(theirs.isEmpty ? "" : "; answers saved online, not submitted")."
        }
    }

    // MARK: The keying page

    /// The sheet for the person counts the query asks (`?residents=3&visitors=0`), kept for
    /// every household with the same counts and variant (address-marked), and its key.
    private func sheet(for household: Household, _ request: Request) -> (KeyingSheet, KeyingSheetCache.Key) {
        let schema = households.schema
        let requested = requestedCounts(request).counts
        let key = KeyingSheetCache.Key(counts: KeyingSheet.clampedCounts(schema: schema, requested: requested),
                                       variant: OnlineAnswers.variant(for: household, schema: schema), language: "en")
        let sheet = sheets.sheet(key) {
            KeyingSheet(schema: schema, evaluator: households.evaluator, counts: key.counts, variant: key.variant,
                        address: KeyingSheet.addressMark, language: key.language)
        }
        return (sheet, key)
    }

    func keyingPage(_ request: Request, _ context: StaffRequestContext) throws -> Response {
        let household = try lookUp(try context.parameters.require("household"))
        let asked = requestedCounts(request)
        if !asked.errors.isEmpty { return try householdView(household, context, typed: asked.typed, countErrors: asked.errors) }
        let (sheet, key) = sheet(for: household, request)
        let page = KeyingSheetPage(sheet, address: OnlineAnswers.addressLine(household))
        var summary: [[String: String]] = []
        let sections = try sheets.blankSections(key) {
            try page.sections(site.templates, posted: nil, errors: [:], warnings: [:], summary: &summary)
        }
        return try render(page, household, context, sections: sections, summary: summary, key: UUID().uuidString, hasErrors: false, status: .ok)
    }

    func save(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        let (fields, member) = try await site.post(request, context)
        let household = try lookUp(try context.parameters.require("household"))
        if let wrong = requestedCounts(request).errors.values.sorted().first {
            throw StaffPageError.badForm("The keying page's person counts are not ones it offers (\(wrong)); open the keying page again.")
        }
        let (sheet, _) = sheet(for: household, request)
        let page = KeyingSheetPage(sheet, address: OnlineAnswers.addressLine(household))
        guard let key = fields.trimmed("key"), (8...64).contains(key.count) else {
            throw StaffPageError.badForm("The form has no keying reference; open the keying page again.")
        }
        let (response, invalid) = sheet.read(fields, language: "en")
        let body = Data(JSONWriter().bytes(response))
        var errors = invalid
        var warnings: [String: [String]] = [:]
        var checked: Collector.Checked?
        if errors.isEmpty {
            do { checked = try households.collector.check(body) } catch {
                throw StaffPageError.refused("\(error)")
            }
            for finding in checked?.evaluation.findings ?? [] {
                guard let field = sheet.field(for: finding.path) else { continue }
                if Self.isHard(finding) {
                    if errors[field.name] == nil { errors[field.name] = finding.message }
                } else if finding.severity != .notApplicable {
                    warnings[field.name, default: []].append(finding.message)
                }
            }
        }
        if !errors.isEmpty {
            return try render(page, household, context, posted: fields, key: key, errors: errors, warnings: warnings, status: .unprocessableContent)
        }
        if let held = try await doubleKeying(household: household, member: member, body: body, context) { return held }
        // The audit rule (AuditLog+Alongside.swift): every refusal that writes nothing first; then
        // the `keyed` record is begun, naming the page's save key (the return's idempotency key),
        // backed by the version, which is stored with its keyer (recorded_by) while the record
        // commits (without an fsync of the log's own: the shard's carries the facts); the record
        // is awaited before the page answers, with a follow-up (fsynced) when the save stored nothing.
        // Backed only when the shard fsyncs its commits (the store's durability, FULL unless a
        // comparison run chose otherwise): else the record pays its own fsync, as before.
        let id = household.householdID
        let saveKey = "keying-" + key
        let outcome: CollectionOutcome
        do {
            // Stored with the evaluation made for the checks above (the same bytes): evaluated once.
            let prepared = try households.collector.prepare(
                CollectionRequest(householdID: id, body: body, kind: .paper, idempotencyKey: saveKey, recordedBy: member.name), checked: checked)
            let people = sheet.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let counted = prepared.evaluation.findings.filter { $0.severity != .notApplicable }.count
            let ignored = prepared.evaluation.count(.notApplicable)
            let record = try site.beginRecord(member.name, .keyed, subject: id, detail: AuditLog.keyedDetail(saveKey: saveKey, facts: """
                \(people); completeness \(String(format: "%.3f", prepared.evaluation.completeness)); \
                \(counted) findings, \(ignored) not applicable
                """), backedByWrite: households.store.options.durability == .full)
            do {
                outcome = try await households.collector.write(prepared)
            } catch {
                let begun = try await site.committed(record)
                try await site.record(member.name, .keyedNotStored, subject: id,
                                      detail: "record \(begun.sequence): nothing was stored: \(Self.notStoredReason(error))")
                throw error
            }
            let begun = try await site.committed(record)
            if outcome.receipt.isReplay {
                try await site.record(member.name, .keyedNotStored, subject: id,
                                      detail: "record \(begun.sequence): the page was saved before, as receipt \(outcome.receipt.receiptID); no new version")
            }
        } catch let error as CollectionError {
            switch error {
            case .nothingAnswered:
                return try render(page, household, context, posted: fields, key: key, errors: ["": "Nothing was keyed: type the answers on the paper form"],
                                  warnings: [:], status: .unprocessableContent)
            case .storeUnavailable, .frameUnavailable:
                throw StaffPageError.unavailable("The return could not be stored; nothing was saved. \(error)")
            case .idempotencyConflict(_, _, let receipt, _):
                // The page was saved, then changed (the browser's Back) and saved again: its
                // save key already names the first save, which stands.
                return try site.message(context, status: .conflict, heading: "This keying page was saved already",
                                        paragraphs: ["It was saved as receipt \(receipt), and that return stands. The changes made after it was saved were not stored.",
                                                     "To correct the return, open the household again and key it as a new paper return."],
                                        action: ("/staff/keying/household?id=\(id)", "Open \(id) again"))
            default:
                throw StaffPageError.refused("\(error)")
            }
        }
        let receipt = outcome.receipt.receiptID
        let ignored = outcome.evaluation.count(.notApplicable)
        var view = site.chrome(context, title: "Paper return saved")
        view["heading"] = "Paper return of \(household.householdID) saved"
        view["receipt"] = receipt
        view["replay"] = outcome.receipt.isReplay
        view["completeness"] = percentText(outcome.evaluation.completeness)
        view["notApplicable"] = ignored
        let listed = outcome.evaluation.findings.filter { $0.severity != .notApplicable }
        view["hasFindings"] = !listed.isEmpty
        view["findingCount"] = listed.count
        view["findings"] = listed.map { f -> [String: Any] in
            ["where": sheet.field(for: f.path).map { page.where($0) } ?? f.path, "message": f.message, "severity": f.severity.rawValue]
        }
        return try site.html("staff-keyed", view)
    }

    /// Why a keyed save stored nothing, for its `keyed_not_stored` audit record: facts without
    /// the return's answers (a conflict's own reason compares bodies, so it is left out).
    static func notStoredReason(_ error: any Error) -> String {
        switch error as? CollectionError {
        case .idempotencyConflict(_, _, let receipt, _)?: return "the save key was used for another return (receipt \(receipt))"
        case .storeUnavailable(let store)?: return "the store could not take it (\(store))"
        case .frameUnavailable(_, let reason)?: return "the address frame could not be read (\(reason))"
        default: return "refused by the store"
        }
    }

    /// A form of a household that is double keyed (chosen by the supervisor's setting, or
    /// already keyed once) is held in the keying records rather than stored: the first keying
    /// waits for a second, blind keying by someone else; the second then waits for a
    /// supervisor, unless both agree on every field, when the agreed return is stored at once.
    /// Returns the page to show, or nil when the form is not double keyed.
    private func doubleKeying(household: Household, member: StaffMember, body: Data, _ context: StaffRequestContext) async throws -> Response? {
        let records = try site.requireKeyingRecords()
        let id = household.householdID
        do {
            if let open = try records.openBatch(household: id) {
                if open.state == .settling {
                    return try site.message(context, status: .conflict, heading: "This form is waiting for a supervisor",
                                            paragraphs: ["Household \(id)'s form has been keyed twice; a supervisor is to settle the differences. Nothing was saved."],
                                            action: ("/staff/keying", "Key another return"))
                }
                if open.firstKeyer == member.name, open.firstBody == body {
                    // The same keying sent again (a double click on Save): it is the one held.
                    return try firstKeyingHeld(id, context)
                }
                guard open.firstKeyer != member.name,
                      let batch = try records.recordSecondKeying(batch: open.id, keyer: member.name, body: body) else {
                    return try site.message(context, status: .conflict, heading: "You keyed this form first",
                                            paragraphs: ["Household \(id)'s form is double keyed: another keyer keys it a second time, without seeing your keying. Your first keying is held as it was; this one was not saved."],
                                            action: ("/staff/keying", "Key another return"))
                }
                try await site.record(member.name, .keyed, subject: id, detail: "second keying of double-keyed form \(batch.id) (first keyed by \(batch.firstKeyer))")
                let comparison = KeyingComparison(schema: households.schema, evaluator: households.evaluator, firstBody: batch.firstBody,
                                                  secondBody: body, variant: OnlineAnswers.variant(for: household, schema: households.schema),
                                                  address: OnlineAnswers.addressLine(household))
                if comparison.differences.isEmpty {
                    let receipt = try await DoubleKeyingRoutes.store(batch, comparison, choices: [:], settler: "agreed", site: site, households: households)
                    return try site.message(context, status: .ok, heading: "Both keyings of \(id) agree",
                                            paragraphs: ["The paper return is stored: receipt \(receipt)."], action: ("/staff/keying", "Key another return"))
                }
                return try site.message(context, status: .ok, heading: "Second keying of \(id) saved",
                                        paragraphs: ["A supervisor will compare it with the first keying and settle any differences before the return is stored."],
                                        action: ("/staff/keying", "Key another return"))
            }
            guard try records.setting().applies(to: id) else { return nil }
            let batch = try records.holdFirstKeying(household: id, keyer: member.name, body: body)
            try await site.record(member.name, .keyed, subject: id, detail: "first keying, held for double keying (form \(batch.id))")
            return try firstKeyingHeld(id, context)
        } catch let error as FieldFileError {
            throw StaffPageError.unavailable("\(error)")
        }
    }

    /// What the first keyer of a double-keyed form is told once their keying is held.
    private func firstKeyingHeld(_ id: String, _ context: StaffRequestContext) throws -> Response {
        try site.message(context, status: .ok, heading: "First keying of \(id) saved",
                         paragraphs: ["This form is double keyed: another keyer keys it again without seeing this keying, then a supervisor settles any differences. Nothing is in the response store yet."],
                         action: ("/staff/keying", "Key another return"))
    }

    /// An answer the evaluator refuses as keyed (it would be read as not answered): the keyer
    /// has mistyped, or must leave the box blank. Missing answers and checks between answers
    /// are the paper's, not the keyer's: warnings.
    static func isHard(_ finding: Finding) -> Bool {
        finding.severity == .error && finding.check == nil && finding.code != "required"
    }

    // MARK: Rendering

    /// The keying page with a post shown back: its values, hard errors beside their fields
    /// and summarised at the top, warnings.
    private func render(_ page: KeyingSheetPage, _ household: Household, _ context: StaffRequestContext, posted: FormFields, key: String,
                        errors: [String: String], warnings: [String: [String]], status: HTTPResponse.Status) throws -> Response {
        var summary: [[String: String]] = []
        if let general = errors[""] { summary.append(["href": "#keying-form", "text": general]) }
        let sections = try page.sections(site.templates, posted: posted, errors: errors, warnings: warnings, summary: &summary)
        return try render(page, household, context, sections: sections.components(separatedBy: KeyingSheet.addressMark), summary: summary, key: key,
                          hasErrors: !errors.isEmpty, status: status)
    }

    /// Where the sections go in the page drawn around them (`{{{sections}}}`).
    private static let sectionsMark = "\u{E000}sections\u{E001}"

    /// The keying page around its `sections` (HTML cut at each address mark). The page's own
    /// parts are drawn by the template (`staff-keying`) around a mark; the sections, most of
    /// the page's bytes (390 KB for three people), go straight into the response's buffer with
    /// the household's address between their parts, instead of being copied through the
    /// template's output string and again into the buffer (per request, on the hot path).
    private func render(_ page: KeyingSheetPage, _ household: Household, _ context: StaffRequestContext, sections: [String],
                        summary: [[String: String]], key: String, hasErrors: Bool, status: HTTPResponse.Status) throws -> Response {
        let counts = page.sheet.counts.sorted { $0.key < $1.key }
        var view = site.chrome(context, title: "Key the paper return of \(household.householdID)", hasErrors: hasErrors)
        view["heading"] = "Key the paper return of \(household.householdID)"
        view["household"] = household.householdID
        view["address"] = page.address
        view["csrf"] = context.sessions.session?.csrf ?? ""
        view["key"] = key
        view["counts"] = counts.map { ["id": $0.key, "value": $0.value] }
        view["query"] = counts.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        view["sections"] = Self.sectionsMark
        if !summary.isEmpty { view["errorSummary"] = ["title": "Correct these before the return can be saved", "items": summary] }
        let html = try site.templates.render("staff-keying", view)
        guard let cut = html.range(of: Self.sectionsMark) else {
            throw HTTPError(.internalServerError, message: "template staff-keying has no {{{sections}}}")
        }
        let head = html[..<cut.lowerBound], tail = html[cut.upperBound...]
        let address = CensusHTML.escape(page.address)
        var size = head.utf8.count + tail.utf8.count + address.utf8.count * max(0, sections.count - 1)
        for part in sections { size += part.utf8.count }
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        buffer.writeSubstring(head)
        for (k, part) in sections.enumerated() {
            if k > 0 { buffer.writeString(address) }
            buffer.writeString(part)
        }
        buffer.writeSubstring(tail)
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }
}
