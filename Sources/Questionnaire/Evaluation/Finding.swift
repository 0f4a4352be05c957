/// One thing wrong with (or to be done about) a response.
public struct Finding: Sendable, Hashable, CustomStringConvertible {
    /// What a finding does to the response, spelled as in the evaluation's JSON.
    public enum Severity: String, Sendable, Hashable, CaseIterable {
        /// Blocks submission.
        case error
        /// Recorded; does not block.
        case warning
        /// A confirmation the respondent has not given yet; blocks submission until given.
        case confirm
        /// An answer to a question that does not apply: it is ignored (treated as not answered).
        case notApplicable = "not_applicable"
    }

    /// Stable code: `required`, `not_applicable`, `type`, `out_of_range`, `check.<id>`, `confirm.<id>`, ...
    public var code: String
    /// Error, warning, confirmation still to give, or an ignored answer.
    public var severity: Severity
    /// JSONPath into the response: `$.residents[2].dob`.
    public var path: String
    /// In the chosen language.
    public var message: String
    /// The question (or roster / key) the finding is about.
    public var question: String?
    /// The check, for `check.*` and `confirm.*` findings.
    public var check: String?

    /// Makes a finding; the evaluator is what normally makes them.
    public init(code: String, severity: Severity, path: String, message: String, question: String? = nil, check: String? = nil) {
        self.code = code
        self.severity = severity
        self.path = path
        self.message = message
        self.question = question
        self.check = check
    }

    public var description: String { "\(severity.rawValue) \(code) at \(path): \(message)" }

    /// `{"code", "severity", "path", "message"}` plus `question` and `check` when present: the
    /// shape `census validate` prints and the API returns.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "code": .string(code), "severity": .string(severity.rawValue), "path": .string(path), "message": .string(message),
        ]
        if let question { o["question"] = .string(question) }
        if let check { o["check"] = .string(check) }
        return .object(o)
    }
}

/// A question that applies to a response: once for the household, per roster member or per pair.
public struct ApplicableQuestion: Sendable, Hashable {
    /// The question's id.
    public var question: String
    /// Where its answer lives (or would live) in the response.
    public var path: String
    /// Whether the response gives it a usable answer (one with no error of its own).
    public var answered: Bool
}

/// A derived value of one instance: `$.residents[0].age` = 40.
public struct DerivedResult: Sendable, Hashable {
    /// Where the value belongs in the response (a derived value is never written there).
    public var path: String
    /// The computed value; `.unknown` when an input is missing or unusable.
    public var value: Value
}

/// A member who may answer a per-member section privately, with an individual access code.
public struct IndividualResponseEligibility: Sendable, Hashable {
    /// The section's id.
    public var section: String
    /// The member: `$.residents[1]`.
    public var path: String
}

/// The outcome of evaluating one response against a schema.
public struct Evaluation: Sendable {
    /// Everything found: hard errors, check findings, confirmations still to give and ignored
    /// answers.
    public var findings: [Finding]
    /// Filled when ``EvaluationOptions/includeApplicable`` is set.
    public var applicable: [ApplicableQuestion]
    /// Derived values by path (`$.residents[0].age`), when ``EvaluationOptions/includeDerived`` is set.
    public var derived: [DerivedResult]
    /// Applicable questions, counted once per member or pair.
    public var applicableCount: Int
    /// Of those, the ones answered with a usable answer.
    public var answeredCount: Int
    /// Applicable voluntary questions left unanswered (declining one leaves a return complete).
    public var declinedVoluntary = 0
    /// Who may answer which per-member section privately, when
    /// ``EvaluationOptions/includeApplicable`` is set.
    public var individualResponses: [IndividualResponseEligibility] = []

    /// answered / (applicable - declined voluntary): the store ranks a household's returns by
    /// it. A response that could not be read (nothing applies) is 0% complete, not 100%.
    public var completeness: Double {
        let asked = applicableCount - declinedVoluntary
        return asked <= 0 ? (applicableCount == 0 ? 0 : 1) : Double(answeredCount) / Double(asked)
    }

    /// No errors and no confirmations still to give. Warnings and ignored answers do not count.
    public var isValid: Bool { !findings.contains { $0.severity == .error || $0.severity == .confirm } }

    /// The findings that block submission on their own (``Finding/Severity/error``).
    public var errors: [Finding] { findings.filter { $0.severity == .error } }

    /// How many findings have `severity`.
    public func count(_ severity: Finding.Severity) -> Int { findings.reduce(0) { $0 + ($1.severity == severity ? 1 : 0) } }

    /// `{"valid", "completeness" (0...1, 4 decimals), "applicable", "answered", "findings"}`,
    /// plus `applicableQuestions`, `individualResponses` and `derived` when they were asked for:
    /// what `census validate --format json` prints for each response.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "valid": .bool(isValid),
            "completeness": .double((completeness * 10000).rounded() / 10000),
            "applicable": .integer(applicableCount),
            "answered": .integer(answeredCount),
            "findings": .array(findings.map(\.json)),
        ]
        if !applicable.isEmpty {
            o["applicableQuestions"] = .array(applicable.map { .object(["question": .string($0.question), "path": .string($0.path), "answered": .bool($0.answered)]) })
        }
        if !individualResponses.isEmpty {
            o["individualResponses"] = .array(individualResponses.map { .object(["section": .string($0.section), "path": .string($0.path)]) })
        }
        if !derived.isEmpty {
            var d: [String: JSONValue] = [:]
            for r in derived { d[r.path] = r.value.json }
            o["derived"] = .object(d)
        }
        return .object(o)
    }
}

/// What an evaluation computes besides findings, and the outside facts it needs.
public struct EvaluationOptions: Sendable {
    /// Language of messages; `nil` uses the response's `language` if the schema has it, else the primary one.
    public var language: String?
    /// Also list every applicable question (``Evaluation/applicable``) and individual-response
    /// eligibility; off for bulk validation, where it costs time.
    public var includeApplicable: Bool
    /// Also return every derived value by path (``Evaluation/derived``).
    public var includeDerived: Bool
    /// See ``Run/defaultStackBudget``; tests set 0 to compute every value through
    /// ``Run/force(_:scope:instance:)``, in dependency order.
    var stackBudget = Run.defaultStackBudget
    /// `today` when the response carries no `submittedAt` or `startedAt` (the server passes the
    /// day it receives the response); `nil`: the system clock's date in UTC.
    public var today: CalendarDate?
    /// The household's address from the address frame, piped as `{household_address}`; when
    /// `nil` texts read "this address" ("y cyfeiriad hwn").
    public var householdAddress: String?

    /// Options; the defaults give findings and counts only, messages in the response's language,
    /// `today` from the response or the clock.
    public init(
        language: String? = nil, includeApplicable: Bool = false, includeDerived: Bool = false,
        today: CalendarDate? = nil, householdAddress: String? = nil
    ) {
        self.language = language
        self.includeApplicable = includeApplicable
        self.includeDerived = includeDerived
        self.today = today
        self.householdAddress = householdAddress
    }
}
