/// The evaluator's own messages (check messages come from the form): one case per message, with
/// its placeholders and its English and Welsh wording. A form may give them in any language it
/// declares, or reword them (`messages gd { required "..." }`, see docs/language.md); the
/// compiler warns when a declared language has no wording for some of them, which respondents
/// reading that language would otherwise get in English.
public enum EvaluatorMessage: String, CaseIterable, Sendable {
    /// A required question that applies is not answered. Pipes `{question}` (its label).
    case required
    /// A question that does not apply is answered; the answer is ignored. Pipes `{question}` (its id).
    case notApplicable = "not_applicable"
    /// An answer of the wrong JSON kind. Pipes `{expected}`, `{found}` (in English: only software sends JSON).
    case type
    /// A date of the right shape that is no day of the calendar (`2021-02-30`); its findings have
    /// code `type`. Pipes `{value}`.
    case noSuchDate = "no_such_date"
    /// A number, date or month outside its question's bounds. Pipes `{value}`, `{low}`, `{high}`.
    case outOfRange = "out_of_range"
    /// A text longer than its question's `maxLength` characters. Pipes `{length}`, `{max}`.
    case tooLong = "too_long"
    /// A text that does not match its question's pattern. Pipes nothing.
    case pattern
    /// A written answer holding a character that shows nothing and changes how the text reads
    /// (a control character, a bidirectional override; a line break or tab where the question is
    /// single-line), see ``AnswerText/refusedCharacter(in:multiline:)``. Pipes `{character}` (`U+202E`).
    case controlCharacter = "control_character"
    /// A value that is not an option of the question's list. Pipes `{value}`, `{options}`.
    case invalidOption = "invalid_option"
    /// An option whose `when` does not hold where it was chosen. Pipes `{option}`.
    case optionNotOffered = "option_not_offered"
    /// An exclusive option ("none of these") chosen with another. Pipes `{option}`.
    case exclusiveOption = "exclusive_option"
    /// The same option twice in one `any_of` answer. Pipes `{option}`.
    case duplicateOption = "duplicate_option"
    /// A written-in detail longer than its option's `maxLength`. Pipes `{length}`, `{max}`.
    case specifyTooLong = "specify_too_long"
    /// A detail given with an option that takes none. Pipes `{option}`.
    case detailNotAllowed = "detail_not_allowed"
    /// An address answer of the wrong shape. Pipes `{problem}` (in English).
    case invalidAddress = "invalid_address"
    /// A UK-only address whose postcode is not a UK postcode. Pipes `{value}`.
    case invalidPostcode = "invalid_postcode"
    /// A roster with fewer or more members than its bounds. Pipes `{count}`, `{roster}`, `{min}`, `{max}`.
    case rosterSize = "roster_size"
    /// A key the form does not declare. Pipes `{key}`.
    case unknownKey = "unknown_key"
    /// A relationship pair not of the form `{"person": P, "other": O}` with `1 <= O < P <= n`. Pipes `{problem}` (in English).
    case invalidPair = "invalid_pair"
    /// The same pair answered twice. Pipes `{pair}`.
    case duplicatePair = "duplicate_pair"
    /// A missing or wrong envelope field (`channel`, `startedAt`, `variant`, `language`). Pipes `{field}`, `{problem}` (in English).
    case invalidField = "invalid_field"
    /// A malformed `confirmations` entry. Pipes `{problem}` (in English).
    case invalidConfirmation = "invalid_confirmation"
    /// Appended to `unknown_key` and `invalid_option` when a close name exists.
    case didYouMean = "did_you_mean"

    /// The code of the findings that carry this message (`nil`: part of other messages).
    public var findingCode: String? {
        switch self {
        case .noSuchDate: return "type"  // a date of the right shape that is no day of the calendar
        case .didYouMean: return nil
        default: return rawValue
        }
    }

    /// The names a template may pipe, in the order the evaluator gives their values.
    public var placeholders: [String] {
        switch self {
        case .required, .notApplicable: return ["question"]
        case .type: return ["expected", "found"]
        case .noSuchDate, .invalidPostcode: return ["value"]
        case .outOfRange: return ["value", "low", "high"]
        case .tooLong, .specifyTooLong: return ["length", "max"]
        case .pattern: return []
        case .controlCharacter: return ["character"]
        case .invalidOption: return ["value", "options"]
        case .optionNotOffered, .exclusiveOption, .duplicateOption, .detailNotAllowed: return ["option"]
        case .invalidAddress, .invalidPair, .invalidConfirmation: return ["problem"]
        case .rosterSize: return ["count", "roster", "min", "max"]
        case .unknownKey: return ["key"]
        case .duplicatePair: return ["pair"]
        case .invalidField: return ["field", "problem"]
        case .didYouMean: return ["name"]
        }
    }

    /// The built-in English wording, with its placeholders (`{question}`); a form's own wording replaces it.
    public var english: String {
        switch self {
        case .required: return "This question needs an answer: {question}"
        case .notApplicable: return "This question does not apply, so its answer is ignored: {question}"
        case .type: return "Expected {expected}, found {found}"
        case .noSuchDate: return "{value} is not a real date (no such day, month or year)"
        case .outOfRange: return "{value} is outside the allowed range ({low} to {high})"
        case .tooLong: return "The answer is too long: {length} characters, at most {max}"
        case .pattern: return "The answer is not in the expected form"
        case .controlCharacter: return "The answer contains a hidden character that is not allowed ({character}): type the answer again without it"
        case .invalidOption: return "'{value}' is not one of the options: {options}"
        case .optionNotOffered: return "'{option}' is not offered here"
        case .exclusiveOption: return "'{option}' cannot be chosen together with any other option"
        case .duplicateOption: return "'{option}' is chosen more than once"
        case .specifyTooLong: return "The written-in detail is too long: {length} characters, at most {max}"
        case .detailNotAllowed: return "Option '{option}' takes no written-in detail"
        case .invalidAddress: return "Invalid address: {problem}"
        case .invalidPostcode: return "'{value}' is not a UK postcode"
        case .rosterSize: return "{roster} has {count} members; it must have between {min} and {max}"
        case .unknownKey: return "Unknown key '{key}'"
        case .invalidPair: return "Invalid pair: {problem}"
        case .duplicatePair: return "The pair {pair} is answered more than once"
        case .invalidField: return "Invalid field '{field}': {problem}"
        case .invalidConfirmation: return "Invalid confirmation: {problem}"
        case .didYouMean: return " (did you mean '{name}'?)"
        }
    }

    /// The built-in Welsh wording, with the same placeholders as ``english``.
    public var welsh: String {
        switch self {
        case .required: return "Mae angen ateb i'r cwestiwn hwn: {question}"
        case .notApplicable: return "Nid yw'r cwestiwn hwn yn berthnasol, felly anwybyddir yr ateb: {question}"
        case .type: return "Disgwyliwyd {expected}, ond cafwyd {found}"
        case .noSuchDate: return "Nid yw {value} yn ddyddiad go iawn (nid oes diwrnod, mis neu flwyddyn o'r fath)"
        case .outOfRange: return "Mae {value} y tu allan i'r ystod a ganiateir ({low} i {high})"
        case .tooLong: return "Mae'r ateb yn rhy hir: {length} nod, uchafswm {max}"
        case .pattern: return "Nid yw'r ateb yn y ffurf ddisgwyliedig"
        // Ours, not yet checked by a Welsh translator ("nod" for a character as in ONS's Census
        // 2021 Welsh: "Rhowch hyd at %(max)d nod", eq-questionnaire-runner, translations/cy).
        case .controlCharacter: return "Mae nod cudd nad yw'n cael ei ganiatáu yn yr ateb ({character}): teipiwch yr ateb eto hebddo"
        case .invalidOption: return "Nid yw '{value}' yn un o'r opsiynau: {options}"
        case .optionNotOffered: return "Nid yw '{option}' yn cael ei gynnig i'r person hwn"
        case .exclusiveOption: return "Ni ellir dewis '{option}' gydag unrhyw opsiwn arall"
        case .duplicateOption: return "Dewiswyd '{option}' fwy nag unwaith"
        case .specifyTooLong: return "Mae'r manylion yn rhy hir: {length} nod, uchafswm {max}"
        case .detailNotAllowed: return "Nid oes angen manylion ar gyfer '{option}'"
        case .invalidAddress: return "Cyfeiriad annilys: {problem}"
        case .invalidPostcode: return "Nid yw '{value}' yn god post yn y DU"
        case .rosterSize: return "Mae {count} aelod yn {roster}; rhaid cael rhwng {min} a {max}"
        case .unknownKey: return "Allwedd anhysbys '{key}'"
        case .invalidPair: return "Pâr annilys: {problem}"
        case .duplicatePair: return "Mae'r pâr {pair} wedi'i ateb fwy nag unwaith"
        case .invalidField: return "Maes annilys '{field}': {problem}"
        case .invalidConfirmation: return "Cadarnhad annilys: {problem}"
        case .didYouMean: return " (ai '{name}' oedd dan sylw?)"
        }
    }

    /// The wording built in for `language` (English and Welsh), if any.
    public func builtIn(_ language: String) -> String? {
        switch language {
        case "en": return english
        case "cy": return welsh
        default: return nil
        }
    }

    /// The languages with built-in wording.
    public static let builtInLanguages: Set<String> = ["en", "cy"]

    /// `template` with each `{placeholder}` replaced by its value (by position in
    /// ``placeholders``); `{{` and `}}` are braces, as in the form's texts.
    public func fill(_ template: String, _ values: [String]) -> String {
        guard template.hasBrace else { return template }
        var out = ""
        let chars = Array(template)
        var k = 0
        while k < chars.count {
            let c = chars[k]
            if (c == "{" || c == "}") && k + 1 < chars.count && chars[k + 1] == c {
                out.append(c)
                k += 2
                continue
            }
            if c == "{", let close = chars[(k + 1)...].firstIndex(of: "}"),
                let p = placeholders.firstIndex(of: String(chars[(k + 1)..<close]))
            {
                out += p < values.count ? values[p] : ""
                k = close + 1
                continue
            }
            out.append(c)
            k += 1
        }
        return out
    }

    /// The placeholders `template` uses that this message does not have (for the compiler).
    public func unknownPlaceholders(in template: String) -> [String] {
        var found: [String] = []
        let chars = Array(template)
        var k = 0
        while k < chars.count {
            if chars[k] == "{" && k + 1 < chars.count && chars[k + 1] == "{" { k += 2; continue }
            if chars[k] == "{" {
                guard let close = chars[(k + 1)...].firstIndex(of: "}") else { found.append(String(chars[(k + 1)...])); break }
                let name = String(chars[(k + 1)..<close])
                if !placeholders.contains(name) { found.append(name) }
                k = close + 1
                continue
            }
            k += 1
        }
        return found
    }
}

/// The evaluator's messages in a response's language: the form's wording for it (``Schema/messages``),
/// else the built-in English or Welsh, else English.
enum Messages {
    static func text(_ code: String, _ language: String, _ args: [String] = [], form: [String: [String: String]] = [:]) -> String {
        guard let message = EvaluatorMessage(rawValue: code) else { return args.first ?? code }
        let template = form[language]?[code] ?? message.builtIn(language) ?? form["en"]?[code] ?? message.english
        return message.fill(template, args)
    }

    /// " (did you mean 'x'?)" in the language, or "" without a suggestion.
    static func didYouMean(_ suggestion: String?, _ language: String, form: [String: [String: String]] = [:]) -> String {
        guard let suggestion else { return "" }
        return text(EvaluatorMessage.didYouMean.rawValue, language, [suggestion], form: form)
    }
}
