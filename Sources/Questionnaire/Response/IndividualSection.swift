/// The part of a form a person may answer privately, on an individual access code: the
/// per-member sections declared with `individual_response` (docs/language.md) and the roster
/// they repeat for. Everything here is read from the compiled schema.
///
/// An **individual return** is a response in the usual format (docs/response-format.md) that
/// holds one member: the roster's array with one object, carrying the person's name (the
/// roster's own text questions, as given when the code was issued) and their answers to the
/// section. It is evaluated by the one evaluator, and then judged only on that section
/// (``Evaluation/limited(to:position:)``): the household's questions are not the person's
/// to answer. The household's evaluation, in turn, leaves out the section of every member
/// who answers separately (``Evaluation/excluding(_:positions:)``).
///
/// ```swift
/// if let individual = IndividualSection(schema: schema) {
///     individual.roster                        // "residents"
///     individual.questions.contains("dob")     // true
///     individual.nameKey(of: member)           // "edith rees"
/// }
/// ```
public struct IndividualSection: Sendable, Hashable {
    /// The roster whose members may answer privately.
    public let roster: String
    /// The per-member sections with `individual_response`, in flow order.
    public let sections: [String]
    /// Every question inside those sections (at any depth).
    public let questions: Set<String>
    /// Of those, the voluntary ones (declining one leaves a return complete).
    let voluntary: Set<String>
    /// The roster's own text questions (first and last name, say), in flow order: what names a
    /// person, to find them in the household's roster.
    public let nameQuestions: [String]
    /// The roster's maximum number of members, if it has one.
    public let maxMembers: Int?
    /// The `confirm` checks asked per member of the roster (their confirmations are given by
    /// member position).
    public let confirmChecks: Set<String>

    /// The individual section of a form, or nil when it has none. A form with such sections
    /// for several rosters: those of the first roster (in flow order).
    public init?(schema: Schema) {
        let eligible = schema.containers.filter { $0.kind == .section && $0.individualResponse != nil }
        // A per-member section's scope is its roster's members.
        guard let first = eligible.first, case .member(let roster) = first.scope else { return nil }
        self.roster = roster
        let mine = eligible.filter { $0.scope == .member(roster: roster) }
        sections = mine.map(\.id)
        let parents = Dictionary(schema.containers.map { ($0.id, $0.parent) }, uniquingKeysWith: { a, _ in a })
        let roots = Set(sections)
        func inside(_ container: String?) -> Bool {
            var c = container
            var steps = 0
            while let id = c, steps < 64 {
                if roots.contains(id) { return true }
                c = parents[id] ?? nil
                steps += 1
            }
            return false
        }
        let asked = schema.questions.filter { inside($0.container) }
        questions = Set(asked.map(\.id))
        voluntary = Set(asked.filter(\.voluntary).map(\.id))
        let outline = FormOutline(schema: schema)
        var names: [String] = []
        for part in outline.parts {
            guard case .roster(let r, let form) = part, r == roster else { continue }
            for page in form {
                for q in page.questions {
                    if case .text? = schema.questions.first(where: { $0.id == q })?.type { names.append(q) }
                }
            }
        }
        nameQuestions = names
        maxMembers = schema.containers.first { $0.id == roster && $0.kind == .roster }?.maxMembers
        confirmChecks = Set(schema.checks.filter { $0.severity == .confirm && $0.scope == .member(roster: roster) }.map(\.id))
    }

    /// How a person's name is compared: the words of the name, lower-cased, separated by one
    /// space ("  Edith   REES " and "edith rees" are the same person); "" for no name.
    public static func nameKey(_ parts: [String]) -> String {
        parts.flatMap { $0.lowercased().split(whereSeparator: { $0.isWhitespace }) }.joined(separator: " ")
    }

    /// The name key of a member object: its answers to the first and the last of
    /// ``nameQuestions`` (first and last name; middle names are not compared, as an individual
    /// code is issued to a first and a last name).
    public func nameKey(of member: [String: JSONValue]) -> String {
        guard let first = nameQuestions.first, let last = nameQuestions.last else { return "" }
        let questions = first == last ? [first] : [first, last]
        return Self.nameKey(questions.compactMap { member[$0]?.stringValue })
    }

    /// The 0-based index and question of a path inside a member of the roster:
    /// `$.residents[2].dob.detail` is (2, "dob"); nil for any other path.
    func member(of path: String) -> (index: Int, question: String)? {
        let prefix = "$." + roster + "["
        guard path.hasPrefix(prefix) else { return nil }
        let rest = path.dropFirst(prefix.count)
        guard let close = rest.firstIndex(of: "]"), let index = Int(rest[..<close]) else { return nil }
        let after = rest[rest.index(after: close)...]
        guard after.first == "." else { return nil }
        let question = after.dropFirst().prefix { $0 != "." && $0 != "[" }
        return (index, String(question))
    }
}
