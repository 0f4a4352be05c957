import Foundation
import HTTPTypes
import Questionnaire
import XCTest

/// Answers the household pages as a person would, from a target response: on each page it
/// fills the fields the page shows with the target's answers (nothing for a question the
/// target leaves blank), adds the target's people on the list screens, confirms what the
/// form asks to confirm, and submits from check your answers.
///
/// It knows nothing of the census form: it reads the page's URL (which screen, which member)
/// and the field names in its HTML (question ids), as the server renders them from the schema.
struct JourneyDriver {
    let schema: Schema
    let target: JSONValue
    var browser: Browser
    /// Every path visited, in order.
    var visited: [String] = []
    /// Pages that came back 422, with their text (a test decides whether that was expected).
    var refused: [(path: String, text: String)] = []

    private var questions: [String: Question] { Dictionary(uniqueKeysWithValues: schema.questions.map { ($0.id, $0) }) }

    init(schema: Schema, target: JSONValue, browser: Browser) {
        self.schema = schema
        self.target = target
        self.browser = browser
    }

    /// Walks from `page` until `stop` says so or the household has submitted; returns the last page.
    mutating func run(from page: Page, maxSteps: Int = 600, stop: (String) -> Bool = { _ in false }) async throws -> Page {
        var page = page
        for _ in 0..<maxSteps {
            guard let path = currentPath(page) else { return page }
            if stop(path) { return page }
            visited.append(path)
            if path.hasPrefix("/form/done") { return page }
            let response = try await step(path, page)
            if response.status == .unprocessableContent {
                refused.append((path, response.mainText))
                throw FixtureError("\(path) refused: \(response.mainText.prefix(600))")
            }
            guard response.status == .seeOther else { throw FixtureError("\(path): unexpected \(response.status): \(response.mainText.prefix(400))") }
            page = try await browser.follow(response)
        }
        throw FixtureError("the journey did not end within \(maxSteps) steps (last: \(visited.suffix(5)))")
    }

    /// The path the page was fetched from (the test follows redirects, so the last GET).
    var lastPath: String? { visited.last }

    private func currentPath(_ page: Page) -> String? {
        // The form's action is the page's own path.
        if page.body.contains(#"action="/form/submit""#) { return "/form/check-answers" }
        if page.body.contains("class=\"panel\"") { return "/form/done" }
        return Page.capture(#"<form method="post" action="(/form/[^"?]*)"#, in: page.body)
    }

    mutating func step(_ path: String, _ page: Page) async throws -> Page {
        let parts = path.split(separator: "/").map(String.init)  // ["form", kind, ...]
        switch parts[1] {
        case "page":
            return try await browser.post(path, fields(for: target, in: page))
        case "member":
            let member = memberObject(roster: parts[2], id: parts[3])
            return try await browser.post(path, fields(for: member, in: page))
        case "relationships":
            return try await browser.post(path, relationshipFields(roster: parts[2], member: parts[3], in: page))
        case "list":
            if parts.count == 3 {
                let wanted = target[parts[2]]?.arrayValue ?? []
                let listed = page.body.components(separatedBy: "/change\"").count - 1
                if listed < wanted.count {
                    let form = try await browser.get(path + "/add")
                    let added = try await browser.post(path + "/add", fields(for: wanted[listed], in: form))
                    return added
                }
                // A form that asks "does anyone else live here?" on the list: no one else.
                return try await browser.post(path, [("action", "continue"), ("more", "no")])
            }
            return try await browser.post(path, [])
        case "confirm":
            return try await browser.post(path + (Page.capture(#"action="/form/confirm/[^"?]*(\?[^"]*)""#, in: page.body)?.replacingOccurrences(of: "&amp;", with: "&") ?? ""), [("confirm", "yes")])
        case "submit", "check-answers":
            return try await browser.post("/form/submit", [])
        default:
            throw FixtureError("no driver for \(path)")
        }
    }

    private func memberObject(roster: String, id: String) -> JSONValue {
        guard let n = Int(id.dropFirst()), let members = target[roster]?.arrayValue, n >= 1, n <= members.count else { return [:] }
        return members[n - 1]
    }

    /// The form fields for the questions whose fields `page` shows, from `answers`.
    func fields(for answers: JSONValue, in page: Page, prefix: (String) -> String = { $0 }) -> [(String, String)] {
        var out: [(String, String)] = [("action", "continue")]
        // The page's field names, and the question ids they start with (`dob` of `dob-day`).
        var names = Set<String>(), bases = Set<String>()
        var rest = Substring(page.body)
        while let r = rest.range(of: "name=\"") {
            let name = rest[r.upperBound...].prefix { $0 != "\"" }
            names.insert(String(name))
            bases.insert(String(name.prefix { $0 != "-" }))
            rest = rest[r.upperBound...]
        }
        for q in schema.questions {
            let name = prefix(q.id)
            guard names.contains(name) || bases.contains(name) else { continue }
            out += encode(q, name: name, answers[q.id])
        }
        return out
    }

    private func relationshipFields(roster: String, member: String, in page: Page) -> [(String, String)] {
        var out: [(String, String)] = [("action", "continue")]
        guard let person = Int(member.dropFirst()) else { return out }
        let block = schema.containers.first { $0.kind == .relationships && $0.roster == roster }?.id ?? ""
        for pair in target[block]?.arrayValue ?? [] where pair["person"]?.intValue == person {
            guard let other = pair["other"]?.intValue else { continue }
            out += fields(for: pair, in: page, prefix: { "\($0)--m\(other)" }).dropFirst()
        }
        return out
    }

    func encode(_ q: Question, name: String, _ value: JSONValue?) -> [(String, String)] {
        guard let value, !value.isNull else { return [] }
        switch q.type {
        case .text: return [(name, value.stringValue ?? "")]
        case .integer: return [(name, value.intValue.map(String.init) ?? "")]
        case .decimal: return [(name, value.doubleValue.map { String($0) } ?? "")]
        case .date:
            let p = (value.stringValue ?? "").split(separator: "-").map(String.init)
            guard p.count == 3 else { return [] }
            return [(name + "-day", p[2]), (name + "-month", p[1]), (name + "-year", p[0])]
        case .monthYear:
            let p = (value.stringValue ?? "").split(separator: "-").map(String.init)
            guard p.count == 2 else { return [] }
            return [(name + "-month", p[1]), (name + "-year", p[0])]
        case .oneOf, .anyOf:
            var out: [(String, String)] = []
            for item in value.arrayValue ?? [value] {
                if let id = item.stringValue { out.append((name, id)) } else if let id = item["value"]?.stringValue {
                    out.append((name, id))
                    if let detail = item["detail"]?.stringValue { out.append(("\(name)-\(id)-detail", detail)) }
                }
            }
            return out
        case .address:
            var out: [(String, String)] = []
            for (k, line) in (value["lines"]?.arrayValue ?? []).enumerated() { out.append(("\(name)-line\(k + 1)", line.stringValue ?? "")) }
            for key in ["town", "postcode", "country"] { if let v = value[key]?.stringValue { out.append(("\(name)-\(key)", v)) } }
            return out
        }
    }
}

/// The answers of a response (without its envelope), for comparing what was submitted with
/// what was meant.
func answersOnly(_ response: JSONValue) -> JSONValue {
    guard case .object(var o) = response else { return response }
    for key in ["schema", "channel", "startedAt", "submittedAt", "language", "id", "accessCode"] { o[key] = nil }
    return .object(o)
}

/// The paths where two JSON values differ (at most 20), for readable failures.
func jsonDifferences(_ a: JSONValue, _ b: JSONValue, path: String = "$") -> [String] {
    switch (a, b) {
    case (.object(let x), .object(let y)):
        var out: [String] = []
        for key in Set(x.keys).union(y.keys).sorted() where out.count < 20 {
            switch (x[key], y[key]) {
            case (let l?, let r?): out += jsonDifferences(l, r, path: path + "." + key)
            case (let l?, nil): out.append("\(path).\(key): \(JSONWriter().string(l)) vs missing")
            case (nil, let r?): out.append("\(path).\(key): missing vs \(JSONWriter().string(r))")
            default: break
            }
        }
        return out
    case (.array(let x), .array(let y)) where x.count == y.count:
        return zip(x, y).enumerated().flatMap { jsonDifferences($0.element.0, $0.element.1, path: "\(path)[\($0.offset)]") }
    default:
        return a == b ? [] : ["\(path): \(JSONWriter().string(a)) vs \(JSONWriter().string(b))"]
    }
}

/// What a person would type for a target response: no country for a UK-only address (the
/// page does not ask it).
func asTyped(_ response: JSONValue, schema: Schema) -> JSONValue {
    let ukOnly = Set(schema.questions.compactMap { q -> String? in if case .address(true) = q.type { return q.id } else { return nil } })
    func clean(_ v: JSONValue) -> JSONValue {
        guard case .object(var o) = v else { return v }
        for (k, value) in o {
            if ukOnly.contains(k), case .object(var address) = value { address["country"] = nil; o[k] = .object(address) }
            else if case .array(let items) = value { o[k] = .array(items.map(clean)) }
        }
        return .object(o)
    }
    return clean(response)
}
