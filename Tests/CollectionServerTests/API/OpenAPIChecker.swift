import Foundation
import HTTPTypes
import Questionnaire
import XCTest

/// Holds responses to the OpenAPI document the server serves (`Resources/OpenAPI/openapi.json`):
/// for a documented operation, the status must be documented, the content type the
/// documented one, the body valid against its schema (a JSON Schema subset: `$ref`, `type`,
/// `required`, `properties`, `additionalProperties`, `enum`, `const`, `items`, `minimum`,
/// `maximum`, `minLength`, `maxLength`, `pattern`, `format: date-time`), and documented
/// required headers present. Records which (method, path, status) it saw.
final class OpenAPIChecker: @unchecked Sendable {
    let document: JSONValue
    private let lock = NSLock()
    private var seen: Set<String> = []

    init() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }
        let url = root.appendingPathComponent("Sources/CollectionServer/Resources/OpenAPI/openapi.json")
        document = try JSONParser.parse([UInt8](try Data(contentsOf: url)))
    }

    /// Every (method, path, status) the document declares, as `POST /api/v1/auth 401`.
    var documented: Set<String> {
        var all: Set<String> = []
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for (method, op) in item.objectValue ?? [:] {
                for status in (op["responses"]?.objectValue ?? [:]).keys { all.insert("\(method.uppercased()) \(path) \(status)") }
            }
        }
        return all
    }

    var observed: Set<String> { lock.withLock { seen } }

    func check(method: HTTPRequest.Method, path: String, result: APIResult, file: StaticString, line: UInt) {
        guard let operation = document["paths"]?[path]?[method.rawValue.lowercased()] else { return }
        let status = String(result.status.code)
        lock.withLock { _ = seen.insert("\(method.rawValue) \(path) \(status)") }
        guard let response = operation["responses"]?[status] else {
            XCTFail("\(method) \(path) answered \(status), which the OpenAPI document does not declare: \(result.text)", file: file, line: line)
            return
        }
        for (name, header) in response["headers"]?.objectValue ?? [:] where header["required"]?.boolValue == true {
            XCTAssertNotNil(result.headers[HTTPField.Name(name)!], "\(method) \(path) \(status): missing header \(name)", file: file, line: line)
        }
        guard let content = response["content"]?.objectValue, let (mediaType, media) = content.first else { return }
        let sent = (result.contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        XCTAssertEqual(sent, mediaType, "\(method) \(path) \(status): content type", file: file, line: line)
        guard mediaType.hasSuffix("json"), let schema = media["schema"] else { return }
        guard let body = result.json else {
            XCTFail("\(method) \(path) \(status): the body is not JSON: \(result.text)", file: file, line: line)
            return
        }
        var problems: [String] = []
        validate(body, schema, at: "$", &problems)
        XCTAssertEqual(problems, [], "\(method) \(path) \(status): the body breaks its schema: \(result.text)", file: file, line: line)
    }

    private func resolve(_ schema: JSONValue) -> JSONValue {
        guard let ref = schema["$ref"]?.stringValue, ref.hasPrefix("#/") else { return schema }
        var node = document
        for part in ref.dropFirst(2).split(separator: "/") { node = node[String(part)] ?? .null }
        return node
    }

    private func validate(_ value: JSONValue, _ schemaRef: JSONValue, at path: String, _ problems: inout [String]) {
        let schema = resolve(schemaRef)
        if let types = schema["type"] {
            let allowed = types.arrayValue?.compactMap(\.stringValue) ?? types.stringValue.map { [$0] } ?? []
            if !allowed.contains(where: { Self.matches(value, type: $0) }) {
                problems.append("\(path): \(value.kindName) is not \(allowed.joined(separator: " or "))")
                return
            }
        }
        if let constant = schema["const"], constant != value { problems.append("\(path): not \(constant)") }
        if let options = schema["enum"]?.arrayValue, !options.contains(value) { problems.append("\(path): \(value) is not one of \(options)") }
        switch value {
        case .object(let object):
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
                problems.append("\(path): required member \(name) is missing")
            }
            let properties = schema["properties"]?.objectValue ?? [:]
            for (name, member) in object {
                if let property = properties[name] {
                    validate(member, property, at: "\(path).\(name)", &problems)
                } else if schema["additionalProperties"]?.boolValue == false {
                    problems.append("\(path): member \(name) is not in the schema")
                }
            }
        case .array(let items):
            if let itemSchema = schema["items"] {
                for (i, item) in items.enumerated() { validate(item, itemSchema, at: "\(path)[\(i)]", &problems) }
            }
        case .string(let s):
            if let min = schema["minLength"]?.intValue, s.count < min { problems.append("\(path): shorter than \(min)") }
            if let max = schema["maxLength"]?.intValue, s.count > max { problems.append("\(path): longer than \(max)") }
            if let pattern = schema["pattern"]?.stringValue, s.range(of: pattern, options: .regularExpression) == nil {
                problems.append("\(path): '\(s)' does not match \(pattern)")
            }
            if schema["format"]?.stringValue == "date-time", ISO8601DateFormatter().date(from: s) == nil,
               s.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"#, options: .regularExpression) == nil {
                problems.append("\(path): '\(s)' is not a date-time")
            }
        case .integer, .double:
            if let min = schema["minimum"]?.doubleValue, let v = value.doubleValue, v < min { problems.append("\(path): below \(min)") }
            if let max = schema["maximum"]?.doubleValue, let v = value.doubleValue, v > max { problems.append("\(path): above \(max)") }
        default:
            break
        }
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null), ("integer", .integer): return true
        case ("number", .integer), ("number", .double): return true
        case ("integer", .double(let d)): return d.rounded() == d
        default: return false
        }
    }
}
