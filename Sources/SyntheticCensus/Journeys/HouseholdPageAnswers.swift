import Foundation
import Questionnaire

/// What a person answering the household pages does next, from a target response: on each
/// page the fields the page shows, filled with the target's answers (nothing for a question
/// the target leaves blank); on a list screen, add the target's next person or go on; the
/// form's confirmations confirmed; submit from check your answers.
///
/// It knows nothing of the census form, nor of HTTP: it reads the page's form action (which
/// screen, which member) and the field names in its HTML (question ids, as the server renders
/// them from the schema). The router-level journey tests and `census-bench journeys` both
/// drive the pages with it, each over its own client.
///
/// ```swift
/// let answers = HouseholdPageAnswers(schema: schema, target: household)
/// switch answers.next(html: page) {
/// case .post(let path, let fields): ...        // POST the fields (plus the page's CSRF token)
/// case .addMember(let add, let member): ...    // GET `add`, then POST `answers.fields(for: member, html: form)` to it
/// case .submitted, .unknown: ...
/// }
/// ```
public struct HouseholdPageAnswers: Sendable {
    /// The form the pages are rendered from.
    public let schema: Schema
    /// The response the person means to give (as `census generate` makes them).
    public let target: JSONValue

    /// A person answering `schema`'s pages so as to give `target` in the end.
    public init(schema: Schema, target: JSONValue) {
        self.schema = schema
        self.target = target
    }

    /// What to do on a page.
    public enum Action: Sendable {
        /// Post `fields` (without the CSRF token: the client adds the page's) to `path`.
        case post(path: String, fields: [(String, String)])
        /// Open the add form at `path` (GET), then post ``fields(for:html:prefix:)`` of `member` to it.
        case addMember(path: String, member: JSONValue)
        /// The confirmation page: the household has submitted.
        case submitted
        /// A page without a form this knows (an error page, the start page).
        case unknown
    }

    /// The path of the page's form, which is the page's own path (`/form/page/p3`,
    /// `/form/member/residents/m2/p7`, `/form/list/residents`; check your answers as
    /// `/form/check-answers`, the confirmation page as `/form/done`).
    public static func path(html: String) -> String? {
        if html.contains(#"action="/form/submit""#) { return "/form/check-answers" }
        if html.contains("class=\"panel\"") { return "/form/done" }
        return capture(#"<form method="post" action="(/form/[^"?]*)"#, in: html)
    }

    /// The next action on the page whose HTML is `html`.
    public func next(html: String) -> Action {
        guard let path = Self.path(html: html) else { return .unknown }
        let parts = path.split(separator: "/").map(String.init)  // ["form", kind, ...]
        guard parts.count >= 2 else { return .unknown }
        switch parts[1] {
        case "done":
            return .submitted
        case "page":
            return .post(path: path, fields: fields(for: target, html: html))
        case "member" where parts.count >= 4:
            return .post(path: path, fields: fields(for: memberObject(roster: parts[2], id: parts[3]), html: html))
        case "relationships" where parts.count >= 4:
            return .post(path: path, fields: relationshipFields(roster: parts[2], member: parts[3], html: html))
        case "list":
            if parts.count == 3 {
                let wanted = target[parts[2]]?.arrayValue ?? []
                let listed = html.components(separatedBy: "/change\"").count - 1
                if listed < wanted.count { return .addMember(path: path + "/add", member: wanted[listed]) }
                // A list that asks "does anyone else live here?": no one else (a list that does
                // not ask it ignores the field).
                return .post(path: path, fields: [("action", "continue"), ("more", "no")])
            }
            return .post(path: path, fields: [])
        case "confirm":
            let query = Self.capture(#"action="/form/confirm/[^"?]*(\?[^"]*)""#, in: html)?.replacingOccurrences(of: "&amp;", with: "&") ?? ""
            return .post(path: path + query, fields: [("confirm", "yes")])
        case "submit", "check-answers":
            return .post(path: "/form/submit", fields: [])
        default:
            return .unknown
        }
    }

    /// The form fields for the questions whose fields the page shows, from `answers`
    /// (`action=continue` first). `prefix` maps a question id to its field name (the
    /// relationship pages name a pair's fields `QUESTION--mN`).
    ///
    /// Only what the page offers is posted, as a browser can only tick what it shows: an
    /// option of the target's that the page does not offer (one the form offers in another
    /// variant, say, when the target was made for a household in Wales and this one is in
    /// England) is left out, with its detail.
    public func fields(for answers: JSONValue, html: String, prefix: (String) -> String = { $0 }) -> [(String, String)] {
        var out: [(String, String)] = [("action", "continue")]
        let page = Self.inputs(html)
        for q in schema.questions {
            let name = prefix(q.id)
            guard page.names.contains(name) || page.bases.contains(name) else { continue }
            var encoded = Self.encode(q, name: name, answers[q.id])
            switch q.type {
            case .oneOf, .anyOf:
                let offered = page.options[name] ?? []
                let dropped = Set(encoded.filter { $0.0 == name && !offered.contains($0.1) }.map(\.1))
                encoded.removeAll { field in
                    (field.0 == name && dropped.contains(field.1)) || dropped.contains { field.0 == "\(name)-\($0)-detail" }
                }
            default:
                break
            }
            out += encoded
        }
        return out
    }

    /// A page's inputs: every field name, the question ids they start with (`dob` of
    /// `dob-day`), and the values a radio or checkbox field offers, by name.
    static func inputs(_ html: String) -> (names: Set<String>, bases: Set<String>, options: [String: Set<String>]) {
        var names = Set<String>(), bases = Set<String>()
        var options: [String: Set<String>] = [:]
        var rest = Substring(html)
        while let r = rest.range(of: "name=\"") {
            let name = String(rest[r.upperBound...].prefix { $0 != "\"" })
            names.insert(name)
            bases.insert(String(name.prefix { $0 != "-" }))
            // The rest of the tag: `type="radio" value="…"` follow the name in the templates.
            let tag = rest[r.upperBound...].prefix { $0 != ">" }
            if tag.contains(#"type="radio""#) || tag.contains(#"type="checkbox""#), let v = tag.range(of: #"value=""#) {
                options[name, default: []].insert(String(tag[v.upperBound...].prefix { $0 != "\"" }))
            }
            rest = rest[r.upperBound...]
        }
        return (names, bases, options)
    }

    private func memberObject(roster: String, id: String) -> JSONValue {
        guard let n = Int(id.dropFirst()), let members = target[roster]?.arrayValue, n >= 1, n <= members.count else { return [:] }
        return members[n - 1]
    }

    private func relationshipFields(roster: String, member: String, html: String) -> [(String, String)] {
        var out: [(String, String)] = [("action", "continue")]
        guard let person = Int(member.dropFirst()) else { return out }
        let block = schema.containers.first { $0.kind == .relationships && $0.roster == roster }?.id ?? ""
        for pair in target[block]?.arrayValue ?? [] where pair["person"]?.intValue == person {
            guard let other = pair["other"]?.intValue else { continue }
            out += fields(for: pair, html: html, prefix: { "\($0)--m\(other)" }).dropFirst()
        }
        return out
    }

    /// An answer as a browser posts it: a date as `-day`, `-month`, `-year` fields, a choice
    /// as one field per option (and its `-detail`), an address line by line.
    public static func encode(_ q: Question, name: String, _ value: JSONValue?) -> [(String, String)] {
        guard let value, !value.isNull else { return [] }
        switch q.type {
        case .text:
            // The checkbox instead of a text ("No organisation or work for a private individual").
            if let option = value["option"]?.stringValue { return [(name + "-none", option)] }
            return [(name, value.stringValue ?? "")]
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
                    // A written detail, or a number ("5 or more": how many).
                    if let detail = item["detail"]?.stringValue ?? item["detail"]?.intValue.map(String.init) {
                        out.append(("\(name)-\(id)-detail", detail))
                    }
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

    /// `application/x-www-form-urlencoded` of `fields`, in order.
    public static func urlEncoded(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        return fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    /// The first capture group of `pattern` in `text`.
    public static func capture(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), m.numberOfRanges > 1,
              let r = Range(m.range(at: 1), in: text) else { return nil }
        return String(text[r])
    }
}
