import Questionnaire

/// Who is asked a question, in words, from the compiled routing: the `when` of the question
/// and of every container around it ("Asked of each member of residents, when age is 16 or
/// more and ‘Employee’ is among activity").
struct RoutingInWords {
    let schema: Schema
    private let options: [String: [String: String]]
    private let questionLists: [String: String]
    private let containers: [String: Container]

    init(schema: Schema) {
        self.schema = schema
        let language = schema.languages.first ?? "en"
        var options: [String: [String: String]] = [:]
        for list in schema.choiceLists {
            options[list.id] = Dictionary(list.options.map { ($0.id, $0.label[language] ?? $0.id) }, uniquingKeysWith: { a, _ in a })
        }
        self.options = options
        questionLists = Dictionary(schema.questions.compactMap { q in q.type.choiceList.map { (q.id, $0) } }, uniquingKeysWith: { a, _ in a })
        containers = Dictionary(schema.containers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The sentence for question `id`.
    func whoIsAsked(question id: String) -> String {
        guard let q = schema.questions.first(where: { $0.id == id }) else { return "" }
        var conditions: [String] = []
        if let w = q.when { conditions.append(words(w)) }
        var container = q.container
        var steps = 0
        while let c = container.flatMap({ containers[$0] }), steps < 64 {
            if let w = c.when { conditions.insert(words(w), at: 0) }
            container = c.parent
            steps += 1
        }
        let who: String
        switch q.scope {
        case .household: who = "Asked once for the household"
        case .member(let r): who = "Asked of each member of \(r)"
        case .pair(let r): who = "Asked for each pair of members of \(r)"
        }
        return conditions.isEmpty ? who + ", always" : who + ", when " + conditions.joined(separator: ", and ")
    }

    func words(_ e: Expression, list: String? = nil) -> String {
        switch e {
        case .literal(let l):
            switch l {
            case .bool(let b): return b ? "true" : "false"
            case .integer(let i): return String(i)
            case .decimal(let d): return String(d)
            case .text(let t): return "“\(t)”"
            case .date(let d): return d.iso
            case .monthYear(let m): return m.iso
            case .duration(let d): return d.description
            case .option(let o):
                if let list, let label = options[list]?[o] { return "‘\(label)’" }
                return o
            }
        case .answer(let id, let subject): return name(id, subject)
        case .derived(let id, let subject): return name(id, subject)
        case .position(let subject): return subject == .other ? "the other's position" : "the person's position"
        case .respondent(let subject): return subject == .other ? "the other is the respondent" : "the person is the respondent"
        case .builtin(let b):
            switch b {
            case .today: return "the day of the response"
            case .variant: return "the form's variant"
            case .householdAddress: return "the household's address"
            }
        case .at(let roster, let position, let inner): return "\(words(inner)) of member \(position) of \(roster)"
        case .addressPart(let inner, let part): return "the \(part.rawValue) of \(words(inner))"
        case .count(let roster): return "the number of \(roster)"
        case .any(let roster, let inner): return "any of \(roster) has \(words(inner))"
        case .countWhere(let roster, let inner): return "the number of \(roster) with \(words(inner))"
        case .unary(.not, let inner): return "not (\(words(inner)))"
        case .unary(.negate, let inner): return "-\(words(inner))"
        case .binary(let op, let a, let b):
            let l = listOf(a) ?? listOf(b)
            let x = words(a, list: l), y = words(b, list: l)
            switch op {
            case .and: return "\(x) and \(y)"
            case .or: return "(\(x) or \(y))"
            case .equal: return "\(x) is \(y)"
            case .notEqual: return "\(x) is not \(y)"
            case .less: return "\(x) is less than \(y)"
            case .lessOrEqual: return "\(x) is \(y) or less"
            case .greater: return "\(x) is more than \(y)"
            case .greaterOrEqual: return "\(x) is \(y) or more"
            case .add: return "\(x) + \(y)"
            case .subtract: return "\(x) - \(y)"
            case .multiply: return "\(x) × \(y)"
            case .divide: return "\(x) / \(y)"
            case .contains: return "\(y) is among \(x)"
            }
        case .member(let x, let items, let negated):
            let l = listOf(x)
            let choices = items.map { words($0, list: l) }.joined(separator: ", ")
            return "\(words(x)) is \(negated ? "none of" : "one of") \(choices)"
        case .answered(let x, let negated): return "\(words(x)) is \(negated ? "not " : "")answered"
        case .call(.yearsBetween, let args): return "whole years from \(args.first.map { words($0) } ?? "") to \(args.dropFirst().first.map { words($0) } ?? "")"
        case .call(.join, let args): return args.map { words($0) }.joined(separator: " ")
        }
    }

    private func name(_ id: String, _ subject: Expression.Subject) -> String {
        switch subject {
        case .household, .member: return id
        case .person: return "the person's \(id)"
        case .other: return "the other's \(id)"
        case .outer: return "this member's \(id)"
        }
    }

    private func listOf(_ e: Expression) -> String? {
        if case .answer(let id, _) = e { return questionLists[id] }
        return nil
    }
}
