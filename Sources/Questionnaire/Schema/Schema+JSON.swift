import Crypto

// The compiled schema's JSON form, documented in docs/schema-format.md. Writing goes through
// `JSONWriter`, so equal schemas always give equal bytes.

extension Schema {
    /// The schema as a JSON value, including its hash.
    public var json: JSONValue {
        var object = jsonWithoutHash
        object["hash"] = .string(hash)
        return .object(object)
    }

    private var jsonWithoutHash: [String: JSONValue] {
        var object: [String: JSONValue] = [
            "format": .string(Schema.formatIdentifier),
            "id": .string(id),
            "version": .string(version),
            "title": title.json,
            "languages": .array(languages.map { .string($0) }),
            "censusDate": .string(censusDate.iso),
            "choiceLists": .array(choiceLists.map(\.json)),
            "containers": .array(containers.map(\.json)),
            "questions": .array(questions.map(\.json)),
            "derived": .array(derived.map(\.json)),
            "checks": .array(checks.map(\.json)),
            "endings": .array(endings.map(\.json)),
            "variants": .array(variants.map { .string($0) }),
            "suggestions": .array(suggestions.map(\.json)),
        ]
        // Only when given, so that every schema without them keeps its bytes and its hash.
        if !messages.isEmpty {
            object["messages"] = .object(messages.mapValues { .object($0.mapValues { .string($0) }) })
        }
        return object
    }

    /// The content hash of everything but the hash field: `sha256:` and 64 hex digits.
    public var computedHash: String {
        let bytes = JSONWriter().bytes(.object(jsonWithoutHash))
        let digest = SHA256.hash(data: bytes)
        return "sha256:" + digest.map { byte in
            let s = String(byte, radix: 16)
            return byte < 16 ? "0" + s : s
        }.joined()
    }

    /// Sets ``hash`` from the content.
    public mutating func seal() { hash = computedHash }

    /// Canonical bytes: pretty-printed, keys sorted, a final newline.
    public func canonicalBytes() -> [UInt8] { JSONWriter(pretty: true).bytes(json) }

    /// Reads a compiled schema, checking its format and that its hash matches its content.
    public init(jsonBytes bytes: some Collection<UInt8>) throws(SchemaError) {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw SchemaError("not valid JSON: \(error)") }
        try self.init(json: value)
    }

    public init(json: JSONValue) throws(SchemaError) {
        let r = Reader(path: "$")
        guard let object = json.objectValue else { throw SchemaError("a schema must be a JSON object") }
        let format = try r.string(object, "format")
        guard format == Schema.formatIdentifier else {
            throw SchemaError("unsupported schema format '\(format)'; this build reads '\(Schema.formatIdentifier)'")
        }
        let dateText = try r.string(object, "censusDate")
        guard let date = CalendarDate(iso: dateText) else { throw SchemaError("$.censusDate: not a date: \(dateText)") }
        self.init(
            id: try r.string(object, "id"),
            version: try r.string(object, "version"),
            title: try r.text(object, "title"),
            languages: try r.array(object, "languages").map { (v) throws(SchemaError) in
                guard let s = v.stringValue else { throw SchemaError("$.languages: expected strings") }
                return s
            },
            censusDate: date,
            choiceLists: try r.array(object, "choiceLists").enumerated().map { (i, v) throws(SchemaError) in
                try ChoiceList(json: v, r.at("choiceLists[\(i)]"))
            },
            containers: try r.array(object, "containers").enumerated().map { (i, v) throws(SchemaError) in
                try Container(json: v, r.at("containers[\(i)]"))
            },
            questions: try r.array(object, "questions").enumerated().map { (i, v) throws(SchemaError) in
                try Question(json: v, r.at("questions[\(i)]"))
            },
            derived: try r.array(object, "derived").enumerated().map { (i, v) throws(SchemaError) in
                try DerivedValue(json: v, r.at("derived[\(i)]"))
            },
            checks: try r.array(object, "checks").enumerated().map { (i, v) throws(SchemaError) in
                try Check(json: v, r.at("checks[\(i)]"))
            },
            endings: try r.array(object, "endings").enumerated().map { (i, v) throws(SchemaError) in
                try Ending(json: v, r.at("endings[\(i)]"))
            },
            variants: try r.strings(object, "variants"),
            suggestions: try r.array(object, "suggestions").enumerated().map { (i, v) throws(SchemaError) in
                try SuggestionList(json: v, r.at("suggestions[\(i)]"))
            },
            messages: try Schema.readMessages(object["messages"]),
            hash: try r.string(object, "hash")
        )
        let expected = computedHash
        guard hash == expected else {
            throw SchemaError("the schema's hash \(hash) does not match its content (\(expected)): it was edited after compiling; compile it again")
        }
    }
}

extension Schema {
    /// `"messages": {"gd": {"required": "..."}}`, absent when the form gives none.
    static func readMessages(_ value: JSONValue?) throws(SchemaError) -> [String: [String: String]] {
        guard let value, !value.isNull else { return [:] }
        guard let languages = value.objectValue else { throw SchemaError("$.messages: expected an object of languages") }
        var out: [String: [String: String]] = [:]
        for (language, texts) in languages {
            guard let texts = texts.objectValue else { throw SchemaError("$.messages.\(language): expected an object of messages") }
            var byCode: [String: String] = [:]
            for (code, text) in texts {
                guard let text = text.stringValue else { throw SchemaError("$.messages.\(language).\(code): expected a string") }
                byCode[code] = text
            }
            out[language] = byCode
        }
        return out
    }
}

/// A compiled schema that cannot be read.
public struct SchemaError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Small typed accessors that say where in the document a field was missing or wrong.
struct Reader {
    var path: String

    func at(_ component: String) -> Reader { Reader(path: path + "." + component) }

    func fail(_ key: String, _ what: String) -> SchemaError { SchemaError("\(path).\(key): \(what)") }

    func value(_ o: [String: JSONValue], _ key: String) throws(SchemaError) -> JSONValue {
        guard let v = o[key] else { throw fail(key, "missing") }
        return v
    }

    func string(_ o: [String: JSONValue], _ key: String) throws(SchemaError) -> String {
        guard let s = try value(o, key).stringValue else { throw fail(key, "expected a string") }
        return s
    }

    func optionalString(_ o: [String: JSONValue], _ key: String) throws(SchemaError) -> String? {
        guard let v = o[key], !v.isNull else { return nil }
        guard let s = v.stringValue else { throw fail(key, "expected a string") }
        return s
    }

    func int(_ o: [String: JSONValue], _ key: String) throws(SchemaError) -> Int {
        guard let i = try value(o, key).intValue else { throw fail(key, "expected an integer") }
        return i
    }

    func optionalInt(_ o: [String: JSONValue], _ key: String) throws(SchemaError) -> Int? {
        guard let v = o[key], !v.isNull else { return nil }
        guard let i = v.intValue else { throw fail(key, "expected an integer") }
        return i
    }

    func bool(_ o: [String: JSONValue], _ key: String) throws(SchemaError) -> Bool {
        guard let v = o[key] else { return false }
        guard let b = v.boolValue else { throw fail(key, "expected true or false") }
        return b
    }

    func array(_ o: [String: JSONValue], _ key: String) throws(SchemaError) -> [JSONValue] {
        guard let a = try value(o, key).arrayValue else { throw fail(key, "expected an array") }
        return a
    }

    /// An optional array (absent means empty).
    func optionalArray(_ o: [String: JSONValue], _ key: String) throws(SchemaError) -> [JSONValue] {
        guard let v = o[key], !v.isNull else { return [] }
        guard let a = v.arrayValue else { throw fail(key, "expected an array") }
        return a
    }

    func strings(_ o: [String: JSONValue], _ key: String) throws(SchemaError) -> [String] {
        try array(o, key).map { (v) throws(SchemaError) in
            guard let s = v.stringValue else { throw fail(key, "expected strings") }
            return s
        }
    }

    func object(_ v: JSONValue) throws(SchemaError) -> [String: JSONValue] {
        guard let o = v.objectValue else { throw SchemaError("\(path): expected an object") }
        return o
    }

    func text(_ o: [String: JSONValue], _ key: String) throws(SchemaError) -> LocalizedText {
        guard let t = try optionalText(o, key) else { throw fail(key, "missing") }
        return t
    }

    func optionalText(_ o: [String: JSONValue], _ key: String) throws(SchemaError) -> LocalizedText? {
        guard let v = o[key], !v.isNull else { return nil }
        guard let members = v.objectValue else { throw fail(key, "expected an object of language to text") }
        var text: LocalizedText = [:]
        for (language, s) in members {
            guard let s = s.stringValue else { throw fail(key, "expected text for language \(language)") }
            text[language] = s
        }
        return text
    }

    func scope(_ o: [String: JSONValue], _ key: String) throws(SchemaError) -> Scope {
        let s = try string(o, key)
        guard let scope = Scope(s) else { throw fail(key, "not a scope: \(s)") }
        return scope
    }

    func expression(_ o: [String: JSONValue], _ key: String) throws(SchemaError) -> Expression {
        try Expression(json: try value(o, key), at(key))
    }

    func optionalExpression(_ o: [String: JSONValue], _ key: String) throws(SchemaError) -> Expression? {
        guard let v = o[key], !v.isNull else { return nil }
        return try Expression(json: v, at(key))
    }
}

extension Dictionary where Key == String, Value == String {
    var json: JSONValue { .object(mapValues { .string($0) }) }
}

/// Adds `key: value` only when the value is present, so absent fields stay absent in the JSON.
func put(_ object: inout [String: JSONValue], _ key: String, _ value: JSONValue?) {
    if let value { object[key] = value }
}

extension ChoiceList {
    var json: JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id),
            "options": .array(options.map { option in
                var o: [String: JSONValue] = ["id": .string(option.id), "label": option.label.json]
                if option.exclusive { o["exclusive"] = true }
                if let s = option.specify {
                    var so: [String: JSONValue] = ["prompt": s.prompt.json]
                    if let n = s.number {
                        var range: [String: JSONValue] = ["kind": "integer"]
                        put(&range, "min", n.min.map { .integer($0) })
                        put(&range, "max", n.max.map { .integer($0) })
                        so["type"] = .object(range)
                    } else {
                        so["maxLength"] = .integer(s.maxLength)
                    }
                    o["specify"] = .object(so)
                }
                put(&o, "description", option.description?.json)
                put(&o, "when", option.when?.json)
                return .object(o)
            }),
        ]
        if !orders.isEmpty { o["orders"] = .object(orders.mapValues { .array($0.map { .string($0) }) }) }
        return .object(o)
    }

    init(json: JSONValue, _ r: Reader) throws(SchemaError) {
        let o = try r.object(json)
        id = try r.string(o, "id")
        options = try r.array(o, "options").enumerated().map { (i, v) throws(SchemaError) in
            let r = r.at("options[\(i)]")
            let oo = try r.object(v)
            var specify: Specify?
            if let s = oo["specify"] {
                let sr = r.at("specify")
                let so = try sr.object(s)
                if let t = so["type"] {
                    let tr = sr.at("type")
                    let to = try tr.object(t)
                    guard try tr.string(to, "kind") == "integer" else { throw tr.fail("kind", "a detail is text or an integer") }
                    specify = Specify(prompt: try sr.text(so, "prompt"), maxLength: 0,
                        number: NumberRange(min: try tr.optionalInt(to, "min"), max: try tr.optionalInt(to, "max")))
                } else {
                    specify = Specify(prompt: try sr.text(so, "prompt"), maxLength: try sr.int(so, "maxLength"))
                }
            }
            return Option(
                id: try r.string(oo, "id"), label: try r.text(oo, "label"), exclusive: try r.bool(oo, "exclusive"), specify: specify,
                description: try r.optionalText(oo, "description"), when: try r.optionalExpression(oo, "when"))
        }
        var orders: [String: [String]] = [:]
        if let v = o["orders"] {
            guard let object = v.objectValue else { throw r.fail("orders", "expected an object of variant to option ids") }
            for (variant, ids) in object {
                guard let list = ids.arrayValue?.compactMap(\.stringValue) else { throw r.fail("orders", "expected option ids") }
                orders[variant] = list
            }
        }
        self.orders = orders
    }
}

extension Container {
    var json: JSONValue {
        var o: [String: JSONValue] = ["id": .string(id), "kind": .string(kind.rawValue), "scope": .string(scope.description)]
        put(&o, "title", title?.json)
        put(&o, "parent", parent.map { .string($0) })
        put(&o, "when", when?.json)
        put(&o, "self", selfWhen?.json)
        put(&o, "min", minMembers.map { .integer($0) })
        put(&o, "max", maxMembers.map { .integer($0) })
        put(&o, "roster", roster.map { .string($0) })
        put(&o, "unrelated", unrelatedOption.map { .string($0) })
        put(&o, "respondentFirst", respondentFirst?.json)
        put(&o, "listWording", listWording?.json)
        if !body.isEmpty { o["body"] = .array(body.map(\.json)) }
        if !definitions.isEmpty { o["definitions"] = .array(definitions.map(\.json)) }
        if let ir = individualResponse {
            var iro: [String: JSONValue] = [:]
            put(&iro, "when", ir.when?.json)
            o["individualResponse"] = .object(iro)
        }
        if !endedBy.isEmpty { o["endedBy"] = .array(endedBy.map { .string($0) }) }
        o["position"] = .integer(position)
        return .object(o)
    }

    init(json: JSONValue, _ r: Reader) throws(SchemaError) {
        let o = try r.object(json)
        let kindText = try r.string(o, "kind")
        guard let kind = Kind(rawValue: kindText) else { throw r.fail("kind", "unknown container kind \(kindText)") }
        var individual: IndividualResponse?
        if let v = o["individualResponse"] {
            let ir = r.at("individualResponse")
            individual = IndividualResponse(when: try ir.optionalExpression(try ir.object(v), "when"))
        }
        self.init(
            id: try r.string(o, "id"), kind: kind, title: try r.optionalText(o, "title"),
            parent: try r.optionalString(o, "parent"), scope: try r.scope(o, "scope"),
            when: try r.optionalExpression(o, "when"), selfWhen: try r.optionalExpression(o, "self"),
            minMembers: try r.optionalInt(o, "min"), maxMembers: try r.optionalInt(o, "max"),
            roster: try r.optionalString(o, "roster"), unrelatedOption: try r.optionalString(o, "unrelated"),
            respondentFirst: try r.optionalExpression(o, "respondentFirst"),
            listWording: try o["listWording"].map { (v) throws(SchemaError) in try ListWording(json: v, r.at("listWording")) },
            body: try r.optionalArray(o, "body").enumerated().map { (i, v) throws(SchemaError) in
                guard let t = try r.at("body").optionalText(["t": v], "t") else { throw r.fail("body[\(i)]", "expected a text") }
                return t
            },
            definitions: try r.optionalArray(o, "definitions").enumerated().map { (i, v) throws(SchemaError) in
                try Definition(json: v, r.at("definitions[\(i)]"))
            },
            individualResponse: individual,
            endedBy: try r.optionalArray(o, "endedBy").compactMap(\.stringValue),
            position: try r.optionalInt(o, "position") ?? 0)
    }
}

extension AnswerType {
    var json: JSONValue {
        var o: [String: JSONValue] = ["kind": .string(kindName)]
        switch self {
        case .text(let maxLength, let pattern, let options):
            o["maxLength"] = .integer(maxLength)
            put(&o, "pattern", pattern.map { .string($0) })
            if options.multiline { o["multiline"] = true }
            put(&o, "suggestions", options.suggestions.map { .string($0) })
            put(&o, "noneOption", options.noneOption.map { .object(["id": .string($0.id), "label": $0.label.json]) })
        case .integer(let lo, let hi), .decimal(let lo, let hi), .date(let lo, let hi), .monthYear(let lo, let hi):
            put(&o, "min", lo?.json)
            put(&o, "max", hi?.json)
        case .oneOf(let list), .anyOf(let list):
            o["choices"] = .string(list)
        case .address(let ukOnly):
            if ukOnly { o["ukOnly"] = true }
        }
        return .object(o)
    }

    init(json: JSONValue, _ r: Reader) throws(SchemaError) {
        let o = try r.object(json)
        let kind = try r.string(o, "kind")
        switch kind {
        case "text":
            var none: TextOptions.NoneOption?
            if let v = o["noneOption"] {
                let nr = r.at("noneOption")
                let no = try nr.object(v)
                none = TextOptions.NoneOption(id: try nr.string(no, "id"), label: try nr.text(no, "label"))
            }
            self = .text(
                maxLength: try r.int(o, "maxLength"), pattern: try r.optionalString(o, "pattern"),
                options: TextOptions(multiline: try r.bool(o, "multiline"), suggestions: try r.optionalString(o, "suggestions"), noneOption: none))
        case "integer": self = .integer(min: try r.optionalExpression(o, "min"), max: try r.optionalExpression(o, "max"))
        case "decimal": self = .decimal(min: try r.optionalExpression(o, "min"), max: try r.optionalExpression(o, "max"))
        case "date": self = .date(min: try r.optionalExpression(o, "min"), max: try r.optionalExpression(o, "max"))
        case "month_year": self = .monthYear(min: try r.optionalExpression(o, "min"), max: try r.optionalExpression(o, "max"))
        case "one_of": self = .oneOf(list: try r.string(o, "choices"))
        case "any_of": self = .anyOf(list: try r.string(o, "choices"))
        case "address": self = .address(ukOnly: try r.bool(o, "ukOnly"))
        default: throw r.fail("kind", "unknown answer type \(kind)")
        }
    }
}

extension Question {
    var json: JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id), "scope": .string(scope.description), "type": type.json, "label": label.json,
        ]
        if required { o["required"] = true }
        if voluntary { o["voluntary"] = true }
        put(&o, "when", when?.json)
        if !hints.isEmpty { o["hints"] = .array(hints.map(\.json)) }
        if !definitions.isEmpty { o["definitions"] = .array(definitions.map(\.json)) }
        put(&o, "container", container.map { .string($0) })
        if !endedBy.isEmpty { o["endedBy"] = .array(endedBy.map { .string($0) }) }
        return .object(o)
    }

    init(json: JSONValue, _ r: Reader) throws(SchemaError) {
        let o = try r.object(json)
        self.init(
            id: try r.string(o, "id"), scope: try r.scope(o, "scope"),
            type: try AnswerType(json: try r.value(o, "type"), r.at("type")), required: try r.bool(o, "required"),
            when: try r.optionalExpression(o, "when"), label: try r.text(o, "label"),
            hints: try r.optionalArray(o, "hints").enumerated().map { (i, v) throws(SchemaError) in try Hint(json: v, r.at("hints[\(i)]")) },
            definitions: try r.optionalArray(o, "definitions").enumerated().map { (i, v) throws(SchemaError) in
                try Definition(json: v, r.at("definitions[\(i)]"))
            },
            voluntary: try r.bool(o, "voluntary"),
            container: try r.optionalString(o, "container"),
            endedBy: try r.optionalArray(o, "endedBy").compactMap(\.stringValue))
    }
}

extension DerivedValue {
    var json: JSONValue {
        .object([
            "id": .string(id), "scope": .string(scope.description), "expression": expression.json,
            "valueType": .string(valueType),
        ])
    }

    init(json: JSONValue, _ r: Reader) throws(SchemaError) {
        let o = try r.object(json)
        self.init(
            id: try r.string(o, "id"), scope: try r.scope(o, "scope"), expression: try r.expression(o, "expression"),
            valueType: try r.string(o, "valueType"))
    }
}

extension Check {
    var json: JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id), "scope": .string(scope.description), "severity": .string(severity.rawValue),
            "when": when.json, "message": message.json, "target": .string(target),
        ]
        put(&o, "container", container.map { .string($0) })
        if !endedBy.isEmpty { o["endedBy"] = .array(endedBy.map { .string($0) }) }
        return .object(o)
    }

    init(json: JSONValue, _ r: Reader) throws(SchemaError) {
        let o = try r.object(json)
        let severityText = try r.string(o, "severity")
        guard let severity = Severity(rawValue: severityText) else { throw r.fail("severity", "unknown severity \(severityText)") }
        self.init(
            id: try r.string(o, "id"), scope: try r.scope(o, "scope"), severity: severity,
            when: try r.expression(o, "when"), message: try r.text(o, "message"), target: try r.string(o, "target"),
            container: try r.optionalString(o, "container"), endedBy: try r.optionalArray(o, "endedBy").compactMap(\.stringValue))
    }
}

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

extension Hint {
    var json: JSONValue {
        var o: [String: JSONValue] = ["text": text.json]
        put(&o, "when", when?.json)
        return .object(o)
    }

    init(json: JSONValue, _ r: Reader) throws(SchemaError) {
        let o = try r.object(json)
        self.init(text: try r.text(o, "text"), when: try r.optionalExpression(o, "when"))
    }
}

extension Definition {
    var json: JSONValue { .object(["title": title.json, "body": body.json]) }

    init(json: JSONValue, _ r: Reader) throws(SchemaError) {
        let o = try r.object(json)
        self.init(title: try r.text(o, "title"), body: try r.text(o, "body"))
    }
}

extension ListWording {
    static let keys = ["add", "more", "change", "remove", "summary", "item"]

    var json: JSONValue {
        var o: [String: JSONValue] = [:]
        put(&o, "add", add?.json)
        put(&o, "more", more?.json)
        put(&o, "change", change?.json)
        put(&o, "remove", remove?.json)
        put(&o, "summary", summary?.json)
        put(&o, "item", item?.json)
        return .object(o)
    }

    init(json: JSONValue, _ r: Reader) throws(SchemaError) {
        let o = try r.object(json)
        self.init(
            add: try r.optionalText(o, "add"), more: try r.optionalText(o, "more"), change: try r.optionalText(o, "change"),
            remove: try r.optionalText(o, "remove"), summary: try r.optionalText(o, "summary"), item: try r.optionalText(o, "item"))
    }
}

extension Ending {
    var json: JSONValue {
        var o: [String: JSONValue] = ["id": .string(id), "scope": .string(scope.description), "section": .string(section)]
        put(&o, "container", container.map { .string($0) })
        put(&o, "when", when?.json)
        return .object(o)
    }

    init(json: JSONValue, _ r: Reader) throws(SchemaError) {
        let o = try r.object(json)
        self.init(
            id: try r.string(o, "id"), scope: try r.scope(o, "scope"), section: try r.string(o, "section"),
            container: try r.optionalString(o, "container"), when: try r.optionalExpression(o, "when"))
    }
}

extension SuggestionList {
    var json: JSONValue { .object(["id": .string(id), "entries": .object(entries.mapValues { .array($0.map { .string($0) }) })]) }

    init(json: JSONValue, _ r: Reader) throws(SchemaError) {
        let o = try r.object(json)
        guard let entries = try r.value(o, "entries").objectValue else { throw r.fail("entries", "expected an object of language to entries") }
        var byLanguage: [String: [String]] = [:]
        for (language, list) in entries {
            guard let items = list.arrayValue else { throw r.fail("entries", "expected an array for \(language)") }
            byLanguage[language] = try items.map { (v) throws(SchemaError) in
                guard let s = v.stringValue else { throw r.fail("entries", "expected strings for \(language)") }
                return s
            }
        }
        self.init(id: try r.string(o, "id"), entries: byLanguage)
    }
}
