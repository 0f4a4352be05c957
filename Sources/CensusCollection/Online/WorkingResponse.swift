import Foundation
import Questionnaire

/// A household's answers so far, as folded from its page saves: what the online
/// questionnaire shows, evaluates and finally submits (see ``OnlineAnswers``).
///
/// Roster members have stable ids (`m1`, `m2`, … per roster, never reused) so that removing
/// a member does not move anybody else's answers, relationships or confirmations; positions
/// (1-based, as in responses) are computed from the order when a response is built.
///
/// ## Page saves
/// Each page save stores a **delta**, the change one page made, as a compact JSON object:
///
/// | key | meaning |
/// |---|---|
/// | `s` | the schema hash the answers are for (only when it changes; first save) |
/// | `v` | the screen saved (marks it visited: resume goes to the first unvisited one) |
/// | `h` | household answers `{question: value}`; `null` clears an answer |
/// | `m` | member answers `{"roster/m3": {question: value}}`; a new member id adds the member |
/// | `x` | a member removed: `"roster/m2"` (with its relationships and confirmations) |
/// | `r` | relationship answers `{"roster/m3/m1": {question: value}}` (person, other) |
/// | `c` | confirmations given: `["confirm_age@m3"]` (`check@instance`) |
/// | `l` | the language chosen |
/// | `o` | the household signed out (milliseconds since 1970): sessions signed in before end |
///
/// A delta sets values; applying one twice changes nothing more, so a repeated post is harmless.
public struct WorkingResponse: Sendable, Equatable {
    /// A roster member: a stable id (`m3`) and its answers by question id.
    public struct Member: Sendable, Equatable {
        /// The member's stable id in its roster (`m3`), never reused after a removal.
        public var id: String
        /// The member's answers by question id, as the response format spells them.
        public var answers: [String: JSONValue] = [:]

        /// Makes a member with its id and any answers.
        public init(id: String, answers: [String: JSONValue] = [:]) {
            self.id = id
            self.answers = answers
        }
    }

    /// Household answers by question id (a cleared answer is absent).
    public var household: [String: JSONValue] = [:]
    /// Each roster's members in list order, by roster id: their order gives their positions.
    public var members: [String: [Member]] = [:]
    /// Roster → "person/other" (member ids) → answers.
    public var pairs: [String: [String: [String: JSONValue]]] = [:]
    /// Check → instance keys confirmed ("" household, "m3" member, "m3/m1" pair).
    public var confirmations: [String: Set<String>] = [:]
    /// The screens saved at least once (`page/tenure`): resume goes to the first screen not in it.
    public var visited: Set<String> = []
    /// The highest member number used per roster (ids are never reused).
    public var lastMemberNumber: [String: Int] = [:]
    /// The hash of the compiled schema the answers are for, from the first save (`sha256:…`).
    public var schemaHash: String?
    /// The language the household chose (`en`, `cy`), if it chose one.
    public var language: String?
    /// When the household last signed out (milliseconds since 1970), if it has.
    public var signedOutAt: Int64?
    /// When the first page was saved (seconds since 1970).
    public var startedAt: Int64?
    /// No answers yet: the state before the first save.
    public init() {}

    /// The sequence number of the last save applied (0 for none).
    public var lastSequence: Int64 = 0
    /// The completeness recorded with the last save (0…1).
    public var completeness: Double = 0

    /// Applies one saved delta (saved at `savedAt`, seconds since 1970).
    public mutating func apply(_ delta: JSONValue, sequence: Int64, savedAt: Int64) {
        lastSequence = sequence
        guard case .object(let d) = delta else { return }
        if startedAt == nil, d["o"] == nil { startedAt = savedAt }
        if let s = d["s"]?.stringValue { schemaHash = s }
        if let l = d["l"]?.stringValue { language = l }
        if let o = d["o"]?.intValue { signedOutAt = Int64(o) }
        if let v = d["v"]?.stringValue { visited.insert(v) }
        if let x = d["x"]?.stringValue, let (roster, id) = Self.split2(x) { removeMember(roster: roster, id: id) }
        if case .object(let h)? = d["h"] { Self.merge(h, into: &household) }
        if case .object(var m)? = d["m"] {
            if let added = d["a"]?.stringValue, let (roster, id) = Self.split2(added), let answers = m[added],
               members[roster]?.contains(where: { $0.id == id }) == true {
                m[added] = nil
                m["\(roster)/\(newMemberID(roster: roster))"] = answers
            }
            for key in m.keys.sorted() {
                guard let (roster, id) = Self.split2(key), case .object(let answers)? = m[key] else { continue }
                var list = members[roster] ?? []
                if let k = list.firstIndex(where: { $0.id == id }) {
                    Self.merge(answers, into: &list[k].answers)
                } else {
                    var member = Member(id: id)
                    Self.merge(answers, into: &member.answers)
                    list.append(member)
                    if let n = Self.memberNumber(id) { lastMemberNumber[roster] = max(lastMemberNumber[roster] ?? 0, n) }
                }
                members[roster] = list
            }
        }
        if case .object(let r)? = d["r"] {
            for key in r.keys.sorted() {
                let parts = key.split(separator: "/").map(String.init)
                guard parts.count == 3, case .object(let answers)? = r[key] else { continue }
                var answersSoFar = pairs[parts[0], default: [:]][parts[1] + "/" + parts[2], default: [:]]
                Self.merge(answers, into: &answersSoFar)
                pairs[parts[0], default: [:]][parts[1] + "/" + parts[2]] = answersSoFar
            }
        }
        if case .array(let c)? = d["c"] {
            for item in c {
                guard let text = item.stringValue, let at = text.firstIndex(of: "@") else { continue }
                confirmations[String(text[..<at]), default: []].insert(String(text[text.index(after: at)...]))
            }
        }
    }

    private mutating func removeMember(roster: String, id: String) {
        members[roster]?.removeAll { $0.id == id }
        if var rosterPairs = pairs[roster] {
            for key in rosterPairs.keys where key.split(separator: "/").contains(Substring(id)) { rosterPairs[key] = nil }
            pairs[roster] = rosterPairs
        }
        for check in confirmations.keys {
            confirmations[check] = confirmations[check]?.filter { !$0.split(separator: "/").contains(Substring(id)) }
        }
        visited = visited.filter { !$0.hasPrefix("member/\(roster)/\(id)/") && $0 != "relationships/\(roster)/\(id)" }
    }

    private static func merge(_ answers: [String: JSONValue], into target: inout [String: JSONValue]) {
        for (q, v) in answers {
            if v.isNull { target[q] = nil } else { target[q] = v }
        }
    }

    /// Splits a delta key of two parts, `"roster/m3"` or `"m3/m1"`, at its one `/`; `nil` when
    /// it has another number of parts or an empty one.
    public static func split2(_ key: String) -> (String, String)? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    static func memberNumber(_ id: String) -> Int? {
        guard id.first == "m" else { return nil }
        return Int(id.dropFirst())
    }

    /// A new member id for `roster`.
    public func newMemberID(roster: String) -> String { "m\((lastMemberNumber[roster] ?? 0) + 1)" }

    /// The 1-based position of a member, or nil when it is not (or no longer) in the roster.
    public func position(of id: String, in roster: String) -> Int? {
        members[roster]?.firstIndex { $0.id == id }.map { $0 + 1 }
    }

    /// The member at a 1-based position.
    public func member(at position: Int, in roster: String) -> Member? {
        guard let list = members[roster], position >= 1, position <= list.count else { return nil }
        return list[position - 1]
    }

    // MARK: The response

    /// The response these answers make, in the documented response format (positions,
    /// relationship pairs with `person` after `other`, confirmations by position).
    ///
    /// - parameter variant: the variant of the form answered (``OnlineAnswers/variant(for:schema:)``).
    public func response(schema: Schema, outline: FormOutline, submittedAt: Date? = nil, variant: String? = nil) -> JSONValue {
        var top: [String: JSONValue] = [
            "schema": .object(["id": .string(schema.id), "hash": .string(schema.hash), "version": .string(schema.version)]),
            "channel": "online",
        ]
        if let variant { top["variant"] = .string(variant) }
        if let language, schema.languages.contains(language) { top["language"] = .string(language) }
        if let startedAt { top["startedAt"] = .string(Self.iso(Date(timeIntervalSince1970: Double(startedAt)))) }
        if let submittedAt { top["submittedAt"] = .string(Self.iso(submittedAt)) }
        for (q, v) in household { top[q] = v }
        for (roster, list) in members where !list.isEmpty {
            top[roster] = .array(list.map { .object($0.answers) })
        }
        for part in outline.parts {
            guard case .relationships(let block, let roster, _) = part, let rosterPairs = pairs[roster] else { continue }
            var items: [(Int, Int, JSONValue)] = []
            for (key, answers) in rosterPairs where !answers.isEmpty {
                guard let (p, o) = Self.split2(key), let person = position(of: p, in: roster), let other = position(of: o, in: roster), person > other else { continue }
                var object = answers
                object["person"] = .integer(person)
                object["other"] = .integer(other)
                items.append((person, other, .object(object)))
            }
            if !items.isEmpty { top[block] = .array(items.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)) }
        }
        var confirmed: [String: JSONValue] = [:]
        for check in schema.checks where check.severity == .confirm {
            guard let keys = confirmations[check.id], !keys.isEmpty else { continue }
            switch check.scope {
            case .household: if keys.contains("") { confirmed[check.id] = true }
            case .member(let roster):
                let positions = keys.compactMap { position(of: $0, in: roster) }.sorted()
                if !positions.isEmpty { confirmed[check.id] = .array(positions.map { .integer($0) }) }
            case .pair(let roster):
                var pairsConfirmed: [[Int]] = []
                for key in keys {
                    guard let (p, o) = Self.split2(key), let person = position(of: p, in: roster), let other = position(of: o, in: roster), person > other else { continue }
                    pairsConfirmed.append([person, other])
                }
                if !pairsConfirmed.isEmpty {
                    confirmed[check.id] = .array(pairsConfirmed.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }.map { .array($0.map { .integer($0) }) })
                }
            }
        }
        if !confirmed.isEmpty { top["confirmations"] = .object(confirmed) }
        return .object(top)
    }

    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
