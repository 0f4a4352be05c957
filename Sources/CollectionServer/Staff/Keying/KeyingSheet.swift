import Foundation
import Questionnaire

/// One household's paper return as a keyer sees and keys it: every question of the form in
/// paper (flow) order, for as many people as the paper has person blocks filled, and every
/// pair of the relationship grid, with no routing hiding anything (a paper respondent may
/// answer anything; the evaluator judges routing afterwards and records its `not_applicable`
/// findings).
///
/// The questions and their wording come from the one evaluator
/// (``Evaluator/presentAllQuestions(_:options:)``) and each field is drawn and read back by
/// the household pages' ``QuestionFields``; only choices differ: the keyer types the option's
/// number in the list (`2` for the second), several separated by spaces for "all that apply",
/// as the codes are printed beside the boxes on the paper form.
struct KeyingSheet {
    /// Where an answer goes in the response.
    enum Place: Hashable {
        case household
        /// Member `index` (0-based) of a roster.
        case member(roster: String, index: Int)
        /// Pair `index` (0-based, in ``KeyingSheet/pairs``) of a relationship block.
        case pair(block: String, index: Int)
    }

    /// One box (or group of boxes) of the sheet: a question at its place, with its wording.
    ///
    /// A class, not a struct: a save reads every field of the sheet (some 300 for three people),
    /// and copying the struct retained each of the question's and its presentation's parts,
    /// ~1.5% of a save's server CPU in a profile (50 keyers, 2026-12-01); a copy of a reference
    /// is one retain.
    final class Field: Sendable {
        let question: Question
        let presented: PresentedQuestion
        let place: Place
        /// The HTML name and id: the answer's path without `$.` and brackets
        /// (`tenure`, `residents.0.dob`, `household_relationships.2.relationship`).
        let name: String

        init(question: Question, presented: PresentedQuestion, place: Place, name: String) {
            self.question = question
            self.presented = presented
            self.place = place
            self.name = name
        }
    }

    /// A run of fields of one place (the household, one person, one relationship grid).
    struct Block {
        let heading: String
        let place: Place
        var fields: [Field]
    }

    /// A roster the paper form has person blocks for.
    struct Roster {
        let id: String
        let title: String
        let maxMembers: Int
        /// The relationship block asked for its members, if any.
        let pairBlock: String?
    }

    let schema: Schema
    let blocks: [Block]
    /// Members keyed per roster.
    let counts: [String: Int]
    /// Each relationship block's pairs, in the order they are keyed: (person, other), 1-based,
    /// person after other (docs/response-format.md).
    let pairs: [String: [(person: Int, other: Int)]]
    let variant: String?
    /// The language of the questions' wording.
    let language: String

    /// What a sheet kept for every household (``KeyingSheetCache``) is built with as the
    /// household's address (`{household_address}` in questions' wording), for the page to put
    /// the household's own in its place: two private-use characters around a name, which no
    /// address or wording holds and HTML escaping leaves as they are.
    static let addressMark = "\u{E000}household_address\u{E001}"

    /// Every field, in page order (the blocks' fields, kept flat: a save walks them once to
    /// read the post and looks one up for each finding).
    let fields: [Field]
    /// Each field's position in ``fields`` by its answer's path (`$.residents[2].dob`).
    private let fieldByPath: [String: Int]

    static func rosters(of schema: Schema, language: String) -> [Roster] {
        schema.containers.filter { $0.kind == .roster }.map { roster in
            let block = schema.containers.first { $0.kind == .relationships && $0.roster == roster.id }
            return Roster(id: roster.id, title: roster.title.map { text($0, language) } ?? roster.id,
                          maxMembers: roster.maxMembers ?? 30, pairBlock: block?.id)
        }
    }

    /// Members per roster as a sheet keys them: every roster of the form, `requested` clamped
    /// to 0 through the roster's maximum (a roster not asked: 0).
    static func clampedCounts(schema: Schema, requested: [String: Int]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for roster in rosters(of: schema, language: "en") {
            counts[roster.id] = min(max(0, requested[roster.id] ?? 0), roster.maxMembers)
        }
        return counts
    }

    /// The sheet for `counts` members per roster (clamped to each roster's maximum).
    init(schema: Schema, evaluator: Evaluator, counts requested: [String: Int], variant: String?, address: String, language: String) {
        self.schema = schema
        self.variant = variant
        self.language = language
        let rosters = Self.rosters(of: schema, language: language)
        let counts = Self.clampedCounts(schema: schema, requested: requested)
        var pairs: [String: [(person: Int, other: Int)]] = [:]
        for roster in rosters {
            if let block = roster.pairBlock, let n = counts[roster.id] {
                pairs[block] = n < 2 ? [] : (2...n).flatMap { p in (1..<p).map { (person: p, other: $0) } }
            }
        }
        self.counts = counts
        self.pairs = pairs
        let blank = Self.response(schema: schema, variant: variant, counts: counts, pairs: pairs, answers: [:])
        let shown = evaluator.presentAllQuestions(blank, options: EvaluationOptions(language: language, householdAddress: address))
        let questions = Dictionary(schema.questions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let blockIDs = Set(pairs.keys)
        var blocks: [Block] = []
        for page in shown.pages {
            for presented in page.questions {
                guard let question = questions[presented.id], let place = Self.place(of: presented.path, pairBlocks: blockIDs) else { continue }
                let field = Field(question: question, presented: presented, place: place, name: Self.name(of: presented.path))
                if let last = blocks.last, Self.sameBlock(last.place, place) {
                    blocks[blocks.count - 1].fields.append(field)
                } else {
                    blocks.append(Block(heading: Self.heading(place, rosters: rosters), place: place, fields: [field]))
                }
            }
        }
        self.blocks = blocks
        let fields = blocks.flatMap(\.fields)
        self.fields = fields
        self.fieldByPath = Dictionary(fields.enumerated().map { ($1.presented.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Reading a keyed post

    /// What the keyer typed for one field.
    enum Keyed {
        case answer(JSONValue?)
        /// The input cannot be an answer (not a date, not an option's number), with why.
        case invalid(String)
    }

    /// Reads every field from a post: the response to store, and the fields whose input could
    /// not be read (by name).
    func read(_ posted: FormFields, language: String) -> (response: JSONValue, invalid: [String: String]) {
        let reader = QuestionFields(schema: schema, language: language)
        var answers: [Place: [String: JSONValue]] = [:]
        var invalid: [String: String] = [:]
        for field in fields {
            switch keyed(field, posted, reader: reader) {
            case .answer(let value?): answers[field.place, default: [:]][field.question.id] = value
            case .answer(nil): break
            case .invalid(let why): invalid[field.name] = why
            }
        }
        return (Self.response(schema: schema, variant: variant, counts: counts, pairs: pairs, answers: answers), invalid)
    }

    func keyed(_ field: Field, _ posted: FormFields, reader: QuestionFields) -> Keyed {
        switch field.question.type {
        case .oneOf, .anyOf:
            let multiple: Bool
            if case .anyOf = field.question.type { multiple = true } else { multiple = false }
            let typed = (posted.first(field.name) ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" }).map(String.init)
            if typed.isEmpty { return .answer(nil) }
            if !multiple, typed.count > 1 { return .invalid("Type one code (1 to \(field.presented.options.count))") }
            // The codes as option ids, with any "please specify" details, read as a page's post.
            var pairs: [(String, String)] = []
            for code in typed {
                guard let option = Self.option(code, field.presented.options) else {
                    return .invalid("\(code.prefix(12)) is not a code of this question: type 1 to \(field.presented.options.count)")
                }
                pairs.append((field.name, option.id))
                if let detail = posted.first("\(field.name)-\(option.id)-detail") { pairs.append(("\(field.name)-\(option.id)-detail", detail)) }
            }
            return convert(reader.read(field.question, name: field.name, from: FormFields(pairs)))
        default:
            return convert(reader.read(field.question, name: field.name, from: posted))
        }
    }

    private func convert(_ input: QuestionFields.Input) -> Keyed {
        switch input {
        case .answer(let v): return .answer(v)
        case .invalid(let why): return .invalid(why)
        }
    }

    /// An option typed by its number in the list (1-based) or its id.
    static func option(_ code: String, _ options: [PresentedOption]) -> PresentedOption? {
        if let n = Int(code), (1...options.count).contains(n) { return options[n - 1] }
        return options.first { $0.id == code.lowercased() }
    }

    /// The field a finding's path is about: the longest field path it starts with, ending
    /// where the finding's path ends or goes on with `.` or `[` (`$.residents[0].dob` for
    /// `$.residents[0].dob`; `$.residents[0].country` for `$.residents[0].country.detail`).
    func field(for findingPath: String) -> Field? {
        var path = Substring(findingPath)
        while true {
            if let k = fieldByPath[String(path)] { return fields[k] }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            path = path[..<cut]
        }
    }

    /// Where a field is, for summaries and findings: its label ("Person 2: What is your date
    /// of birth?"), or the pair of a relationship; `address` (the household's) where a sheet
    /// kept for every household has ``addressMark``.
    func `where`(_ field: Field, address: String? = nil) -> String {
        var label = field.presented.label
        if let address, label.contains(Self.addressMark) { label = label.replacingOccurrences(of: Self.addressMark, with: address) }
        switch field.place {
        case .household: return label
        case .member(_, let index): return "Person \(index + 1): \(label)"
        case .pair(let block, let index):
            let pair = pairs[block]?[index]
            return "Relationship of person \(pair?.person ?? 0) to person \(pair?.other ?? 0)"
        }
    }

    // MARK: The response

    static func response(schema: Schema, variant: String?, counts: [String: Int], pairs: [String: [(person: Int, other: Int)]],
                         answers: [Place: [String: JSONValue]]) -> JSONValue {
        var object: [String: JSONValue] = [
            "schema": .object(["id": .string(schema.id), "hash": .string(schema.hash)]),
            "channel": .string("paper"),
        ]
        if let variant { object["variant"] = .string(variant) }
        for (key, value) in answers[.household] ?? [:] { object[key] = value }
        for (roster, n) in counts where n > 0 {
            object[roster] = .array((0..<n).map { .object(answers[.member(roster: roster, index: $0)] ?? [:]) })
        }
        for (block, list) in pairs where !list.isEmpty {
            object[block] = .array(list.enumerated().map { k, pair in
                var o = answers[.pair(block: block, index: k)] ?? [:]
                o["person"] = .integer(pair.person)
                o["other"] = .integer(pair.other)
                return .object(o)
            })
        }
        return .object(object)
    }

    /// `$.tenure` -> household; `$.residents[2].dob` -> member 2 of residents; a pair block's
    /// `$.household_relationships[4].relationship` -> pair 4.
    static func place(of path: String, pairBlocks: Set<String>) -> Place? {
        guard path.hasPrefix("$.") else { return nil }
        let rest = path.dropFirst(2)
        guard let open = rest.firstIndex(of: "[") else { return .household }
        guard let close = rest[open...].firstIndex(of: "]"), let index = Int(rest[rest.index(after: open)..<close]) else { return nil }
        let container = String(rest[..<open])
        return pairBlocks.contains(container) ? .pair(block: container, index: index) : .member(roster: container, index: index)
    }

    static func name(of path: String) -> String {
        String(path.dropFirst(2)).replacingOccurrences(of: "[", with: ".").replacingOccurrences(of: "]", with: "")
    }

    static func sameBlock(_ a: Place, _ b: Place) -> Bool {
        switch (a, b) {
        case (.household, .household): return true
        case (.member(let r1, let i1), .member(let r2, let i2)): return r1 == r2 && i1 == i2
        case (.pair(let b1, _), .pair(let b2, _)): return b1 == b2
        default: return false
        }
    }

    static func heading(_ place: Place, rosters: [Roster]) -> String {
        switch place {
        case .household: return "Household questions"
        case .member(let roster, let index):
            let title = rosters.first { $0.id == roster }?.title ?? roster
            return "Person \(index + 1) (\(title))"
        case .pair: return "Relationships"
        }
    }

    static func text(_ t: LocalizedText, _ language: String) -> String {
        t[language] ?? t["en"] ?? t.values.sorted().first ?? ""
    }
}
