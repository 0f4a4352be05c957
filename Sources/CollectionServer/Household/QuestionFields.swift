import Foundation
import Questionnaire

/// The HTML fields of questions, and reading their posted values back into answers, for any
/// answer type of the schema (see docs/schema-format.md): a text box, a number box, day /
/// month / year boxes, radios, checkboxes (an exclusive option after an "or"), an address.
/// A "please specify" box sits under its option, always visible (no script is needed).
///
/// Field names are the question id, or the id with a suffix for a part (`dob-day`,
/// `country_of_birth-elsewhere-detail`); `prefix` keeps several instances of one question
/// apart on one page (the relationship screen's `relationship--m1`).
struct QuestionFields {
    let schema: Schema
    let language: String

    /// The choice list `id` names (a scan of the schema's few dozen lists: cheaper than the
    /// dictionary of them this once built on every question read).
    private func choiceList(_ id: String) -> ChoiceList? { schema.choiceLists.first { $0.id == id } }

    // MARK: Reading a post

    /// A number as typed, without its thousands separators: `12,345` and `12 345` read as
    /// 12345. A comma or space anywhere else is not read: `3,5` (three and a half where a
    /// decimal comma is written, or a slip between 3 and 5) was stored as 35; now the person
    /// is asked again. nil when a separator is not between groups of three digits.
    static func withoutThousandsSeparators(_ raw: String) -> String? {
        for separator in [",", " "] where raw.contains(separator) {
            let grouped = separator == "," ? raw.wholeMatch(of: /[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?/) : raw.wholeMatch(of: /[-+]?\d{1,3}(?: \d{3})+(?:\.\d+)?/)
            guard grouped != nil else { return nil }
            return raw.replacingOccurrences(of: separator, with: "")
        }
        return raw
    }

    /// What a post said for one question: an answer (nil clears it) or what is wrong with the input.
    enum Input {
        case answer(JSONValue?)
        case invalid(String)
    }

    /// Reads the posted value of `question` (field names start with `name`).
    func read(_ question: Question, name: String, from fields: FormFields) -> Input {
        switch question.type {
        case .text(_, _, let options):
            // Browsers send a text area's line breaks as CR LF: one line break each.
            let text = fields.trimmed(name)?.replacingOccurrences(of: "\r\n", with: "\n")
            if let none = options.noneOption, fields.first(name + "-none") == none.id {
                if text != nil { return .invalid(UIText.textOrNone.text(language)) }
                return .answer(.object(["option": .string(none.id)]))
            }
            return .answer(text.map { .string($0) })
        case .integer:
            guard let raw = fields.trimmed(name) else { return .answer(nil) }
            guard let cleaned = Self.withoutThousandsSeparators(raw), let n = Int(cleaned) else { return .invalid(UIText.enterWholeNumber.text(language)) }
            return .answer(.integer(n))
        case .decimal:
            guard let raw = fields.trimmed(name) else { return .answer(nil) }
            guard let cleaned = Self.withoutThousandsSeparators(raw), let d = Double(cleaned), d.isFinite else { return .invalid(UIText.enterNumber.text(language)) }
            return .answer(.double(d))
        case .date:
            let parts = [fields.trimmed(name + "-day"), fields.trimmed(name + "-month"), fields.trimmed(name + "-year")]
            if parts.allSatisfy({ $0 == nil }) { return .answer(nil) }
            guard parts.allSatisfy({ $0 != nil }) else { return .invalid(UIText.enterCompleteDate.text(language)) }
            guard let d = Int(parts[0]!), let m = Self.month(parts[1]!, language), let y = Int(parts[2]!), (1...31).contains(d), (1...12).contains(m), (1...9999).contains(y) else {
                return .invalid(UIText.enterRealDate.text(language))
            }
            return .answer(.string(String(format: "%04d-%02d-%02d", y, m, d)))
        case .monthYear:
            let parts = [fields.trimmed(name + "-month"), fields.trimmed(name + "-year")]
            if parts.allSatisfy({ $0 == nil }) { return .answer(nil) }
            guard parts.allSatisfy({ $0 != nil }) else { return .invalid(UIText.enterCompleteMonth.text(language)) }
            guard let m = Self.month(parts[0]!, language), let y = Int(parts[1]!), (1...12).contains(m), (1...9999).contains(y) else {
                return .invalid(UIText.enterRealMonth.text(language))
            }
            return .answer(.string(String(format: "%04d-%02d", y, m)))
        case .oneOf(let listID):
            // An option that is not in the list (not a browser's post) goes to the evaluator,
            // which names the options. Two different options for one radio group are no
            // browser's post either: refused, not read as the first.
            let values = fields.all(name).filter { !$0.isEmpty }
            guard let value = values.first else { return .answer(nil) }
            if values.contains(where: { $0 != value }) { return .invalid(UIText.chooseOneOption.text(language)) }
            return choice(value, list: choiceList(listID), name: name, fields: fields).map { .answer($0) } ?? .invalid(UIText.enterWholeNumber.text(language))
        case .anyOf(let listID):
            let values = fields.all(name).filter { !$0.isEmpty }
            if values.isEmpty { return .answer(nil) }
            var items: [JSONValue] = []
            for value in values {
                guard let item = choice(value, list: choiceList(listID), name: name, fields: fields) else { return .invalid(UIText.enterWholeNumber.text(language)) }
                items.append(item)
            }
            return .answer(.array(items))
        case .address(let ukOnly):
            var lines = (1...4).compactMap { fields.trimmed("\(name)-line\($0)") }
            let town = fields.trimmed(name + "-town"), postcode = fields.trimmed(name + "-postcode")
            let country = ukOnly ? nil : fields.trimmed(name + "-country")
            if lines.isEmpty && town == nil && postcode == nil && country == nil { return .answer(nil) }
            guard !lines.isEmpty else { return .invalid(UIText.enterAddressLine.text(language)) }
            lines = Array(lines.prefix(4))
            var object: [String: JSONValue] = ["lines": .array(lines.map { .string($0) })]
            if let town { object["town"] = .string(town) }
            if let postcode { object["postcode"] = .string(postcode.uppercased()) }
            if let country { object["country"] = .string(country) }
            return .answer(.object(object))
        }
    }

    /// An option, with its "please specify" detail when one was typed; nil when a number
    /// detail is not a whole number.
    private func choice(_ value: String, list: ChoiceList?, name: String, fields: FormFields) -> JSONValue? {
        if let option = list?.options.first(where: { $0.id == value }), let specify = option.specify,
           let detail = fields.trimmed("\(name)-\(value)-detail") {
            if specify.number != nil {
                guard let cleaned = Self.withoutThousandsSeparators(detail), let n = Int(cleaned) else { return nil }
                return .object(["value": .string(value), "detail": .integer(n)])
            }
            return .object(["value": .string(value), "detail": .string(detail)])
        }
        return .string(value)
    }

    /// A month typed as a number or a name ("3", "03", "March", "Mawrth", "mar").
    static func month(_ text: String, _ language: String) -> Int? {
        if let n = Int(text) { return n }
        let lower = text.lowercased()
        for lang in ["en", "cy"] {
            let names = UIText.monthNames.text(lang).lowercased().split(separator: " ")
            if let i = names.firstIndex(where: { $0 == lower || (lower.count >= 3 && $0.hasPrefix(lower)) }) { return i + 1 }
        }
        return nil
    }

    // MARK: Showing a question

    /// The view of a question's field for the templates (`field.mustache`), from the question
    /// as the evaluator presents it for this person (label, hints, options offered, …).
    ///
    /// - parameters:
    ///   - answer: the stored answer, shown when there is no post to show back.
    ///   - posted: the fields of a post that had errors, shown back as typed.
    ///   - asHeading: the label is the page's heading (a page with one question).
    func view(_ question: Question, _ presented: PresentedQuestion, name: String, answer: JSONValue?, posted: FormFields?,
              error: String?, asHeading: Bool) -> [String: Any] {
        // Every kind flag the template asks, false but one: swift-mustache looks a name a
        // view lacks up through every enclosing view, a dozen lookups per field.
        var v: [String: Any] = ["id": name, "name": name, "label": presented.label, "asHeading": asHeading,
                                "isInput": false, "isTextarea": false, "isFieldset": false, "isDate": false,
                                "isAddress": false, "isChoice": false]
        var hints = presented.hints.filter { !$0.isEmpty }
        if error != nil { v["error"] = error }
        v["errorPrefix"] = UIText.errorTitlePrefix.text(language)
        if !presented.definitions.isEmpty {
            v["definitions"] = presented.definitions.map { ["title": $0.title, "body": $0.body] }
        }
        func typed(_ suffix: String, _ stored: String?) -> String { posted.map { $0.first(name + suffix) ?? "" } ?? stored ?? "" }

        switch question.type {
        case .text(let maxLength, _, let options):
            v["isInput"] = !presented.multiline
            v["isTextarea"] = presented.multiline
            v["width"] = maxLength <= 12 ? "input--w10" : maxLength <= 40 ? "input--w20" : ""
            v["value"] = typed("", answer?.stringValue)
            if !presented.suggestions.isEmpty {
                v["datalist"] = ["id": name + "-suggestions", "items": presented.suggestions]
            }
            if let none = presented.noneOption, let id = options.noneOption?.id {
                let ticked = posted.map { $0.first(name + "-none") == id } ?? (answer?["option"]?.stringValue == id)
                v["noneOption"] = ["id": name + "-none", "name": name + "-none", "value": id, "label": none.label,
                                   "checked": ticked, "or": UIText.or.text(language)]
            }
        case .integer:
            v["isInput"] = true
            v["width"] = "input--w4"
            v["numeric"] = "numeric"
            v["value"] = typed("", answer?.intValue.map(String.init))
        case .decimal:
            v["isInput"] = true
            v["width"] = "input--w10"
            v["numeric"] = "decimal"
            v["value"] = typed("", answer?.doubleValue.map { String($0) })
        case .date:
            let parts = answer?.stringValue.map { $0.split(separator: "-").map(String.init) } ?? []
            let stored = parts.count == 3 ? [String(Int(parts[2]) ?? 0), String(Int(parts[1]) ?? 0), parts[0]] : [nil, nil, nil]
            v["isFieldset"] = true
            v["isDate"] = true
            v["id"] = name + "-day"
            v["parts"] = [
                ["id": name + "-day", "name": name + "-day", "label": UIText.day.text(language), "width": "input--w2", "value": typed("-day", stored[0])],
                ["id": name + "-month", "name": name + "-month", "label": UIText.month.text(language), "width": "input--w2", "value": typed("-month", stored[1])],
                ["id": name + "-year", "name": name + "-year", "label": UIText.year.text(language), "width": "input--w4", "value": typed("-year", stored[2])],
            ]
        case .monthYear:
            let parts = answer?.stringValue.map { $0.split(separator: "-").map(String.init) } ?? []
            let stored = parts.count == 2 ? [String(Int(parts[1]) ?? 0), parts[0]] : [nil, nil]
            v["isFieldset"] = true
            v["isDate"] = true
            v["id"] = name + "-month"
            v["parts"] = [
                ["id": name + "-month", "name": name + "-month", "label": UIText.month.text(language), "width": "input--w2", "value": typed("-month", stored[0])],
                ["id": name + "-year", "name": name + "-year", "label": UIText.year.text(language), "width": "input--w4", "value": typed("-year", stored[1])],
            ]
        case .oneOf, .anyOf:
            let multiple: Bool
            if case .anyOf = question.type { multiple = true } else { multiple = false }
            var chosen: [String: String] = [:]  // option -> detail
            if let posted {
                for value in posted.all(name) { chosen[value] = posted.first("\(name)-\(value)-detail") ?? "" }
            } else if let answer {
                for item in answer.arrayValue ?? [answer] {
                    if let id = item.stringValue {
                        chosen[id] = ""
                    } else if let id = item["value"]?.stringValue {
                        chosen[id] = item["detail"]?.stringValue ?? item["detail"]?.intValue.map(String.init) ?? ""
                    }
                }
            }
            var options: [OptionView] = []
            options.reserveCapacity(presented.options.count)
            for (k, option) in presented.options.enumerated() {
                var o = OptionView(id: k == 0 ? name : "\(name)-\(option.id)", name: name, value: option.id, label: option.label,
                                   checked: chosen[option.id] != nil, multiple: multiple)
                if let description = option.description, !description.isEmpty {
                    o.description = description
                    o.descriptionID = "\(name)-\(option.id)-description"
                }
                if multiple, option.exclusive, k > 0 { o.divider = UIText.or.text(language) }
                if let prompt = option.detailPrompt {
                    o.specify = SpecifyView(id: "\(name)-\(option.id)-detail", name: "\(name)-\(option.id)-detail", label: prompt,
                                            value: chosen[option.id] ?? "", isNumber: option.detailIsNumber)
                }
                options.append(o)
            }
            v["isFieldset"] = true
            v["isChoice"] = true
            v["multiple"] = multiple
            v["options"] = options
            if multiple, hints.isEmpty { hints = [UIText.selectAllThatApply.text(language)] }
        case .address(let ukOnly):
            let lines = answer?["lines"]?.arrayValue?.compactMap(\.stringValue) ?? []
            var parts: [[String: Any]] = []
            let labels: [UIText] = [.addressLine1, .addressLine2, .addressLine3, .addressLine4]
            for k in 1...4 {
                parts.append(["id": "\(name)-line\(k)", "name": "\(name)-line\(k)", "label": labels[k - 1].text(language),
                              "value": typed("-line\(k)", k <= lines.count ? lines[k - 1] : nil), "autocomplete": "address-line\(min(k, 3))"])
            }
            parts.append(["id": name + "-town", "name": name + "-town", "label": UIText.town.text(language), "width": "input--w20",
                          "value": typed("-town", answer?["town"]?.stringValue), "autocomplete": "address-level2"])
            parts.append(["id": name + "-postcode", "name": name + "-postcode", "label": UIText.postcode.text(language), "width": "input--w10",
                          "value": typed("-postcode", answer?["postcode"]?.stringValue), "autocomplete": "postal-code"])
            if !ukOnly {
                parts.append(["id": name + "-country", "name": name + "-country", "label": UIText.country.text(language), "width": "input--w20",
                              "value": typed("-country", answer?["country"]?.stringValue), "autocomplete": "country-name"])
            }
            v["isFieldset"] = true
            v["isAddress"] = true
            v["id"] = name + "-line1"
            v["parts"] = parts
        }
        // A question the household may decline (religion, sexual orientation, gender identity)
        // says so first, as the 2021 form did.
        if presented.voluntary { hints.insert(UIText.voluntaryQuestion.text(language), at: 0) }
        if !hints.isEmpty { v["hintBlock"] = ["id": name + "-hint", "items": hints] }
        var describedBy: [String] = []
        if !hints.isEmpty { describedBy.append(name + "-hint") }
        if error != nil { describedBy.append(name + "-error") }
        if !describedBy.isEmpty { v["describedBy"] = describedBy.joined(separator: " ") }
        return v
    }

    /// A yes/no question of the service's own (confirm an answer, remove a person, anyone
    /// else?): radios named `name`, `yes` first, with its error.
    func yesNo(name: String, label: String, yes: String, no: String, error: String?, asHeading: Bool) -> [String: Any] {
        var field: [String: Any] = [
            "id": name, "name": name, "label": label, "asHeading": asHeading, "isFieldset": true, "isChoice": true,
            "isInput": false, "isTextarea": false, "isDate": false, "isAddress": false,
            "errorPrefix": UIText.errorTitlePrefix.text(language),
            "options": [
                ["id": name, "name": name, "value": "yes", "label": yes, "checked": false, "group": "radios", "type": "radio",
                 "description": false, "descriptionID": false, "divider": false, "specify": false],
                ["id": name + "-no", "name": name, "value": "no", "label": no, "checked": false, "group": "radios", "type": "radio",
                 "description": false, "descriptionID": false, "divider": false, "specify": false],
            ],
        ]
        if let error {
            field["error"] = error
            field["describedBy"] = name + "-error"
        }
        return field
    }

    /// The id of the first input of a question's field (where an error summary link goes).
    func firstInputID(_ question: Question, name: String) -> String {
        switch question.type {
        case .date: return name + "-day"
        case .monthYear: return name + "-month"
        case .address: return name + "-line1"
        default: return name
        }
    }

    // MARK: Showing an answer

    /// An answer as check-your-answers shows it: option labels, dates in words, an address on
    /// one line.
    func display(_ question: Question, _ answer: JSONValue?, optionLabel: (LocalizedText) -> String) -> String? {
        guard let answer, !answer.isNull else { return nil }
        switch question.type {
        case .text(_, _, let options):
            if let id = answer["option"]?.stringValue, let none = options.noneOption, none.id == id { return optionLabel(none.label) }
            return answer.stringValue
        case .integer: return answer.intValue.map(String.init) ?? answer.stringValue
        case .decimal: return answer.doubleValue.map { String($0) }
        case .date:
            guard let s = answer.stringValue else { return nil }
            let p = s.split(separator: "-").compactMap { Int($0) }
            guard p.count == 3 else { return s }
            return "\(p[2]) \(monthName(p[1])) \(p[0])"
        case .monthYear:
            guard let s = answer.stringValue else { return nil }
            let p = s.split(separator: "-").compactMap { Int($0) }
            guard p.count == 2 else { return s }
            return "\(monthName(p[1])) \(p[0])"
        case .oneOf(let listID), .anyOf(let listID):
            let list = choiceList(listID)
            let items = answer.arrayValue ?? [answer]
            return items.map { item -> String in
                let id = item.stringValue ?? item["value"]?.stringValue ?? ""
                var text = list?.options.first { $0.id == id }.map { optionLabel($0.label) } ?? id
                if let detail = item["detail"]?.stringValue ?? item["detail"]?.intValue.map(String.init), !detail.isEmpty { text += ": " + detail }
                return text
            }.joined(separator: "; ")
        case .address:
            var parts = answer["lines"]?.arrayValue?.compactMap(\.stringValue) ?? []
            for key in ["town", "postcode", "country"] { if let v = answer[key]?.stringValue { parts.append(v) } }
            return parts.joined(separator: ", ")
        }
    }

    private func monthName(_ m: Int) -> String {
        let names = UIText.monthNames.text(language).split(separator: " ")
        return (1...12).contains(m) ? String(names[m - 1]) : String(m)
    }
}
