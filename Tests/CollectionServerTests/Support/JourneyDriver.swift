import Foundation
import HTTPTypes
import Questionnaire
import SyntheticCensus
import XCTest

/// Answers the household pages as a person would, from a target response, over the
/// router-level test client: ``HouseholdPageAnswers`` (SyntheticCensus, shared with
/// `census-bench journeys`) says what to post on each page; this follows the redirects.
struct JourneyDriver {
    let schema: Schema
    let target: JSONValue
    var browser: Browser
    /// Every path visited, in order.
    var visited: [String] = []
    /// Pages that came back 422, with their text (a test decides whether that was expected).
    var refused: [(path: String, text: String)] = []
    private let answers: HouseholdPageAnswers

    init(schema: Schema, target: JSONValue, browser: Browser) {
        self.schema = schema
        self.target = target
        self.browser = browser
        answers = HouseholdPageAnswers(schema: schema, target: target)
    }

    /// Walks from `page` until `stop` says so or the household has submitted; returns the last page.
    mutating func run(from page: Page, maxSteps: Int = 600, stop: (String) -> Bool = { _ in false }) async throws -> Page {
        var page = page
        for _ in 0..<maxSteps {
            guard let path = HouseholdPageAnswers.path(html: page.body) else { return page }
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

    mutating func step(_ path: String, _ page: Page) async throws -> Page {
        switch answers.next(html: page.body) {
        case .post(let path, let fields):
            return try await browser.post(path, fields)
        case .addMember(let add, let member):
            let form = try await browser.get(add)
            return try await browser.post(add, answers.fields(for: member, html: form.body))
        case .submitted, .unknown:
            throw FixtureError("no driver for \(path)")
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
