// Reading the compiled schema's JSON: errors that say where (`$.questions[3].type: ...`) and
// the typed accessors every part's `init(json:)` uses; `put` for the writing side.

/// A compiled schema that cannot be read.
public struct SchemaError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong and where, as one line (`$.censusDate: not a date: 2021-02-30`).
    public var message: String
    /// Makes the error from its one-line message.
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
