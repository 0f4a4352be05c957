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

    /// Reads a compiled schema from parsed JSON, checking its format and that its hash matches
    /// its content.
    ///
    /// - Throws: ``SchemaError`` naming the place that is wrong (`$.questions[3].type: ...`), an
    ///   unsupported `format`, or a hash that does not match (the file was edited after compiling).
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
