// The JSON form of an expression, both ways (docs/schema-format.md, *Expressions*).

extension Expression {
    /// `{"int": 16}`, `{"answer": "dob", "of": "member"}`, `{"op": "ge", "args": [...]}`, ...
    public var json: JSONValue {
        switch self {
        case .literal(let literal):
            switch literal {
            case .bool(let b): return ["bool": .bool(b)]
            case .integer(let i): return ["int": .integer(i)]
            case .decimal(let d): return ["dec": .double(d)]
            case .text(let s): return ["text": .string(s)]
            case .date(let d): return ["date": .string(d.iso)]
            case .monthYear(let m): return ["month": .string(m.iso)]
            case .duration(let d): return ["duration": .string(d.description)]
            case .option(let o): return ["option": .string(o)]
            }
        case .answer(let id, let subject): return ["answer": .string(id), "of": .string(subject.rawValue)]
        case .derived(let id, let subject): return ["derived": .string(id), "of": .string(subject.rawValue)]
        case .position(let subject): return ["position": .string(subject.rawValue)]
        case .respondent(let subject): return ["respondent": .string(subject.rawValue)]
        case .builtin(let b): return ["builtin": .string(b.rawValue)]
        case .at(let roster, let position, let e): return ["op": "at", "roster": .string(roster), "position": .integer(position), "args": [e.json]]
        case .addressPart(let e, let part): return ["op": "part", "part": .string(part.rawValue), "args": [e.json]]
        case .count(let roster): return ["op": "count", "roster": .string(roster)]
        case .any(let roster, let e): return ["op": "any", "roster": .string(roster), "args": [e.json]]
        case .countWhere(let roster, let e): return ["op": "count_where", "roster": .string(roster), "args": [e.json]]
        case .unary(let op, let e): return ["op": .string(op.rawValue), "args": [e.json]]
        case .binary(let op, let a, let b): return ["op": .string(op.rawValue), "args": [a.json, b.json]]
        case .member(let e, let items, let negated):
            return ["op": .string(negated ? "not_in" : "in"), "args": .array([e.json] + items.map(\.json))]
        case .answered(let e, let negated):
            return ["op": .string(negated ? "not_answered" : "answered"), "args": [e.json]]
        case .call(let f, let args): return ["op": .string(f.rawValue), "args": .array(args.map(\.json))]
        }
    }

    init(json: JSONValue, _ r: Reader) throws(SchemaError) {
        let o = try r.object(json)
        func subject(_ key: String) throws(SchemaError) -> Subject {
            let s = try r.string(o, key)
            guard let subject = Subject(rawValue: s) else { throw r.fail(key, "unknown subject \(s)") }
            return subject
        }
        if let v = o["bool"], let b = v.boolValue { self = .literal(.bool(b)); return }
        if let v = o["int"], let i = v.intValue { self = .literal(.integer(i)); return }
        if let v = o["dec"], let d = v.doubleValue { self = .literal(.decimal(d)); return }
        if let s = o["text"]?.stringValue { self = .literal(.text(s)); return }
        if let s = o["date"]?.stringValue {
            guard let d = CalendarDate(iso: s) else { throw r.fail("date", "not a date: \(s)") }
            self = .literal(.date(d)); return
        }
        if let s = o["month"]?.stringValue {
            guard let m = MonthYear(iso: s) else { throw r.fail("month", "not a month-year: \(s)") }
            self = .literal(.monthYear(m)); return
        }
        if let s = o["duration"]?.stringValue {
            guard let d = CalendarDuration(text: s) else { throw r.fail("duration", "not a duration: \(s)") }
            self = .literal(.duration(d)); return
        }
        if let s = o["option"]?.stringValue { self = .literal(.option(s)); return }
        if let s = o["answer"]?.stringValue { self = .answer(s, try subject("of")); return }
        if let s = o["derived"]?.stringValue { self = .derived(s, try subject("of")); return }
        if o["position"] != nil { self = .position(try subject("position")); return }
        if o["respondent"] != nil { self = .respondent(try subject("respondent")); return }
        if let s = o["builtin"]?.stringValue {
            guard let b = Builtin(rawValue: s) else { throw r.fail("builtin", "unknown value \(s)") }
            self = .builtin(b); return
        }
        let op = try r.string(o, "op")
        let args: [Expression] = try (o["args"]?.arrayValue ?? []).enumerated().map { (i, v) throws(SchemaError) in
            try Expression(json: v, r.at("args[\(i)]"))
        }
        func arity(_ n: Int) throws(SchemaError) {
            guard args.count == n else { throw r.fail("args", "operator \(op) takes \(n) arguments, found \(args.count)") }
        }
        switch op {
        case "count": self = .count(roster: try r.string(o, "roster"))
        case "at": try arity(1); self = .at(roster: try r.string(o, "roster"), position: try r.int(o, "position"), args[0])
        case "part":
            try arity(1)
            let p = try r.string(o, "part")
            guard let part = AddressPart(rawValue: p) else { throw r.fail("part", "unknown address part \(p)") }
            self = .addressPart(args[0], part)
        case "any": try arity(1); self = .any(roster: try r.string(o, "roster"), args[0])
        case "count_where": try arity(1); self = .countWhere(roster: try r.string(o, "roster"), args[0])
        case "in", "not_in":
            guard !args.isEmpty else { throw r.fail("args", "\(op) needs a value") }
            self = .member(args[0], Array(args.dropFirst()), negated: op == "not_in")
        case "answered", "not_answered": try arity(1); self = .answered(args[0], negated: op == "not_answered")
        default:
            if let u = UnaryOperator(rawValue: op) { try arity(1); self = .unary(u, args[0]); return }
            if let b = BinaryOperator(rawValue: op) { try arity(2); self = .binary(b, args[0], args[1]); return }
            if let f = Function(rawValue: op) { self = .call(f, args); return }
            throw r.fail("op", "unknown operator \(op)")
        }
    }
}
