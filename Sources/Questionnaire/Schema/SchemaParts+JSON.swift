// The JSON form of each part of a compiled schema (choice lists, containers, answer types,
// questions, derived values, checks, hints, definitions, wording, endings, suggestions), both
// ways; see docs/schema-format.md. Expressions are in Expression+JSON.swift.

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
    var json: JSONValue {
        var o: [String: JSONValue] = [:]
        for (word, keyPath) in Self.fields { put(&o, word, self[keyPath: keyPath]?.json) }
        return .object(o)
    }

    init(json: JSONValue, _ r: Reader) throws(SchemaError) {
        let o = try r.object(json)
        self.init()
        for (word, keyPath) in Self.fields { self[keyPath: keyPath] = try r.optionalText(o, word) }
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
